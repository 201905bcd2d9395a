"""The lessons as an instructor and a learner meet them.

- structure: no outputs committed, valid nbgrader metadata (unique grade ids, points
  on graded cells, solution markers in answer cells), at least two graded exercises;
- the learner version: solutions replaced and hidden tests removed by nbgrader's own
  preprocessors, then "Run All" must reach the end, each unfinished exercise saying so
  in words. (nbval runs the full versions; see scripts/test.sh.)
"""
import copy
import pathlib
import re

import nbformat
import pytest
from nbclient import NotebookClient

LESSONS = sorted((pathlib.Path(__file__).parent.parent / "lessons").glob("[0-9][0-9]_*.ipynb"))
IDS = [p.stem for p in LESSONS]


def nbgrader_cells(nb):
    return [(c, c.metadata["nbgrader"]) for c in nb.cells if "nbgrader" in c.metadata]


def test_the_course_has_its_lessons():
    assert len(LESSONS) >= 14, [p.name for p in LESSONS]
    numbers = [int(p.name[:2]) for p in LESSONS]
    assert numbers == list(range(1, len(LESSONS) + 1)), "lessons must be numbered 01, 02, ... without gaps"


@pytest.mark.parametrize("path", LESSONS, ids=IDS)
def test_structure(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown").lower()
    assert "objectives" in text and "summary" in text, "a lesson states its objectives and ends with a summary"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"outputs committed in {cell.id}"
    grade_ids = [meta["grade_id"] for _, meta in nbgrader_cells(nb)]
    assert len(grade_ids) == len(set(grade_ids)), f"duplicate grade ids: {grade_ids}"
    graded = 0
    for cell, meta in nbgrader_cells(nb):
        assert meta["schema_version"] == 3
        assert re.fullmatch(r"[A-Za-z0-9_-]+", meta["grade_id"]), meta["grade_id"]
        if meta["solution"]:
            assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source, meta["grade_id"]
            assert not meta["grade"], "answer cells are graded by their test cells"
        if meta["grade"]:
            assert meta["points"] > 0 and meta["locked"], meta["grade_id"]
            assert "checks." in cell.source, "graded cells give feedback in words through backprop.checks"
            graded += 1
    assert graded >= 2, "each lesson has at least two graded exercises"


def learner_version(nb):
    """The notebook a learner receives, made by nbgrader's own preprocessors."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions
    nb = copy.deepcopy(nb)
    resources = {}
    nb, resources = ClearSolutions().preprocess(nb, resources)
    nb, resources = ClearHiddenTests().preprocess(nb, resources)
    return nb


@pytest.mark.parametrize("path", LESSONS, ids=IDS)
def test_learner_version_runs_to_the_end(path, monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    nb = learner_version(nbformat.read(path, as_version=4))
    sources = "\n".join(c.source for c in nb.cells)
    assert "### BEGIN SOLUTION" not in sources and "### BEGIN HIDDEN TESTS" not in sources
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()   # raises on any error
    printed = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                        for o in c.outputs if o.get("output_type") == "stream")
    assert "not implemented yet" in printed, "unfinished exercises say so in words"
