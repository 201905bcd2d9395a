"""Gradient checking: compare backprop's gradients with finite differences.

The centered difference  (f(x + h) - f(x - h)) / 2h  approximates df/dx with an
error of order h^2, so in float64 with h = 1e-5 a correct backward pass agrees
to a relative error of about 1e-7 or less. Reading the numbers:
    below 1e-7   right
    1e-7 to 1e-4 suspicious (fine near a kink such as relu's, or in float32)
    above 1e-4   a bug (1e-2 means a wrong formula, not rounding)
"""
import numpy as np

from .validation import check_array, check_number, describe

OK, SUSPICIOUS = 1e-7, 1e-4


def rel_error(a, b):
    """max |a - b| / max(|a| + |b|, 1e-8): the largest relative difference, a float."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def numerical_gradient(f, x, h=1e-5, dout=None):
    """d f / d x by centered differences, shape of x.

    f: a function of no arguments that reads ``x`` (changed in place and restored)
    and returns a number, or an array when ``dout`` is given: then the result is
    the gradient of sum(f() * dout), what a layer's backward(dout) computes.
    """
    if not callable(f):
        raise TypeError(f"f must be a function of no arguments, got {describe(f)}")
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"x must be a float numpy array (changed in place), got {describe(x)}")
    h = check_number(h, "h", low=0.0, low_open=True)

    def value():
        out = f()
        return float(np.sum(out * dout)) if dout is not None else float(out)

    grad = np.zeros_like(x, dtype=np.float64)
    flat, gflat = x.reshape(-1), grad.reshape(-1)      # views: writing flat writes x
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        plus = value()
        flat[i] = old - h
        minus = value()
        flat[i] = old
        gflat[i] = (plus - minus) / (2.0 * h)
    return grad


def verdict(error):
    """'ok', 'suspicious' or 'bug' for a relative error (see the module docstring)."""
    return "ok" if error < OK else "suspicious" if error < SUSPICIOUS else "bug"


class GradcheckReport(dict):
    """{name: relative error}, printed as a table with a verdict per row."""

    @property
    def passed(self):
        return all(verdict(e) == "ok" for e in self.values())

    def worst(self):
        return max(self.values()) if self else 0.0

    def __str__(self):
        width = max([len("name")] + [len(k) for k in self])
        rows = [f"{k.ljust(width)}  {e:9.2e}  {verdict(e)}" for k, e in self.items()]
        return "\n".join([f"{'name'.ljust(width)}  rel error  verdict"] + rows)


def check_layer(layer, x, seed=0, h=1e-5):
    """Check a layer's backward against numerical gradients of sum(forward(x) * dout).

    x: (N, D) float64 input; dout is drawn at random with ``seed``. Dropout layers
    are checked in inference mode (a random mask would change between evaluations);
    other layers in training mode. Returns a GradcheckReport with "x" and each param.
    """
    x = check_array(x, "x", ndim=2, dtype=np.float64).copy()
    training = getattr(layer, "kind", "") != "dropout"
    out = layer.forward(x, training=training)
    dout = np.random.default_rng(seed).standard_normal(out.shape)
    dx = layer.backward(dout)
    report = GradcheckReport()
    report["x"] = rel_error(dx, numerical_gradient(lambda: layer.forward(x, training=training), x, h, dout))
    for name, p in layer.params.items():
        analytic = layer.grads[name].copy()
        numeric = numerical_gradient(lambda: layer.forward(x, training=training), p, h, dout)
        report[name] = rel_error(analytic, numeric)
    return report


def check_model(model, X, y, h=1e-5, training=False):
    """Check every parameter of a compiled Sequential on (X, y); returns a GradcheckReport.

    The loss includes regularization. ``training=False`` (default) switches dropout
    off so the function is deterministic; batch normalization then uses its moving
    statistics. With ``training=True`` batch normalization uses batch statistics
    (do not combine with dropout).
    """
    state = [(layer.moving_mean.copy(), layer.moving_variance.copy())
             for layer in model.layers if hasattr(layer, "moving_mean")]

    def loss():
        value = model.compute_gradients(X, y, training=training)
        for layer, (mean, var) in zip([l for l in model.layers if hasattr(l, "moving_mean")], state):
            layer.moving_mean[...], layer.moving_variance[...] = mean, var   # keep the function fixed
        return value

    loss()
    analytic = {name: g.copy() for name, g in model.grads.items()}
    report = GradcheckReport()
    for name, p in model.params.items():
        report[name] = rel_error(analytic[name], numerical_gradient(loss, p, h))
    return report
