"""Argument checks shared by every public function of the engine.

Each check either returns a clean value or raises a ``ValueError``/``TypeError``
whose message names the argument, what was expected and what came, before any
work is done. Keeping them in one place keeps the wording the same everywhere.
"""
import numbers

import numpy as np

from . import seeding


def describe(value):
    """A short description of ``value`` for error messages: type, and shape if any."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__} of length {len(value)}"
    return f"{type(value).__name__} {value!r}"


def check_array(value, name, ndim=None, dtype=None, finite=True, keep_int=False):
    """Return ``value`` as a numpy float array (integer with ``keep_int``), checked.

    ndim: an int or a tuple of allowed numbers of dimensions (None: any).
    dtype: the float dtype to convert to (None keeps a float dtype, else float64).
    finite: refuse NaN and infinity.
    keep_int: leave an integer array as it is (class labels), without a float copy.
    """
    if type(value) is np.ndarray:         # the hot path: an array needs no conversion
        arr = value
    else:
        if isinstance(value, (str, bytes, dict, set)) or value is None:
            raise TypeError(f"{name} must be an array of numbers, got {describe(value)}")
        try:
            arr = np.asarray(value)
        except (ValueError, TypeError) as err:
            raise TypeError(f"{name} must be an array of numbers, got {describe(value)} ({err})") from None
    if arr.dtype.kind not in "biuf":      # bool, int, unsigned, float (dtype.kind: fast on the hot path)
        raise TypeError(f"{name} must be an array of numbers, got {describe(value)} with dtype {arr.dtype}")
    if keep_int and arr.dtype.kind in "iu":
        dtype = arr.dtype
    elif dtype is None:
        dtype = arr.dtype if arr.dtype.kind == "f" else np.float64
    arr = arr.astype(dtype, copy=False)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(str(n) for n in allowed)
            raise ValueError(f"{name} must have {want} dimensions, got shape {arr.shape}")
    if finite and arr.dtype.kind == "f" and not np.isfinite(arr).all():   # integers always are
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} must contain only finite numbers, got {bad} NaN or infinite value(s)")
    return arr


def check_number(value, name, low=None, high=None, low_open=False, high_open=False):
    """Return ``value`` as a float in [low, high] (open ends where asked)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {describe(value)}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    if low is not None and (value < low or (low_open and value == low)):
        sign = ">" if low_open else ">="
        raise ValueError(f"{name} must be {sign} {low}, got {value}")
    if high is not None and (value > high or (high_open and value == high)):
        sign = "<" if high_open else "<="
        raise ValueError(f"{name} must be {sign} {high}, got {value}")
    return value


def check_int(value, name, low=None, high=None):
    """Return ``value`` as an int in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {describe(value)}")
    value = int(value)
    if low is not None and value < low:
        raise ValueError(f"{name} must be >= {low}, got {value}")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {high}, got {value}")
    return value


def check_choice(value, name, choices):
    """Return ``value`` if it is one of ``choices`` (strings), naming them all if not."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {sorted(choices)}, got {describe(value)}")
    if value not in choices:
        raise ValueError(f"unknown {name} {value!r}; expected one of {sorted(choices)}")
    return value


def check_seed(seed, name="seed"):
    """Return a ``numpy.random.Generator`` for an int seed, a Generator, or None.

    None draws from ``backprop.set_random_seed``'s stream when one is set.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        raise TypeError(f"{name} must be None, a non-negative integer or a numpy Generator, got {describe(seed)}")
    if seed is not None and seed < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {seed}")
    return np.random.default_rng(seeding.seed_sequence(seed))


def check_same_length(a, b, name_a, name_b):
    """Raise if two arrays do not have the same number of samples (first axis)."""
    if len(a) != len(b):
        raise ValueError(f"{name_a} and {name_b} must have the same number of samples, "
                         f"got {len(a)} and {len(b)}")
