"""A learner's workspace: the learner edition of every lesson in a folder of their own.

``build(folder)`` writes the learner edition of each lesson (``edition.learner_notebook``)
and remembers, in ``.backprop-lab/workspace.json``, what it wrote. Run again (a new
version of the course, say), it:

- adds a lesson that is new (or that the learner deleted);
- replaces a lesson the learner has not changed, if the course changed it;
- never overwrites a lesson the learner changed: if the course changed it too, the new
  version goes beside it as ``NN_topic (updated).ipynb``, and the report says so.

"Changed" means the cells' text (``edition.content_key``): running a notebook (outputs,
execution counts) is not a change. Progress (``.backprop-lab/progress.jsonl``) is
never touched here.
"""
import hashlib
import json
import os
import tempfile
from pathlib import Path

from backprop_lab import coach, edition, exercises

DEFAULT_NAME = "backprop-lab-course"


class WorkspaceError(ValueError):
    """A folder that cannot hold a workspace; the message names it and says why."""


def _digest(nb):
    return hashlib.sha256(edition.content_key(nb).encode("utf-8")).hexdigest()


def check_folder(folder):
    """The folder as a resolved Path, or WorkspaceError before anything is written."""
    if not isinstance(folder, (str, os.PathLike)):
        raise WorkspaceError(f"DIR must be a folder path, got {type(folder).__name__}")
    path = Path(folder).expanduser().resolve()
    lessons = exercises.lessons_dir().resolve()
    if path == lessons or lessons in path.parents:
        raise WorkspaceError(f"DIR {path} is inside the course's source lessons ({lessons}); "
                             f"choose a folder outside it, e.g. ./{DEFAULT_NAME}")
    if path.exists() and not path.is_dir():
        raise WorkspaceError(f"DIR {path} is a file, not a folder")
    existing = path
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise WorkspaceError(f"DIR {path} cannot be made: {existing} is a file")
    if not _writable(existing):
        raise WorkspaceError(f"DIR {path} is not writable: {existing} does not accept new files")
    return path


def _writable(folder):
    """Whether a file can be made in ``folder`` (tried for real: root ignores permission bits)."""
    if not os.access(folder, os.W_OK | os.X_OK):
        return False
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def build(folder=DEFAULT_NAME, solutions=True):
    """Write or update the learner edition in ``folder``; return the report, one line per lesson changed.

    solutions: False switches checks.solution off in this workspace (for graded work).
    """
    root = check_folder(folder)
    state = root / coach.STATE
    manifest_path = state / coach.MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.is_file() else {}
    written = manifest.get("lessons", {})
    report = []
    root.mkdir(parents=True, exist_ok=True)
    state.mkdir(exist_ok=True)
    for source_path in exercises.lesson_paths():
        name = source_path.name
        fresh = edition.learner_notebook(json.loads(source_path.read_text(encoding="utf-8")))
        digest = _digest(fresh)
        target = root / name
        if not target.exists():
            _write(target, fresh)
            report.append(f"added {name}" if name not in written else f"restored {name} (it was deleted)")
        else:
            mine = _digest(json.loads(target.read_text(encoding="utf-8")))
            unchanged_by_learner = mine == written.get(name)
            if digest == written.get(name) or digest == mine:
                pass                                    # the course did not change it
            elif unchanged_by_learner:
                _write(target, fresh)
                report.append(f"updated {name} (a new version of the lesson)")
            else:
                beside = root / f"{source_path.stem} (updated).ipynb"
                _write(beside, fresh)
                report.append(f"kept your {name}; the lesson changed, its new version is {beside.name}")
        written[name] = digest          # what the learner has now been given of this lesson
    manifest = {"version": 1, "solutions": bool(solutions), "lessons": written}
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return report


def _write(path, nb):
    """Write a notebook atomically: a crash leaves the old file or the new one, never half of one."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(edition.dumps(nb), encoding="utf-8")
    os.replace(tmp, path)
