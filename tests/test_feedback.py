"""Every exercise answers the wrong answers learners really write, in words that fit the mistake.

The catalogue is tests/wrong_answers/lesson_NN.py: for each exercise, the plausible
wrong answers (a sum for a mean, Adam without bias correction, rows and columns
swapped...) and a phrase its check must say. tests/feedback_trials.py runs them in
the lesson. Each wrong answer must be refused with its phrase; and across the course
at least 80% of them must get a diagnosis more specific than "wrong values: largest
error at index ...".
"""
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted((ROOT / "tests" / "wrong_answers").glob("lesson_*.py"))
GENERIC = ("wrong values: largest error", "wrong value: got", "values are wrong, the first at")


def lesson_of(catalogue):
    number = catalogue.stem.split("_")[1]
    return next((ROOT / "lessons").glob(f"{number}_*.ipynb"))


def exercises_of(lesson):
    nb = nbformat.read(lesson, as_version=4)
    return [cell.metadata["nbgrader"]["grade_id"] for cell in nb.cells
            if cell.metadata.get("nbgrader", {}).get("solution")]


def run_trials(catalogue, folder):
    out = folder / f"{catalogue.stem}.json"
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "feedback_trials.py"), str(lesson_of(catalogue)),
                           str(catalogue), str(out)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(out.read_text())


@pytest.fixture(scope="module")
def trials(tmp_path_factory):
    """{catalogue stem: [trial results]}, two lessons at a time (this machine has 2 cores)."""
    folder = tmp_path_factory.mktemp("feedback")
    with ThreadPoolExecutor(max_workers=2) as pool:
        found = dict(zip([c.stem for c in CATALOGUES], pool.map(lambda c: run_trials(c, folder), CATALOGUES)))
    return found


def test_every_lesson_with_exercises_has_a_catalogue():
    with_exercises = {lesson.name[:2] for lesson in (ROOT / "lessons").glob("[0-9][0-9]_*.ipynb")
                      if exercises_of(lesson)}
    assert with_exercises == {c.stem.split("_")[1] for c in CATALOGUES}


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda c: c.stem)
def test_every_exercise_has_at_least_four_wrong_answers(catalogue):
    import runpy
    entries = runpy.run_path(str(catalogue))["WRONG_ANSWERS"]
    counts = {name: sum(1 for entry in entries if entry[0] == name) for name in exercises_of(lesson_of(catalogue))}
    assert all(n >= 4 for n in counts.values()), counts


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda c: c.stem)
def test_each_wrong_answer_is_refused_with_its_diagnosis(trials, catalogue):
    import runpy
    entries = runpy.run_path(str(catalogue))["WRONG_ANSWERS"]
    problems = []
    for (exercise, mistake, _, phrase), result in zip(entries, trials[catalogue.stem]):
        if result["error"]:
            problems.append(f"{exercise} / {mistake}: {result['error']}")
        elif result["message"] is None:
            problems.append(f"{exercise} / {mistake}: passed every check")
        elif phrase.lower() not in result["message"].lower():
            problems.append(f"{exercise} / {mistake}: said {result['message']!r}, not {phrase!r}")
    assert not problems, "\n".join(problems)


def test_at_least_80_percent_of_wrong_answers_get_a_specific_diagnosis(trials):
    messages = [r["message"] or "" for results in trials.values() for r in results]
    generic = [m for m in messages if any(g in m for g in GENERIC)]
    share = 1 - len(generic) / len(messages)
    print(f"{len(messages)} wrong answers, {share:.0%} with a specific diagnosis")
    assert len(messages) >= 100 and share >= 0.8, "\n".join(generic)
