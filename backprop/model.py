"""``Sequential``: a stack of layers trained the way Keras trains it.

High level, as in Keras:    model.compile(...); model.fit(X, y); model.predict(X)
Low level, for the lessons: out = model.forward(X, training=True)
                            dx = model.backward(dout)      # fills model.grads
                            loss = model.train_step(X, y)   # forward, backward, update

``model.params`` and ``model.grads`` map names such as "dense/W" or "dense_1/b"
to the live arrays, so a lesson or a widget can show each number as it changes.
The model's ``seed`` decides every initial weight, dropout mask and shuffle.
"""
import time
import warnings

import numpy as np

from . import losses, metrics as metrics_module, optimizers, seeding
from .callbacks import Callback, History
from .layers import Layer, check_shape, shape_text
from .validation import (check_array, check_choice, check_int, check_number, check_same_length,
                         describe)


class DivergenceWarning(UserWarning):
    """fit stopped because the loss or a weight stopped being a finite number."""


class Sequential:
    def __init__(self, layers=None, seed=None, dtype="float64", name="sequential"):
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
            raise TypeError(f"seed must be None or a non-negative integer, got {describe(seed)}")
        if seed is not None and seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {seed}")
        self.dtype = np.dtype(check_choice(str(np.dtype(dtype)) if _is_dtype(dtype) else dtype,
                                           "dtype", ("float64", "float32")))
        self.seed, self.name = seed, name
        init_seq, shuffle_seq = seeding.seed_sequence(seed).spawn(2)
        self._init_seq = init_seq
        self._shuffle_rng = np.random.default_rng(shuffle_seq)
        self.layers, self._params, self._grads = [], {}, {}
        self.input_shape = None         # one sample's shape, (D,) or (H, W, C), once built
        self.optimizer = self.loss = None
        self.metrics = []
        self.stop_training = False
        if layers is not None:
            if not isinstance(layers, (list, tuple)):
                raise TypeError(f"layers must be a list of layers, got {describe(layers)}")
            for layer in layers:
                self.add(layer)

    # ---- building ---------------------------------------------------------------
    def add(self, layer):
        """Append a layer; it gets a unique name ("dense", "dense_1", ...) if it has none."""
        if not isinstance(layer, Layer):
            raise TypeError(f"layer must be a backprop layer (Dense, Conv2D, MaxPooling2D, Flatten, "
                            f"Activation, Dropout, ...), got {describe(layer)}")
        if any(layer is other for other in self.layers):
            raise ValueError(f"layer {layer.name!r} is already in this model")
        taken = {other.name for other in self.layers}
        if layer.name is None:
            layer.name = layer.kind
            n = 0
            while layer.name in taken:
                n += 1
                layer.name = f"{layer.kind}_{n}"
        elif layer.name in taken:
            raise ValueError(f"layer name {layer.name!r} is already used in this model")
        self.layers.append(layer)
        if self.built:
            self._build_layer(layer, self.layers[-2].output_shape if len(self.layers) > 1 else self.input_shape)
        elif len(self.layers) == 1 and layer.input_shape is not None:
            self.build()        # as in Keras: an input_shape makes the weights right away

    @property
    def built(self):
        return self.input_shape is not None

    @property
    def input_dim(self):
        """The number of input features (the last axis of a sample), once built."""
        return None if self.input_shape is None else self.input_shape[-1]

    def build(self, input_shape=None):
        """Create every weight for samples of ``input_shape`` ((D,), (H, W, C); an int D means
        (D,)); it defaults to the first layer's input_shape."""
        if input_shape is None:
            if not self.layers or self.layers[0].input_shape is None:
                raise ValueError("input_shape is needed: give the first layer input_shape=(D,) "
                                 "or (H, W, C), or call fit/forward")
            input_shape = self.layers[0].input_shape
        input_shape = shape = check_shape(input_shape)
        for layer in self.layers:       # every layer checks its input before any weight is made
            shape = self._build_layer(layer, shape)
        self.input_shape = input_shape

    def _build_layer(self, layer, input_shape):
        """Build ``layer`` for samples of ``input_shape``; returns its output sample's shape."""
        if layer.built and (layer.built_shape, layer.dtype) == (input_shape, self.dtype):
            out = layer.output_shape        # a layer built (and maybe trained) on its own keeps its weights
        else:
            out = self._new_weights(layer, input_shape)
        for key in layer.params:
            self._params[f"{layer.name}/{key}"] = layer.params[key]
            self._grads[f"{layer.name}/{key}"] = layer.grads[key]
        return out

    def _new_weights(self, layer, input_shape):
        rng = np.random.default_rng(self._init_seq.spawn(1)[0]) if layer.seed is None else None
        try:
            return layer.build(input_shape, rng=rng, dtype=self.dtype)
        except ValueError as err:       # say which layer of the model refused its input
            raise ValueError(f"layer {layer.name!r} cannot take the output of the layer before it: {err}") from None

    @property
    def params(self):
        """{"dense/W": array, ...}: the trainable arrays themselves (not copies)."""
        self._require_built()
        return self._params

    @property
    def grads(self):
        """{"dense/W": array, ...}: dL/dparam after the last backward, same keys as params."""
        self._require_built()
        return self._grads

    def _require_built(self):
        if not self.built:
            if self.layers and self.layers[0].input_shape is not None:
                self.build()
            else:
                raise RuntimeError("the model has no weights yet: give the first layer input_shape=(D,) "
                                   "or (H, W, C), or call build(shape), forward or fit first")

    def compile(self, optimizer="rmsprop", loss=None, metrics=None):
        """Choose the optimizer, the loss and the metrics (objects or Keras names)."""
        if loss is None:
            raise ValueError(f"loss must be given, one of {sorted(losses.NAMES)} or a Loss object")
        self.optimizer = optimizers.get(optimizer)
        self.loss = losses.get(loss)
        if metrics is not None and not isinstance(metrics, (list, tuple)):
            raise TypeError(f"metrics must be a list of names such as ['accuracy'], got {describe(metrics)}")
        self.metrics = [metrics_module.get(m, self.loss.name) for m in (metrics or [])]

    # ---- forward and backward -------------------------------------------------------
    def _check_X(self, X, name="X"):
        """X as a float array of the model's dtype: a batch of samples of the input shape."""
        X = check_array(X, name, dtype=self.dtype)
        if not self.built:
            first = self.layers[0] if self.layers else None
            if first is not None and first.input_shape is not None:
                self.build()
            elif X.ndim < 2:
                raise ValueError(f"{name} must have 2 dimensions (N, D), or 4 (N, H, W, C) for images, "
                                 f"one sample per row, got shape {X.shape}")
            elif first is not None and first.input_rank not in (None, X.ndim - 1):
                raise ValueError(f"{name} must have {first.input_rank + 1} dimensions {first.expects} for the "
                                 f"first layer ({type(first).__name__}), got shape {X.shape}")
            else:
                self.build(X.shape[1:])
        if X.shape[1:] != self.input_shape:
            want = (f"{self.input_dim} features (shape (N, {self.input_dim}))" if len(self.input_shape) == 1
                    else f"samples of shape {self.input_shape} (shape {shape_text(self.input_shape)})")
            if X.ndim != len(self.input_shape) + 1:
                want = f"{len(self.input_shape) + 1} dimensions, {want}"
            raise ValueError(f"{name} must have {want}, got shape {X.shape}")
        return X

    def forward(self, X, training=False):
        """X: (N, D) or (N, H, W, C) -> the last layer's output, e.g. (N, K); caches for backward."""
        return self._forward(self._check_X(X), training)

    def _forward(self, X, training):
        out = X
        for layer in self.layers:
            out = layer.forward(out, training=training)
        return out

    def backward(self, dout):
        """dout = dL/d(output), e.g. (N, K) -> dL/dX, X's shape; fills every layer's grads."""
        if not self.layers:
            raise RuntimeError("the model has no layers")
        return self._backward(dout, self.layers, need_dx=True)

    @staticmethod
    def _backward(dout, layers, need_dx):
        """Backward through ``layers``, last to first; the first one's dx only if asked
        (nothing uses dL/dX in training, and skipping it saves a matrix product)."""
        for layer in reversed(layers[1:]):
            dout = layer.backward(dout)
        return layers[0].backward(dout, need_dx=need_dx)

    def compute_gradients(self, X, y, training=True):
        """Forward, loss and backward on (X, y) without updating: fills grads, returns the loss.

        The loss includes the regularization penalties, as Keras reports it.
        """
        self._require_compiled()
        X = self._check_X(X)
        _, targets = self._check_y(y, X)
        return self._gradients(X, targets, training)[0]

    def _gradients(self, X, targets, training):
        """The step's work on checked data; targets as the loss wants them (see _check_y)."""
        out = self._forward(X, training)
        value = self.loss.forward(targets, out)
        *below, last = self.layers
        dz = losses.output_gradient(self.loss, last, targets, out)   # sigmoid/softmax + cross-entropy
        if dz is None:
            self._backward(self.loss.grad(targets, out), self.layers, need_dx=False)
        else:
            dout = last.backward_from_logits(dz, need_dx=bool(below))
            if below:                           # a one-layer model is done here
                self._backward(dout, below, need_dx=False)
        return value + self._penalty(), out

    def _penalty(self):
        return sum(layer.penalty() for layer in self.layers)

    def train_step(self, X, y):
        """One step of gradient descent on the batch (X, y); returns its loss (before the step)."""
        value = self.compute_gradients(X, y)
        self.optimizer.apply(self._params, self._grads)
        return value

    def _check_y(self, y, X, name="y", x_name="x"):
        """y checked against X and the loss (labels in range, ...) before any work is done.

        Returns (y as given, as an array: integer labels stay integers; the targets as the loss
        wants them: the shape of the output, or integer labels (N,) for sparse categorical
        cross-entropy), so each is prepared once.
        """
        y = check_array(y, name, ndim=(1, 2), keep_int=True)
        check_same_length(X, y, x_name, name)
        # a stand-in for the output: the loss's check reads only its shape and dtype
        output = np.empty((len(y), *self.layers[-1].output_shape), self.dtype)
        return y, self.loss.check_targets(y, output, checked=True)

    def _require_compiled(self):
        if self.loss is None:
            raise RuntimeError("call compile(optimizer=..., loss=...) first")

    # ---- training ---------------------------------------------------------------------
    def fit(self, x, y, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True):
        """Train for ``epochs`` passes over (x, y) in mini-batches; returns a History.

        As in Keras: batch_size defaults to 32 and the last partial batch is used;
        validation_split holds out the LAST fraction of the data (before shuffling);
        verbose 1 or "auto" prints one line per epoch, 0 prints nothing. If the loss
        or a weight stops being finite, fit stops, warns (DivergenceWarning) and
        marks the History as diverged.
        """
        self._require_compiled()
        X = self._check_X(x, "x")
        y, targets = self._check_y(y, X)
        batch_size = 32 if batch_size is None else check_int(batch_size, "batch_size", low=1)
        epochs = check_int(epochs, "epochs", low=0)
        verbose = 1 if verbose == "auto" else check_int(verbose, "verbose", low=0, high=2)
        if not isinstance(shuffle, bool):
            raise TypeError(f"shuffle must be True or False, got {describe(shuffle)}")
        X, y, targets, val = self._split_validation(X, y, targets, validation_split, validation_data)
        history = History()
        callbacks = self._callbacks(callbacks, history)
        self.stop_training = False
        for cb in callbacks:
            cb.on_train_begin()
        for epoch in range(epochs):
            for cb in callbacks:
                cb.on_epoch_begin(epoch)
            start = time.perf_counter()
            logs, batches = self._run_epoch(X, y, targets, batch_size, shuffle)
            if val is not None and np.isfinite(logs["loss"]):
                with np.errstate(over="ignore", invalid="ignore", divide="ignore"):   # reported below
                    logs.update({f"val_{k}": v for k, v in self._evaluate_logs(*val).items()})
            if not self._finite(logs):
                self._report_divergence(history, epoch, epochs, logs)
                break
            for cb in callbacks:
                cb.on_epoch_end(epoch, logs)
            if verbose:
                shown = " - ".join(f"{k}: {v:.4f}" for k, v in logs.items())
                print(f"Epoch {epoch + 1}/{epochs} - {batches} batches - "
                      f"{time.perf_counter() - start:.2f}s - {shown}", flush=True)
            if self.stop_training:
                break
        for cb in callbacks:
            cb.on_train_end()
        return history

    def _split_validation(self, X, y, targets, validation_split, validation_data):
        """(X, y, targets) to train on, and (X, y, targets) to validate on or None."""
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise TypeError(f"validation_data must be a tuple (x_val, y_val), got {describe(validation_data)}")
            Xv = self._check_X(validation_data[0], "validation_data[0]")
            return X, y, targets, (Xv, *self._check_y(validation_data[1], Xv, "validation_data[1]",
                                                      "validation_data[0]"))
        split = check_number(validation_split, "validation_split", low=0.0, high=1.0, high_open=True)
        if split == 0.0:
            return X, y, targets, None
        n_val = int(len(X) * split)
        if n_val == 0 or n_val == len(X):
            raise ValueError(f"validation_split {split} leaves no samples for "
                             f"{'validation' if n_val == 0 else 'training'} with {len(X)} samples")
        return X[:-n_val], y[:-n_val], targets[:-n_val], (X[-n_val:], y[-n_val:], targets[-n_val:])

    def _callbacks(self, callbacks, history):
        callbacks = list(callbacks or [])
        for cb in callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(f"callbacks must be Callback objects, got {describe(cb)}")
        callbacks.append(history)
        for cb in callbacks:
            cb.set_model(self)
        return callbacks

    def _run_epoch(self, X, y, targets, batch_size, shuffle):
        """One pass over the data; returns the epoch's mean loss and metrics, and the batch count."""
        N = len(X)
        order = self._shuffle_rng.permutation(N) if shuffle else np.arange(N)
        totals = {"loss": 0.0, **{name: 0.0 for name, _ in self.metrics}}
        batches = 0
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):   # divergence is reported below
            for start in range(0, N, batch_size):
                idx = order[start:start + batch_size]
                value, out = self._gradients(X[idx], targets[idx], training=True)
                batches += 1
                totals["loss"] += value * len(idx)
                if not np.isfinite(value):
                    break
                for name, fn in self.metrics:
                    totals[name] += fn(y[idx], out) * len(idx)
                self.optimizer.apply(self._params, self._grads)
        seen = min(N, batches * batch_size)
        return {k: v / seen for k, v in totals.items()}, batches

    def _finite(self, logs):
        return (all(np.isfinite(v) for v in logs.values())
                and all(np.all(np.isfinite(w)) for w in self._params.values()))

    def _report_divergence(self, history, epoch, epochs, logs):
        history.diverged, history.diverged_epoch = True, epoch + 1
        lr = self.optimizer.learning_rate
        warnings.warn(f"fit stopped in epoch {epoch + 1}/{epochs}: the training diverged (loss "
                      f"{logs['loss']:.4g}, or a weight is no longer a finite number). The learning "
                      f"rate ({lr:g}) is probably too large: try {lr / 10:g}.", DivergenceWarning, stacklevel=3)

    # ---- using the model ------------------------------------------------------------------
    def predict(self, x, batch_size=None, verbose=0):
        """x: (N, D) or (N, H, W, C) -> outputs, e.g. (N, K), in inference mode (no dropout,
        moving BN statistics)."""
        X = self._check_X(x, "x")
        if batch_size is None:
            return self._forward(X, training=False)
        batch_size = check_int(batch_size, "batch_size", low=1)
        return np.concatenate([self._forward(X[i:i + batch_size], training=False)
                               for i in range(0, len(X), batch_size)])

    def evaluate(self, x, y, batch_size=None, verbose=0, return_dict=False):
        """The loss (with penalties) and metrics on (x, y): a float, or [loss, metric, ...]."""
        self._require_compiled()
        X = self._check_X(x, "x")
        logs = self._evaluate_logs(X, *self._check_y(y, X))
        if return_dict:
            return logs
        return logs["loss"] if not self.metrics else list(logs.values())

    def _evaluate_logs(self, X, y, targets):
        out = self._forward(X, training=False)
        logs = {"loss": self.loss.forward(targets, out) + self._penalty()}
        logs.update({name: fn(y, out) for name, fn in self.metrics})   # metrics take y as given
        return logs

    def summary(self, print_fn=print):
        """Print each layer's name, output shape and number of parameters, as Keras does."""
        self._require_built()
        rows = [(f"{layer.name} ({type(layer).__name__})", shape_text(layer.output_shape),
                 f"{layer.count_params():,}") for layer in self.layers]
        trainable = sum(v.size for v in self._params.values())
        total = sum(layer.count_params() for layer in self.layers)
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in
                  enumerate(("Layer (type)", "Output Shape", "Param #"))]
        line = "  ".join(h.ljust(w) for h, w in zip(("Layer (type)", "Output Shape", "Param #"), widths))
        text = [f'Model: "{self.name}"', line, "=" * len(line)]
        text += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
        text += ["=" * len(line), f"Total params: {total:,}", f"Trainable params: {trainable:,}",
                 f"Non-trainable params: {total - trainable:,}"]
        print_fn("\n".join(text))

    def count_params(self):
        self._require_built()
        return sum(layer.count_params() for layer in self.layers)

    def get_weights(self):
        """Copies of every weight, layer by layer: [W1, b1, W2, b2, ...] (Keras's order)."""
        self._require_built()
        return [w for layer in self.layers for w in layer.get_weights()]

    def set_weights(self, weights):
        """Set every weight from a list shaped like get_weights()'s (checked before any change)."""
        self._require_built()
        sizes = [len(layer.get_weights()) for layer in self.layers]
        if not isinstance(weights, (list, tuple)) or len(weights) != sum(sizes):
            raise ValueError(f"weights must be a list of {sum(sizes)} arrays with shapes "
                             f"{[w.shape for w in self.get_weights()]}, got {describe(weights)}")
        expected = self.get_weights()
        weights = [check_array(w, f"weights[{i}]") for i, w in enumerate(weights)]
        for i, (w, e) in enumerate(zip(weights, expected)):
            if w.shape != e.shape:
                raise ValueError(f"weights[{i}] must have shape {e.shape}, got {w.shape}")
        start = 0
        for layer, n in zip(self.layers, sizes):
            layer.set_weights(list(weights[start:start + n]))
            start += n

    def __repr__(self):
        return f"Sequential({[repr(layer) for layer in self.layers]}, seed={self.seed})"


def _is_dtype(dtype):
    try:
        np.dtype(dtype)
        return True
    except TypeError:
        return False
