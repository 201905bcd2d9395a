"""Activation functions, each beside its derivative.

An activation maps pre-activations ``z`` (N, H) to outputs ``a`` (N, H). Its
``backward(z, a, da)`` turns the upstream gradient dL/da into dL/dz. For the
element-wise ones that is ``da * f'(z)``; where f' is cheaper to write from the
output (sigmoid, tanh, relu) the code uses ``a``. Softmax mixes a row's entries,
so its backward is a Jacobian-vector product instead.

Names follow Keras: "linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu",
"softmax". ``get(name_or_activation)`` returns the object.
"""
import numpy as np

from .validation import check_choice, check_number


class Activation:
    """Base class: subclasses give ``forward`` and ``derivative`` (or ``backward``)."""

    name = "activation"

    def __call__(self, z):
        return self.forward(z)

    def forward(self, z):
        raise NotImplementedError

    def derivative(self, z, a):
        """f'(z) element by element, shape of z; ``a`` is f(z), passed to save work."""
        raise NotImplementedError

    def backward(self, z, a, da):
        """dL/dz (N, H) from dL/da (N, H)."""
        return da * self.derivative(z, a)

    def __repr__(self):
        return f"{type(self).__name__}()"


class Linear(Activation):
    name = "linear"

    def forward(self, z):
        return z

    def derivative(self, z, a):
        return np.ones_like(z)

    def backward(self, z, a, da):
        return da


class Sigmoid(Activation):
    name = "sigmoid"

    def forward(self, z):
        # 1/(1+e^-z) for z >= 0 and e^z/(1+e^z) for z < 0: exp never overflows
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1.0, e) / (1.0 + e)

    def derivative(self, z, a):
        return a * (1.0 - a)                       # s'(z) = s(z) (1 - s(z))


class Tanh(Activation):
    name = "tanh"

    def forward(self, z):
        return np.tanh(z)

    def derivative(self, z, a):
        return 1.0 - a * a                         # tanh'(z) = 1 - tanh(z)^2


class ReLU(Activation):
    name = "relu"

    def forward(self, z):
        return np.maximum(z, 0.0)

    def derivative(self, z, a):
        return (z > 0).astype(z.dtype)             # 1 where z > 0, else 0

    def backward(self, z, a, da):
        return da * (z > 0)


class LeakyReLU(Activation):
    name = "leaky_relu"

    def __init__(self, negative_slope=0.2):
        self.negative_slope = check_number(negative_slope, "negative_slope", low=0)

    def forward(self, z):
        return np.where(z > 0, z, self.negative_slope * z)

    def derivative(self, z, a):
        return np.where(z > 0, 1.0, self.negative_slope).astype(z.dtype)

    def __repr__(self):
        return f"LeakyReLU(negative_slope={self.negative_slope})"


class ELU(Activation):
    name = "elu"

    def __init__(self, alpha=1.0):
        self.alpha = check_number(alpha, "alpha", low=0)

    def forward(self, z):
        return np.where(z > 0, z, self.alpha * np.expm1(np.minimum(z, 0.0)))

    def derivative(self, z, a):
        return np.where(z > 0, 1.0, a + self.alpha).astype(z.dtype)   # alpha e^z = a + alpha

    def __repr__(self):
        return f"ELU(alpha={self.alpha})"


class Softmax(Activation):
    """Softmax over the last axis: a_i = e^{z_i} / sum_j e^{z_j}."""

    name = "softmax"

    def forward(self, z):
        e = np.exp(z - z.max(axis=-1, keepdims=True))   # shifting by the max avoids overflow
        return e / e.sum(axis=-1, keepdims=True)

    def derivative(self, z, a):
        raise TypeError("softmax has no element-wise derivative; use backward(z, a, da)")

    def backward(self, z, a, da):
        # J^T da with J = diag(a) - a a^T, row by row
        return a * (da - (da * a).sum(axis=-1, keepdims=True))


_BY_NAME = {cls.name: cls for cls in (Linear, Sigmoid, Tanh, ReLU, LeakyReLU, ELU, Softmax)}
NAMES = tuple(_BY_NAME)


def get(activation):
    """An Activation from a Keras name, an Activation object, or None (linear)."""
    if activation is None:
        return Linear()
    if isinstance(activation, Activation):
        return activation
    return _BY_NAME[check_choice(activation, "activation", NAMES)]()
