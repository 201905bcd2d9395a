"""Where the engine's randomness comes from.

Every random choice (initial weights, dropout masks, shuffles, data sets) takes a
seed. ``set_random_seed(seed)`` is Keras's ``keras.utils.set_random_seed``: after
it, whatever is created WITHOUT a seed draws from one seeded stream, so code
written without seeds (like most Keras examples) gives the same numbers on every
run. ``set_random_seed(None)`` goes back to fresh randomness.
"""
import numbers

import numpy as np

_stream = None      # a SeedSequence that unseeded objects spawn from, or None


def set_random_seed(seed):
    """Make everything created without a seed reproducible (None: undo)."""
    global _stream
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0):
        raise ValueError(f"seed must be None or a non-negative integer, got {type(seed).__name__} {seed!r}")
    _stream = None if seed is None else np.random.SeedSequence(int(seed))


def seed_sequence(seed=None):
    """A SeedSequence for an int seed; for None, the next one of set_random_seed's stream."""
    if seed is not None:
        return np.random.SeedSequence(int(seed))
    return _stream.spawn(1)[0] if _stream is not None else np.random.SeedSequence()
