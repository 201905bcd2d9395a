"""Check one lesson as the grader will see it, without nbgrader: for lesson authors.

    .venv/bin/python scripts/lesson_check.py lessons/09_optimizers.ipynb [--quick]

1. structure: unique exercise names, 1-2 hints per exercise, graded cells tagged
   ``raises-exception``, the tampering scan finds nothing in the lesson's own cells;
2. the source runs top to bottom without an error;
3. the learner edition runs to the end (errors only in ``raises-exception`` cells);
4. as autograde scores it (locked cells as in the source, hidden tests in place,
   NBGRADER_EXECUTION=autograde): blank scores 0, and for each exercise, a submission
   with only that exercise undone scores the total minus that exercise's points.
   --quick skips step 4.
Scores follow nbgrader's rule: a graded code cell with an error or stderr output scores 0.
The real nbgrader path is tests/test_instructor.py and tests/test_grading.py.
"""
import copy
import json
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backprop_lab import edition, exercises, tampering  # noqa: E402


def run(nb, path, graded=False):
    nb = nbformat.reads(edition.dumps(nb), as_version=4)
    env_before = os.environ.get("NBGRADER_EXECUTION")
    if graded:
        os.environ["NBGRADER_EXECUTION"] = "autograde"
    try:
        NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        if env_before is None:
            os.environ.pop("NBGRADER_EXECUTION", None)
        else:
            os.environ["NBGRADER_EXECUTION"] = env_before
    return nb


def score(nb):
    """{grade_id: points earned} of the graded cells, by nbgrader's rule."""
    earned = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and cell.cell_type == "code":
            bad = any(o.output_type == "error" or (o.output_type == "stream" and o.name == "stderr")
                      for o in cell.outputs)
            earned[meta["grade_id"]] = 0.0 if bad else float(meta["points"])
    return earned


def errors(nb):
    out = []
    for k, cell in enumerate(nb.cells):
        for o in cell.get("outputs", []):
            if o.output_type == "error":
                out.append(f"cell {k} ({cell.metadata.get('nbgrader', {}).get('grade_id', '')}): "
                           f"{o.ename}: {o.evalue[:300]}")
    return out


def main(path, quick=False):
    path = Path(path).resolve()
    source = json.loads(path.read_text())
    problems = []
    found = exercises.exercises_of(source, path.stem)
    names = [e.name for e in found]
    others = {e.name for p in exercises.lesson_paths() if p.stem != path.stem
              for e in exercises.exercises_of(json.loads(p.read_text()), p.stem)}
    for e in found:
        if e.name in others:
            problems.append(f"exercise name {e.name} is used by another lesson too")
        if not 1 <= len(e.hints) <= 2:
            problems.append(f"{e.name}: {len(e.hints)} hints (want 1 or 2, in metadata backprop.hints)")
        if e.points <= 0:
            problems.append(f"{e.name}: no graded cell {e.name}_tests*")
    for cell in source["cells"]:
        meta = exercises.nbgrader_meta(cell)
        if meta.get("grade") and "raises-exception" not in cell.get("metadata", {}).get("tags", []):
            problems.append(f"graded cell {meta['grade_id']} lacks the raises-exception tag")
    scan = tampering.scan_notebook(source["cells"], lambda c: not exercises.nbgrader_meta(c).get("locked"))
    for k, findings in scan.items():
        problems += [f"tampering scan flags the lesson's own cell {k}: {f}" for f in findings]
    print(f"{path.name}: exercises {names}")
    t = time.time()
    run(source, path)
    print(f"source runs: {time.time() - t:.1f} s")
    learner = run(edition.learner_notebook(source), path)
    for k, cell in enumerate(learner.cells):
        for o in cell.get("outputs", []):
            if o.output_type == "error" and "raises-exception" not in cell.metadata.get("tags", []):
                problems.append(f"learner edition: error in untagged cell {k}: {o.ename}: {o.evalue[:200]}")
    print("learner edition ran to the end")
    if not quick:
        full = score(run(source, path, graded=True))
        total = sum(full.values())
        if total != sum(float(exercises.nbgrader_meta(c)["points"]) for c in source["cells"]
                        if exercises.nbgrader_meta(c).get("grade")):
            problems.append(f"the solved source does not score full marks under autograde: {full}")
        blank_nb = copy.deepcopy(source)
        blank_nb["cells"] = [edition.learner_cell(c) if exercises.nbgrader_meta(c).get("solution") else c
                             for c in source["cells"]]
        blank = score(run(blank_nb, path, graded=True))
        if sum(blank.values()) != 0:
            problems.append(f"blank scores {blank}")
        for e in found:
            nb = copy.deepcopy(source)
            nb["cells"] = [edition.learner_cell(c) if exercises.nbgrader_meta(c).get("grade_id") == e.name else c
                           for c in source["cells"]]
            graded_run = run(nb, path, graded=True)
            got = sum(score(graded_run).values())
            want = total - e.points
            print(f"only {e.name} undone: {got:g} of {total:g} (want {want:g})")
            if got != want:
                problems.append(f"only {e.name} undone scores {got:g}, want {want:g}: {score(graded_run)}; "
                                f"errors: {errors(graded_run)}")
    print("\n".join(["PROBLEMS:"] + problems) if problems else "OK")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], quick="--quick" in sys.argv))
