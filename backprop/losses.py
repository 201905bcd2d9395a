"""Loss functions, called as Keras calls them, with their gradients.

    loss = MeanSquaredError()
    value = loss(y_true, y_pred)   # the mean over the batch, a float
    dy = loss.backward()           # dL/dy_pred for that call, shape of y_pred

Every loss is averaged over the batch (and, like Keras, over the outputs), so
its gradient carries a factor 1/N. Probabilities are clipped to [eps, 1 - eps]
(eps = 1e-7, Keras's) so log never sees 0: no NaN at p = 0 or p = 1.

``fused_gradient(y_true, p)`` is the shortcut the model takes when the last layer's
activation pairs with the loss (sigmoid + binary cross-entropy, softmax +
categorical cross-entropy): dL/dz = (p - y) / N, exact and never unstable.
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
        y_true = self._check_targets(y_true, y_pred)
        value = self.forward(y_true, y_pred)
        self._last = (y_true, y_pred)
        return value

    def backward(self):
        """dL/dy_pred of the last call, shape of y_pred."""
        if getattr(self, "_last", None) is None:
            raise RuntimeError(f"call the loss, {self.name}(y_true, y_pred), before backward()")
        return self.grad(*self._last)

    def _check_targets(self, y_true, y_pred):
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
        return float(np.mean((y_pred - y_true) ** 2))

    def grad(self, y_true, y_pred):
        return 2.0 * (y_pred - y_true) / y_pred.size


class MeanAbsoluteError(Loss):
    """L = mean|y_pred - y_true|; dL/dy_pred = sign(y_pred - y_true) / size (0 where equal)."""

    name = "mean_absolute_error"

    def forward(self, y_true, y_pred):
        return float(np.mean(np.abs(y_pred - y_true)))

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

    def _check_targets(self, y_true, y_pred):
        y_true = super()._check_targets(y_true, y_pred)
        if y_true.size and (y_true.min() < 0 or y_true.max() > 1):
            raise ValueError(f"y_true must be labels in [0, 1] for {self.name}, "
                             f"got values from {y_true.min():g} to {y_true.max():g}")
        return y_true

    def forward(self, y_true, y_pred):
        if self.from_logits:
            z = y_pred
            return float(np.mean(np.maximum(z, 0) - z * y_true + np.log1p(np.exp(-np.abs(z)))))
        p = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
        return float(-np.mean(y_true * np.log(p) + (1.0 - y_true) * np.log(1.0 - p)))

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

    def _check_targets(self, y_true, y_pred):
        if y_pred.ndim != 2:
            raise ValueError(f"y_pred must be 2-D (N, C) for {self.name}, got shape {y_pred.shape}")
        return super()._check_targets(y_true, y_pred)

    def forward(self, y_true, y_pred):
        return float(-np.sum(y_true * self._log_probs(y_pred)) / y_pred.shape[0])

    def _log_probs(self, y_pred):
        if self.from_logits:
            shifted = y_pred - y_pred.max(axis=1, keepdims=True)
            return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        p = y_pred / y_pred.sum(axis=1, keepdims=True)     # Keras renormalizes the rows
        return np.log(np.clip(p, EPSILON, 1.0 - EPSILON))

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

    @staticmethod
    def logits_gradient(y_true, z):
        """dL/dz for p = softmax(z)."""
        return CategoricalCrossentropy.fused_gradient(y_true, activations.Softmax().forward(z))

    def __repr__(self):
        return f"{type(self).__name__}(from_logits={self.from_logits})"


class SparseCategoricalCrossentropy(CategoricalCrossentropy):
    """Categorical cross-entropy with integer labels (N,) in [0, C) instead of one-hot rows."""

    name = "sparse_categorical_crossentropy"

    def _check_targets(self, y_true, y_pred):
        if y_pred.ndim != 2:
            raise ValueError(f"y_pred must be 2-D (N, C) for {self.name}, got shape {y_pred.shape}")
        labels = check_array(y_true, "y_true").reshape(-1)
        N, C = y_pred.shape
        if labels.shape[0] != N:
            raise ValueError(f"y_true must hold one integer label per row of y_pred ({N}), "
                             f"got shape {np.shape(y_true)}")
        if np.any(labels != np.round(labels)) or (N and (labels.min() < 0 or labels.max() >= C)):
            raise ValueError(f"y_true must be integer labels in [0, {C}) for {C} classes, "
                             f"got values from {labels.min():g} to {labels.max():g}")
        one_hot = np.zeros_like(y_pred)
        one_hot[np.arange(N), labels.astype(np.intp)] = 1.0
        return one_hot


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
