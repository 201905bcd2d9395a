"""``backprop.gradcheck``: the numerical gradient itself, the error measure, and the
whole-model check on several architectures (and on deliberately broken layers)."""
import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st

from backprop import Activation, BatchNormalization, Dense, Dropout, Sequential
from backprop.gradcheck import (GradcheckReport, check_layer, check_model, numerical_gradient, rel_error,
                                verdict)
from backprop.losses import BinaryCrossentropy, CategoricalCrossentropy
from backprop.regularizers import L1L2, L2

# ---- the tools themselves ---------------------------------------------------------------------


@given(seed=st.integers(0, 2 ** 32 - 1), shape=st.tuples(st.integers(1, 4), st.integers(1, 4)))
def test_numerical_gradient_of_known_functions(seed, shape):
    x = np.random.default_rng(seed).standard_normal(shape)
    before = x.copy()
    g = numerical_gradient(lambda: float(np.sum(np.sin(x) * x)), x)       # d/dx = cos(x) x + sin(x)
    np.testing.assert_allclose(g, np.cos(x) * x + np.sin(x), rtol=1e-8, atol=1e-10)
    np.testing.assert_array_equal(x, before)                              # restored
    dout = np.random.default_rng(seed + 1).standard_normal(shape)
    g = numerical_gradient(lambda: x ** 3, x, dout=dout)                  # gradient of sum(x^3 * dout)
    np.testing.assert_allclose(g, 3 * x ** 2 * dout, rtol=1e-8, atol=1e-9)


def test_numerical_gradient_error_is_of_order_h_squared():
    x = np.array([0.7])
    errors = [abs(numerical_gradient(lambda: float(np.exp(x[0])), x, h=h)[0] - np.exp(0.7)) for h in (1e-2, 1e-3)]
    assert 50 < errors[0] / errors[1] < 200                               # 10x smaller h: ~100x smaller error


def test_rel_error():
    assert rel_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert rel_error([1.0], [1.0 + 2e-6]) == pytest.approx(1e-6, rel=1e-3)   # |a-b| / (|a|+|b|)
    assert rel_error([0.0], [0.0]) == 0.0
    assert rel_error(np.zeros((0,)), np.zeros((0,))) == 0.0
    assert rel_error([3.0, -1.0], [1.0, 1.0]) == 1.0                     # opposite signs: the maximum
    with pytest.raises(ValueError, match="same shape"):
        rel_error([1.0, 2.0], [1.0])


def test_verdict_thresholds():
    assert [verdict(e) for e in (1e-9, 1e-6, 1e-2)] == ["ok", "suspicious", "bug"]
    report = GradcheckReport({"a": 1e-9, "b": 3e-3})
    assert not report.passed and report.worst() == 3e-3
    assert "bug" in str(report) and "ok" in str(report)


# ---- whole models -------------------------------------------------------------------------------

def _data(seed, N, D, kind, K=1):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, D))
    if kind == "regression":
        return X, rng.standard_normal((N, K))
    if kind == "binary":
        return X, rng.integers(0, 2, (N, K)).astype(float)
    if kind == "sparse":
        return X, rng.integers(0, K, N)
    return X, np.eye(K)[rng.integers(0, K, N)]


ARCHITECTURES = {
    # name: (layers, loss, data kind, outputs K, check_model(training=...))
    "tanh-softmax + cce (fused)": (lambda: [Dense(5, activation="tanh"), Dense(3, activation="softmax")],
                                   "categorical_crossentropy", "onehot", 3, False),
    "sigmoid-sigmoid + bce (fused)": (lambda: [Dense(4, activation="sigmoid"), Dense(1, activation="sigmoid")],
                                      "binary_crossentropy", "binary", 1, False),
    "elu+l1l2, dropout, softmax + sparse": (
        lambda: [Dense(6, activation="elu", kernel_regularizer=L1L2(0.01, 0.02)), Dropout(0.5),
                 Dense(4, activation="softmax")], "sparse_categorical_crossentropy", "sparse", 4, False),
    # no bias before batch normalization (with batch statistics its gradient is exactly 0, see below)
    "batchnorm (batch statistics) + mse": (
        lambda: [Dense(5, use_bias=False), BatchNormalization(), Activation("tanh"), Dense(2)],
        "mse", "regression", 2, True),
    "batchnorm (moving statistics) + mse": (
        lambda: [Dense(5), BatchNormalization(), Activation("sigmoid"), Dense(2)], "mse", "regression", 2, False),
    "deep tanh, no biases + mse": (
        lambda: [Dense(6, activation="tanh", use_bias=False), Dense(6, activation="tanh", use_bias=False),
                 Dense(6, activation="tanh"), Dense(1)], "mse", "regression", 1, False),
    "leaky_relu + bce from logits": (
        lambda: [Dense(5, activation="leaky_relu", bias_initializer="random_normal"), Dense(2)],
        BinaryCrossentropy(from_logits=True), "binary", 2, False),
    "softmax output + cce from logits (not fused)": (
        lambda: [Dense(4, activation="tanh", bias_regularizer=L2(0.1)), Dense(3)],
        CategoricalCrossentropy(from_logits=True), "onehot", 3, False),
    "single layer logistic regression (fused)": (
        lambda: [Dense(1, activation="sigmoid")], "binary_crossentropy", "binary", 1, False),
}


def _model(name, seed):
    layers, loss, kind, K, training = ARCHITECTURES[name]
    X, y = _data(seed, N=7, D=3, kind=kind, K=K)
    model = Sequential(layers(), seed=seed)
    model.compile("sgd", loss)
    model.build(3)
    if any(isinstance(layer, BatchNormalization) for layer in model.layers):
        model.fit(X, y, epochs=2, batch_size=4, verbose=0)        # moving statistics away from (0, 1)
    return model, X, y, training


def _min_distance_to_a_kink(model, X, training):
    """The smallest |z| over the Dense layers whose activation has a kink at 0 (inf if none)."""
    out, smallest = X, np.inf
    for layer in model.layers:
        if isinstance(layer, Dense) and layer.activation.name in ("relu", "leaky_relu", "elu"):
            z = out @ layer.kernel + (layer.bias if layer.use_bias else 0.0)
            smallest = min(smallest, float(np.abs(z).min()))
        out = layer.forward(out, training=training)
    return smallest


@pytest.mark.parametrize("name", sorted(ARCHITECTURES))
@settings(max_examples=10)
@given(seed=st.integers(0, 10_000))
def test_every_parameter_of_every_architecture(name, seed, assert_grad_close):
    """model.compute_gradients against numerical gradients of the model's loss, parameter by parameter."""
    model, X, y, training = _model(name, seed)
    assume(_min_distance_to_a_kink(model, X, training) > 1e-3)
    model.compute_gradients(X, y, training=training)
    analytic = {k: g.copy() for k, g in model.grads.items()}
    for k, p in model.params.items():
        numeric = numerical_gradient(lambda: model.compute_gradients(X, y, training=training), p)
        assert_grad_close(analytic[k], numeric, f"{name}: {k}")


@pytest.mark.parametrize("name", sorted(ARCHITECTURES))
def test_check_model_on_architectures(name):
    model, X, y, training = _model(name, seed=0)
    before = model.get_weights()
    report = check_model(model, X, y, training=training)
    assert set(report) == set(model.params)
    assert report.worst() < 1e-6, f"{name}\n{report}"
    for a, b in zip(before, model.get_weights()):             # parameters and moving statistics restored
        np.testing.assert_array_equal(a, b)


def test_a_bias_before_batch_normalization_has_zero_gradient():
    # batch normalization subtracts the batch mean, so a constant shift before it changes nothing:
    # dL/db is 0 up to rounding. (check_model's relative error cannot judge an exact 0: the
    # numerical gradient's rounding noise, ~1e-11, is what is left, so it reports such a bias
    # as a bug. Keras's advice is the same as the fix: use_bias=False before BatchNormalization.)
    X, y = _data(1, N=8, D=3, kind="regression", K=1)
    model = Sequential([Dense(4), BatchNormalization(), Activation("tanh"), Dense(1)], seed=1)
    model.compile("sgd", "mse")
    model.compute_gradients(X, y, training=True)
    assert np.abs(model.grads["dense/b"]).max() < 1e-15
    assert np.abs(model.grads["dense/W"]).max() > 1e-3
    numeric = numerical_gradient(lambda: model.compute_gradients(X, y, training=True), model.params["dense/b"])
    assert np.abs(numeric).max() < 1e-9


def test_check_model_with_relu_away_from_the_kink(blobs3):
    X, y = blobs3
    model = Sequential([Dense(8, activation="relu", input_shape=(4,)), Dense(8, activation="relu"),
                        Dense(3, activation="softmax")], seed=2)
    model.compile("adam", "sparse_categorical_crossentropy")
    model.build()
    # no pre-activation within 1e-3 of relu's kink for this seed (finite differences would straddle it)
    h = X @ model.layers[0].kernel + model.layers[0].bias
    assert np.abs(h).min() > 1e-3
    assert np.abs(np.maximum(h, 0) @ model.layers[1].kernel + model.layers[1].bias).min() > 1e-3
    report = check_model(model, X, y)
    assert report.worst() < 1e-6, str(report)


def test_check_layer_reports_per_parameter():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 3))
    for layer in (Dense(2, activation="tanh", seed=0), BatchNormalization(), Dropout(0.5, seed=0),
                  Activation("softmax")):
        report = check_layer(layer, x)
        assert set(report) == {"x", *layer.params}
        assert report.worst() < 1e-6, f"{layer!r}\n{report}"


# ---- a broken backward is caught -------------------------------------------------------------

class _DenseWithBiasBug(Dense):
    """db forgotten the sum over the batch's second half (a typical slip)."""

    def backward_from_logits(self, dz, need_dx=True):
        dx = super().backward_from_logits(dz, need_dx)
        self.grads["b"][...] = dz[: len(dz) // 2].sum(axis=0)
        return dx


class _TanhWithWrongDerivative(Dense):
    """uses 1 - z^2 instead of 1 - tanh(z)^2."""

    def backward(self, dout, need_dx=True):
        x, z, out = self._cached()
        return self.backward_from_logits(dout * (1 - z * z), need_dx)


def test_broken_layers_are_reported_as_bugs():
    X, y = _data(0, N=6, D=3, kind="regression", K=1)
    for broken, param in [(_DenseWithBiasBug(4, activation="tanh"), "dense/b"),
                          (_TanhWithWrongDerivative(4, activation="tanh"), "dense/W")]:
        model = Sequential([broken, Dense(1)], seed=0)
        model.compile("sgd", "mse")
        model.build(3)
        report = check_model(model, X, y)
        assert not report.passed and verdict(report[param]) == "bug", str(report)
        assert verdict(report["dense_1/W"]) == "ok"      # the layer above is still right


def test_the_suites_layer_check_catches_a_broken_layer(check_layer_grads):
    # the helper every layer test uses is not vacuous: a wrong derivative fails it
    rng = np.random.default_rng(0)
    x, dout = rng.standard_normal((5, 3)), rng.standard_normal((5, 4))
    with pytest.raises(AssertionError, match="relative error"):
        check_layer_grads(_TanhWithWrongDerivative(4, activation="tanh", seed=0), x, dout, training=True)
    check_layer_grads(Dense(4, activation="tanh", seed=0), x, dout, training=True)
