"""The instructor path, for real: stock nbgrader commands on the lessons, as INSTRUCTORS.md
tells an instructor to run them.

A temporary course directory gets instructor/nbgrader_config.py and every lesson as a
notebook of ONE assignment (source/backprop_lab/NN_topic.ipynb; one assignment instead of
seventeen saves sixteen nbgrader start-ups, and the commands are the same). Then, with
the nbgrader CLI of the Python running pytest:

- `nbgrader generate_assignment`: the release has no solution and no hidden test left,
  every answer region holds the stub, every graded cell keeps its points;
- `nbgrader validate`: each source notebook passes; each blank released notebook fails
  on every graded cell with a visible check (hidden-only cells are empty there);
- `nbgrader autograde` of four students: "solved" (the source: full marks), "blank"
  (the release as handed out: zero on every exercise, the run finishes and no cell hits
  the timeout), "one_undone" (every answer right but one, the second exercise's, left as
  handed out: full marks minus exactly that exercise's points, so no graded cell leans on
  another) and "env_trick" (blank answers after `os.environ.pop("NBGRADER_EXECUTION")`,
  which once turned every failed check into a pass: zero). Which graded cells belong to an
  exercise follows the lessons' naming: answer cell `foo`, its graded cells `foo_tests`
  and `foo_tests_*`. Scores are read per graded cell from the gradebook with nbgrader's
  Gradebook API;
- every ungraded cell (explanations, widgets, demos) runs without error under the
  autograder, also in the blank submission;
- `nbgrader generate_feedback` writes one HTML report per notebook with the scores.

The six executing runs (two validates, four autogrades) are independent, so they run
at the same time, each autograde with its own copy of the gradebook (SQLite does not
like concurrent writers); that halves the wall time on two cores.
"""
import pathlib
import re
import shutil
import time

import nbformat
import pytest

from nbgrader_course import (ROOT, finish_all, graded_cells, graded_cells_of, nbgrader_meta, read, run, scratch_dir,
                             solution_ids, start, without_markers)

LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
IDS = [p.stem for p in LESSONS]
ASSIGNMENT = "backprop_lab"
STUDENTS = ("solved", "blank", "one_undone", "env_trick")
ENV_TRICK = 'import os\nos.environ.pop("NBGRADER_EXECUTION", None)\n'
STUB = "raise NotImplementedError()"


def undone_exercise(nb):
    """The exercise the "one_undone" student leaves as handed out: the second (the first if alone)."""
    ids = solution_ids(nb)
    return ids[1] if len(ids) > 1 else ids[0]


def one_undone(source_nb, release_nb):
    """The release with every answer put back from the source but one."""
    skip = undone_exercise(source_nb)
    answers = {nbgrader_meta(c)["grade_id"]: c.source for c in source_nb.cells if nbgrader_meta(c).get("solution")}
    for cell in release_nb.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id in answers and grade_id != skip:
            cell.source = without_markers(answers[grade_id])
    return release_nb


def env_trick(release_nb):
    """The release as handed out, its first answer cell first removing NBGRADER_EXECUTION."""
    first = next(c for c in release_nb.cells if nbgrader_meta(c).get("solution"))
    first.source = ENV_TRICK + first.source
    return release_nb




# --------------------------------------------------------------------------
# The course directory and the runs
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def course():
    """A course directory with every lesson in one assignment, after `nbgrader generate_assignment`."""
    course = scratch_dir("backprop-course-")
    shutil.copy(ROOT / "instructor" / "nbgrader_config.py", course)
    source = course / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    for lesson in LESSONS:
        shutil.copy(lesson, source)
    t = time.perf_counter()
    run(course, "generate_assignment", ASSIGNMENT, "--force")
    print(f"\ngenerate_assignment: {time.perf_counter() - t:.1f} s")
    yield course
    shutil.rmtree(course, ignore_errors=True)


def submit(course):
    """Hand in the students' notebooks (as `nbgrader collect` would lay them out)."""
    release = course / "release" / ASSIGNMENT
    for student in STUDENTS:
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        for lesson in LESSONS:
            if student == "solved":
                nb = read(lesson)
            elif student == "blank":
                nb = read(release / lesson.name)
            elif student == "env_trick":
                nb = env_trick(read(release / lesson.name))
            else:
                nb = one_undone(read(lesson), read(release / lesson.name))
            nbformat.write(nb, folder / lesson.name)


def student_db(course, student):
    """The URL of one student's copy of the gradebook."""
    return f"sqlite:///{course / f'gradebook-{student}.db'}"


@pytest.fixture(scope="module")
def runs(course):
    """Validate the source and the release, and autograde the students, all at once.

    Returns {"validate source": output, "validate release": output, "autograde <student>": output}.
    """
    submit(course)
    names = [lesson.name for lesson in LESSONS]
    started = {
        "validate source": start(course, "validate", *[f"source/{ASSIGNMENT}/{n}" for n in names]),
        "validate release": start(course, "validate", *[f"release/{ASSIGNMENT}/{n}" for n in names]),
    }
    for student in STUDENTS:
        shutil.copy(course / "gradebook.db", course / f"gradebook-{student}.db")
        started[f"autograde {student}"] = start(course, "autograde", ASSIGNMENT, "--student", student, "--create",
                                                "--force", f"--CourseDirectory.db_url={student_db(course, student)}")
    t = time.perf_counter()
    outputs = finish_all(started)
    print(f"\nvalidate x2 + autograde x{len(STUDENTS)}, concurrently: {time.perf_counter() - t:.1f} s")
    return outputs


def validation_reports(output):
    """{notebook file name: what `nbgrader validate` printed for it}."""
    parts = re.split(r"\[ValidateApp \| INFO\] Validating '([^']+)'", output)
    return {pathlib.Path(parts[i]).name: parts[i + 1] for i in range(1, len(parts), 2)}


@pytest.fixture(scope="module")
def scores(course, runs):
    """{student: {lesson stem: {grade_id: (score, max_score)}}}, read from each student's gradebook."""
    from nbgrader.api import Gradebook
    found = {}
    for student in STUDENTS:
        with Gradebook(student_db(course, student), "backprop-lab") as gb:
            found[student] = {lesson.stem: {g.name: (g.score, g.max_score) for g in
                                            gb.find_submission_notebook(lesson.stem, ASSIGNMENT, student).grades}
                              for lesson in LESSONS}
    return found


def errors_outside_exercises(nb):
    """grade ids or sources of ungraded, non-answer code cells that have an error output."""
    bad = []
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if cell.cell_type != "code" or meta.get("grade") or meta.get("solution"):
            continue
        for out in cell.outputs:
            if out.output_type == "error":
                bad.append(f"{cell.source[:120]!r}: {out.ename}: {out.evalue}")
    return bad


# --------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------

@pytest.mark.parametrize("lesson", LESSONS, ids=IDS)
def test_release_has_no_solutions_and_no_hidden_tests(course, lesson):
    source, release = read(lesson), read(course / "release" / ASSIGNMENT / lesson.name)
    text = "\n".join(c.source for c in release.cells)
    for marker in ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"):
        assert marker not in text, f"{marker} left in the release"
    assert graded_cells(release) == graded_cells(source), "graded cells and their points are kept"
    answers = {nbgrader_meta(c)["grade_id"]: c.source for c in source.cells if nbgrader_meta(c).get("solution")}
    for cell in release.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id in answers and cell.cell_type == "code":
            assert STUB in cell.source, f"{grade_id}: no stub"
            solution = answers[grade_id].split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0].strip()
            assert solution not in cell.source, f"{grade_id}: the solution is still there"
        if nbgrader_meta(cell).get("grade"):
            visible = next(c.source for c in source.cells if nbgrader_meta(c).get("grade_id") == grade_id)
            assert cell.source.strip() == visible.split("### BEGIN HIDDEN TESTS")[0].strip(), \
                f"{grade_id}: the visible tests are handed out unchanged"


@pytest.mark.parametrize("lesson", LESSONS, ids=IDS)
def test_validate_passes_the_source(runs, lesson):
    report = validation_reports(runs["validate source"])[lesson.name]
    assert "Success! Your notebook passes all the tests." in report, report[-3000:]


@pytest.mark.parametrize("lesson", LESSONS, ids=IDS)
def test_validate_fails_the_blank_release_on_every_visible_check(course, runs, lesson):
    report = validation_reports(runs["validate release"])[lesson.name]
    release = read(course / "release" / ASSIGNMENT / lesson.name)
    # graded cells that hold only hidden tests are empty in the release, and so pass
    n = sum(1 for c in release.cells if nbgrader_meta(c).get("grade") and "checks." in c.source)
    assert n >= len(solution_ids(release))
    assert f"VALIDATION FAILED ON {n} CELL(S)!" in report, report[-3000:]


@pytest.mark.parametrize("lesson", LESSONS, ids=IDS)
def test_graded_cells_follow_the_naming(lesson):
    nb = read(lesson)
    graded, solutions = graded_cells(nb), solution_ids(nb)
    owned = [g for s in solutions for g in graded_cells_of(s, graded)]
    assert sorted(owned) == sorted(graded), f"graded cells not named <answer id>_tests: {set(graded) - set(owned)}"


@pytest.mark.parametrize("lesson", LESSONS, ids=IDS)
def test_autograde_gives_the_solution_full_marks(scores, lesson):
    got = scores["solved"][lesson.stem]
    assert got and all(score == top for score, top in got.values()), got


@pytest.mark.parametrize("lesson", LESSONS, ids=IDS)
def test_autograde_gives_the_blank_release_zero(scores, lesson):
    got = scores["blank"][lesson.stem]
    assert set(got) == set(graded_cells(read(lesson)))
    assert all(score == 0 for score, _ in got.values()), got


@pytest.mark.parametrize("lesson", LESSONS, ids=IDS)
def test_autograde_takes_only_the_undone_exercises_points(scores, lesson):
    source = read(lesson)
    graded = graded_cells(source)
    lost = set(graded_cells_of(undone_exercise(source), graded))
    assert lost, "the undone exercise has graded cells"
    expected = {g: (0.0 if g in lost else float(p)) for g, p in graded.items()}
    got = {g: score for g, (score, _) in scores["one_undone"][lesson.stem].items()}
    assert got == expected


@pytest.mark.parametrize("lesson", LESSONS, ids=IDS)
def test_removing_nbgrader_execution_from_the_environment_earns_nothing(scores, lesson):
    got = scores["env_trick"][lesson.stem]
    assert set(got) == set(graded_cells(read(lesson)))
    assert all(score == 0 for score, _ in got.values()), got


@pytest.mark.parametrize("student", STUDENTS)
def test_autograded_runs_finish_without_timeouts_or_stray_errors(course, runs, student):
    """Widget cells, demos and the later cells that use the library's fallback run clean
    under the autograder, whatever the student handed in; no cell ran into Execute.timeout."""
    problems = {}
    for lesson in LESSONS:
        nb = read(course / "autograded" / student / ASSIGNMENT / lesson.name)
        bad = errors_outside_exercises(nb)
        bad += ["CellTimeoutError"] if "CellTimeoutError" in nbformat.writes(nb) else []
        if bad:
            problems[lesson.name] = bad
    assert not problems, problems


def test_generate_feedback_reports_the_scores(course, runs):
    run(course, "generate_feedback", ASSIGNMENT, "--student", "one_undone", "--force",
        f"--CourseDirectory.db_url={student_db(course, 'one_undone')}")
    for lesson in LESSONS:
        html = (course / "feedback" / "one_undone" / ASSIGNMENT / f"{lesson.stem}.html").read_text()
        source = read(lesson)
        graded = graded_cells(source)
        lost = sum(graded[g] for g in graded_cells_of(undone_exercise(source), graded))
        total = sum(graded.values())
        first = re.search(r"Score: ([0-9.]+) / ([0-9.]+)", html)     # the notebook's total comes first
        assert first and first.groups() == (str(float(total - lost)), str(float(total))), lesson.name
        assert "BEGIN HIDDEN TESTS" not in html and "not implemented yet" in html, lesson.name
