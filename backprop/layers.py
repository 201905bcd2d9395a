"""Layers with a forward and a backward pass.

Every layer follows one pattern, the one the lessons teach:

    out = layer.forward(x, training=True)   # caches what backward needs
    dx  = layer.backward(dout)              # fills layer.grads, returns dL/dx

``layer.params`` and ``layer.grads`` are dicts with the same keys ("W", "b",
"gamma", "beta"), so an optimizer can walk them together. Shapes use N for the
batch size, D for input features, H for units. Data is 2-D: (N, D).
"""
import numpy as np

from . import activations, initializers, regularizers
from .validation import check_array, check_int, check_number, check_seed, describe


class Layer:
    """Base class: the parameters, their gradients, and lazy building."""

    kind = "layer"

    def __init__(self, input_shape=None, name=None, seed=None):
        if input_shape is not None:
            if not (isinstance(input_shape, (tuple, list)) and len(input_shape) == 1):
                raise ValueError(f"input_shape must be a 1-tuple like (10,), got {describe(input_shape)}")
            input_shape = (check_int(input_shape[0], "input_shape[0]", low=1),)
        if name is not None and not isinstance(name, str):
            raise TypeError(f"name must be a string, got {describe(name)}")
        check_seed(seed)
        self.input_shape = input_shape
        self.name = name
        self.seed = seed
        self.params, self.grads = {}, {}
        self.input_dim = self.units_out = None
        self.dtype = np.dtype(np.float64)
        self._cache = None

    @property
    def built(self):
        return self.input_dim is not None

    def build(self, input_dim, rng=None, dtype=np.float64):
        """Create the parameters for inputs of ``input_dim`` features; returns the output size."""
        self.input_dim = check_int(input_dim, "input_dim", low=1)
        self.dtype = np.dtype(dtype)
        self.units_out = self._build(self.input_dim, rng if rng is not None else check_seed(self.seed))
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        return self.units_out

    def _build(self, input_dim, rng):
        return input_dim

    def _check_input(self, x):
        if not isinstance(x, np.ndarray) or x.dtype != self.dtype:
            x = check_array(x, "x", dtype=self.dtype if self.built else None)
        if x.ndim != 2:
            raise ValueError(f"x must be 2-D (N, D), got shape {x.shape}")
        if not self.built:
            self.build(x.shape[1], dtype=x.dtype)
        elif x.shape[1] != self.input_dim:
            raise ValueError(f"x must have {self.input_dim} features (shape (N, {self.input_dim})) "
                             f"for layer {self.name or self.kind}, got shape {x.shape}")
        return x

    def _cached(self):
        if self._cache is None:
            raise RuntimeError(f"call forward(x, training=...) on {self.name or self.kind} before backward")
        return self._cache

    def _check_dout(self, dout, shape):
        if not isinstance(dout, np.ndarray) or dout.shape != shape:
            dout = check_array(dout, "dout", dtype=self.dtype)
            if dout.shape != shape:
                raise ValueError(f"dout must have the shape of the last output {shape}, got {dout.shape}")
        return dout

    def penalty(self):
        """Regularization added to the loss (0 for layers without a regularizer)."""
        return 0.0

    def count_params(self):
        return int(sum(v.size for v in self.get_weights()))

    def get_weights(self):
        return [v.copy() for v in self.params.values()]

    def set_weights(self, weights):
        _assign(list(self.params.values()), weights, self.name or self.kind)

    def __repr__(self):
        return f"{type(self).__name__}(name={self.name!r})"


def _assign(targets, weights, owner):
    """Copy ``weights`` into the arrays ``targets`` in place, checking count and shapes."""
    if not isinstance(weights, (list, tuple)) or len(weights) != len(targets):
        raise ValueError(f"weights for {owner} must be a list of {len(targets)} arrays "
                         f"with shapes {[t.shape for t in targets]}, got {describe(weights)}")
    checked = []
    for i, (t, w) in enumerate(zip(targets, weights)):
        w = check_array(w, f"weights[{i}]")
        if w.shape != t.shape:
            raise ValueError(f"weights[{i}] for {owner} must have shape {t.shape}, got {w.shape}")
        checked.append(w)
    for t, w in zip(targets, checked):
        t[...] = w


class Dense(Layer):
    """A fully connected layer: out = f(x @ W + b).

    W: (D, H) kernel, Keras's layout (inputs, units); b: (H,) bias.
    Backward, with dz = dL/dz = dout * f'(z):
        dW = x^T dz      (D, H)
        db = sum_n dz    (H,)
        dx = dz W^T      (N, D)
    """

    kind = "dense"

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 input_shape=None, name=None, seed=None):
        super().__init__(input_shape=input_shape, name=name, seed=seed)
        self.units = check_int(units, "units", low=1)
        self.activation = activations.get(activation)
        if not isinstance(use_bias, bool):
            raise TypeError(f"use_bias must be True or False, got {describe(use_bias)}")
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)

    def _build(self, input_dim, rng):
        self.params["W"] = self.kernel_initializer((input_dim, self.units), rng, self.dtype)
        if self.use_bias:
            self.params["b"] = self.bias_initializer((self.units,), rng, self.dtype)
        return self.units

    @property
    def kernel(self):
        return self.params["W"]

    @property
    def bias(self):
        return self.params.get("b")

    def forward(self, x, training=False):
        """x: (N, D) -> out: (N, H)."""
        x = self._check_input(x)
        z = x @ self.params["W"]
        if self.use_bias:
            z += self.params["b"]
        out = self.activation.forward(z)
        self._cache = (x, z, out)
        return out

    def backward(self, dout, need_dx=True):
        """dout: (N, H) -> dx: (N, D); fills grads["W"] (D, H) and grads["b"] (H,)."""
        x, z, out = self._cached()
        dout = self._check_dout(dout, out.shape)
        return self.backward_from_logits(self.activation.backward(z, out, dout), need_dx)

    def backward_from_logits(self, dz, need_dx=True):
        """The linear part of backward, from dz = dL/dz (N, H).

        A model uses it directly when the loss already gives dL/dz (softmax or sigmoid
        with cross-entropy), and skips dx for its first layer.
        """
        x = self._cached()[0]
        W = self.params["W"]
        np.matmul(x.T, dz, out=self.grads["W"])                    # dW = x^T dz
        if self.kernel_regularizer is not None:
            self.grads["W"] += self.kernel_regularizer.gradient(W)
        if self.use_bias:
            dz.sum(axis=0, out=self.grads["b"])                     # db = sum over the batch
            if self.bias_regularizer is not None:
                self.grads["b"] += self.bias_regularizer.gradient(self.params["b"])
        return dz @ W.T if need_dx else None                       # dx = dz W^T

    def penalty(self):
        total = 0.0
        if self.kernel_regularizer is not None:
            total += self.kernel_regularizer.penalty(self.params["W"])
        if self.bias_regularizer is not None and self.use_bias:
            total += self.bias_regularizer.penalty(self.params["b"])
        return total

    def __repr__(self):
        return f"Dense({self.units}, activation={self.activation.name!r}, name={self.name!r})"


class Activation(Layer):
    """An activation function as a layer of its own: out = f(x), no parameters."""

    kind = "activation"

    def __init__(self, activation, input_shape=None, name=None):
        super().__init__(input_shape=input_shape, name=name)
        self.activation = activations.get(activation)

    def forward(self, x, training=False):
        x = self._check_input(x)
        out = self.activation.forward(x)
        self._cache = (x, out)
        return out

    def backward(self, dout):
        x, out = self._cached()
        return self.activation.backward(x, out, self._check_dout(dout, out.shape))

    def __repr__(self):
        return f"Activation({self.activation.name!r}, name={self.name!r})"


class Dropout(Layer):
    """Inverted dropout: in training, zero each unit with probability ``rate`` and
    scale the survivors by 1/(1 - rate), so inference needs no change at all.
    """

    kind = "dropout"

    def __init__(self, rate, input_shape=None, name=None, seed=None):
        super().__init__(input_shape=input_shape, name=name, seed=seed)
        self.rate = check_number(rate, "rate", low=0.0, high=1.0, high_open=True)
        self._rng = None
        self._mask = None       # None means the last forward was the identity

    def _build(self, input_dim, rng):
        self._rng = rng
        return input_dim

    def forward(self, x, training=False):
        x = self._check_input(x)
        if not training or self.rate == 0.0:
            self._mask = None
            return x
        keep = self._rng.random(x.shape) >= self.rate
        self._mask = keep.astype(x.dtype) / (1.0 - self.rate)
        return x * self._mask

    def backward(self, dout):
        if self._mask is None:          # inference or rate 0: the identity
            return dout
        return dout * self._mask

    def __repr__(self):
        return f"Dropout({self.rate}, name={self.name!r})"


class BatchNormalization(Layer):
    """Normalize each feature over the batch, then scale and shift.

    Training: x_hat = (x - mean_batch) / sqrt(var_batch + eps); out = gamma x_hat + beta,
    and the moving averages follow: moving = momentum * moving + (1 - momentum) * batch.
    Inference uses the moving mean and variance instead of the batch's.
    gamma, beta, moving_mean, moving_variance: (D,). Keras defaults: momentum 0.99, eps 1e-3.
    """

    kind = "batch_normalization"

    def __init__(self, momentum=0.99, epsilon=1e-3, input_shape=None, name=None):
        super().__init__(input_shape=input_shape, name=name)
        self.momentum = check_number(momentum, "momentum", low=0.0, high=1.0)
        self.epsilon = check_number(epsilon, "epsilon", low=0.0, low_open=True)

    def _build(self, input_dim, rng):
        self.params["gamma"] = np.ones(input_dim, dtype=self.dtype)
        self.params["beta"] = np.zeros(input_dim, dtype=self.dtype)
        self.moving_mean = np.zeros(input_dim, dtype=self.dtype)
        self.moving_variance = np.ones(input_dim, dtype=self.dtype)
        return input_dim

    def forward(self, x, training=False):
        x = self._check_input(x)
        if training:
            mean, var = x.mean(axis=0), x.var(axis=0)
            self.moving_mean *= self.momentum
            self.moving_mean += (1.0 - self.momentum) * mean
            self.moving_variance *= self.momentum
            self.moving_variance += (1.0 - self.momentum) * var
        else:
            mean, var = self.moving_mean, self.moving_variance
        inv_std = 1.0 / np.sqrt(var + self.epsilon)
        x_hat = (x - mean) * inv_std
        self._cache = (x_hat, inv_std, training)
        return self.params["gamma"] * x_hat + self.params["beta"]

    def backward(self, dout):
        """dout: (N, D) -> dx: (N, D); fills grads["gamma"], grads["beta"] (D,)."""
        x_hat, inv_std, training = self._cached()
        dout = self._check_dout(dout, x_hat.shape)
        self.grads["gamma"][...] = (dout * x_hat).sum(axis=0)
        self.grads["beta"][...] = dout.sum(axis=0)
        dx_hat = dout * self.params["gamma"]
        if not training:                # the statistics are constants at inference
            return dx_hat * inv_std
        # the batch mean and variance depend on every x too; the compact form of that chain rule:
        N = x_hat.shape[0]
        return inv_std / N * (N * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))

    def get_weights(self):
        return [self.params["gamma"].copy(), self.params["beta"].copy(),
                self.moving_mean.copy(), self.moving_variance.copy()]

    def set_weights(self, weights):
        _assign([self.params["gamma"], self.params["beta"], self.moving_mean, self.moving_variance],
                weights, self.name or self.kind)

    def count_params(self):
        return 4 * self.input_dim

    def __repr__(self):
        return f"BatchNormalization(name={self.name!r})"
