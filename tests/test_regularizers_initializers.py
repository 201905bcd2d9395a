"""Regularizers (penalties and their gradients) and initializers (Keras's formulas,
checked on the empirical distribution of many draws)."""
import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

from backprop import Dense, Sequential, initializers, regularizers
from backprop.gradcheck import numerical_gradient
from backprop.regularizers import L1, L1L2, L2

# ---- regularizers -------------------------------------------------------------------------------


@given(seed=st.integers(0, 2 ** 32 - 1), l1=st.floats(0, 0.5), l2=st.floats(0, 0.5),
       shape=st.tuples(st.integers(1, 5), st.integers(1, 5)))
def test_penalty_and_gradient_match_the_formulas(seed, l1, l2, shape, assert_grad_close):
    W = np.random.default_rng(seed).standard_normal(shape)
    W[np.abs(W) < 1e-3] = 0.5                              # keep away from |w|'s kink
    reg = L1L2(l1=l1, l2=l2)
    assert math.isclose(reg.penalty(W), l1 * np.abs(W).sum() + l2 * (W ** 2).sum(), rel_tol=1e-12, abs_tol=1e-15)
    np.testing.assert_allclose(reg.gradient(W), l1 * np.sign(W) + 2 * l2 * W, rtol=1e-12, atol=1e-15)
    if l1 or l2:
        assert_grad_close(reg.gradient(W), numerical_gradient(lambda: reg(W), W), "regularizer gradient")


def test_keras_defaults_and_names():
    assert (L1().l1, L1().l2) == (0.01, 0.0)
    assert (L2().l1, L2().l2) == (0.0, 0.01)
    assert (L1L2().l1, L1L2().l2) == (0.0, 0.0)
    assert type(regularizers.get("l1")) is L1 and type(regularizers.get("l2")) is L2
    assert type(regularizers.get("l1_l2")) is L1L2
    assert regularizers.get(None) is None
    r = L2(0.3)
    assert regularizers.get(r) is r


def test_l2_has_no_factor_one_half():
    # Keras: l2 * sum(w^2), so the gradient is 2 * l2 * w
    W = np.array([[1.0, -2.0]])
    assert L2(0.1).penalty(W) == pytest.approx(0.5)
    np.testing.assert_allclose(L2(0.1).gradient(W), [[0.2, -0.4]])


def test_a_regularized_model_adds_the_penalty_to_loss_and_gradient(regression_data):
    X, y = regression_data
    plain = Sequential([Dense(3, activation="tanh", input_shape=(3,)), Dense(1)], seed=0)
    reg = Sequential([Dense(3, activation="tanh", input_shape=(3,), kernel_regularizer=L2(0.1)), Dense(1)], seed=0)
    for m in (plain, reg):
        m.compile("sgd", "mse")
    loss_plain = plain.compute_gradients(X, y)
    loss_reg = reg.compute_gradients(X, y)
    W = reg.get_weights()[0]
    assert math.isclose(loss_reg, loss_plain + 0.1 * (W ** 2).sum(), rel_tol=1e-12)
    np.testing.assert_allclose(reg.grads["dense/W"], plain.grads["dense/W"] + 0.2 * W, rtol=1e-12)
    np.testing.assert_allclose(reg.grads["dense_1/W"], plain.grads["dense_1/W"])
    assert math.isclose(reg.evaluate(X, y), loss_reg, rel_tol=1e-12)   # Keras reports it with the penalty


def test_l1_drives_weights_to_zero_more_than_l2(regression_data):
    X, y = regression_data
    X = np.hstack([X, np.random.default_rng(0).standard_normal((len(X), 5))])    # five useless features
    kernels = {}
    for name, reg in [("l1", L1(0.05)), ("l2", L2(0.05))]:
        m = Sequential([Dense(1, input_shape=(8,), kernel_regularizer=reg)], seed=1)
        m.compile("adam", "mse")
        m.optimizer.learning_rate = 0.05
        m.fit(X, y, epochs=150, batch_size=40, verbose=0)
        kernels[name] = m.get_weights()[0][3:, 0]          # the useless features' weights
    # L1's constant pull leaves them within Adam's jitter of 0; L2's pull fades as w shrinks
    assert np.abs(kernels["l1"]).max() < 0.005 < 0.02 < np.abs(kernels["l2"]).max()
    assert np.abs(kernels["l1"]).sum() < 0.2 * np.abs(kernels["l2"]).sum()


# ---- initializers -------------------------------------------------------------------------------

FAN_IN, FAN_OUT = 300, 200
SHAPE = (FAN_IN, FAN_OUT)                  # 60,000 draws: sample variance within ~1% of the truth


def draw(name, seed=0, shape=SHAPE, dtype=np.float64):
    return initializers.get(name)(shape, np.random.default_rng(seed), dtype)


@pytest.mark.parametrize("name,limit", [
    ("glorot_uniform", math.sqrt(6 / (FAN_IN + FAN_OUT))),     # Keras: sqrt(6 / (fan_in + fan_out))
    ("he_uniform", math.sqrt(6 / FAN_IN)),                      # Keras: sqrt(6 / fan_in)
    ("random_uniform", 0.05),                                   # Keras: U(-0.05, 0.05)
])
def test_uniform_initializers(name, limit):
    W = draw(name)
    assert W.shape == SHAPE and W.dtype == np.float64
    assert np.abs(W).max() <= limit
    assert np.abs(W).max() > 0.999 * limit                      # the bound is reached, not a smaller one
    assert W.min() < -0.999 * limit
    assert abs(W.var() / (limit ** 2 / 3) - 1) < 0.03           # Var(U(-l, l)) = l^2 / 3
    assert abs(W.mean()) < 0.01 * limit


@pytest.mark.parametrize("name,std", [
    ("glorot_normal", math.sqrt(2 / (FAN_IN + FAN_OUT))),
    ("he_normal", math.sqrt(2 / FAN_IN)),
])
def test_truncated_normal_initializers(name, std):
    # Keras draws a normal truncated at two standard deviations of an inflated scale std / 0.8796...,
    # so that the variance of what is drawn is std^2 again
    W = draw(name)
    scale = std / 0.87962566103423978
    assert np.abs(W).max() <= 2 * scale
    assert np.abs(W).max() > 1.99 * scale
    assert abs(W.std() / std - 1) < 0.015
    assert abs(W.mean()) < 0.01 * std


def test_random_normal_zeros_and_ones():
    W = draw("random_normal")
    assert abs(W.std() / 0.05 - 1) < 0.015 and abs(W.mean()) < 0.001       # Keras: N(0, 0.05)
    np.testing.assert_array_equal(draw("zeros", shape=(3, 2)), np.zeros((3, 2)))
    np.testing.assert_array_equal(draw("ones", shape=(4,)), np.ones(4))


def test_initializers_are_seeded_and_keep_the_dtype():
    for name in initializers.NAMES:
        a, b = draw(name, seed=3, shape=(20, 10)), draw(name, seed=3, shape=(20, 10))
        np.testing.assert_array_equal(a, b)
        if name not in ("zeros", "ones"):
            assert not np.array_equal(a, draw(name, seed=4, shape=(20, 10)))
        assert draw(name, shape=(4, 3), dtype=np.float32).dtype == np.float32


def test_dense_defaults_are_glorot_uniform_kernels_and_zero_biases():
    m = Sequential([Dense(200, input_shape=(300,)), Dense(10)], seed=0)
    W1, b1, W2, b2 = m.get_weights()
    assert W1.shape == (300, 200) and W2.shape == (200, 10)
    for W, (fan_in, fan_out) in [(W1, (300, 200)), (W2, (200, 10))]:
        limit = math.sqrt(6 / (fan_in + fan_out))
        assert np.abs(W).max() <= limit and np.abs(W).max() > 0.99 * limit
        assert abs(W.var() / (limit ** 2 / 3) - 1) < 0.05
    np.testing.assert_array_equal(b1, 0.0)
    np.testing.assert_array_equal(b2, 0.0)


def test_dense_takes_initializer_names_and_objects():
    layer = Dense(3, kernel_initializer="ones", bias_initializer=initializers.RandomUniform(1.0, 2.0), seed=0)
    layer.build(2)
    np.testing.assert_array_equal(layer.kernel, np.ones((2, 3)))
    assert np.all((layer.bias >= 1.0) & (layer.bias <= 2.0))
