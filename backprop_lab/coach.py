"""The learner's help desk behind ``backprop.checks``: outcomes recorded, hints, solutions, progress.

Every check of a known exercise reports here (``record``). In a learner's workspace
(a folder made by ``backprop-lab workspace``, found from the kernel's working folder
upwards) each outcome is appended, with the time, to ``.backprop-lab/progress.jsonl``,
so progress and the right to a solution survive a kernel restart. Nothing is recorded
while nbgrader grades (``backprop.checks`` does not call ``record`` then).

Help comes in steps: a hint after a first attempt that does not pass, the next hint on
the next request, and the model solution only on an explicit request after a real
attempt (anything but the stub), never while nbgrader grades, and not where solutions
are switched off (BACKPROP_LAB_SOLUTIONS=off, or ``workspace --no-solutions``).
"""
import datetime
import json
import os
from pathlib import Path

from backprop_lab import exercises

STATE = ".backprop-lab"
MANIFEST = "workspace.json"
PROGRESS = "progress.jsonl"
OFF = ("off", "0", "no", "false")

# this kernel's attempts: {exercise: {"failed": n, "real": n, "hints": shown, "passed": last outcome}}
_session = {}


# --------------------------------------------------------------------------
# Where the workspace is
# --------------------------------------------------------------------------

def find_workspace(start=None):
    """The workspace folder holding ``start`` (default: the working folder), or None."""
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / STATE / MANIFEST).is_file():
            return folder
    return None


def read_manifest(workspace):
    return json.loads((Path(workspace) / STATE / MANIFEST).read_text(encoding="utf-8"))


def read_records(workspace):
    """The outcomes recorded in a workspace, oldest first: [{"exercise", "passed", "attempted", "time"}]."""
    path = Path(workspace) / STATE / PROGRESS
    if not path.is_file():
        return []
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except ValueError:          # a line cut short by a crash: skip it, keep the rest
            continue
        if isinstance(record, dict) and isinstance(record.get("exercise"), str):
            records.append(record)
    return records


# --------------------------------------------------------------------------
# Recording
# --------------------------------------------------------------------------

def record(name, passed, attempted):
    """Note one check's outcome; return the help to offer after a failure ("" if none).

    attempted: False when the learner's function was still the stub.
    """
    if name not in exercises.index():
        return ""
    state = _session.setdefault(name, {"failed": 0, "real": 0, "hints": 0})
    state["failed"] += not passed
    state["real"] += attempted
    state["passed"] = bool(passed)
    workspace = find_workspace()
    if workspace is not None:
        line = {"exercise": name, "passed": bool(passed), "attempted": bool(attempted),
                "time": datetime.datetime.now().astimezone().isoformat(timespec="seconds")}
        path = Path(workspace) / STATE / PROGRESS
        # after a line cut short by a crash, start a new line: glued to it, this record would be lost too
        start = "\n" if _ends_mid_line(path) else ""
        with open(path, "a", encoding="utf-8") as out:
            out.write(start + json.dumps(line) + "\n")
    return "" if passed else _offer(name)


def _ends_mid_line(path):
    """Whether the file at ``path`` exists, is not empty and does not end with a newline."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            if f.tell() == 0:
                return False
            f.seek(-1, os.SEEK_END)
            return f.read(1) != b"\n"
    except FileNotFoundError:
        return False


def _history(name):
    """(failed attempts, real attempts) at ``name``, this kernel's and the workspace's."""
    state = _session.get(name, {"failed": 0, "real": 0})
    failed, real = state["failed"], state["real"]
    workspace = find_workspace()
    if workspace is not None:
        mine = [r for r in read_records(workspace) if r["exercise"] == name]
        failed = max(failed, sum(not r.get("passed") for r in mine))
        real = max(real, sum(bool(r.get("attempted")) for r in mine))
    return failed, real


def _offer(name):
    """One line of help after a failed check: the next hint, or the solution once hints are used up."""
    exercise = exercises.index()[name]
    shown = _session.get(name, {}).get("hints", 0)
    if shown < len(exercise.hints):
        return f'Stuck? checks.hint("{name}") gives a hint.'
    if solutions_allowed()[0] and _history(name)[1] > 0:
        return f'Still stuck? checks.solution("{name}") shows a model solution.'
    return ""


# --------------------------------------------------------------------------
# Hints and solutions
# --------------------------------------------------------------------------

def hint(name):
    """Print the next hint for ``name``, once an attempt at it has failed."""
    exercise = exercises.get(name)
    failed, real = _history(name)
    if failed == 0:
        print(f"Try {name} first: run its check cell. A hint comes after an attempt that does not pass yet.")
        return
    state = _session.setdefault(name, {"failed": 0, "real": 0, "hints": 0})
    if not exercise.hints:
        print(f"{name} has no hint; reread the lesson's explanation above the exercise.")
        return
    k = min(state["hints"], len(exercise.hints) - 1)
    state["hints"] = k + 1
    print(f"Hint {k + 1} of {len(exercise.hints)} for {name}: {exercise.hints[k]}")
    if k + 1 == len(exercise.hints) and solutions_allowed()[0] and real > 0:
        print(f'If you are still stuck after trying it: checks.solution("{name}").')


def solutions_allowed():
    """(allowed, why not): False while nbgrader grades or where solutions are switched off."""
    if os.environ.get("NBGRADER_EXECUTION"):
        return False, "Solutions are not shown while nbgrader grades this notebook."
    if os.environ.get("BACKPROP_LAB_SOLUTIONS", "").strip().lower() in OFF:
        return False, ("Solutions are switched off for this course (BACKPROP_LAB_SOLUTIONS=off): "
                       "the hints are still there, and your instructor can help.")
    workspace = find_workspace()
    if workspace is not None and read_manifest(workspace).get("solutions") is False:
        return False, ("Solutions are switched off in this workspace (made with --no-solutions): "
                       "the hints are still there.")
    return True, ""


def solution(name):
    """Print ``name``'s model solution, after a real attempt, where solutions are allowed."""
    exercise = exercises.get(name)
    allowed, why = solutions_allowed()
    if not allowed:
        print(why)
        return
    if _history(name)[1] == 0:
        print(f"Write your own {name} first (anything but the stub) and run its check: the model "
              f"solution is here for comparing after a real attempt. Try checks.hint(\"{name}\").")
        return
    print(f"A model solution for {name} ({exercise.title}); yours may differ and still be right:\n")
    print(exercise.solution)


# --------------------------------------------------------------------------
# Progress
# --------------------------------------------------------------------------

def latest_outcomes(records):
    """{exercise: True (passes), False (a real attempt does not pass yet)} from the records.

    The latest outcome of each exercise wins; a check that only met the stub (Run All
    over an untouched exercise) is not an attempt, so the exercise stays "not tried".
    """
    outcome = {}
    for r in records:
        if r.get("passed"):
            outcome[r["exercise"]] = True
        elif r.get("attempted"):
            outcome[r["exercise"]] = False
        elif outcome.get(r["exercise"]) is True:
            outcome[r["exercise"]] = False   # it passed once, and now its stub is back
    return outcome


def report(outcome, where):
    """The progress table as text: per lesson, points earned and each exercise's mark.

    outcome: {exercise: passed}; where: what to name in the first line.
    Marks: ✓ passes, ✗ tried and not passing yet, · not tried.
    """
    table = exercises.index()
    lessons = {}
    for exercise in table.values():
        lessons.setdefault((exercise.lesson, exercise.title), []).append(exercise)
    passing = [e for e in table.values() if outcome.get(e.name)]
    earned, total = sum(e.points for e in passing), sum(e.points for e in table.values())
    lines = [f"Progress {where}: {len(passing)} of {len(table)} exercises pass, "
             f"{earned:g} of {total:g} points"]
    for (lesson, title), items in lessons.items():
        got = sum(e.points for e in items if outcome.get(e.name))
        marks = "  ".join(f"{_mark(outcome.get(e.name))} {e.name} ({e.points:g})" for e in items)
        lines.append(f"{title:<58} {got:g}/{sum(e.points for e in items):g}  {marks}")
    lines.append("✓ passes   ✗ tried, not passing yet   · not tried")
    return "\n".join(lines)


def _mark(passed):
    return "·" if passed is None else ("✓" if passed else "✗")


def progress():
    """Print the progress of this workspace (or of this kernel, outside a workspace)."""
    workspace = find_workspace()
    if workspace is not None:
        print(report(latest_outcomes(read_records(workspace)), f"in {workspace}"))
        return
    session = {name: state["passed"] for name, state in _session.items()
               if state.get("passed") or state.get("real")}
    print(report(session, "in this notebook (not in a workspace: nothing is saved)"))
