"""Every exercise of the course, read from the lessons: the single source of points, hints
and model solutions.

An exercise ``foo`` is an answer cell (nbgrader ``solution``, grade_id ``foo``) whose
metadata ``backprop.hints`` holds one or two hints in words, and the graded cells
``foo_tests`` and ``foo_tests_*`` that score it. Exercise names are unique across the
course, so ``checks.hint("foo")`` needs no lesson number.

The lessons ship inside the package (``backprop_lab/lessons`` in a wheel); in a
checkout they are the repository's ``lessons/`` folder.
"""
import functools
import json
from dataclasses import dataclass
from pathlib import Path

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


@dataclass(frozen=True)
class Exercise:
    """One exercise: its name, lesson (file stem, e.g. "09_optimizers"), the lesson's title,
    its points (all its graded cells), hints (1-2 sentences) and model solution (code)."""
    name: str
    lesson: str
    title: str
    points: float
    hints: tuple
    solution: str


def lessons_dir():
    """The folder of the instructor's source lessons: inside the installed package, or the checkout's."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "lessons", here.parent / "lessons"):
        if any(candidate.glob("[0-9][0-9]_*.ipynb")):
            return candidate
    raise FileNotFoundError(f"the course's lessons are missing: looked in {here / 'lessons'} "
                            f"and {here.parent / 'lessons'}")


def lesson_paths():
    """The source lessons in order: [.../01_welcome.ipynb, ...]."""
    return sorted(lessons_dir().glob("[0-9][0-9]_*.ipynb"))


def source_text(cell):
    """A cell's source as one string (notebook JSON keeps it as a list of lines or a string)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def lesson_title(nb):
    """The text of the lesson's first heading: "9. Optimizers"."""
    first = source_text(nb["cells"][0]).strip().splitlines()[0]
    return first.lstrip("#").strip()


def without_markers(source):
    """An answer cell's code without nbgrader's solution markers: the model solution."""
    return "\n".join(line for line in source.splitlines() if line.strip() not in SOLUTION_MARKERS)


def graded_points(nb, name):
    """Points of exercise ``name``'s graded cells (``name_tests`` and ``name_tests_*``)."""
    total = 0.0
    for cell in nb["cells"]:
        meta = nbgrader_meta(cell)
        gid = meta.get("grade_id", "")
        if meta.get("grade") and (gid == f"{name}_tests" or gid.startswith(f"{name}_tests_")):
            total += float(meta.get("points", 0))
    return total


def exercises_of(nb, lesson):
    """[Exercise] of one lesson notebook (parsed JSON), in order."""
    title = lesson_title(nb)
    found = []
    for cell in nb["cells"]:
        meta = nbgrader_meta(cell)
        if not meta.get("solution"):
            continue
        name = meta["grade_id"]
        hints = tuple(cell.get("metadata", {}).get("backprop", {}).get("hints", ()))
        found.append(Exercise(name, lesson, title, graded_points(nb, name), hints,
                              without_markers(source_text(cell))))
    return found


@functools.lru_cache(maxsize=None)
def index():
    """{name: Exercise} of the whole course, in lesson order."""
    table = {}
    for path in lesson_paths():
        nb = json.loads(path.read_text(encoding="utf-8"))
        for exercise in exercises_of(nb, path.stem):
            if exercise.name in table:
                raise ValueError(f"exercise name {exercise.name!r} is used twice: in "
                                 f"{table[exercise.name].lesson} and {path.stem}")
            table[exercise.name] = exercise
    return table


def get(name):
    """The Exercise called ``name``; a ValueError naming the closest names if there is none."""
    table = index()
    if name in table:
        return table[name]
    import difflib
    close = difflib.get_close_matches(name, table, n=3)
    also = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
    raise ValueError(f"no exercise is called {name!r}{also}")
