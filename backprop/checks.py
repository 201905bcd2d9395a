"""Instant feedback for exercises: what is wrong, in words, instead of a traceback.

A check runs the learner's function (``check_function``) or takes a value they
computed (``check_value``), compares the result with the library's answer and
says ``✓ name: correct``, or ``✗ name: ...`` with what looks wrong: not
implemented yet, an exception, None returned, the wrong type, NaN, the wrong
shape, transposed, sign flipped, off by a constant factor, right except for the
bias, where the largest error is, a call of what the exercise asks you to write
yourself, or a function that never returns.

A failed check raises ``CheckFailed`` (an ``AssertionError``) carrying that one
sentence, wherever it runs: the graded cell loses its points under nbgrader, and
no environment variable can turn a failure into a pass. In the notebook the
sentence is all that shows (no traceback through this file), and the lessons'
check cells carry the ``raises-exception`` tag, so "Run All" goes on past them.

The learner's code runs under guard (``backprop.guarded``): a time limit per
call, and a watch for forbidden calls (the exercise's reference, and whatever the
check's ``forbid`` names, such as the engine's ``Adam`` in the Adam exercise).

``solution_or`` keeps "Run All" going in the learner's version of a lesson: it
hands back the learner's function if it passes, the library's otherwise.

``hint``, ``solution`` and ``progress`` are the learner's help desk: a hint after
a failed attempt, a model solution on request after a real attempt (never while
nbgrader grades, nor where the instructor switched solutions off), and what
passed so far. Checks record each outcome in the learner's workspace
(``backprop_lab.coach``); nothing is recorded while nbgrader grades.

The module cannot be changed from a notebook: ``checks.check_function = ...``
raises, and the comparisons use numpy's functions as they were at import.
"""
import copy
import inspect
import numbers
import os
import re
import sys
import types

import numpy as np

from backprop.guarded import ForbiddenCall, TimeUp, code_objects, guarded_call
from backprop.validation import check_number, describe

# numpy's functions as they are now: a notebook cell that replaces np.allclose
# (to make every comparison pass) changes numpy's attribute, not these.
_np = types.SimpleNamespace(**{name: getattr(np, name) for name in (
    "allclose", "isclose", "array_equal", "asarray", "isfinite", "isnan", "isinf", "abs", "argmax",
    "unravel_index", "count_nonzero", "argwhere", "vdot", "errstate", "float64", "ndarray", "isin")})

TIME_LIMIT = 5.0
"""Seconds one call of a learner's function may take in a check (a check may ask for more)."""


class CheckResult:
    """The outcome of a passed check: ``passed`` (bool) and the ``message`` shown; truthy when passed."""

    def __init__(self, passed, message):
        self.passed = bool(passed)
        self.message = message

    def __bool__(self):
        return self.passed

    def __repr__(self):
        return f"CheckResult(passed={self.passed}, message={self.message!r})"

    def _ipython_display_(self):
        # The check has already printed its message; a notebook showing the
        # returned object as the cell's value would only say it twice.
        pass


class Wrong(Exception):
    """Raised by a lesson's check wrapper (code in a setup cell that runs the learner's
    function, e.g. builds a graph with it) to say in words what is wrong with what the
    learner's function gave: the check shows the sentence as the diagnosis, not as
    "raised Wrong". Example: ``raise checks.Wrong("must return a new Value, got a float")``.
    """


class CheckFailed(AssertionError):
    """A failed check: ``message`` says what is wrong, in words; falsy like a failed CheckResult.

    In a notebook, IPython shows ``_render_traceback_``'s lines instead of a
    traceback: the sentence (and where to find a hint), not this module's frames.
    """

    passed = False

    def __init__(self, message, offer=""):
        super().__init__(message)
        self.message = message
        self.offer = offer

    def __bool__(self):
        return False

    def _render_traceback_(self):
        return ["✗ " + self.message] + ([self.offer] if self.offer else [])


# --------------------------------------------------------------------------
# Public checks
# --------------------------------------------------------------------------

def check_function(fn, reference, cases, name=None, rtol=1e-6, atol=1e-8, names=None, forbid=(),
                   time_limit=TIME_LIMIT, mistakes=None, samples=False):
    """Call ``fn`` and ``reference`` on each case and say whether they agree.

    fn: the learner's function. reference: the library's (its exceptions are
    bugs in the lesson and propagate). cases: a list of argument tuples, or one
    tuple; a case that is not a tuple is a single argument. Each call gets deep
    copies of the arguments, so a function that changes its inputs cannot
    spoil later cases (and is told that it did).
    Results may be numbers, arrays, or tuples, lists and dicts of them;
    names: optional names of a returned tuple's elements, e.g. ("dx", "dW", "db").
    rtol, atol: tolerances as in numpy.allclose.
    forbid: functions and classes fn must not call (the reference is always
    forbidden), e.g. ``[Adam]`` or ``[Dense.backward]``.
    time_limit: seconds each call of fn may take.
    mistakes: the exercise's known mistakes, {what to tell the learner: a function
    with the reference's signature that makes that mistake}; when fn's result
    matches one of them (and not the reference), the learner reads its sentence,
    e.g. ``{"no bias correction: divide m by 1 - b1**t ...": adam_without_correction}``.
    samples: True when the first array argument holds the samples on its first
    axis (N of them) and the result sums or averages over them; only then is a
    result off by N or 1/N explained as a sum where a mean is expected (or back).
    Returns a passing CheckResult (printing ✓); raises CheckFailed with the reason.
    """
    cases, rtol, atol = _check_setup(reference, cases, rtol, atol)
    name = _name(fn, name)
    forbidden = _forbidden(reference, forbid)
    time_limit = check_number(time_limit, "time_limit", low=0)
    mistakes = _check_mistakes(mistakes, callable)
    problem = _function_problem(fn, reference, cases, name, rtol, atol, names, forbidden, time_limit,
                                mistakes, samples)
    return _finish(name, problem, attempted=not _unfinished(problem))


def check_value(value, expected, name, rtol=1e-6, atol=1e-8, names=None, mistakes=None):
    """Say whether an already computed ``value`` matches ``expected``.

    The same diagnosis as check_function; name: what the value is called in
    the exercise. mistakes: {what to tell the learner: the value that mistake gives}.
    Returns a passing CheckResult; raises CheckFailed with the reason.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {describe(name)}")
    rtol = check_number(rtol, "rtol", low=0)
    atol = check_number(atol, "atol", low=0)
    mistakes = _check_mistakes(mistakes, lambda value: True)
    if value is None and expected is not None:
        return _finish(name, f"{name} is None: replace `None` with your answer", attempted=False)
    problem = _compare(value, expected, rtol, atol, None, names, label=name, indexed=True)
    if problem is not None:
        known = _known_mistake(value, expected, {text: (lambda v=v: v) for text, v in mistakes.items()},
                               (), rtol, atol)
        problem = f"{name}: {known}" if known else problem
    return _finish(name, problem)


def new_model(build, *args, name=None):
    """Call the model-building function ``build(*args)`` twice; return the first model.

    For exercises that ask for a function building a model: each call must give
    a new object, not yet trained (no optimizer step taken), so a model trained
    once and returned again does not count. Raises CheckFailed otherwise.
    """
    from backprop.model import Sequential
    label = _name(build, name)
    models = []
    for _ in range(2):
        model, error = guarded_call(build, copy.deepcopy(args), TIME_LIMIT)
        if error is not None:
            _finish(label, _error_problem(error, label, ""))
        if not isinstance(model, Sequential):
            _finish(label, f"{label} should return a Sequential model, got {describe(model)}")
        models.append(model)
    first, second = models
    if first is second:
        _finish(label, f"{label} returned the same model object twice: build a new model on every call")
    for model in models:
        if model.optimizer is not None and model.optimizer.iterations > 0:
            _finish(label, f"{label} returned a model that has already been trained "
                           f"({model.optimizer.iterations} optimizer steps): return a new, untrained model")
    return first


def solution_or(fn, fallback, cases, name=None, rtol=1e-6, atol=1e-8, forbid=(), time_limit=TIME_LIMIT):
    """``fn`` if it passes check_function against ``fallback`` on ``cases``, else ``fallback``.

    For the learner's version of a lesson: an unfinished exercise prints one
    friendly line and the rest of the lesson runs on the library's version.
    rtol, atol, forbid, time_limit: as in check_function (looser tolerances for a fallback
    that is itself an estimate). Never raises, not even under nbgrader or when fn loops forever (it is used
    in ungraded cells), and records nothing.
    """
    try:
        label = name if isinstance(name, str) else _name(fn if callable(fn) else fallback, None)
    except Exception:  # nothing may stop "Run All", not even a strange name
        label = "function"
    try:
        cases, rtol, atol = _check_setup(fallback, cases, rtol, atol)
        forbidden = _forbidden(fallback, forbid)
        finished = _function_problem(fn, fallback, cases, label, rtol, atol, None, forbidden,
                                     time_limit) is None
    except (Exception, KeyboardInterrupt, TimeUp):
        finished = False
    if finished:
        return fn
    print(f"Your {label} isn't finished yet; the rest of this lesson uses the library's version.")
    return fallback


# --------------------------------------------------------------------------
# The learner's help desk: hints, solutions, progress
# --------------------------------------------------------------------------

def hint(name):
    """Print the next hint for exercise ``name`` (after a first attempt that did not pass)."""
    from backprop_lab import coach
    coach.hint(_exercise_key(name))


def solution(name):
    """Print the model solution of exercise ``name``, if you have made a real attempt at it.

    Refused while nbgrader grades, and where solutions are switched off
    (environment variable BACKPROP_LAB_SOLUTIONS=off, or a workspace made with
    ``backprop-lab workspace --no-solutions``).
    """
    from backprop_lab import coach
    coach.solution(_exercise_key(name))


def progress():
    """Print, per lesson, which exercises pass so far (as ``backprop-lab progress`` does)."""
    from backprop_lab import coach
    coach.progress()


# --------------------------------------------------------------------------
# Running a check
# --------------------------------------------------------------------------

def _graded():
    """Whether nbgrader is running the notebook (it sets NBGRADER_EXECUTION). Decides only
    whether to record progress and offer help, never whether a failure counts."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def _exercise_key(name):
    """The exercise a check's name is about: "backward (gradient check)" -> "backward"."""
    if not isinstance(name, str):
        raise TypeError(f"name must be the exercise's name as a string, got {describe(name)}")
    match = re.match(r"\s*([A-Za-z_][A-Za-z0-9_]*)", name)
    if match is None:
        raise ValueError(f"name must start with the exercise's name, got {name!r}")
    return match.group(1)


def _unfinished(problem):
    """Whether a problem says the exercise has not been started (the stub still raises)."""
    return problem is not None and "is not implemented yet" in problem


def _finish(name, problem, attempted=True):
    """Print and return a pass; raise CheckFailed for a problem. Records the outcome."""
    passed = problem is None
    offer = ""
    if not _graded():
        try:
            from backprop_lab import coach
            offer = coach.record(_exercise_key(name), passed, attempted)
        except Exception:  # a full disk or a strange name must never spoil the check itself
            offer = ""
    if passed:
        message = f"{name}: correct"
        print("✓ " + message)
        return CheckResult(True, message)
    raise CheckFailed(problem, offer)


def _check_setup(reference, cases, rtol, atol):
    """Check the lesson author's arguments; return cases as a list of tuples and the tolerances."""
    if not callable(reference):
        raise TypeError(f"reference must be a function, got {describe(reference)}")
    if isinstance(cases, tuple):
        cases = [cases]
    if not isinstance(cases, list):
        raise TypeError(f"cases must be a list of argument tuples (or one tuple), got {describe(cases)}")
    if not cases:
        raise ValueError("cases must hold at least one argument tuple, got an empty list")
    cases = [case if isinstance(case, tuple) else (case,) for case in cases]
    return cases, check_number(rtol, "rtol", low=0), check_number(atol, "atol", low=0)


def _forbidden(reference, forbid):
    """{code object: name} of what the learner's function must not call: the reference and ``forbid``."""
    if callable(forbid) or not isinstance(forbid, (list, tuple, set)):
        raise TypeError(f"forbid must be a list of functions or classes, got {describe(forbid)}")
    for item in forbid:
        if not callable(item):
            raise TypeError(f"forbid must hold functions or classes, got {describe(item)}")
    found = code_objects(forbid)
    if isinstance(reference, types.FunctionType) and reference.__name__ != "<lambda>":
        found.update(code_objects([reference]))
    return found


def _name(fn, name):
    """The name the messages use: ``name`` if given, else the function's own."""
    if name is not None:
        if not isinstance(name, str):
            raise TypeError(f"name must be a string or None, got {describe(name)}")
        return name
    own = getattr(fn, "__name__", None)
    return own if isinstance(own, str) and own != "<lambda>" else "your function"


def _function_problem(fn, reference, cases, name, rtol, atol, names, forbidden=None, time_limit=None,
                      mistakes=None, samples=False):
    """The first problem found, as a sentence, or None if fn agrees with reference on every case."""
    if not callable(fn):
        return f"{name} is not a function: got {describe(fn)}"
    if forbidden and getattr(fn, "__code__", None) in forbidden:
        return _forbidden_problem(name, forbidden[fn.__code__])
    for k, args in enumerate(cases):
        expected = reference(*copy.deepcopy(args))
        given = copy.deepcopy(args)
        context = _context(fn, args, k, len(cases))
        got, error = guarded_call(fn, given, time_limit, forbidden)
        if error is not None:
            return _error_problem(error, name, context)
        if got is None and expected is not None:
            return f"{name} returned None: did you forget `return`?"
        problem = _compare(got, expected, rtol, atol, _batch_size(args) if samples else None, names)
        changed = _changed_argument(fn, args, given)
        if problem is not None:
            problem = _known_mistake(got, expected, mistakes or {}, args, rtol, atol) or problem
            also = f"; it also changed its input {changed} in place" if changed else ""
            return f"{name}: {problem}{context}{also}"
        if changed:
            return (f"{name} returned the right values but changed its input {changed} in place: "
                    f"work on a copy (e.g. `.copy()`), the caller still needs the original")
    return None


def _check_mistakes(mistakes, valid):
    """The lesson author's ``mistakes`` as a dict {sentence: function or value}; {} for None."""
    if mistakes is None:
        return {}
    if not isinstance(mistakes, dict):
        raise TypeError(f"mistakes must be a dict {{sentence: function}}, got {describe(mistakes)}")
    for text, how in mistakes.items():
        if not isinstance(text, str) or not text.strip():
            raise TypeError(f"mistakes' keys must be sentences for the learner, got {describe(text)}")
        if not valid(how):
            raise TypeError(f"mistakes[{text!r}] must be a function with the reference's signature, "
                            f"got {describe(how)}")
    return mistakes


def _known_mistake(got, expected, mistakes, args, rtol, atol):
    """The sentence of the first known mistake whose result ``got`` matches, or None.

    A mistake that gives the right answer on this case (or fails itself) says nothing.
    """
    for text, wrong in mistakes.items():
        try:
            with _np.errstate(all="ignore"):
                made = wrong(*copy.deepcopy(args))
        except Exception:
            continue
        if (_compare(made, expected, rtol, atol, None) is not None
                and _compare(got, made, rtol, atol, None) is None):
            return text
    return None


def _error_problem(error, name, context):
    """What an error raised by (or stopping) the learner's call means, in words."""
    if isinstance(error, NotImplementedError):
        return f"{name} is not implemented yet: replace `raise NotImplementedError()` with your code"
    if isinstance(error, ForbiddenCall):
        return _forbidden_problem(name, error.name)
    if isinstance(error, Wrong):
        return f"{name}: {_one_line(error)}{context}"
    if isinstance(error, TimeUp):
        return (f"{name} did not return within {error.args[0]:g} s{context}: "
                f"look for a loop that never ends")
    advice = ""
    if isinstance(error, ValueError) and "could not be broadcast" in str(error):
        advice = ": a sum, mean or max over an axis without keepdims=True, or a transposed array?"
    return f"{name} raised {type(error).__name__}: {_one_line(error)}{context}{advice}"


def _forbidden_problem(name, called):
    """The message for a learner's function that calls what it should compute itself.

    called: the forbidden code's name; its ``forbidden`` says what the lesson forbade
    (the class "Adam" for a call of Adam.apply, the method itself when only it is forbidden).
    """
    owner = getattr(called, "forbidden", None) or called.split(".")[0]
    return (f"{name} calls {called}: this exercise asks you to write it yourself, "
            f"without calling {owner}")


def _one_line(err):
    """The first line of an exception's message, kept short."""
    text = str(err).strip().splitlines()
    line = text[0] if text else "(no message)"
    return line if len(line) <= 200 else line[:197] + "..."


def _param_names(fn):
    """Names of fn's positional parameters, in order ([] if they cannot be read)."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return []
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return [p.name for p in params if p.kind in kinds]


def _context(fn, args, k, total):
    """' (case 2 of 3, called with x of shape (4, 3), ...)', so the learner can reproduce it."""
    labels = _param_names(fn)
    parts = []
    for i, arg in enumerate(args):
        label = labels[i] if i < len(labels) else f"argument {i + 1}"
        if isinstance(arg, _np.ndarray):
            parts.append(f"{label} of shape {arg.shape}")
        elif isinstance(arg, numbers.Number) or (isinstance(arg, (str, list, tuple)) and len(repr(arg)) <= 30):
            parts.append(f"{label}={arg!r}")      # short enough to read and to type in again
        else:
            parts.append(f"{label} ({type(arg).__name__})")
    case = f"case {k + 1} of {total}" if total > 1 else ""
    called = f"called with {', '.join(parts)}" if parts else ""
    inside = ", ".join(part for part in (case, called) if part)
    return f" ({inside})" if inside else ""


def _batch_size(args):
    """N, the number of samples: the first axis of the first array argument (None if none)."""
    for arg in args:
        if isinstance(arg, _np.ndarray) and arg.ndim >= 1:
            return arg.shape[0]
    return None


def _changed_argument(fn, original, given):
    """The name of the first argument fn changed in place, or None."""
    labels = _param_names(fn)
    for i, (before, after) in enumerate(zip(original, given)):
        if not _same(before, after):
            return labels[i] if i < len(labels) else f"argument {i + 1}"
    return None


def _same(a, b):
    """Whether b still equals a, for arrays and the containers that hold them.

    Other objects (a layer, say) may legitimately change when called, so
    they count as unchanged.
    """
    if isinstance(a, _np.ndarray):
        if not isinstance(b, _np.ndarray) or a.shape != b.shape:
            return False
        return bool(_np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if isinstance(a, (list, tuple)):
        return (type(a) is type(b) and len(a) == len(b)
                and all(_same(x, y) for x, y in zip(a, b)))
    if isinstance(a, dict):
        return (isinstance(b, dict) and a.keys() == b.keys()
                and all(_same(a[key], b[key]) for key in a))
    return True


# --------------------------------------------------------------------------
# Comparing a result with the expected one
# --------------------------------------------------------------------------

def _compare(got, expected, rtol, atol, batch, names=None, label="", indexed=False):
    """None if got matches expected, else what is wrong, in words.

    label: the part of the result this is, to start the message with; ""
    for a function's whole result (the caller names the function).
    indexed: name parts as Python would (``grads['W1']``, ``out[1]``) rather
    than as "element 1 of the returned tuple".
    """
    if isinstance(expected, dict):
        return _compare_dict(got, expected, rtol, atol, batch, label, indexed)
    # A list of numbers may come back as an array; a list of arrays (like
    # get_weights()) must come back as a list.
    as_sequence = isinstance(got, (list, tuple)) or _as_numbers(expected) is None
    if isinstance(expected, tuple) or (isinstance(expected, list) and as_sequence):
        return _compare_sequence(got, expected, rtol, atol, batch, names, label, indexed)
    return _at(label, _compare_leaf(got, expected, rtol, atol, batch))


def _at(label, problem):
    """Start a problem with the part of the result it is about."""
    return f"{label}: {problem}" if problem is not None and label else problem


def _compare_sequence(got, expected, rtol, atol, batch, names, label, indexed):
    """Compare a tuple or list element by element, naming the element that differs."""
    kind = type(expected).__name__
    named = names if names is not None and len(names) == len(expected) else None
    listing = f" ({', '.join(map(str, named))})" if named else ""
    if not isinstance(got, (tuple, list)):
        return _at(label, f"expected a {kind} of {len(expected)} values{listing}, got {describe(got)}")
    if len(got) != len(expected):
        return _at(label, f"expected a {kind} of {len(expected)} values{listing}, "
                          f"got a {type(got).__name__} of {len(got)}")
    whole = label or f"the returned {kind}"
    for i, (part, want) in enumerate(zip(got, expected)):
        part_label = f"{whole}[{i}]" if indexed else f"element {i} of {whole}"
        part_label += f" ({named[i]})" if named else ""
        problem = _compare(part, want, rtol, atol, batch, label=part_label, indexed=indexed)
        if problem is not None:
            return problem
    return None


def _compare_dict(got, expected, rtol, atol, batch, label, indexed):
    """Compare a dict key by key, naming the key that differs."""
    if not isinstance(got, dict):
        return _at(label, f"expected a dict with keys {sorted(map(str, expected))}, got {describe(got)}")
    whole = label or "the returned dict"
    missing = [key for key in expected if key not in got]
    if missing:
        return f"{whole} is missing the key(s) {missing}"
    extra = [key for key in got if key not in expected]
    if extra:
        return f"{whole} has unexpected key(s) {extra}"
    for key, want in expected.items():
        problem = _compare(got[key], want, rtol, atol, batch, label=f"{whole}[{key!r}]", indexed=indexed)
        if problem is not None:
            return problem
    return None


def _as_numbers(value):
    """``value`` as a float64 array, or None if it is not numbers (a string, a ragged list...)."""
    try:
        arr = _np.asarray(value)
    except (TypeError, ValueError):
        return None
    return arr.astype(_np.float64) if arr.dtype.kind in "biuf" else None


def _shape_words(shape):
    """'a single number' for shape (), else 'shape (4, 3)'."""
    return "a single number" if shape == () else f"shape {shape}"


def _compare_leaf(got, expected, rtol, atol, batch):
    """Compare a number or an array; anything else (a string, a set...) by equality."""
    want = _as_numbers(expected)
    if isinstance(expected, (set, frozenset)):
        return _set_problem(got, expected)
    if want is None:
        return None if _equal(got, expected) else f"expected {expected!r}, got {got!r}"
    if _np.asarray(expected).dtype.kind == "b":
        return _bool_problem(got, _np.asarray(expected))
    if got is None:
        return f"got None, expected {_shape_words(want.shape)}"
    # A tuple of arrays is several results where one was expected; and numpy
    # would happily read a string such as "1.5" as a number.
    several = isinstance(got, tuple) and any(isinstance(g, (_np.ndarray, tuple, list)) for g in got)
    if several or isinstance(got, (str, bytes, dict, set)):
        return f"wrong type: expected {_shape_words(want.shape)}, got {describe(got)}"
    try:
        arr = _np.asarray(got, dtype=_np.float64)
    except (TypeError, ValueError):
        return f"wrong type: expected {_shape_words(want.shape)}, got {describe(got)}"
    with _np.errstate(all="ignore"):  # the learner's values may be huge; diagnose, don't warn
        if _np.isfinite(want).all() and not _np.isfinite(arr).all():
            return _nonfinite_problem(arr)
        if arr.shape != want.shape:
            return _shape_problem(arr, want, rtol, atol)
        if _np.allclose(arr, want, rtol=rtol, atol=atol, equal_nan=True):
            return None
        return _value_problem(arr, want, rtol, atol, batch)


def _bool_problem(got, want):
    """A yes/no answer per element (such as "is this prediction right?"): count what is wrong."""
    try:
        arr = _np.asarray(got)
    except (TypeError, ValueError):
        arr = None
    if arr is None or arr.dtype.kind not in "biuf" or isinstance(got, (str, bytes, dict, set)):
        return f"wrong type: expected True/False values of {_shape_words(want.shape)}, got {describe(got)}"
    if arr.shape != want.shape:
        return _shape_problem(arr.astype(_np.float64), want.astype(_np.float64), 0, 0)
    if arr.dtype.kind != "b" and not _np.isin(arr, (0, 1)).all():
        return (f"expected True/False values (or 0/1), got other numbers such as {arr[~_np.isin(arr, (0, 1))].flat[0]!r}: "
                f"a comparison such as `p > 0.5` gives True/False")
    arr = arr.astype(bool)
    wrong = arr != want
    if not wrong.any():
        return None
    if want.ndim == 0:
        return f"wrong answer: got {bool(arr)}, expected {bool(want)}"
    if wrong.all() and want.size > 1:
        return "every value is the opposite of the expected one: is a comparison the wrong way round?"
    first = tuple(int(i) for i in _np.argwhere(wrong)[0])
    index = first[0] if want.ndim == 1 else first
    return (f"{int(wrong.sum())} of {want.size} values are wrong, the first at index {index} "
            f"(got {bool(arr[first])}, expected {bool(want[first])})")


def _set_problem(got, expected):
    """A set answer (as in "which of these are wrong?"): say how far off, in counts only.

    Naming the extra items would give the answer away in one try (hand in everything,
    read which items are extra).
    """
    if not isinstance(got, (set, frozenset, list, tuple)):
        return f"wrong type: expected a set, got {describe(got)}"
    got = set(got)
    if got == expected:
        return None
    extra, missing = len(got - expected), len(expected - got)
    parts = [f"{extra} item{'s' if extra != 1 else ''} should not be in it" if extra else "",
             f"{missing} item{'s' if missing != 1 else ''} still missing" if missing else ""]
    return "not yet: " + "; ".join(p for p in parts if p)


def _equal(a, b):
    """a == b as one bool; False when they cannot be compared."""
    try:
        return bool(a == b)
    except Exception:  # e.g. comparing arrays of different shapes
        return False


def _nonfinite_problem(arr):
    """Where the NaN or infinite values are."""
    bad = ~_np.isfinite(arr)
    kinds = " and ".join(word for word, present in
                         (("NaN", _np.isnan(arr).any()), ("infinity", _np.isinf(arr).any())) if present)
    hint = "look for 0/0, log(0), or exp of a large number"
    if arr.ndim == 0:
        return f"got {kinds} instead of a number: {hint}"
    first = tuple(int(i) for i in _np.argwhere(bad)[0])
    index = first[0] if arr.ndim == 1 else first
    return (f"contains {kinds} ({int(bad.sum())} of {arr.size} values, the first at index {index}): "
            f"{hint}")


def _shape_problem(arr, want, rtol, atol):
    """Wrong shape, and whether the values would match the transpose."""
    got_shape = "a single number" if arr.shape == () else f"{arr.shape}"
    words = f"expected {_shape_words(want.shape)}, got {got_shape}"
    if arr.ndim >= 2 and arr.shape == want.shape[::-1] and _np.allclose(arr.T, want, rtol=rtol, atol=atol):
        return f"looks transposed: {words}, and the transpose has the right values"
    if arr.size == want.size:
        return (f"wrong shape: {words} (the same number of values: an axis is missing, extra "
                f"or swapped; check keepdims, reshape or the order of a matrix product)")
    return f"wrong shape: {words}"


def _value_problem(arr, want, rtol, atol, batch):
    """Right shape, wrong values: look for a simple pattern before giving the largest error."""
    def close(a, b):
        return _np.allclose(a, b, rtol=rtol, atol=atol)

    if arr.ndim == 2 and arr.shape[0] == arr.shape[1] and close(arr.T, want):
        return "looks transposed: the transpose has the right values"
    if not close(want, 0):
        if arr.size > 1 and not _np.count_nonzero(arr):
            return "all zeros: nothing seems to be computed yet"
        if close(arr, -want):
            return "sign flipped: you have minus the right answer (check the order of a subtraction)"
        factor = _factor_problem(arr, want, close, batch)
        if factor is not None:
            return factor
    diff = arr - want
    if arr.ndim >= 2 and arr.shape[0] >= 2 and close(diff, diff[:1]):
        return "right except for the bias (a constant vector across samples is missing or extra)"
    if arr.ndim == 1 and arr.size >= 2 and close(diff, diff[0]):
        return f"every value is off by the same amount, {diff[0]:.6g}: a constant is missing or extra"
    return _largest_error(arr, want, rtol, atol)


def _factor_problem(arr, want, close, batch):
    """'off by a factor of c' if arr = c * want for a constant c, else None.

    With fewer than two nonzero values any wrong number is a multiple of the
    right one, so there only the common slips count: 2, 1/2, N and 1/N.
    """
    c = float(_np.vdot(arr, want) / _np.vdot(want, want))  # least-squares c in arr ~ c * want
    if not _np.isfinite(c) or abs(c - 1.0) < 1e-3 or not close(arr, c * want):   # "a factor of 1" helps nobody
        return None
    common = {2.0: "a 2 or a 1/2 missing or extra somewhere?", 0.5: "a 2 or a 1/2 missing or extra somewhere?",
              100.0: "a percentage where a fraction is expected?", 0.01: "a fraction where a percentage is expected?"}
    if batch is not None and batch >= 2:   # only for results that sum or average over samples
        common[float(batch)] = f"= N, the number of samples ({batch}): a 1/N missing, or a sum where a mean is expected?"
        common[1.0 / batch] = f"= 1/N, with N = {batch} samples: a 1/N too many, or a mean where a sum is expected?"
    hint = next((text for value, text in common.items() if _np.isclose(c, value)), None)
    if hint is None and _np.count_nonzero(_np.abs(want) > 0) < 2:
        return None
    return f"off by a factor of {c:.4g}" + (f" ({hint})" if hint else "")


def _two_numbers(got, want):
    """got and expected as text, with as many digits as it takes to tell them apart (6 at least)."""
    for digits in range(6, 18):
        a, b = f"{got:.{digits}g}", f"{want:.{digits}g}"
        if a != b:
            return a, b
    return a, b


def _largest_error(arr, want, rtol, atol):
    """Where the biggest difference is, with both values."""
    if arr.ndim == 0:
        got, expected = _two_numbers(arr.item(), want.item())
        return f"wrong value: got {got}, expected {expected}"
    err = _np.abs(arr - want)
    at = _np.unravel_index(int(_np.argmax(err)), err.shape)
    index = int(at[0]) if arr.ndim == 1 else tuple(int(i) for i in at)
    wrong = int(_np.count_nonzero(~_np.isclose(arr, want, rtol=rtol, atol=atol)))
    got, expected = _two_numbers(float(arr[at]), float(want[at]))
    return (f"wrong values: largest error {err[at]:.3g} at index {index} "
            f"(got {got}, expected {expected}); {wrong} of {arr.size} values differ")


# --------------------------------------------------------------------------
# Read-only from a notebook
# --------------------------------------------------------------------------

class _ReadOnlyModule(types.ModuleType):
    """A module whose attributes a notebook cell cannot replace or delete.

    A learner's cell that writes ``checks.check_function = lambda *a, **k: None``
    meets an AttributeError instead of silencing every check after it.
    """

    def __setattr__(self, name, value):
        raise AttributeError(f"{self.__name__} cannot be changed: it checks your answers "
                             f"(tried to set {self.__name__}.{name})")

    def __delattr__(self, name):
        raise AttributeError(f"{self.__name__} cannot be changed: it checks your answers "
                             f"(tried to delete {self.__name__}.{name})")


sys.modules[__name__].__class__ = _ReadOnlyModule
