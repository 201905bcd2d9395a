"""Weight initializers with Keras's names, formulas and defaults.

Each is a callable ``init(shape, rng, dtype) -> array``; ``rng`` is a numpy
Generator, so the model's seed decides every starting weight. For a Dense kernel
of shape (fan_in, fan_out) (a Conv2D kernel (kh, kw, C, F): kh kw C inputs, kh kw F outputs):
- glorot (Xavier): variance 2 / (fan_in + fan_out), keeps signals steady in both
  directions for tanh/sigmoid layers;
- he: variance 2 / fan_in, makes up for ReLU zeroing half its inputs.
The "normal" variants draw from a normal truncated at two standard deviations,
as Keras does, with the scale corrected for the truncation.
"""
import numpy as np

from .validation import check_choice, check_number

# std of a standard normal truncated to [-2, 2]; dividing by it restores the variance
_TRUNCATED_STD = 0.87962566103423978


def _fans(shape):
    """(fan_in, fan_out) as Keras counts them: a Dense kernel (D, H) gives (D, H); a Conv2D
    kernel (kh, kw, C, F) gives (kh kw C, kh kw F), the inputs and outputs one weight touches."""
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = int(np.prod(shape[:-2]))
    return shape[-2] * receptive_field, shape[-1] * receptive_field


def _truncated_normal(rng, shape, std, dtype):
    """Normal(0, std) redrawn wherever it falls beyond two standard deviations."""
    x = rng.standard_normal(shape)
    bad = np.abs(x) > 2.0
    while bad.any():
        x[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(x) > 2.0
    return (x * std).astype(dtype)


class Initializer:
    name = "initializer"

    def __call__(self, shape, rng, dtype=np.float64):
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}()"


class Zeros(Initializer):
    name = "zeros"

    def __call__(self, shape, rng, dtype=np.float64):
        return np.zeros(shape, dtype=dtype)


class Ones(Initializer):
    name = "ones"

    def __call__(self, shape, rng, dtype=np.float64):
        return np.ones(shape, dtype=dtype)


class RandomNormal(Initializer):
    name = "random_normal"

    def __init__(self, mean=0.0, stddev=0.05):
        self.mean = check_number(mean, "mean")
        self.stddev = check_number(stddev, "stddev", low=0)

    def __call__(self, shape, rng, dtype=np.float64):
        return (self.mean + self.stddev * rng.standard_normal(shape)).astype(dtype)


class RandomUniform(Initializer):
    name = "random_uniform"

    def __init__(self, minval=-0.05, maxval=0.05):
        self.minval = check_number(minval, "minval")
        self.maxval = check_number(maxval, "maxval", low=self.minval)

    def __call__(self, shape, rng, dtype=np.float64):
        return rng.uniform(self.minval, self.maxval, shape).astype(dtype)


class GlorotUniform(Initializer):
    name = "glorot_uniform"

    def __call__(self, shape, rng, dtype=np.float64):
        fan_in, fan_out = _fans(shape)
        limit = np.sqrt(6.0 / (fan_in + fan_out))          # Var(U(-l, l)) = l^2/3 = 2/(in+out)
        return rng.uniform(-limit, limit, shape).astype(dtype)


class GlorotNormal(Initializer):
    name = "glorot_normal"

    def __call__(self, shape, rng, dtype=np.float64):
        fan_in, fan_out = _fans(shape)
        return _truncated_normal(rng, shape, np.sqrt(2.0 / (fan_in + fan_out)) / _TRUNCATED_STD, dtype)


class HeUniform(Initializer):
    name = "he_uniform"

    def __call__(self, shape, rng, dtype=np.float64):
        fan_in, _ = _fans(shape)
        limit = np.sqrt(6.0 / fan_in)                       # Var = 2 / fan_in
        return rng.uniform(-limit, limit, shape).astype(dtype)


class HeNormal(Initializer):
    name = "he_normal"

    def __call__(self, shape, rng, dtype=np.float64):
        fan_in, _ = _fans(shape)
        return _truncated_normal(rng, shape, np.sqrt(2.0 / fan_in) / _TRUNCATED_STD, dtype)


class Orthogonal(Initializer):
    """A matrix with orthonormal rows or columns (Keras's, gain 1): the QR factor of a
    normal draw, signs fixed by R's diagonal so every orthogonal matrix is equally likely.

    Multiplying by it keeps a vector's length, so a recurrent kernel (U, U) starting
    orthogonal neither shrinks nor blows up the state through time at first.
    """

    name = "orthogonal"

    def __call__(self, shape, rng, dtype=np.float64):
        rows, cols = int(np.prod(shape[:-1])), shape[-1]
        a = rng.standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q *= np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return q.reshape(shape).astype(dtype)


_BY_NAME = {cls.name: cls for cls in (Zeros, Ones, RandomNormal, RandomUniform,
                                      GlorotUniform, GlorotNormal, HeUniform, HeNormal, Orthogonal)}
NAMES = tuple(_BY_NAME)


def get(initializer):
    """An Initializer from a Keras name or an Initializer object."""
    if isinstance(initializer, Initializer):
        return initializer
    return _BY_NAME[check_choice(initializer, "initializer", NAMES)]()
