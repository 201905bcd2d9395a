"""Running stock nbgrader on a scratch course directory, for the grading tests.

The course directory gets instructor/nbgrader_config.py as an instructor copies it; every
command runs with the nbgrader CLI of the Python running pytest, from its venv's bin
(nbgrader runs `alembic` from PATH), without MPLBACKEND (kernels plot as a student's do).
"""
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
RUN_TIMEOUT = 900          # seconds for one nbgrader command; cells are limited by Execute.timeout


def nbgrader_env():
    env = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "NBGRADER_EXECUTION")}
    env["PYTHONUNBUFFERED"] = "1"
    env["PATH"] = str(pathlib.Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


# A kernel that could not bind the port jupyter_client picked for it: between picking a free port
# and the kernel binding it, another process on the machine took it (jupyter_client#487; its
# port cache guards only one process's kernels, and the tests run several nbgrader at once).
# Nothing of the course is wrong then: the same command is run again, at most PORT_RETRIES times.
PORT_RACE = "zmq.error.ZMQError: Address already in use"
PORT_RETRIES = 2


def start(course, *args):
    """Start `nbgrader ARGS` in the course directory; stdout and stderr merged, in order."""
    proc = subprocess.Popen([sys.executable, "-m", "nbgrader", *args], cwd=course, env=nbgrader_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    proc.course = course
    return proc


def wait(proc):
    """The output of a started run, once it has ended (a failed test if it takes too long)."""
    try:
        out, _ = proc.communicate(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        pytest.fail(f"nbgrader {proc.args[3:]} did not finish in {RUN_TIMEOUT} s:\n{out[-3000:]}")
    return out


def finish(proc, check=True):
    """Wait for a started nbgrader run; fail on a non-zero exit (if check). Returns its output.
    A run that failed only because a kernel lost its port to another process is run again."""
    out = wait(proc)
    for _ in range(PORT_RETRIES):
        if proc.returncode == 0 or PORT_RACE not in out:
            break
        proc = start(proc.course, *proc.args[3:])
        out = wait(proc)
    if check:
        assert proc.returncode == 0, f"nbgrader {proc.args[3:]} exited {proc.returncode}:\n{out[-5000:]}"
    return out


def run(course, *args):
    return finish(start(course, *args))


def finish_all(started):
    """{name: output} of started runs; if one fails, the others are stopped rather than left running."""
    try:
        return {name: finish(proc) for name, proc in started.items()}
    finally:
        for proc in started.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def scratch_dir(prefix):
    """A fresh folder in memory where there is one (/dev/shm): nbgrader's SQLite gradebook
    commits after every cell, and each commit waits for the disk."""
    shm = pathlib.Path("/dev/shm")
    return pathlib.Path(tempfile.mkdtemp(prefix=prefix, dir=shm if shm.is_dir() else None))


def new_course(prefix, assignment, lessons):
    """A course directory with the shipped config and ``lessons`` as one assignment, generated."""
    course = scratch_dir(prefix)
    shutil.copy(ROOT / "instructor" / "nbgrader_config.py", course)
    source = course / "source" / assignment
    source.mkdir(parents=True)
    for lesson in lessons:
        shutil.copy(lesson, source)
    run(course, "generate_assignment", assignment, "--force")
    return course


def read(path):
    return nbformat.read(path, as_version=4)


def nbgrader_meta(cell):
    return cell.metadata.get("nbgrader", {})


def graded_cells(nb):
    """{grade_id: points} of the graded cells, in order."""
    return {nbgrader_meta(c)["grade_id"]: nbgrader_meta(c)["points"] for c in nb.cells if nbgrader_meta(c).get("grade")}


def solution_ids(nb):
    return [nbgrader_meta(c)["grade_id"] for c in nb.cells if nbgrader_meta(c).get("solution")]


def graded_cells_of(solution_id, graded):
    """The graded cells of an exercise, by the lessons' naming: `foo` -> `foo_tests`, `foo_tests_*`."""
    return [g for g in graded if g == f"{solution_id}_tests" or g.startswith(f"{solution_id}_tests_")]


def points_of(nb, solution_id):
    graded = graded_cells(nb)
    return float(sum(graded[g] for g in graded_cells_of(solution_id, graded)))


def without_markers(source):
    """An answer as a learner would write it: the solution's lines without nbgrader's markers."""
    return "\n".join(line for line in source.splitlines()
                     if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))


def answer_cell(nb, solution_id):
    return next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == solution_id)


def with_answers(release, source, answers):
    """The release with answers put in: {solution id: code, or None for the source's own answer}."""
    nb = nbformat.from_dict(nbformat.reads(nbformat.writes(release), as_version=4))
    for solution_id, code in answers.items():
        cell = answer_cell(nb, solution_id)
        cell.source = without_markers(answer_cell(source, solution_id).source) if code is None else code
    return nb


def gradebook_scores(db_url, assignment, student, notebooks):
    """{notebook stem: {grade_id: (score, max_score)}} from a gradebook, with nbgrader's API."""
    from nbgrader.api import Gradebook
    with Gradebook(db_url, "backprop-lab") as gb:
        return {stem: {g.name: (g.score, g.max_score)
                       for g in gb.find_submission_notebook(stem, assignment, student).grades}
                for stem in notebooks}
