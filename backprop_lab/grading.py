"""nbgrader's side of honest grading: a preprocessor that refuses points after tampering.

Autograde runs a student's notebook in one kernel, so a cell the student wrote can reach
anything the graded cells use. ``backprop.checks`` defends itself (read-only, numpy
captured at import, failures that raise whatever the environment says), and this
preprocessor closes what is left: after nbgrader has executed the notebook, it scans
every unlocked cell (``tampering``); from the first cell that touches the checking
machinery or redefines what the locked cells set up, every later graded cell gets an
error output (``GradingRefused``, naming the cell and the line), so it scores 0 and the
feedback says why. Honest notebooks are untouched: the scan finds nothing in them
(tests/test_grading.py checks every lesson's source and learner edition).

Enabled by instructor/nbgrader_config.py, right after nbgrader's Execute:
    c.Autograde.autograde_preprocessors = [... Execute, RefuseTampering, ...]
"""
from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor

from backprop_lab import tampering
from backprop_lab.exercises import nbgrader_meta


class RefuseTampering(NbGraderPreprocessor):
    """Zero the graded cells that run after a cell touching the checking machinery."""

    def preprocess(self, nb, resources):
        found = tampering.scan_notebook(nb.cells, lambda cell: not nbgrader_meta(cell).get("locked"))
        if not found:
            return nb, resources
        first = min(found)
        label = nbgrader_meta(nb.cells[first]).get("grade_id") or f"#{first + 1}"
        why = "; ".join(str(f) for f in found[first][:3])
        reason = (f"not graded: cell {label} changes how answers are checked ({why}). "
                  f"Graded cells after it score 0; ask your instructor if this is a mistake.")
        self.log.warning("%s: %s", resources.get("unique_key", "notebook"), reason)
        for cell in nb.cells[first + 1:]:
            if cell.cell_type == "code" and nbgrader_meta(cell).get("grade"):
                cell.outputs.append(new_output("error", ename="GradingRefused", evalue=reason,
                                               traceback=["✗ " + reason]))
        return nb, resources
