"""Loss functions, called as Keras calls them, with their gradients.

    loss = MeanSquaredError()
    value = loss(y_true, y_pred)   # the mean over the batch, a float
    dy = loss.backward()           # dL/dy_pred for that call, shape of y_pred

Every loss is averaged over the batch (and, like Keras, over the outputs), so
its gradient carries a factor 1/N. Probabilities are clipped to [eps, 1 - eps]
(eps = 1e-7, Keras's) so log never sees 0: no NaN at p = 0 or p = 1.

``output_gradient(loss, layer, y_true, out)`` is the one place of the shortcut a model
takes when the last layer's activation pairs with the loss (sigmoid + binary
cross-entropy, softmax + categorical cross-entropy): dL/dz = (p - y) / N, exact and
never unstable (see its docstring).
Sparse categorical cross-entropy keeps its integer labels (N,) all the way: the
labels pick one entry per row, so no (N, C) one-hot is built on the training path.
"""
import numpy as np

from . import activations
from .validation import check_array, check_choice, describe

EPSILON = 1e-7


class Loss:
    """Base class: ``forward`` computes the mean loss and caches what ``grad`` needs."""

    name = "loss"
    pairs_with = None       # the output activation whose logits gradient is (p - y)/N

    def __call__(self, y_true, y_pred):
        y_pred = check_array(y_pred, "y_pred", ndim=(1, 2))
        y_true = self.check_targets(y_true, y_pred)
        value = self.forward(y_true, y_pred)
        self._last = (y_true, y_pred)
        return value

    def backward(self):
        """dL/dy_pred of the last call, shape of y_pred."""
        if getattr(self, "_last", None) is None:
            raise RuntimeError(f"call the loss, {self.name}(y_true, y_pred), before backward()")
        return self.grad(*self._last)

    def check_targets(self, y_true, y_pred, checked=False):
        """y_true as ``forward`` takes it, checked against y_pred.

        checked: y_true already passed ``check_array`` (a model's check of y), so it is only
        checked again if it must change dtype (float64 to float32 can overflow to inf).
        """
        if not (checked and y_true.dtype == y_pred.dtype):
            y_true = check_array(y_true, "y_true", dtype=y_pred.dtype)
        if y_true.shape != y_pred.shape and y_true.size == y_pred.size and y_true.ndim <= 2:
            y_true = y_true.reshape(y_pred.shape)          # (N,) against (N, 1), as Keras allows
        if y_true.shape != y_pred.shape:
            raise ValueError(f"y_true must have the shape of y_pred {y_pred.shape}, got {y_true.shape}")
        return y_true

    def __repr__(self):
        return f"{type(self).__name__}()"


class MeanSquaredError(Loss):
    """L = mean((y_pred - y_true)^2); dL/dy_pred = 2 (y_pred - y_true) / size."""

    name = "mean_squared_error"

    def forward(self, y_true, y_pred):
        return float(((y_pred - y_true) ** 2).mean())

    def grad(self, y_true, y_pred):
        return 2.0 * (y_pred - y_true) / y_pred.size


class MeanAbsoluteError(Loss):
    """L = mean|y_pred - y_true|; dL/dy_pred = sign(y_pred - y_true) / size (0 where equal)."""

    name = "mean_absolute_error"

    def forward(self, y_true, y_pred):
        return float(np.abs(y_pred - y_true).mean())

    def grad(self, y_true, y_pred):
        return np.sign(y_pred - y_true) / y_pred.size


class BinaryCrossentropy(Loss):
    """L = -mean(y log p + (1 - y) log(1 - p)), for labels y in [0, 1].

    from_logits=True: y_pred are logits z, p = sigmoid(z), computed stably as
    max(z, 0) - z y + log(1 + e^-|z|).
    """

    name = "binary_crossentropy"
    pairs_with = "sigmoid"

    def __init__(self, from_logits=False):
        if not isinstance(from_logits, bool):
            raise TypeError(f"from_logits must be True or False, got {describe(from_logits)}")
        self.from_logits = from_logits

    def check_targets(self, y_true, y_pred, checked=False):
        y_true = super().check_targets(y_true, y_pred, checked)
        if y_true.size and (y_true.min() < 0 or y_true.max() > 1):
            raise ValueError(f"y_true must be labels in [0, 1] for {self.name}, "
                             f"got values from {y_true.min():g} to {y_true.max():g}")
        return y_true

    def forward(self, y_true, y_pred):
        if self.from_logits:
            z = y_pred
            return float((np.maximum(z, 0) - z * y_true + np.log1p(np.exp(-np.abs(z)))).mean())
        p = y_pred.clip(EPSILON, 1.0 - EPSILON)
        return float(-(y_true * np.log(p) + (1.0 - y_true) * np.log(1.0 - p)).mean())

    def grad(self, y_true, y_pred):
        if self.from_logits:
            return self.logits_gradient(y_true, y_pred)
        p = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
        inside = (y_pred > EPSILON) & (y_pred < 1.0 - EPSILON)   # the clip is flat outside
        return inside * (p - y_true) / (p * (1.0 - p)) / y_pred.size

    @staticmethod
    def fused_gradient(y_true, p):
        """dL/dz where p = sigmoid(z) is already computed: (p - y) / size."""
        return (p - y_true) / p.size

    @staticmethod
    def logits_gradient(y_true, z):
        """dL/dz for p = sigmoid(z)."""
        return BinaryCrossentropy.fused_gradient(y_true, activations.Sigmoid().forward(z))

    def __repr__(self):
        return f"BinaryCrossentropy(from_logits={self.from_logits})"


class CategoricalCrossentropy(Loss):
    """L = -mean over the batch of sum_c y_c log p_c, y one-hot (N, C).

    from_logits=True: y_pred are logits, p = softmax(z), via log-sum-exp.
    """

    name = "categorical_crossentropy"
    pairs_with = "softmax"

    def __init__(self, from_logits=False):
        if not isinstance(from_logits, bool):
            raise TypeError(f"from_logits must be True or False, got {describe(from_logits)}")
        self.from_logits = from_logits

    def check_targets(self, y_true, y_pred, checked=False):
        if y_pred.ndim != 2:
            raise ValueError(f"y_pred must be 2-D (N, C) for {self.name}, got shape {y_pred.shape}")
        return super().check_targets(y_true, y_pred, checked)

    def forward(self, y_true, y_pred):
        return float(-(y_true * self._log_probs(y_pred)).sum() / y_pred.shape[0])

    def _log_probs(self, y_pred, entries=Ellipsis):
        """log p (N, C): of softmax(z) from logits, else of y_pred renormalized and clipped.

        entries = (rows (N, 1), columns (N, 1)) gives only those, (N, 1): taking them before
        the log spares the logs of all the others.
        """
        if self.from_logits:
            shifted = y_pred - y_pred.max(axis=1, keepdims=True)
            return shifted[entries] - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        p = y_pred[entries] / y_pred.sum(axis=1, keepdims=True)     # Keras renormalizes the rows
        return np.log(p.clip(EPSILON, 1.0 - EPSILON))

    def grad(self, y_true, y_pred):
        if self.from_logits:
            return self.logits_gradient(y_true, y_pred)
        s = y_pred.sum(axis=1, keepdims=True)
        q = y_pred / s
        p = np.clip(q, EPSILON, 1.0 - EPSILON)
        g = -y_true / p * ((q > EPSILON) & (q < 1.0 - EPSILON))   # dL/dq; the clip is flat outside
        # through the renormalization q = y_pred / s: dL/dy_pred_j = (g_j - sum_c g_c q_c) / s
        return (g - (g * q).sum(axis=1, keepdims=True)) / s / y_pred.shape[0]

    @staticmethod
    def fused_gradient(y_true, p):
        """dL/dz where p = softmax(z) is already computed: (p - y) / N."""
        return (p - y_true) / p.shape[0]

    @classmethod
    def logits_gradient(cls, y_true, z):
        """dL/dz for p = softmax(z); y_true as this loss takes it (one-hot, or labels if sparse)."""
        return cls.fused_gradient(y_true, activations.Softmax().forward(z))

    def __repr__(self):
        return f"{type(self).__name__}(from_logits={self.from_logits})"


class SparseCategoricalCrossentropy(CategoricalCrossentropy):
    """Categorical cross-entropy with integer labels y (N,) in [0, C) instead of one-hot rows.

    The labels pick each row's entry: L = -mean_n log p[n, y_n], and the fused gradient
    (p - onehot(y)) / N is p with 1 taken off each row's labelled entry, divided by N.
    Both give the one-hot loss's numbers without building the (N, C) one-hot.
    """

    name = "sparse_categorical_crossentropy"

    def check_targets(self, y_true, y_pred, checked=False):
        """The labels as an index array (N,), checked against y_pred (N, C)."""
        if y_pred.ndim != 2:
            raise ValueError(f"y_pred must be 2-D (N, C) for {self.name}, got shape {y_pred.shape}")
        labels = (y_true if checked else check_array(y_true, "y_true", keep_int=True)).reshape(-1)
        N, C = y_pred.shape
        if labels.shape[0] != N:
            raise ValueError(f"y_true must hold one integer label per row of y_pred ({N}), "
                             f"got shape {np.shape(y_true)}")
        fractional = labels.dtype.kind == "f" and np.any(labels != np.round(labels))
        if fractional or (N and (labels.min() < 0 or labels.max() >= C)):
            raise ValueError(f"y_true must be integer labels in [0, {C}) for {C} classes, "
                             f"got values from {labels.min():g} to {labels.max():g}")
        return labels.astype(np.intp, copy=False)

    def forward(self, labels, y_pred):
        entries = (np.arange(len(labels))[:, None], labels[:, None])         # p[n, y_n], (N, 1)
        return float(-self._log_probs(y_pred, entries).sum() / y_pred.shape[0])

    def grad(self, labels, y_pred):
        if self.from_logits:
            return self.logits_gradient(labels, y_pred)
        # probabilities off the fused path (rare): the one-hot route is the simplest correct one
        one_hot = np.zeros_like(y_pred)
        one_hot[np.arange(len(labels)), labels] = 1.0
        return super().grad(one_hot, y_pred)

    @staticmethod
    def fused_gradient(labels, p):
        """dL/dz (N, C) where p = softmax(z) is already computed: (p - onehot) / N."""
        dz = p.copy()
        dz[np.arange(len(labels)), labels] -= 1.0       # the one-hot's single 1 per row
        dz /= p.shape[0]
        return dz


def output_gradient(loss, layer, y_true, out):
    """dL/dz for an output layer out = f(z) when the loss pairs with f, else None.

    The shortcut. For p = sigmoid(z) with binary cross-entropy, or p = softmax(z) with
    categorical cross-entropy, the chain rule through f and through log p collapses:
    dL/dz = (p - y) / N. Taking the two steps separately would divide by p (1 - p) and
    multiply by it again, which is exact on paper and NaN or inf in floats when p reaches
    0 or 1. So a model (and NeuronExplorer) asks here first, and only when this gives None
    goes the long way: loss.grad, then layer.backward.

    loss: a Loss; layer: the last layer (a Dense, whose activation is f); y_true: the targets
    as loss.check_targets gives them; out: the layer's output p, e.g. (N, K).
    """
    activation = getattr(getattr(layer, "activation", None), "name", None)
    if (loss.pairs_with is None or loss.from_logits or activation != loss.pairs_with
            or not hasattr(layer, "backward_from_logits")):
        return None
    return loss.fused_gradient(y_true, out)


_BY_NAME = {
    "mean_squared_error": MeanSquaredError, "mse": MeanSquaredError,
    "mean_absolute_error": MeanAbsoluteError, "mae": MeanAbsoluteError,
    "binary_crossentropy": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
}
NAMES = tuple(_BY_NAME)


def get(loss):
    """A Loss from a Keras name ("mse", "binary_crossentropy", ...) or a Loss object."""
    if isinstance(loss, Loss):
        return loss
    return _BY_NAME[check_choice(loss, "loss", NAMES)]()
