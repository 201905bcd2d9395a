"""Metrics reported by ``fit`` and ``evaluate`` (Keras's names).

"accuracy" means what Keras makes of it from the loss: binary accuracy (threshold
0.5) for binary cross-entropy, the arg-max match for the categorical losses.
Each metric is ``fn(y_true, y_pred) -> float`` for a batch.
"""
import numpy as np

from .validation import check_choice


def binary_accuracy(y_true, y_pred, threshold=0.5):
    return float(np.mean((y_pred > threshold) == (y_true.reshape(y_pred.shape) > 0.5)))


def categorical_accuracy(y_true, y_pred):
    return float(np.mean(np.argmax(y_pred, axis=1) == np.argmax(y_true, axis=1)))


def sparse_categorical_accuracy(y_true, y_pred):
    return float(np.mean(np.argmax(y_pred, axis=1) == np.asarray(y_true).reshape(-1)))


def mean_absolute_error(y_true, y_pred):
    return float(np.mean(np.abs(y_pred - y_true.reshape(y_pred.shape))))


def mean_squared_error(y_true, y_pred):
    return float(np.mean((y_pred - y_true.reshape(y_pred.shape)) ** 2))


_BY_NAME = {
    "binary_accuracy": binary_accuracy,
    "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "mae": mean_absolute_error, "mean_absolute_error": mean_absolute_error,
    "mse": mean_squared_error, "mean_squared_error": mean_squared_error,
}
_ACCURACY_FOR_LOSS = {
    "binary_crossentropy": binary_accuracy,
    "categorical_crossentropy": categorical_accuracy,
    "sparse_categorical_crossentropy": sparse_categorical_accuracy,
}
NAMES = ("accuracy", "acc") + tuple(_BY_NAME)


def get(name, loss_name):
    """(name to report, function) for a metric name, resolving "accuracy" by the loss."""
    name = check_choice(name, "metric", NAMES)
    if name in ("accuracy", "acc"):
        return "accuracy", _ACCURACY_FOR_LOSS.get(loss_name, binary_accuracy)
    return name, _BY_NAME[name]
