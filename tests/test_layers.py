"""Layers: forward against the equations, backward against numerical gradients
(central differences, float64) over random shapes and seeds drawn by hypothesis."""
import numpy as np
import pytest
from hypothesis import assume, given, strategies as st

from backprop import activations
from backprop.layers import Activation, BatchNormalization, Dense, Dropout
from backprop.regularizers import L1, L1L2, L2

ACTIVATIONS = sorted(activations.NAMES)
KINKED = {"relu", "leaky_relu", "elu"}
REGULARIZERS = {"none": None, "l1": L1(0.03), "l2": L2(0.05), "l1_l2": L1L2(l1=0.02, l2=0.04)}

sizes = st.integers(1, 6)
seeds = st.integers(0, 2 ** 32 - 1)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# ---- Dense ---------------------------------------------------------------------------------

@given(N=sizes, D=sizes, H=sizes, activation=st.sampled_from(ACTIVATIONS), use_bias=st.booleans(),
       reg=st.sampled_from(sorted(REGULARIZERS)), bias_init=st.sampled_from(["zeros", "random_normal"]),
       seed=seeds)
def test_dense_gradients(N, D, H, activation, use_bias, reg, bias_init, seed, check_layer_grads):
    rng = np.random.default_rng(seed)
    layer = Dense(H, activation=activation, use_bias=use_bias, bias_initializer=bias_init,
                  kernel_regularizer=REGULARIZERS[reg], bias_regularizer=REGULARIZERS[reg], seed=seed)
    x = rng.standard_normal((N, D))
    layer.build(D)
    z = x @ layer.params["W"] + (layer.params["b"] if use_bias else 0.0)
    if activation in KINKED:
        assume(np.abs(z).min() > 1e-3)
    if reg in ("l1", "l1_l2"):
        assume(all(np.abs(p).min() > 1e-4 for p in layer.params.values() if p.any()))   # |w| kink
    check_layer_grads(layer, x, rng.standard_normal((N, H)), training=True)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_dense_forward_is_f_of_x_W_plus_b(activation):
    rng = np.random.default_rng(0)
    layer = Dense(4, activation=activation, bias_initializer="random_normal", seed=1)
    x = rng.standard_normal((5, 3))
    out = layer.forward(x)
    W, b = layer.get_weights()
    assert W.shape == (3, 4) and b.shape == (4,)        # Keras's kernel layout: (inputs, units)
    z = x @ W + b
    expected = {"linear": z, "sigmoid": _sigmoid(z), "tanh": np.tanh(z), "relu": np.maximum(z, 0),
                "leaky_relu": np.where(z > 0, z, 0.2 * z), "elu": np.where(z > 0, z, np.expm1(z)),
                "softmax": np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)}[activation]
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-15)


def test_dense_backward_equations_by_hand():
    layer = Dense(2, use_bias=True, seed=0)
    layer.build(3)
    W = np.array([[1.0, -1.0], [0.5, 2.0], [0.0, 3.0]])
    b = np.array([0.1, -0.2])
    layer.set_weights([W, b])
    x = np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, 1.0]])
    dout = np.array([[1.0, 0.5], [-2.0, 1.0]])
    layer.forward(x)
    dx = layer.backward(dout)
    np.testing.assert_allclose(layer.grads["W"], x.T @ dout)      # dW = x^T dz
    np.testing.assert_allclose(layer.grads["b"], dout.sum(axis=0))  # db = sum over the batch
    np.testing.assert_allclose(dx, dout @ W.T)                   # dx = dz W^T


def test_dense_without_bias_has_only_a_kernel():
    layer = Dense(3, use_bias=False, seed=0)
    out = layer.forward(np.ones((2, 4)))
    assert list(layer.params) == ["W"] and list(layer.grads) == ["W"] and layer.bias is None
    np.testing.assert_allclose(out, np.ones((2, 4)) @ layer.kernel)
    assert layer.count_params() == 12


def test_params_and_grads_share_keys_and_shapes():
    for layer, D in [(Dense(3, seed=0), 4), (Dense(2, use_bias=False, seed=1), 5), (BatchNormalization(), 3),
                     (Dropout(0.5, seed=2), 2), (Activation("tanh"), 2)]:
        layer.build(D)
        assert layer.params.keys() == layer.grads.keys()
        for k in layer.params:
            assert layer.params[k].shape == layer.grads[k].shape


def test_backward_before_forward_raises():
    for layer in (Dense(3, seed=0), Activation("relu"), BatchNormalization()):
        layer.build(2)
        with pytest.raises(RuntimeError, match="forward"):
            layer.backward(np.ones((1, 2 if not isinstance(layer, Dense) else 3)))


def test_regularized_dense_penalty_and_gradient():
    layer = Dense(2, kernel_regularizer=L1L2(l1=0.1, l2=0.2), bias_regularizer=L2(0.5), seed=3,
                  bias_initializer="random_normal")
    x = np.ones((1, 3))
    layer.forward(x)
    W, b = layer.params["W"], layer.params["b"]
    assert np.isclose(layer.penalty(), 0.1 * np.abs(W).sum() + 0.2 * (W ** 2).sum() + 0.5 * (b ** 2).sum())
    layer.backward(np.zeros((1, 2)))         # no data gradient: only the penalty's
    np.testing.assert_allclose(layer.grads["W"], 0.1 * np.sign(W) + 0.4 * W)
    np.testing.assert_allclose(layer.grads["b"], 1.0 * b)


# ---- Activation as a layer ---------------------------------------------------------------------

@given(N=sizes, D=sizes, activation=st.sampled_from(ACTIVATIONS), seed=seeds)
def test_activation_layer_gradients(N, D, activation, seed, check_layer_grads):
    rng = np.random.default_rng(seed)
    x = 2.0 * rng.standard_normal((N, D))
    if activation in KINKED:
        assume(np.abs(x).min() > 1e-3)
    layer = Activation(activation)
    assert layer.params == {}
    check_layer_grads(layer, x, rng.standard_normal((N, D)), training=True)


# ---- Dropout ---------------------------------------------------------------------------------

@given(N=sizes, D=sizes, rate=st.sampled_from([0.0, 0.1, 0.5, 0.8]), seed=seeds)
def test_dropout_gradients_with_a_fixed_mask(N, D, rate, seed, check_layer_grads):
    rng = np.random.default_rng(seed)
    x, dout = rng.standard_normal((N, D)), rng.standard_normal((N, D))
    layer = Dropout(rate, seed=seed)
    # training: rebuilding re-seeds the layer's generator, so every forward draws the same mask
    check_layer_grads(layer, x, dout, training=True, refresh=lambda: layer.build(D))
    # inference: the identity, forward and backward
    check_layer_grads(layer, x, dout, training=False)
    np.testing.assert_array_equal(layer.forward(x, training=False), x)
    np.testing.assert_array_equal(layer.backward(dout), dout)


def test_dropout_is_inverted_dropout():
    rate = 0.3
    layer = Dropout(rate, seed=42)
    x = np.ones((400, 50))
    out = layer.forward(x, training=True)
    values = np.unique(out)
    np.testing.assert_allclose(values, [0.0, 1 / (1 - rate)])      # survivors scaled by 1/(1 - rate)
    dropped = np.mean(out == 0)
    assert abs(dropped - rate) < 0.01                               # 20,000 draws: sd ~ 0.003
    assert abs(out.mean() - 1.0) < 0.02                             # the expectation is kept
    # backward uses the same mask
    np.testing.assert_array_equal(layer.backward(np.full_like(x, 2.0)), 2.0 * out)
    # a second training forward draws a new mask; the same seed draws the same masks
    again = layer.forward(x, training=True)
    assert not np.array_equal(again, out)
    twin = Dropout(rate, seed=42)
    np.testing.assert_array_equal(twin.forward(x, training=True), out)


# ---- BatchNormalization ------------------------------------------------------------------------

# N >= 3: with two samples x_hat is +-1 whatever x is, so dx is ~1e-7, below what finite
# differences resolve; gamma is kept away from 0 for the same reason.
@given(N=st.integers(3, 8), D=sizes, seed=seeds, momentum=st.sampled_from([0.0, 0.9, 0.99]))
def test_batchnorm_gradients_in_training(N, D, seed, momentum, check_layer_grads):
    rng = np.random.default_rng(seed)
    layer = BatchNormalization(momentum=momentum)
    layer.build(D)
    gamma = rng.uniform(0.5, 2.0, D) * rng.choice([-1.0, 1.0], D)
    layer.set_weights([gamma, rng.standard_normal(D), np.zeros(D), np.ones(D)])
    x = 3.0 * rng.standard_normal((N, D)) + rng.standard_normal(D)
    check_layer_grads(layer, x, rng.standard_normal((N, D)), training=True)


@given(N=sizes, D=sizes, seed=seeds)
def test_batchnorm_gradients_in_inference(N, D, seed, check_layer_grads):
    rng = np.random.default_rng(seed)
    layer = BatchNormalization()
    layer.build(D)
    layer.set_weights([1.0 + rng.standard_normal(D), rng.standard_normal(D),
                       rng.standard_normal(D), 0.5 + rng.random(D)])
    x = rng.standard_normal((N, D))
    check_layer_grads(layer, x, rng.standard_normal((N, D)), training=False)


def test_batchnorm_forward_and_moving_statistics():
    rng = np.random.default_rng(5)
    x = 4.0 + 2.0 * rng.standard_normal((50, 3))
    gamma, beta = np.array([1.0, 2.0, 0.5]), np.array([0.0, -1.0, 3.0])
    layer = BatchNormalization()                       # Keras defaults: momentum 0.99, epsilon 1e-3
    assert layer.momentum == 0.99 and layer.epsilon == 1e-3
    layer.build(3)
    layer.set_weights([gamma, beta, np.zeros(3), np.ones(3)])
    out = layer.forward(x, training=True)
    mean, var = x.mean(axis=0), x.var(axis=0)          # the batch's (biased) statistics
    np.testing.assert_allclose(out, gamma * (x - mean) / np.sqrt(var + 1e-3) + beta, rtol=1e-12)
    np.testing.assert_allclose(out.mean(axis=0), beta, atol=1e-12)
    # moving = momentum * moving + (1 - momentum) * batch
    mm, mv = layer.get_weights()[2:]
    np.testing.assert_allclose(mm, 0.01 * mean, rtol=1e-12)
    np.testing.assert_allclose(mv, 0.99 + 0.01 * var, rtol=1e-12)
    # inference uses the moving statistics and leaves them alone
    x2 = rng.standard_normal((4, 3))
    out2 = layer.forward(x2, training=False)
    np.testing.assert_allclose(out2, gamma * (x2 - mm) / np.sqrt(mv + 1e-3) + beta, rtol=1e-12)
    np.testing.assert_array_equal(layer.get_weights()[2], mm)
    assert layer.count_params() == 12       # gamma, beta (trainable) + moving mean, variance


def test_layer_set_weights_checks_shapes():
    layer = Dense(2, seed=0)
    layer.build(3)
    with pytest.raises(ValueError, match=r"weights\[0\].*\(3, 2\)"):
        layer.set_weights([np.zeros((2, 3)), np.zeros(2)])
    with pytest.raises(ValueError, match="list of 2 arrays"):
        layer.set_weights([np.zeros((3, 2))])
