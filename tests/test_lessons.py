"""The lessons as an instructor and a learner meet them.

- structure: no outputs committed, valid nbgrader metadata (unique grade ids, points
  on graded cells, solution markers in answer cells), at least two graded exercises;
- grading that stands on its own: the imports cell locked, every exercise with one or two
  hints, names unique across the course, graded cells tagged ``raises-exception`` (a
  failed check raises; "Run All" goes on), and the tampering scan silent on the lesson's
  own cells, as handed out and as solved;
- the learner edition (backprop_lab.edition): "Run All" reaches the end, errors only in
  the check cells, each unfinished exercise saying so in words. (nbval runs the full
  versions; see scripts/test.sh.)
"""
import json
import pathlib
import re

import nbformat
import pytest
from nbclient import NotebookClient

from backprop_lab import edition, exercises, tampering

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


def test_exercise_names_are_unique_and_each_has_hints():
    table = exercises.index()                     # raises if a name is used twice
    assert len(table) >= 50, f"the course has {len(table)} graded exercises; it promises at least 50"
    for name, exercise in table.items():
        assert 1 <= len(exercise.hints) <= 2, name
        for hint in exercise.hints:
            assert isinstance(hint, str) and len(hint.split()) >= 6, (name, hint)
            solution_lines = {l.strip() for l in exercise.solution.splitlines()[1:] if len(l.strip()) > 12}
            assert not any(line in hint for line in solution_lines), f"{name}: a hint gives the code away"


@pytest.mark.parametrize("path", LESSONS, ids=IDS)
def test_grading_cells_stand_on_their_own(path):
    nb = json.loads(path.read_text())
    first_code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    assert first_code["metadata"].get("nbgrader", {}).get("locked"), "the imports cell is locked"
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("grade"):
            assert "raises-exception" in cell["metadata"].get("tags", []), meta["grade_id"]
    # nbgrader puts a deleted graded cell back after the nbgrader cell that came before it in
    # the source, and fails on the whole notebook unless that one is an answer or graded cell
    kinds = [c["metadata"]["nbgrader"] for c in nb["cells"] if "nbgrader" in c["metadata"]]
    for before, meta in zip(kinds, kinds[1:]):
        if meta.get("grade"):
            assert before.get("grade") or before.get("solution"), \
                f"{meta['grade_id']} follows {before['grade_id']}: put setup cells before the answer cell"
    mine = lambda cell: not cell["metadata"].get("nbgrader", {}).get("locked")  # noqa: E731
    assert tampering.scan_notebook(nb["cells"], mine) == {}, "the lesson's own cells look like tampering"
    release = edition.learner_notebook(nb)
    assert tampering.scan_notebook(release["cells"], mine) == {}


@pytest.mark.parametrize("path", LESSONS, ids=IDS)
def test_learner_edition_runs_to_the_end(path, monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    nb = nbformat.reads(edition.dumps(edition.learner_notebook(json.loads(path.read_text()))), as_version=4)
    sources = "\n".join(c.source for c in nb.cells)
    assert "### BEGIN SOLUTION" not in sources and "### BEGIN HIDDEN TESTS" not in sources
    NotebookClient(nb, timeout=120, kernel_name="python3",     # raises on an error outside tagged cells
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    failed = [c for c in nb.cells if any(o.get("output_type") == "error" for o in c.get("outputs", []))]
    assert failed and all("raises-exception" in c.metadata.get("tags", []) for c in failed)
    messages = [o["evalue"] for c in failed for o in c.outputs if o.get("output_type") == "error"]
    assert any("not implemented yet" in m for m in messages), "unfinished exercises say so in words"
    for cell in failed:
        shown = [o for o in cell.outputs if o.get("output_type") == "error"][0]["traceback"]
        assert shown[0].startswith("✗ ") and not any('File "' in line for line in shown), shown


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lessons_use_only_what_widgets_exports(path):
    """A lesson imports the apps from ``widgets`` itself, never from its modules: what an app's
    module holds may change with the app; ``widgets.__all__`` (and each app's documented
    attributes) is what lessons may rely on."""
    import widgets
    reaching_in = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        reaching_in += re.findall(r"^\s*(?:from|import)\s+widgets\.\w+.*$", cell.source, flags=re.M)
        for names in re.findall(r"^[ \t]*from[ \t]+widgets[ \t]+import[ \t]+([\w ,]+)", cell.source, flags=re.M):
            reaching_in += [n for n in re.split(r"[\s,]+", names.strip()) if n and n not in widgets.__all__]
    assert reaching_in == [], f"{path.name} reaches past widgets' public names: {reaching_in}"


FIGURE_CELL = re.compile(r"plt\.(subplots|figure|show)\(")


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_every_static_figure_has_a_caption_in_words(path):
    """A learner who cannot see a figure (or skims) reads what it shows: every code cell that
    draws a Matplotlib figure is followed by a markdown caption starting "*The figure:"."""
    cells = nbformat.read(path, as_version=4).cells
    missing = [k + 1 for k, cell in enumerate(cells)
               if cell.cell_type == "code" and FIGURE_CELL.search(cell.source)
               and not (k + 1 < len(cells) and cells[k + 1].cell_type == "markdown"
                        and cells[k + 1].source.lstrip().startswith("*The figure:"))]
    assert missing == [], f"{path.name}: figure cells (numbered from 1) without a caption after them"
    captions = [cell.source.strip() for cell in cells
                if cell.cell_type == "markdown" and cell.source.lstrip().startswith("*The figure:")]
    run_on = [text[:40] for text in captions if not text.endswith("*") or "\n\n" in text or "*" in text[1:-1]]
    assert run_on == [], f"{path.name}: captions that are not one italic paragraph, alone in their cell"
