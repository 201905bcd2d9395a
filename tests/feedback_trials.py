"""Try a lesson's exercises with the wrong answers learners write, and collect what the checks say.

    python tests/feedback_trials.py lessons/09_optimizers.ipynb tests/wrong_answers/lesson_09.py OUT.json

Runs the lesson's source (the instructor's, solutions in place) top to bottom in one
IPython shell, then for each wrong answer of the catalogue: the exercise's setup cell,
the wrong answer, its visible and hidden check cells; the first failure's message is
recorded (None if every check passed), and the lesson's own answer is run again so the
next trial starts from a correct state. Writes a JSON list of
{"exercise", "mistake", "message", "error"} to OUT.json; ``error`` names an exception that
was not a failed check (a bug in the trial or the lesson). Used by tests/test_feedback.py.
"""
import contextlib
import io
import json
import os
import runpy
import sys
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")


def grade_cells(nb):
    """{grade_id: source} of the lesson's nbgrader cells."""
    return {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in nb.cells
            if cell.metadata.get("nbgrader", {}).get("grade_id")}


def run(shell, source):
    """Run a cell; return the exception it raised in execution (or None), output swallowed.

    ``%matplotlib`` lines are left out: a shell without a front end has no GUI to enable,
    and the trials draw with Agg anyway.
    """
    source = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("%matplotlib"))
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        result = shell.run_cell(source, silent=True)
    if result.error_before_exec is not None:
        return result.error_before_exec
    return result.error_in_exec


def trial(shell, cells, exercise, wrong):
    """The first failure's message when ``wrong`` replaces the answer of ``exercise``."""
    for part in ("_setup", ""):
        if exercise + part not in cells:
            return {"message": None, "error": f"the lesson has no cell {exercise + part}"}
    error = run(shell, cells[exercise + "_setup"]) or run(shell, wrong)
    if error is not None:
        return {"message": None, "error": f"the wrong answer itself failed: {error!r}"}
    found = {"message": None, "error": None}
    for part in ("_tests", "_tests_hidden"):
        error = run(shell, cells.get(exercise + part, ""))
        if error is None:
            continue
        if type(error).__name__ == "CheckFailed":
            found["message"] = error.message
        else:
            found["error"] = f"{type(error).__name__}: {error}"
        break
    restore = run(shell, cells[exercise])
    if restore is not None:
        found["error"] = f"the lesson's own answer failed when run again: {restore!r}"
    return found


def main(lesson, catalogue, out):
    import nbformat
    from IPython.core.interactiveshell import InteractiveShell

    nb = nbformat.read(lesson, as_version=4)
    wrong_answers = runpy.run_path(catalogue)["WRONG_ANSWERS"]
    os.chdir(Path(lesson).resolve().parent)          # where the lesson runs in JupyterLab
    shell = InteractiveShell.instance()
    for cell in nb.cells:
        if cell.cell_type == "code":
            error = run(shell, cell.source)
            tags = cell.metadata.get("tags", [])
            if error is not None and "raises-exception" not in tags:
                sys.exit(f"{lesson}: a cell failed before any trial: {error!r}\n{cell.source[:300]}")
    cells = grade_cells(nb)
    results = []
    for exercise, mistake, wrong, _ in wrong_answers:
        results.append({"exercise": exercise, "mistake": mistake, **trial(shell, cells, exercise, wrong)})
    Path(out).write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:4])
