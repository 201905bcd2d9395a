"""The scan for cells that touch the checking machinery, shared by autograde and the audit.

A learner's answer has no reason to replace a module's functions, edit the
environment, reach into interpreter internals, or redefine what the lesson's locked
cells set up for grading. The scan reads each cell's code (never runs it) and
reports, in words, every such place:

- ``machinery``: an attribute of an imported module (or class) assigned or deleted
  (``checks.check_function = ...``, ``np.allclose = ...``, ``Dense.backward = ...``),
  ``sys.modules``, ``os.environ``, ``__dict__``/``__builtins__`` and friends written,
  ``setattr``/``exec``/``eval``/``importlib``/``get_ipython``/profilers and similar calls,
  shell commands and magics other than plotting and timing;
- ``locked name``: a name that the lesson's locked cells define and its graded cells
  use (a reference, a test case, ``checks``) bound again at the top level of a cell.

``scan_cell(source, locked_names)`` -> [Finding]; ``locked_names(cells)`` collects the
names from a notebook's locked and graded cells.
"""
import ast
import re
from dataclasses import dataclass

# Calls an answer never needs and a cheat does: built-ins, called by their bare name
# (``model.compile(...)`` is Keras's, not Python's compile) ...
SUSPECT_BUILTINS = {"setattr", "delattr", "exec", "eval", "compile", "__import__", "get_ipython", "breakpoint"}
# ... and functions of the interpreter's modules, however they are reached.
SUSPECT_CALLS = {
    "reload", "import_module", "setprofile", "settrace", "setitimer", "alarm", "signal", "putenv",
    "unsetenv", "system", "popen", "get_objects", "get_referrers", "get_referents",
    "settrace_all_threads", "setprofile_all_threads", "set_custom_exc", "register_magic_function",
}
# Attribute names that reach the interpreter's internals.
SUSPECT_ATTRIBUTES = {
    "__dict__", "__globals__", "__builtins__", "__code__", "__closure__", "__defaults__",
    "__kwdefaults__", "__setattr__", "__delattr__", "__subclasses__", "__class__", "__import__",
    "environ", "modules", "meta_path", "path_hooks", "excepthook", "displayhook",
}
SUSPECT_MODULES = {"builtins", "importlib", "ctypes", "gc", "signal", "subprocess", "inspect", "types"}
# Magics that only show things; any other magic or shell command is reported.
HARMLESS_MAGICS = {"matplotlib", "time", "timeit", "precision", "pinfo", "pinfo2", "who", "whos"}
# Writing methods of a mapping: harmless on the learner's own dicts, not on these.
WRITING_METHODS = {"pop", "clear", "update", "setdefault", "popitem", "__setitem__", "__delitem__"}
# Calls that hand out a namespace as a dict (reading it is fine; writing it is not).
NAMESPACE_CALLS = {"vars", "globals", "locals"}


@dataclass(frozen=True)
class Finding:
    """One suspicious place: kind ("machinery" or "locked name"), the line (1-based) and what it does."""
    kind: str
    line: int
    what: str

    def __str__(self):
        return f"line {self.line}: {self.what}"


def without_magics(source):
    """(python source, findings): IPython magics and shell lines become ``pass``, reported unless harmless."""
    lines, findings = [], []
    for number, line in enumerate(source.splitlines(), 1):
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            name = re.match(r"[%!]{1,2}\s*([\w.]*)", stripped).group(1)
            if stripped.startswith("!") or name not in HARMLESS_MAGICS:
                findings.append(Finding("machinery", number, f"runs `{stripped[:60]}` (a shell command or magic)"))
            lines.append(line[:len(line) - len(stripped)] + "pass")
        else:
            lines.append(line)
    return "\n".join(lines), findings


def parse(source):
    """(tree or None, findings from magics); None when the cell is not valid Python (a learner's slip)."""
    code, findings = without_magics(source)
    try:
        return ast.parse(code), findings
    except SyntaxError:
        return None, findings


def imported_names(tree):
    """Names bound by import statements: `import numpy as np` -> np, `from backprop import checks` -> checks."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
    return names


def _root(node):
    """The name at the root of `a.b[c].d` (None if it is not a plain name)."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _chain(node):
    """`os.environ.pop` for an attribute chain, as text."""
    try:
        return ast.unparse(node)
    except Exception:
        return "an expression"


def _targets(node):
    """The targets an assignment-like statement writes or deletes."""
    if isinstance(node, ast.Assign):
        return node.targets
    if isinstance(node, (ast.AugAssign, ast.AnnAssign)):
        return [node.target]
    if isinstance(node, ast.Delete):
        return node.targets
    return []


def _flat(targets):
    for target in targets:
        if isinstance(target, (ast.Tuple, ast.List)):
            yield from _flat(target.elts)
        elif isinstance(target, ast.Starred):
            yield from _flat([target.value])
        else:
            yield target


def scan_tree(tree, modules, locked=frozenset()):
    """Findings in a parsed cell. modules: names bound by imports anywhere in the notebook."""
    findings = []

    def note(kind, node, what):
        findings.append(Finding(kind, getattr(node, "lineno", 0), what))

    for node in ast.walk(tree):
        for target in _flat(_targets(node)):
            verb = "deletes" if isinstance(node, ast.Delete) else "assigns"
            if isinstance(target, ast.Attribute) and _root(target) in modules:
                note("machinery", node, f"{verb} `{_chain(target)}`, an attribute of an imported module")
            elif isinstance(target, ast.Subscript) and _reaches_internals(target.value):
                note("machinery", node, f"{verb} `{_chain(target)}`")
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if isinstance(func, ast.Name) and called in SUSPECT_BUILTINS or called in SUSPECT_CALLS:
                note("machinery", node, f"calls `{_chain(func)}`")
            elif (isinstance(func, ast.Attribute) and called in WRITING_METHODS
                  and _reaches_internals(func.value)):
                note("machinery", node, f"calls `{_chain(func)}`")
        elif isinstance(node, ast.Attribute) and node.attr in SUSPECT_ATTRIBUTES and node.attr != "environ":
            note("machinery", node, f"uses `{_chain(node)}`")
        elif isinstance(node, ast.Attribute) and node.attr == "environ" and isinstance(node.ctx, ast.Load):
            pass                    # reading the environment is harmless; writing it is caught above
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            for alias in node.names:
                top = (module or alias.name).split(".")[0]
                if top in SUSPECT_MODULES:
                    note("machinery", node, f"imports {module or alias.name}")
        elif isinstance(node, ast.Name) and node.id in ("__builtins__", "builtins") and isinstance(node.ctx, ast.Load):
            note("machinery", node, f"uses `{node.id}`")
    findings.extend(_rebinds(tree, locked))
    return findings


def _reaches_internals(node):
    """Whether an expression is sys.modules, os.environ, x.__dict__, __builtins__, vars(x),
    globals() or a part of them."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        if isinstance(node, ast.Attribute) and node.attr in SUSPECT_ATTRIBUTES:
            return True
        node = node.value
    if isinstance(node, ast.Call):
        return getattr(node.func, "id", None) in NAMESPACE_CALLS
    return isinstance(node, ast.Name) and node.id in ("__builtins__", "builtins")


def _rebinds(tree, locked):
    """Top-level bindings (and `global` ones) of names the locked cells define."""
    if not locked:
        return []
    findings = []
    declared_global = {name for node in ast.walk(tree) if isinstance(node, ast.Global) for name in node.names}

    def bound(node):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return [node.name]
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            return [(a.asname or a.name).split(".")[0] for a in node.names]
        names = [t.id for t in _flat(_targets(node)) if isinstance(t, ast.Name)]
        if isinstance(node, (ast.For, ast.AsyncFor, ast.With)):
            items = [node.target] if isinstance(node, (ast.For, ast.AsyncFor)) else [
                i.optional_vars for i in node.items if i.optional_vars is not None]
            names += [t.id for t in _flat(items) if isinstance(t, ast.Name)]
        return names

    top_level = list(ast.iter_child_nodes(tree))
    inner = [n for n in ast.walk(tree) if n not in top_level] if declared_global else []
    for node in top_level:
        for name in bound(node):
            if name in locked:
                findings.append(Finding("locked name", node.lineno, f"redefines `{name}`, which the lesson's "
                                                                     f"locked cells set up for grading"))
    for node in inner:
        for name in bound(node) if hasattr(node, "lineno") else []:
            if name in locked and name in declared_global:
                findings.append(Finding("locked name", node.lineno, f"redefines `{name}` (declared global), "
                                                                     f"which the lesson's locked cells set up"))
    return findings


def locked_names(cells):
    """Names bound at the top level of locked, ungraded cells and used by the graded cells.

    cells: the notebook's cells (dicts) as the grader runs them (hidden tests included).
    """
    from backprop_lab.exercises import nbgrader_meta, source_text
    defined, used = set(), set()
    for cell in cells:
        meta = nbgrader_meta(cell)
        if cell.get("cell_type") != "code" or not meta.get("locked"):
            continue
        tree, _ = parse(source_text(cell))
        if tree is None:
            continue
        if meta.get("grade"):
            used |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        else:
            for node in ast.iter_child_nodes(tree):
                if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                    defined.add(node.name)
                elif isinstance(node, (ast.Import, ast.ImportFrom)):
                    defined |= {(a.asname or a.name).split(".")[0] for a in node.names}
                else:
                    defined |= {t.id for t in _flat(_targets(node)) if isinstance(t, ast.Name)}
    return frozenset(defined & used)


def notebook_modules(cells):
    """Names bound by imports in any code cell of the notebook."""
    from backprop_lab.exercises import source_text
    names = set()
    for cell in cells:
        if cell.get("cell_type") == "code":
            tree, _ = parse(source_text(cell))
            if tree is not None:
                names |= imported_names(tree)
    return names


def scan_cell(source, modules, locked=frozenset()):
    """[Finding] for one cell's source."""
    tree, findings = parse(source)
    if tree is not None:
        findings += scan_tree(tree, modules, locked)
    return sorted(set(findings), key=lambda f: (f.line, f.what))


def scan_notebook(cells, learner_cell):
    """{cell index: [Finding]} for the cells ``learner_cell(cell)`` says a learner wrote or may have changed."""
    from backprop_lab.exercises import source_text
    modules, locked = notebook_modules(cells), locked_names(cells)
    found = {}
    for k, cell in enumerate(cells):
        if cell.get("cell_type") == "code" and learner_cell(cell):
            findings = scan_cell(source_text(cell), modules, locked)
            if findings:
                found[k] = findings
    return found
