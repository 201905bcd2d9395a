"""Instant feedback for exercises: what is wrong, in words, instead of a traceback.

A check runs the learner's function (``check_function``) or takes a value they
computed (``check_value``), compares the result with the library's answer and
prints one line: ``✓ name: correct``, or ``✗ name: ...`` saying what looks
wrong: not implemented yet, an exception, None returned, the wrong type, NaN,
the wrong shape, transposed, sign flipped, off by a constant factor, right
except for the bias, or where the largest error is.

A check never stops a learner's notebook: it returns a falsy ``CheckResult``.
Under nbgrader, which sets the environment variable NBGRADER_EXECUTION while it
runs a notebook, a failed check raises ``AssertionError`` with the same message
instead, so the graded cell loses its points.

``solution_or`` keeps "Run All" going in the learner's version of a lesson: it
hands back the learner's function if it passes, the library's otherwise.
"""
import copy
import inspect
import numbers
import os

import numpy as np

from backprop.validation import check_number, describe


class CheckResult:
    """The outcome of a check: ``passed`` (bool) and the ``message`` shown; truthy when passed."""

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


# --------------------------------------------------------------------------
# Public checks
# --------------------------------------------------------------------------

def check_function(fn, reference, cases, name=None, rtol=1e-6, atol=1e-8, names=None):
    """Call ``fn`` and ``reference`` on each case and say whether they agree.

    fn: the learner's function. reference: the library's (its exceptions are
    bugs in the lesson and propagate). cases: a list of argument tuples, or one
    tuple; a case that is not a tuple is a single argument. Each call gets deep
    copies of the arguments, so a function that changes its inputs cannot
    spoil later cases (and is told that it did).
    Results may be numbers, arrays, or tuples, lists and dicts of them;
    names: optional names of a returned tuple's elements, e.g. ("dx", "dW", "db").
    rtol, atol: tolerances as in numpy.allclose.
    Returns a CheckResult (printing ✓ or ✗ and the message).
    """
    cases, rtol, atol = _check_setup(reference, cases, rtol, atol)
    name = _name(fn, name)
    return _finish(name, _function_problem(fn, reference, cases, name, rtol, atol, names))


def check_value(value, expected, name, rtol=1e-6, atol=1e-8, names=None):
    """Say whether an already computed ``value`` matches ``expected``.

    The same diagnosis as check_function; name: what the value is called in
    the exercise. Returns a CheckResult (printing ✓ or ✗ and the message).
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {describe(name)}")
    rtol = check_number(rtol, "rtol", low=0)
    atol = check_number(atol, "atol", low=0)
    if value is None and expected is not None:
        return _finish(name, f"{name} is None: replace `None` with your answer")
    return _finish(name, _compare(value, expected, rtol, atol, None, names, label=name, indexed=True))


def solution_or(fn, fallback, cases, name=None, rtol=1e-6, atol=1e-8):
    """``fn`` if it passes check_function against ``fallback`` on ``cases``, else ``fallback``.

    For the learner's version of a lesson: an unfinished exercise prints one
    friendly line and the rest of the lesson runs on the library's version.
    rtol, atol: as in check_function (looser for a fallback that is itself an estimate).
    Never raises, not even under nbgrader (it is used in ungraded cells).
    """
    try:
        label = name if isinstance(name, str) else _name(fn if callable(fn) else fallback, None)
    except Exception:  # nothing may stop "Run All", not even a strange name
        label = "function"
    try:
        cases, rtol, atol = _check_setup(fallback, cases, rtol, atol)
        finished = _function_problem(fn, fallback, cases, label, rtol, atol, None) is None
    except Exception:
        finished = False
    if finished:
        return fn
    print(f"Your {label} isn't finished yet; the rest of this lesson uses the library's version.")
    return fallback


# --------------------------------------------------------------------------
# Running a check
# --------------------------------------------------------------------------

def _graded():
    """Whether nbgrader is running the notebook (it sets NBGRADER_EXECUTION to "autograde" or "validate")."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def _finish(name, problem):
    """Print and return the outcome; under nbgrader a problem raises AssertionError instead."""
    if problem is None:
        message = f"{name}: correct"
        print("✓ " + message)
        return CheckResult(True, message)
    if _graded():
        raise AssertionError(problem)
    print("✗ " + problem)
    return CheckResult(False, problem)


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


def _name(fn, name):
    """The name the messages use: ``name`` if given, else the function's own."""
    if name is not None:
        if not isinstance(name, str):
            raise TypeError(f"name must be a string or None, got {describe(name)}")
        return name
    own = getattr(fn, "__name__", None)
    return own if isinstance(own, str) and own != "<lambda>" else "your function"


def _function_problem(fn, reference, cases, name, rtol, atol, names):
    """The first problem found, as a sentence, or None if fn agrees with reference on every case."""
    if not callable(fn):
        return f"{name} is not a function: got {describe(fn)}"
    for k, args in enumerate(cases):
        expected = reference(*copy.deepcopy(args))
        given = copy.deepcopy(args)
        context = _context(fn, args, k, len(cases))
        try:
            got = fn(*given)
        except NotImplementedError:
            return f"{name} is not implemented yet: replace `raise NotImplementedError()` with your code"
        except Exception as err:  # the learner's bug: report it, never re-raise
            return f"{name} raised {type(err).__name__}: {_one_line(err)}{context}"
        if got is None and expected is not None:
            return f"{name} returned None: did you forget `return`?"
        problem = _compare(got, expected, rtol, atol, _batch_size(args), names)
        changed = _changed_argument(fn, args, given)
        if problem is not None:
            also = f"; it also changed its input {changed} in place" if changed else ""
            return f"{name}: {problem}{context}{also}"
        if changed:
            return (f"{name} returned the right values but changed its input {changed} in place: "
                    f"work on a copy (e.g. `.copy()`), the caller still needs the original")
    return None


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
        if isinstance(arg, np.ndarray):
            parts.append(f"{label} of shape {arg.shape}")
        elif isinstance(arg, numbers.Number):
            parts.append(f"{label}={arg!r}")
        else:
            parts.append(f"{label} ({type(arg).__name__})")
    case = f"case {k + 1} of {total}" if total > 1 else ""
    called = f"called with {', '.join(parts)}" if parts else ""
    inside = ", ".join(part for part in (case, called) if part)
    return f" ({inside})" if inside else ""


def _batch_size(args):
    """N, the number of samples: the first axis of the first array argument (None if none)."""
    for arg in args:
        if isinstance(arg, np.ndarray) and arg.ndim >= 1:
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
    if isinstance(a, np.ndarray):
        if not isinstance(b, np.ndarray) or a.shape != b.shape:
            return False
        return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
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
        arr = np.asarray(value)
    except (TypeError, ValueError):
        return None
    return arr.astype(np.float64) if arr.dtype.kind in "biuf" else None


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
    if got is None:
        return f"got None, expected {_shape_words(want.shape)}"
    # A tuple of arrays is several results where one was expected; and numpy
    # would happily read a string such as "1.5" as a number.
    several = isinstance(got, tuple) and any(isinstance(g, (np.ndarray, tuple, list)) for g in got)
    if several or isinstance(got, (str, bytes, dict, set)):
        return f"wrong type: expected {_shape_words(want.shape)}, got {describe(got)}"
    try:
        arr = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return f"wrong type: expected {_shape_words(want.shape)}, got {describe(got)}"
    with np.errstate(all="ignore"):  # the learner's values may be huge; diagnose, don't warn
        if np.isfinite(want).all() and not np.isfinite(arr).all():
            return _nonfinite_problem(arr)
        if arr.shape != want.shape:
            return _shape_problem(arr, want, rtol, atol)
        if np.allclose(arr, want, rtol=rtol, atol=atol, equal_nan=True):
            return None
        return _value_problem(arr, want, rtol, atol, batch)


def _set_problem(got, expected):
    """A set answer (as in "which of these are wrong?"): say how far off, without the answer."""
    if not isinstance(got, (set, frozenset, list, tuple)):
        return f"wrong type: expected a set, got {describe(got)}"
    got = set(got)
    if got == expected:
        return None
    extra, missing = sorted(map(str, got - expected)), len(expected - got)
    parts = [f"{', '.join(extra)} should not be in it" if extra else "",
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
    bad = ~np.isfinite(arr)
    kinds = " and ".join(word for word, present in
                         (("NaN", np.isnan(arr).any()), ("infinity", np.isinf(arr).any())) if present)
    hint = "look for 0/0, log(0), or exp of a large number"
    if arr.ndim == 0:
        return f"got {kinds} instead of a number: {hint}"
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    index = first[0] if arr.ndim == 1 else first
    return (f"contains {kinds} ({int(bad.sum())} of {arr.size} values, the first at index {index}): "
            f"{hint}")


def _shape_problem(arr, want, rtol, atol):
    """Wrong shape, and whether the values would match the transpose."""
    got_shape = "a single number" if arr.shape == () else f"{arr.shape}"
    words = f"expected {_shape_words(want.shape)}, got {got_shape}"
    if arr.ndim >= 2 and arr.shape == want.shape[::-1] and np.allclose(arr.T, want, rtol=rtol, atol=atol):
        return f"looks transposed: {words}, and the transpose has the right values"
    if arr.size == want.size:
        return (f"wrong shape: {words} (the same number of values: an axis is missing, extra "
                f"or swapped; check keepdims, reshape or the order of a matrix product)")
    return f"wrong shape: {words}"


def _value_problem(arr, want, rtol, atol, batch):
    """Right shape, wrong values: look for a simple pattern before giving the largest error."""
    def close(a, b):
        return np.allclose(a, b, rtol=rtol, atol=atol)

    if arr.ndim == 2 and arr.shape[0] == arr.shape[1] and close(arr.T, want):
        return "looks transposed: the transpose has the right values"
    if not close(want, 0):
        if close(arr, 0):
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
    c = float(np.vdot(arr, want) / np.vdot(want, want))  # least-squares c in arr ~ c * want
    if not np.isfinite(c) or np.isclose(c, 1.0) or not close(arr, c * want):
        return None
    common = {2.0: "a 1/2 missing or extra, as in the half squared error?",
              0.5: "a 1/2 missing or extra, as in the half squared error?"}
    if batch is not None and batch >= 2:
        common[float(batch)] = f"= N, the number of samples ({batch}): a sum where a mean is expected?"
        common[1.0 / batch] = f"= 1/N, with N = {batch} samples: a mean where a sum is expected?"
    hint = next((text for value, text in common.items() if np.isclose(c, value)), None)
    if hint is None and np.count_nonzero(np.abs(want) > 0) < 2:
        return None
    return f"off by a factor of {c:.4g}" + (f" ({hint})" if hint else "")


def _largest_error(arr, want, rtol, atol):
    """Where the biggest difference is, with both values."""
    if arr.ndim == 0:
        return f"wrong value: got {arr.item():.6g}, expected {want.item():.6g}"
    err = np.abs(arr - want)
    at = np.unravel_index(int(np.argmax(err)), err.shape)
    index = int(at[0]) if arr.ndim == 1 else tuple(int(i) for i in at)
    wrong = int(np.count_nonzero(~np.isclose(arr, want, rtol=rtol, atol=atol)))
    return (f"wrong values: largest error {err[at]:.3g} at index {index} "
            f"(got {arr[at]:.6g}, expected {want[at]:.6g}); {wrong} of {arr.size} values differ")
