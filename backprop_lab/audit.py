"""The instructor's audit: which submitted notebooks deserve a second look, and where.

For each notebook under SUBMITTED_DIR (nbgrader's ``submitted/<student>/<assignment>/``
layout, or any folder of notebooks) whose file name matches a source lesson, one line
per suspicious place:

- a cell that touches the checking machinery or redefines what the locked cells set up
  (``tampering``);
- an answer cell that names what its exercise forbids: the reference, or the engine's
  implementation listed in the check's ``forbid=`` (the checks refuse such calls at run
  time too, however reached; the audit shows them without running anything). Other cells
  a learner changed are scanned for tampering only: experimenting with the engine there
  is welcome;
- a locked cell whose text differs from the handed-out version, or that was deleted
  (autograde restores them, so this is about intent, not the grade).

Cells identical to the handed-out version are the lesson's own and are not scanned.
"""
import ast
import json
from pathlib import Path

from backprop_lab import edition, exercises, tampering
from backprop_lab.exercises import nbgrader_meta, source_text


def audit(submitted, source=None):
    """Lines "path: cell label: what", for every suspicious place under ``submitted``."""
    sources = _sources(source)
    lines = []
    for path in sorted(Path(submitted).rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts or path.name not in sources:
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        shown = path.relative_to(submitted)
        lines += [f"{shown}: {line}" for line in audit_notebook(nb, sources[path.name])]
    return lines


def _sources(folder):
    """{file name: source notebook (parsed)} from ``folder``, or the course's lessons."""
    paths = (sorted(p for p in Path(folder).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
             if folder is not None else exercises.lesson_paths())
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in paths}


def audit_notebook(nb, source):
    """Lines "cell label: what" for one submitted notebook against its source."""
    release = edition.learner_notebook(source)
    by_id = {c.get("id"): c for c in release["cells"] if c.get("id")}
    released_locked = {nbgrader_meta(c)["grade_id"]: c for c in release["cells"] if nbgrader_meta(c).get("locked")}
    modules = tampering.notebook_modules(source["cells"]) | tampering.notebook_modules(nb["cells"])
    locked = tampering.locked_names(source["cells"])
    forbids = forbidden_names(source)
    lines, seen_locked = [], set()
    for k, cell in enumerate(nb["cells"]):
        meta = nbgrader_meta(cell)
        gid = meta.get("grade_id")
        label = gid or f"#{k + 1}"
        if gid in released_locked:
            seen_locked.add(gid)
            if source_text(cell).strip() != source_text(released_locked[gid]).strip():
                lines.append(f"cell {label}: a locked cell was changed")
            continue
        if cell.get("cell_type") != "code":
            continue
        original = by_id.get(cell.get("id"))
        if original is not None and source_text(original) == source_text(cell):
            continue                                    # the lesson's own cell, as handed out
        text = source_text(cell)
        for finding in tampering.scan_cell(text, modules, locked):
            lines.append(f"cell {label}: {finding}")
        if not meta.get("solution"):
            continue                # a learner's own experiments may use the engine; answers may not
        for line, name in calls_of(text, forbids.get(gid, frozenset())):
            lines.append(f"cell {label}: line {line}: uses `{name}`, which its exercise forbids")
    for gid in released_locked:
        if gid not in seen_locked:
            lines.append(f"cell {gid}: a locked cell was deleted")
    return lines


def forbidden_names(source):
    """{exercise: names its checks forbid}: each check's reference and its forbid= entries."""
    table = {}
    for cell in source["cells"]:
        meta = nbgrader_meta(cell)
        gid = meta.get("grade_id", "")
        if not meta.get("grade") or "_tests" not in gid:
            continue
        tree, _ = tampering.parse(source_text(cell))
        if tree is None:
            continue
        names = table.setdefault(gid.split("_tests")[0], set())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                    "check_function", "solution_or"):
                candidates = node.args[1:2] + [kw.value for kw in node.keywords if kw.arg in ("forbid", "reference")]
                for candidate in candidates:
                    items = candidate.elts if isinstance(candidate, (ast.List, ast.Tuple)) else [candidate]
                    names |= {ast.unparse(i) for i in items if isinstance(i, (ast.Name, ast.Attribute))}
    return {k: frozenset(v) for k, v in table.items()}


def calls_of(source, names):
    """[(line, name)] where the code names one of ``names`` (`Adam`, `Dense.backward`, `ref_forward`)."""
    if not names:
        return []
    tree, _ = tampering.parse(source)
    if tree is None:
        return []
    last = {n.split(".")[-1]: n for n in names}
    hits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and ast.unparse(node) in names:
            hits.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in last:
            hits.append((node.lineno, last[node.id]))
        elif isinstance(node, ast.ImportFrom):
            hits += [(node.lineno, last[a.name]) for a in node.names if a.name in last]
    return sorted(set(hits))
