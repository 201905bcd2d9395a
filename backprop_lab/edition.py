"""The learner edition of a lesson: what nbgrader's generate_assignment hands a student.

From the instructor's source notebook (parsed JSON): every region between
``### BEGIN SOLUTION`` and ``### END SOLUTION`` becomes the stub (indented as the
region's first line), every block between ``### BEGIN HIDDEN TESTS`` and
``### END HIDDEN TESTS`` leaves the graded cells, outputs and execution counts are
cleared, graded and locked cells are made read-only and answer cells undeletable (as
nbgrader's LockCells does), and the hints stay in the package (``checks.hint`` gives them on request).
These are the rules of nbgrader's ClearSolutions and ClearHiddenTests with the stub
of ``instructor/nbgrader_config.py``; tests/test_edition.py checks that both give the
same cells. Written here so that a learner needs neither nbgrader nor its database.
"""
import copy
import json
import re

from backprop_lab.exercises import nbgrader_meta, source_text

STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
TEXT_STUB = "YOUR ANSWER HERE"
SOLUTION = ("BEGIN SOLUTION", "END SOLUTION")
HIDDEN = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


def _replace_regions(source, markers, replacement):
    """(new source, whether a region was found): each region between the markers' lines
    (marker lines included) becomes ``replacement(indent)``, a list of lines."""
    begin, end = markers
    out, inside, found = [], False, False
    for line in source.split("\n"):
        if begin in line:
            if inside:
                raise ValueError(f"a {begin} region begins inside another")
            inside = found = True
            out.extend(replacement(re.match(r"\s*", line).group(0)))
        elif end in line:
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"a {begin} region has no {end} line")
    return "\n".join(out), found


def replace_solutions(source, stub):
    """(new source, whether a region was replaced): each solution region becomes ``stub``,
    indented as the region's first line."""
    return _replace_regions(source, SOLUTION, lambda indent: [indent + line for line in stub.split("\n")])


def remove_hidden_tests(source):
    """The source without its hidden-test blocks (marker lines included)."""
    return _replace_regions(source, HIDDEN, lambda indent: [])[0]


def learner_cell(cell):
    """The learner's version of one cell (a new dict)."""
    cell = copy.deepcopy(cell)
    source, meta = source_text(cell), nbgrader_meta(cell)
    if cell["cell_type"] in ("code", "markdown"):
        stub = STUB if cell["cell_type"] == "code" else TEXT_STUB
        source, replaced = replace_solutions(source, stub)
        if meta.get("solution") and not replaced:
            source = stub
    if meta.get("grade"):
        source = remove_hidden_tests(source)
    # as nbgrader's LockCells: graded and locked cells stay as written, answers stay in place
    if meta.get("solution") or meta.get("grade") or meta.get("locked"):
        cell["metadata"]["deletable"] = False
    if (meta.get("grade") or meta.get("locked")) and not meta.get("solution"):
        cell["metadata"]["editable"] = False
    cell["source"] = source
    if cell["cell_type"] == "code":
        cell["outputs"] = []
        cell["execution_count"] = None
    backprop_meta = cell.get("metadata", {}).get("backprop")
    if isinstance(backprop_meta, dict):
        backprop_meta.pop("hints", None)
        if not backprop_meta:
            del cell["metadata"]["backprop"]
    return cell


def learner_notebook(nb):
    """The learner edition of a source notebook (parsed JSON); the source is left as it was."""
    edition = copy.deepcopy(nb)
    edition["cells"] = [learner_cell(cell) for cell in nb["cells"]]
    edition["metadata"].pop("celltoolbar", None)
    return edition


def content_key(nb):
    """What a learner can change in a notebook, as text: each cell's type and source.

    Outputs, execution counts and metadata are not the learner's work: running a
    notebook changes them, editing it changes this.
    """
    return json.dumps([[c["cell_type"], source_text(c)] for c in nb["cells"]], ensure_ascii=False)


def dumps(nb):
    """A notebook as nbformat writes it: one-space indent, sources as lists of lines."""
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        cell["source"] = source_text(cell).splitlines(keepends=True)
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
