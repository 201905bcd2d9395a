"""Layers with a forward and a backward pass.

Every layer follows one pattern, the one the lessons teach:

    out = layer.forward(x, training=True)   # caches what backward needs
    dx  = layer.backward(dout)              # fills layer.grads, returns dL/dx

``layer.params`` and ``layer.grads`` are dicts with the same keys ("W", "b",
"gamma", "beta"), so an optimizer can walk them together. Shapes use N for the
batch size, D for input features, H for units; images are channels-last
(N, H, W, C) as in Keras. A layer's ``input_shape`` and ``output_shape`` leave out N.
The convolution and pooling layers' math is in ``backprop.conv``.
"""
import numpy as np

from . import activations, conv, initializers, regularizers
from .validation import check_array, check_int, check_number, check_seed, describe


def check_shape(shape, name="input_shape"):
    """A sample's shape (without N) as a tuple of positive ints; an int n means (n,)."""
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)) or len(shape) == 0:
        raise ValueError(f"{name} must be a tuple of positive ints such as (10,) or (8, 8, 1), "
                         f"got {describe(shape)}")
    return tuple(check_int(n, f"{name}[{i}]", low=1) for i, n in enumerate(shape))


def shape_text(shape):
    """A batch's shape as Keras prints it: (None, 8, 8, 1)."""
    return "(" + ", ".join(["None", *map(str, shape)]) + ")"


class Layer:
    """Base class: the parameters, their gradients, and lazy building.

    input_rank: the rank of one sample a layer takes (1 for (D,), 3 for images (H, W, C));
    None: any rank.
    """

    kind = "layer"
    input_rank = None
    expects = None          # how the error names the samples a layer takes, e.g. "(N, D)"

    def __init__(self, input_shape=None, name=None, seed=None):
        if input_shape is not None:
            input_shape = check_shape(input_shape)
            self._check_rank(input_shape, "input_shape")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"name must be a string, got {describe(name)}")
        check_seed(seed)
        self.input_shape = input_shape      # as given to the constructor (None: from the data)
        self.name = name
        self.seed = seed
        self.params, self.grads = {}, {}
        self.built_shape = self.output_shape = None
        self.dtype = np.dtype(np.float64)
        self._cache = None

    @property
    def built(self):
        return self.built_shape is not None

    @property
    def input_dim(self):
        """The number of input features (the last axis), once built."""
        return None if self.built_shape is None else self.built_shape[-1]

    def build(self, input_shape, rng=None, dtype=np.float64):
        """Create the parameters for samples of ``input_shape`` ((D,), (H, W, C); an int D means
        (D,)); returns the shape of one output sample."""
        shape = check_shape(input_shape)
        self._check_rank(shape, "input_shape")
        self.dtype = np.dtype(dtype)
        self.output_shape = self._build(shape, rng if rng is not None else check_seed(self.seed))
        self.built_shape = shape
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        return self.output_shape

    def _build(self, shape, rng):
        return shape

    def _check_rank(self, shape, what):
        if self.input_rank is not None and len(shape) != self.input_rank:
            hint = " (put a Flatten() layer before it)" if self.input_rank == 1 else ""
            raise ValueError(f"{type(self).__name__} takes inputs {self.expects}: {what} must have "
                             f"{self.input_rank} number{'s' if self.input_rank > 1 else ''} per sample, "
                             f"got {shape}{hint}")

    def _check_input(self, x):
        if not isinstance(x, np.ndarray) or x.dtype != self.dtype:
            x = check_array(x, "x", dtype=self.dtype if self.built else None)
        if self.input_rank is not None and x.ndim != self.input_rank + 1:
            hint = " (put a Flatten() layer before it)" if self.input_rank == 1 and x.ndim > 2 else ""
            raise ValueError(f"x must be {self.input_rank + 1}-D {self.expects} for {type(self).__name__}, "
                             f"got shape {x.shape}{hint}")
        if x.ndim < 2:
            raise ValueError(f"x must be a batch with the samples along the first axis (at least 2-D), "
                             f"got shape {x.shape}")
        if not self.built:
            self.build(x.shape[1:], dtype=x.dtype)
        elif x.shape[1:] != self.built_shape:
            want = (f"{self.input_dim} features (shape (N, {self.input_dim}))" if len(self.built_shape) == 1
                    else f"samples of shape {self.built_shape} (shape {shape_text(self.built_shape)})")
            raise ValueError(f"x must have {want} for layer {self.name or self.kind}, got shape {x.shape}")
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


class KernelLayer(Layer):
    """What Dense and Conv2D share: a kernel W, a bias b, an activation, their initializers
    and regularizers, and how their gradients are stored."""

    def __init__(self, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 input_shape=None, name=None, seed=None):
        super().__init__(input_shape=input_shape, name=name, seed=seed)
        self.activation = activations.get(activation)
        if not isinstance(use_bias, bool):
            raise TypeError(f"use_bias must be True or False, got {describe(use_bias)}")
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)

    def _make_weights(self, kernel_shape, units, rng):
        self.params["W"] = self.kernel_initializer(kernel_shape, rng, self.dtype)
        if self.use_bias:
            self.params["b"] = self.bias_initializer((units,), rng, self.dtype)

    @property
    def kernel(self):
        return self.params["W"]

    @property
    def bias(self):
        return self.params.get("b")

    def _store_gradients(self, dW, db):
        """grads["W"] = dW and grads["b"] = db (copied into the arrays that the model and its
        optimizer already hold, so model.grads["conv2d/W"] always is this layer's gradient),
        then each regularizer's term."""
        self.grads["W"][...] = dW
        if self.use_bias:
            self.grads["b"][...] = db
        self._add_regularizer_gradients()

    def _add_regularizer_gradients(self):
        """grads["W"] += dPenalty/dW, grads["b"] += dPenalty/db: the regularizers' share, apart
        from the loss's."""
        if self.kernel_regularizer is not None:
            self.grads["W"] += self.kernel_regularizer.gradient(self.params["W"])
        if self.use_bias and self.bias_regularizer is not None:
            self.grads["b"] += self.bias_regularizer.gradient(self.params["b"])

    def penalty(self):
        total = 0.0
        if self.kernel_regularizer is not None:
            total += self.kernel_regularizer.penalty(self.params["W"])
        if self.bias_regularizer is not None and self.use_bias:
            total += self.bias_regularizer.penalty(self.params["b"])
        return total


class Dense(KernelLayer):
    """A fully connected layer: out = f(x @ W + b).

    W: (D, H) kernel, Keras's layout (inputs, units); b: (H,) bias.
    Backward, with dz = dL/dz = dout * f'(z):
        dW = x^T dz      (D, H)
        db = sum_n dz    (H,)
        dx = dz W^T      (N, D)
    """

    kind = "dense"
    input_rank, expects = 1, "(N, D)"

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 input_shape=None, name=None, seed=None):
        self.units = check_int(units, "units", low=1)
        super().__init__(activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                         bias_regularizer, input_shape=input_shape, name=name, seed=seed)

    def _build(self, shape, rng):
        self._make_weights((shape[0], self.units), self.units, rng)
        return (self.units,)

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

        A model uses it directly when the loss already gives dL/dz (losses.output_gradient),
        and skips dx for its first layer (need_dx=False), which nothing uses.
        """
        x = self._cached()[0]
        # the three formulas; out= writes dW and db straight into the arrays that the model and
        # its optimizer hold (a new array and a copy would cost ~10% of a step on a large layer)
        dW = np.matmul(x.T, dz, out=self.grads["W"])                     # dW = x^T dz    (D, H)
        db = dz.sum(axis=0, out=self.grads["b"]) if self.use_bias else None   # db = sum_n dz  (H,)
        dx = dz @ self.params["W"].T if need_dx else None                # dx = dz W^T    (N, D)
        self._add_regularizer_gradients()
        return dx

    def __repr__(self):
        return f"Dense({self.units}, activation={self.activation.name!r}, name={self.name!r})"


class Conv2D(KernelLayer):
    """A 2-D convolution over channels-last images: out = f(conv(x, W) + b).

    x: (N, H, W, C); W: (kh, kw, C, F), Keras's layout; b: (F,); out: (N, OH, OW, F).
    Output size and padding as in Keras (see backprop.conv): valid OH = floor((H - kh)/s) + 1,
    same OH = ceil(H/s) with the extra padding row after. Backward, with dz = dout * f'(z):
    dW and db are Dense's formulas summed over every position (the kernel is shared), dx is
    the "full" convolution of dz with the flipped kernel (conv.conv2d_backward).
    """

    kind = "conv2d"
    input_rank, expects = 3, "(N, H, W, C)"

    def __init__(self, filters, kernel_size, strides=1, padding="valid", activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, input_shape=None, name=None, seed=None):
        self.filters = check_int(filters, "filters", low=1)
        self.kernel_size = conv.pair(kernel_size, "kernel_size")
        self.strides = conv.pair(strides, "strides")
        self.padding = conv.check_padding(padding)
        super().__init__(activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                         bias_regularizer, input_shape=input_shape, name=name, seed=seed)

    def _build(self, shape, rng):
        H, W, C = shape
        OH, OW = conv.check_window((None, H, W, C), self.kernel_size, self.strides, self.padding)
        self._make_weights((*self.kernel_size, C, self.filters), self.filters, rng)
        return (OH, OW, self.filters)

    def forward(self, x, training=False):
        """x: (N, H, W, C) -> out: (N, OH, OW, F)."""
        x = self._check_input(x)
        z, conv_cache = conv.conv2d_forward(x, self.params["W"], self.params.get("b"),
                                            self.strides, self.padding)
        out = self.activation.forward(z)
        self._cache = (conv_cache, z, out)
        return out

    def backward(self, dout, need_dx=True):
        """dout: (N, OH, OW, F) -> dx: (N, H, W, C); fills grads["W"] (kh, kw, C, F), grads["b"] (F,)."""
        conv_cache, z, out = self._cached()
        dz = self.activation.backward(z, out, self._check_dout(dout, out.shape))
        dx, dW, db = conv.conv2d_backward(dz, conv_cache, need_dx)
        self._store_gradients(dW, db)
        return dx

    def __repr__(self):
        return (f"Conv2D({self.filters}, {self.kernel_size}, strides={self.strides}, "
                f"padding={self.padding!r}, activation={self.activation.name!r}, name={self.name!r})")


class _Pooling2D(Layer):
    """Shared by the pooling layers: a window of ``pool_size`` moved by ``strides`` (default:
    the pool size, windows side by side) over each channel; no parameters."""

    input_rank, expects = 3, "(N, H, W, C)"

    def __init__(self, pool_size=2, strides=None, padding="valid", input_shape=None, name=None):
        self.pool_size = conv.pair(pool_size, "pool_size")
        self.strides = self.pool_size if strides is None else conv.pair(strides, "strides")
        self.padding = conv.check_padding(padding)
        super().__init__(input_shape=input_shape, name=name)

    def _build(self, shape, rng):
        H, W, C = shape
        return (*conv.check_window((None, H, W, C), self.pool_size, self.strides, self.padding, "pool"), C)

    def forward(self, x, training=False):
        """x: (N, H, W, C) -> out: (N, OH, OW, C)."""
        out, self._cache = self.pool_forward(self._check_input(x), self.pool_size, self.strides, self.padding)
        self._out_shape = out.shape
        return out

    def backward(self, dout, need_dx=True):
        """dout: (N, OH, OW, C) -> dx: (N, H, W, C)."""
        cache = self._cached()
        return self.pool_backward(self._check_dout(dout, self._out_shape), cache)

    def __repr__(self):
        return f"{type(self).__name__}({self.pool_size}, strides={self.strides}, name={self.name!r})"


class MaxPooling2D(_Pooling2D):
    """The largest value of each window. Backward: each window's gradient goes to its maximum
    only; on a tie, to the first maximum in row-major order (as PyTorch's max pooling routes it)."""

    kind = "max_pooling2d"
    pool_forward, pool_backward = staticmethod(conv.max_pool_forward), staticmethod(conv.max_pool_backward)


class AveragePooling2D(_Pooling2D):
    """The mean of each window. Backward: each window's gradient shared equally by its pixels
    (with padding="same", by the real pixels it covers)."""

    kind = "average_pooling2d"
    pool_forward = staticmethod(conv.average_pool_forward)
    pool_backward = staticmethod(conv.average_pool_backward)


class Flatten(Layer):
    """Each sample's values in one row: (N, H, W, C) -> (N, H W C), channels last (Keras's order:
    the channel changes fastest). Backward reshapes dout back; no parameters."""

    kind = "flatten"

    def _build(self, shape, rng):
        return (int(np.prod(shape)),)

    def forward(self, x, training=False):
        x = self._check_input(x)
        self._cache = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dout, need_dx=True):
        x_shape = self._cached()
        return self._check_dout(dout, (x_shape[0], int(np.prod(x_shape[1:])))).reshape(x_shape)


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

    def backward(self, dout, need_dx=True):
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

    def _build(self, shape, rng):
        self._rng = rng
        return shape

    def forward(self, x, training=False):
        x = self._check_input(x)
        if not training or self.rate == 0.0:
            self._mask = None
            return x
        keep = self._rng.random(x.shape) >= self.rate
        self._mask = keep.astype(x.dtype) / (1.0 - self.rate)
        return x * self._mask

    def backward(self, dout, need_dx=True):
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
    Features are the last axis: on images (N, H, W, C) each channel is normalized over the
    batch and every position (Keras's axis=-1), so "over the batch" means over all other axes.
    """

    kind = "batch_normalization"

    def __init__(self, momentum=0.99, epsilon=1e-3, input_shape=None, name=None):
        super().__init__(input_shape=input_shape, name=name)
        self.momentum = check_number(momentum, "momentum", low=0.0, high=1.0)
        self.epsilon = check_number(epsilon, "epsilon", low=0.0, low_open=True)

    def _build(self, shape, rng):
        D = shape[-1]
        self.params["gamma"] = np.ones(D, dtype=self.dtype)
        self.params["beta"] = np.zeros(D, dtype=self.dtype)
        self.moving_mean = np.zeros(D, dtype=self.dtype)
        self.moving_variance = np.ones(D, dtype=self.dtype)
        return shape

    def forward(self, x, training=False):
        x = self._check_input(x)
        if training:
            batch_axes = tuple(range(x.ndim - 1))
            mean, var = x.mean(axis=batch_axes), x.var(axis=batch_axes)
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

    def backward(self, dout, need_dx=True):
        """dout: (N, D) -> dx: (N, D); fills grads["gamma"], grads["beta"] (D,). (N, ..., D) alike."""
        x_hat, inv_std, training = self._cached()
        dout = self._check_dout(dout, x_hat.shape)
        axes = tuple(range(dout.ndim - 1))      # the batch (and, for images, every position)
        self.grads["gamma"][...] = (dout * x_hat).sum(axis=axes)
        self.grads["beta"][...] = dout.sum(axis=axes)
        dx_hat = dout * self.params["gamma"]
        if not training:                # the statistics are constants at inference
            return dx_hat * inv_std
        # the batch mean and variance depend on every x too; the compact form of that chain rule,
        # N being the number of values each mean was taken over:
        N = x_hat.size // x_hat.shape[-1]
        return inv_std / N * (N * dx_hat - dx_hat.sum(axis=axes) - x_hat * (dx_hat * x_hat).sum(axis=axes))

    def get_weights(self):
        return [self.params["gamma"].copy(), self.params["beta"].copy(),
                self.moving_mean.copy(), self.moving_variance.copy()]

    def set_weights(self, weights):
        _assign([self.params["gamma"], self.params["beta"], self.moving_mean, self.moving_variance],
                weights, self.name or self.kind)

    def count_params(self):
        return 4 * self.input_dim          # gamma, beta, and the two moving statistics

    def __repr__(self):
        return f"BatchNormalization(name={self.name!r})"
