"""Callbacks for ``fit``: History, EarlyStopping, LambdaCallback (Keras's names).

``fit`` calls ``on_train_begin``, then per epoch ``on_epoch_begin`` /
``on_epoch_end(epoch, logs)`` with logs like {"loss": 0.31, "val_loss": 0.35},
then ``on_train_end``. A callback stops training by setting
``model.stop_training = True``.
"""
import numpy as np

from .validation import check_choice, check_int, check_number, describe


class Callback:
    model = None

    def set_model(self, model):
        self.model = model

    def on_train_begin(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_batch_end(self, batch, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass


class History(Callback):
    """What ``fit`` returns: ``history.history["loss"]`` is the loss of each epoch.

    ``diverged`` is True when fit stopped because the loss or a weight stopped
    being finite; ``diverged_epoch`` then says in which epoch (1-based).
    """

    def __init__(self):
        self.history = {}
        self.epoch = []
        self.diverged = False
        self.diverged_epoch = None

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)

    def __repr__(self):
        status = f", diverged at epoch {self.diverged_epoch}" if self.diverged else ""
        return f"History(epochs={len(self.epoch)}, keys={list(self.history)}{status})"


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by ``min_delta`` for ``patience`` epochs."""

    def __init__(self, monitor="val_loss", min_delta=0.0, patience=0, mode="auto",
                 restore_best_weights=False):
        if not isinstance(monitor, str):
            raise TypeError(f"monitor must be a string such as 'val_loss', got {describe(monitor)}")
        self.monitor = monitor
        self.min_delta = abs(check_number(min_delta, "min_delta"))
        self.patience = check_int(patience, "patience", low=0)
        mode = check_choice(mode, "mode", ("auto", "min", "max"))
        if mode == "auto":
            mode = "max" if "acc" in monitor else "min"
        self.sign = 1.0 if mode == "min" else -1.0      # compare sign * value: lower is better
        self.restore_best_weights = restore_best_weights
        self.stopped_epoch = None

    def on_train_begin(self, logs=None):
        self.best, self.best_weights, self.wait, self.stopped_epoch = np.inf, None, 0, None

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor not in (logs or {}):
            raise ValueError(f"EarlyStopping monitor {self.monitor!r} is not among the logged "
                             f"values {sorted(logs or {})}")
        value = self.sign * logs[self.monitor]
        if value < self.best - self.min_delta:
            self.best, self.wait = value, 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            return
        self.wait += 1
        if self.wait >= self.patience:      # `patience` epochs without improvement, as in Keras
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.restore_best_weights and self.best_weights is not None:   # as Keras 3: stopped or not
            self.model.set_weights(self.best_weights)


class LambdaCallback(Callback):
    """A callback from plain functions, e.g. ``LambdaCallback(on_epoch_end=lambda e, logs: ...)``."""

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_batch_end=None,
                 on_train_begin=None, on_train_end=None):
        for name, fn in list(locals().items()):
            if name != "self" and fn is not None:
                if not callable(fn):
                    raise TypeError(f"{name} must be callable, got {describe(fn)}")
                setattr(self, name, fn)
