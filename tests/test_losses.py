"""Losses: values against their formulas (and Keras's documented examples, worked by hand),
gradients against numerical gradients over random shapes and seeds."""
import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

from backprop import losses
from backprop.gradcheck import numerical_gradient
from backprop.losses import (BinaryCrossentropy, CategoricalCrossentropy, MeanAbsoluteError, MeanSquaredError,
                             SparseCategoricalCrossentropy)

rows = st.integers(1, 8)
classes = st.integers(2, 5)
seeds = st.integers(0, 2 ** 32 - 1)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _check_gradient(loss, y_true, y_pred, assert_grad_close):
    loss(y_true, y_pred)
    analytic = loss.backward().copy()
    assert analytic.shape == y_pred.shape
    numeric = numerical_gradient(lambda: loss(y_true, y_pred), y_pred)
    assert_grad_close(analytic, numeric, repr(loss))


# ---- gradients -----------------------------------------------------------------------------

@given(N=rows, K=st.integers(1, 4), seed=seeds)
def test_mse_gradient(N, K, seed, assert_grad_close):
    rng = np.random.default_rng(seed)
    y_pred, y_true = rng.standard_normal((N, K)), rng.standard_normal((N, K))
    _check_gradient(MeanSquaredError(), y_true, y_pred, assert_grad_close)
    loss = MeanSquaredError()
    loss(y_true, y_pred)
    np.testing.assert_allclose(loss.backward(), 2 * (y_pred - y_true) / (N * K))   # mean over N and K


@given(N=rows, K=st.integers(1, 4), seed=seeds)
def test_mae_gradient(N, K, seed, assert_grad_close):
    rng = np.random.default_rng(seed)
    y_true = rng.standard_normal((N, K))
    y_pred = y_true + rng.choice([-1.0, 1.0], (N, K)) * rng.uniform(0.1, 2.0, (N, K))   # away from the kink
    _check_gradient(MeanAbsoluteError(), y_true, y_pred, assert_grad_close)
    assert math.isclose(MeanAbsoluteError()(y_true, y_pred), np.abs(y_pred - y_true).sum() / (N * K), rel_tol=1e-12)


@given(N=rows, K=st.integers(1, 3), soft=st.booleans(), seed=seeds)
def test_binary_crossentropy_gradient_from_probabilities(N, K, soft, seed, assert_grad_close):
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.02, 0.98, (N, K))
    y = rng.random((N, K)) if soft else rng.integers(0, 2, (N, K)).astype(float)
    _check_gradient(BinaryCrossentropy(), y, p, assert_grad_close)


@given(N=rows, K=st.integers(1, 3), soft=st.booleans(), seed=seeds)
def test_binary_crossentropy_gradient_from_logits(N, K, soft, seed, assert_grad_close):
    rng = np.random.default_rng(seed)
    z = 3.0 * rng.standard_normal((N, K))
    y = rng.random((N, K)) if soft else rng.integers(0, 2, (N, K)).astype(float)
    _check_gradient(BinaryCrossentropy(from_logits=True), y, z, assert_grad_close)
    # the shortcut the model takes: dL/dz = (sigmoid(z) - y) / size
    np.testing.assert_allclose(BinaryCrossentropy.logits_gradient(y, z), (_sigmoid(z) - y) / z.size, rtol=1e-12)


@given(N=rows, K=classes, soft=st.booleans(), seed=seeds)
def test_categorical_crossentropy_gradient_from_probabilities(N, K, soft, seed, assert_grad_close):
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.05, 1.0, (N, K))      # rows need not sum to 1: the loss renormalizes, as Keras does
    y = rng.dirichlet(np.ones(K), N) if soft else np.eye(K)[rng.integers(0, K, N)]
    _check_gradient(CategoricalCrossentropy(), y, p, assert_grad_close)


@given(N=rows, K=classes, soft=st.booleans(), seed=seeds)
def test_categorical_crossentropy_gradient_from_logits(N, K, soft, seed, assert_grad_close):
    rng = np.random.default_rng(seed)
    z = 2.0 * rng.standard_normal((N, K))
    y = rng.dirichlet(np.ones(K), N) if soft else np.eye(K)[rng.integers(0, K, N)]
    _check_gradient(CategoricalCrossentropy(from_logits=True), y, z, assert_grad_close)
    np.testing.assert_allclose(CategoricalCrossentropy.logits_gradient(y, z), (_softmax(z) - y) / N, rtol=1e-12)


@given(N=rows, K=classes, from_logits=st.booleans(), seed=seeds)
def test_sparse_categorical_crossentropy_gradient(N, K, from_logits, seed, assert_grad_close):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, K, N)
    y_pred = 2.0 * rng.standard_normal((N, K)) if from_logits else rng.uniform(0.05, 1.0, (N, K))
    _check_gradient(SparseCategoricalCrossentropy(from_logits=from_logits), labels, y_pred, assert_grad_close)
    # the same numbers as the one-hot loss
    dense = CategoricalCrossentropy(from_logits=from_logits)
    sparse = SparseCategoricalCrossentropy(from_logits=from_logits)
    assert math.isclose(sparse(labels, y_pred), dense(np.eye(K)[labels], y_pred), rel_tol=1e-12)
    np.testing.assert_allclose(sparse.backward(), dense.backward(), rtol=1e-12)


@given(N=rows, K=classes, dtype=st.sampled_from(["float64", "float32"]), seed=seeds)
def test_sparse_labels_index_the_rows_without_a_one_hot(N, K, dtype, seed):
    # the model's training path: the labels stay an index array and pick each row's entry,
    # giving the one-hot route's loss and fused gradient, written out here independently
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, K, N)
    p = _softmax(3.0 * rng.standard_normal((N, K))).astype(dtype)
    p[0, 0] = 0.0                                       # a zero probability goes through the clip
    loss = SparseCategoricalCrossentropy()
    targets = loss.check_targets(labels, p)
    assert targets.shape == (N,) and targets.dtype == np.intp
    one_hot = np.eye(K, dtype=dtype)[labels]
    q = np.clip(p / p.sum(axis=1, keepdims=True), 1e-7, 1 - 1e-7)
    by_hand = -np.sum(one_hot * np.log(q)) / N
    assert math.isclose(loss.forward(targets, p), by_hand, rel_tol=1e-12 if dtype == "float64" else 1e-6)
    dz = loss.fused_gradient(targets, p)
    assert dz.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(dz, (p - one_hot) / N)             # the same numbers, bit for bit
    assert p[0, 0] == 0.0                                             # the output itself is left alone
    z = rng.standard_normal((N, K))
    np.testing.assert_array_equal(SparseCategoricalCrossentropy.logits_gradient(labels, z),
                                  CategoricalCrossentropy.logits_gradient(np.eye(K)[labels], z))


def test_sparse_labels_may_be_ints_floats_or_a_column():
    p = np.array([[0.2, 0.8], [0.6, 0.4], [0.5, 0.5]])
    loss = SparseCategoricalCrossentropy()
    expected = loss([1, 0, 1], p)
    for labels in (np.array([1, 0, 1], dtype=np.int8), np.array([1.0, 0.0, 1.0]), np.array([[1], [0], [1]])):
        assert loss(labels, p) == expected
    with pytest.raises(ValueError, match=r"integer labels in \[0, 2\)"):
        loss([1.5, 0, 1], p)
    with pytest.raises(ValueError, match=r"integer labels in \[0, 2\)"):
        loss(np.array([1, -1, 0]), p)


# ---- values ----------------------------------------------------------------------------------

@given(N=rows, K=classes, seed=seeds)
def test_values_match_the_formulas(N, K, seed):
    rng = np.random.default_rng(seed)
    y_reg, p_reg = rng.standard_normal((N, K)), rng.standard_normal((N, K))
    assert math.isclose(MeanSquaredError()(y_reg, p_reg), np.mean((y_reg - p_reg) ** 2), rel_tol=1e-12)

    z = 2.0 * rng.standard_normal((N, K))
    yb = rng.integers(0, 2, (N, K)).astype(float)
    p = _sigmoid(z)
    bce = -np.mean(yb * np.log(p) + (1 - yb) * np.log(1 - p))
    assert math.isclose(BinaryCrossentropy()(yb, p), bce, rel_tol=1e-9)
    assert math.isclose(BinaryCrossentropy(from_logits=True)(yb, z), bce, rel_tol=1e-9)

    labels = rng.integers(0, K, N)
    Y = np.eye(K)[labels]
    cce = -np.mean(np.log(_softmax(z)[np.arange(N), labels]))     # mean over the batch of -log p_label
    assert math.isclose(CategoricalCrossentropy()(Y, _softmax(z)), cce, rel_tol=1e-9)
    assert math.isclose(CategoricalCrossentropy(from_logits=True)(Y, z), cce, rel_tol=1e-9)
    assert math.isclose(SparseCategoricalCrossentropy(from_logits=True)(labels, z), cce, rel_tol=1e-9)


def test_keras_documented_examples():
    # keras.losses.BinaryCrossentropy docs: y_true [[0, 1], [0, 0]], y_pred [[0.6, 0.4], [0.4, 0.6]] -> 0.815
    by_hand = -(math.log(0.4) + math.log(0.4) + math.log(0.6) + math.log(0.4)) / 4
    assert math.isclose(BinaryCrossentropy()([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]), by_hand, rel_tol=1e-6)
    assert round(by_hand, 3) == 0.815
    # keras.losses.CategoricalCrossentropy docs: -> 1.177 (-log 0.95 and -log 0.1, averaged)
    by_hand = -(math.log(0.95) + math.log(0.1)) / 2
    y_pred = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
    assert math.isclose(CategoricalCrossentropy()([[0, 1, 0], [0, 0, 1]], y_pred), by_hand, rel_tol=1e-6)
    assert math.isclose(SparseCategoricalCrossentropy()([1, 2], y_pred), by_hand, rel_tol=1e-6)
    assert round(by_hand, 3) == 1.177
    # keras.losses.MeanSquaredError docs: y_true [[0, 1], [0, 0]], y_pred [[1, 1], [1, 0]] -> 0.5
    assert MeanSquaredError()([[0, 1], [0, 0]], [[1.0, 1.0], [1.0, 0.0]]) == 0.5
    # keras.losses.MeanAbsoluteError docs: the same inputs -> 0.5
    assert MeanAbsoluteError()([[0, 1], [0, 0]], [[1.0, 1.0], [1.0, 0.0]]) == 0.5


def test_probabilities_are_clipped_so_0_and_1_give_finite_losses():
    eps = 1e-7                                          # Keras's epsilon
    bce = BinaryCrossentropy()
    with np.errstate(all="raise"):
        value = bce([[1.0], [0.0]], [[0.0], [1.0]])
        grad = bce.backward()
    assert math.isclose(value, -math.log(eps), rel_tol=1e-6)
    np.testing.assert_array_equal(grad, 0.0)            # the clip is flat there
    cce = CategoricalCrossentropy()
    assert math.isclose(cce([[1.0, 0.0]], [[0.0, 1.0]]), -math.log(eps), rel_tol=1e-6)
    # logits far out are stable too
    assert math.isclose(BinaryCrossentropy(from_logits=True)([[1.0], [0.0]], [[-800.0], [800.0]]), 800.0)
    assert math.isclose(CategoricalCrossentropy(from_logits=True)([[1.0, 0.0]], [[0.0, 900.0]]), 900.0)


def test_targets_may_be_1d_against_a_column():
    y = np.array([0.0, 1.0, 1.0])
    p = np.array([[0.2], [0.7], [0.9]])
    for loss in (MeanSquaredError(), BinaryCrossentropy()):
        assert loss(y, p) == loss(y[:, None], p)
        assert loss.backward().shape == (3, 1)


def test_backward_before_a_call_raises():
    with pytest.raises(RuntimeError, match="before backward"):
        MeanSquaredError().backward()


def test_keras_names():
    expected = {"mse": MeanSquaredError, "mean_squared_error": MeanSquaredError,
                "mae": MeanAbsoluteError, "mean_absolute_error": MeanAbsoluteError,
                "binary_crossentropy": BinaryCrossentropy, "categorical_crossentropy": CategoricalCrossentropy,
                "sparse_categorical_crossentropy": SparseCategoricalCrossentropy}
    for name, cls in expected.items():
        loss = losses.get(name)
        assert type(loss) is cls and not getattr(loss, "from_logits", False)
    obj = BinaryCrossentropy(from_logits=True)
    assert losses.get(obj) is obj
    assert set(losses.NAMES) == set(expected)
