"""SimpleRNN, SelfAttention and the sequence data sets: (N, T, D) as Keras takes them.

Expected values come from loops over the definitions (h_t = tanh(x_t W + h_{t-1} U + b);
softmax(Q K^T / sqrt(d)) V), numerical gradients, and hand-worked cases.
"""
import numpy as np
import pytest

from backprop import Dense, Flatten, SelfAttention, Sequential, SimpleRNN
from backprop.datasets import adding_problem, first_symbol
from backprop.gradcheck import numerical_gradient
from backprop.initializers import get as initializer


def sequences(n=3, T=6, D=4, seed=0):
    return np.random.default_rng(seed).standard_normal((n, T, D))


def check_layer_gradients(layer, x, forward_kwargs=None, rtol=1e-6):
    kw = forward_kwargs or {}
    out = layer.forward(x, **kw)
    dout = np.random.default_rng(99).standard_normal(out.shape)
    dx = layer.backward(dout)
    grads = {k: g.copy() for k, g in layer.grads.items()}
    for key, w in layer.params.items():
        numeric = numerical_gradient(lambda: layer.forward(x, **kw), w, dout=dout)
        np.testing.assert_allclose(grads[key], numeric, rtol=rtol, atol=1e-9, err_msg=key)
    numeric = numerical_gradient(lambda: layer.forward(x, **kw), x, dout=dout)
    np.testing.assert_allclose(dx, numeric, rtol=rtol, atol=1e-9, err_msg="dx")


# ---- SimpleRNN -----------------------------------------------------------------------------
def test_simple_rnn_has_keras_weights_in_keras_order():
    layer = SimpleRNN(5, seed=0)
    assert layer.build((7, 3)) == (5,)
    assert [w.shape for w in layer.get_weights()] == [(3, 5), (5, 5), (5,)]   # kernel, recurrent, bias
    assert layer.count_params() == 3 * 5 + 5 * 5 + 5
    U = layer.params["U"]
    np.testing.assert_allclose(U @ U.T, np.eye(5), atol=1e-12)               # orthogonal start
    assert SimpleRNN(5, return_sequences=True).build((7, 3)) == (7, 5)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_simple_rnn_forward_is_the_recurrence(activation):
    x = sequences(seed=1)
    layer = SimpleRNN(3, activation=activation, return_sequences=True, seed=2)
    layer.build((6, 4))
    layer.params["b"][...] = [0.1, -0.2, 0.3]
    W, U, b = layer.get_weights()
    f = np.tanh if activation == "tanh" else (lambda z: np.maximum(z, 0.0))
    h = np.zeros((3, 3))
    expected = []
    for t in range(6):
        h = f(x[:, t] @ W + h @ U + b)
        expected.append(h)
    np.testing.assert_allclose(layer.forward(x), np.stack(expected, axis=1), rtol=1e-12)
    last = SimpleRNN(3, activation=activation, seed=2)
    last.build((6, 4))
    last.set_weights([W, U, b])
    np.testing.assert_allclose(last.forward(x), expected[-1], rtol=1e-12)


@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_simple_rnn_backward_through_time_matches_numerical_gradients(return_sequences, activation):
    layer = SimpleRNN(3, activation=activation, return_sequences=return_sequences, seed=3)
    check_layer_gradients(layer, sequences(seed=4))


def test_truncated_bptt_stops_the_gradient_at_chunk_boundaries():
    x = sequences(n=2, T=7, D=3, seed=5)
    full = SimpleRNN(4, seed=6)
    cut = SimpleRNN(4, bptt_steps=3, seed=6)               # chunks: steps 0-2, 3-5, 6
    for layer in (full, cut):
        layer.forward(x)
        layer.backward(np.ones((2, 4)))
    dx_cut = cut.backward(np.ones((2, 4)))
    # the loss reads h_6 only; step 6 starts a chunk, so nothing reaches steps 0..5
    assert np.all(dx_cut[:, :6] == 0.0) and np.any(dx_cut[:, 6] != 0.0)
    assert np.all(cut.step_grad_norms[:6] == 0.0)
    assert np.all(full.step_grad_norms > 0.0)
    np.testing.assert_allclose(cut.step_grad_norms[6], full.step_grad_norms[6])   # the last step agrees


def test_step_gradient_norms_vanish_with_a_small_recurrent_kernel_and_grow_with_a_large_one():
    x = sequences(n=4, T=20, D=2, seed=7) * 0.01                # small inputs: the recurrence dominates
    norms = {}
    for scale in (0.5, 3.0):
        layer = SimpleRNN(8, activation="linear", seed=8)
        layer.build((20, 2))
        layer.params["U"][...] = scale * initializer("orthogonal")((8, 8), np.random.default_rng(9))
        layer.forward(x)
        layer.backward(np.ones((4, 8)))
        norms[scale] = layer.step_grad_norms
    # an orthogonal U times s multiplies the gradient's norm by exactly s per step back
    np.testing.assert_allclose(norms[0.5][:-1] / norms[0.5][1:], 0.5, rtol=1e-9)
    np.testing.assert_allclose(norms[3.0][:-1] / norms[3.0][1:], 3.0, rtol=1e-9)


def test_simple_rnn_learns_the_adding_problem_in_a_model():
    X, y = adding_problem(2000, 10, seed=0)
    model = Sequential([SimpleRNN(16, input_shape=(10, 2)), Dense(1)], seed=0)
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(X, y, epochs=15, batch_size=32, verbose=0)
    # predicting the mean of y gives its variance, about 1/6: memory does better
    assert history.history["loss"][-1] < 0.5 * np.var(y)


def test_simple_rnn_refuses_bad_input():
    with pytest.raises(ValueError, match="units must be >= 1"):
        SimpleRNN(0)
    with pytest.raises(ValueError, match="bptt_steps must be >= 1"):
        SimpleRNN(2, bptt_steps=0)
    with pytest.raises(TypeError, match="return_sequences must be True or False"):
        SimpleRNN(2, return_sequences="yes")
    with pytest.raises(ValueError, match=r"SimpleRNN takes inputs \(N, T, D\).*got \(10,\)"):
        SimpleRNN(2, input_shape=(10,))
    layer = SimpleRNN(2, seed=0)
    with pytest.raises(ValueError, match=r"x must be 3-D \(N, T, D\) for SimpleRNN, got shape \(4, 5\)"):
        layer.forward(np.zeros((4, 5)))
    layer.forward(np.zeros((1, 5, 3)))
    with pytest.raises(ValueError, match=r"samples of shape \(5, 3\).*got shape \(1, 6, 3\)"):
        layer.forward(np.zeros((1, 6, 3)))                  # T mismatch
    with pytest.raises(ValueError, match=r"samples of shape \(5, 3\).*got shape \(1, 5, 2\)"):
        layer.forward(np.zeros((1, 5, 2)))                  # D mismatch


# ---- SelfAttention -----------------------------------------------------------------------------
def attention_by_loops(x, Wq, Wk, Wv, allowed=None):
    N, T, _ = x.shape
    out = np.zeros((N, T, Wv.shape[1]))
    for n in range(N):
        Q, K, V = x[n] @ Wq, x[n] @ Wk, x[n] @ Wv
        for t in range(T):
            keys = [s for s in range(T) if allowed is None or allowed[t, s]]
            scores = np.array([Q[t] @ K[s] / np.sqrt(Q.shape[1]) for s in keys])
            weights = np.exp(scores - scores.max())
            weights /= weights.sum()
            out[n, t] = sum(w * V[s] for w, s in zip(weights, keys))
    return out


@pytest.mark.parametrize("causal", [False, True])
def test_self_attention_forward_is_the_weighted_average_of_values(causal):
    x = sequences(seed=10)
    layer = SelfAttention(3, causal=causal, seed=11)
    out = layer.forward(x)
    allowed = np.tril(np.ones((6, 6), bool)) if causal else None
    np.testing.assert_allclose(out, attention_by_loops(x, *layer.get_weights(), allowed), rtol=1e-10)
    np.testing.assert_allclose(layer.attention.sum(axis=-1), 1.0, rtol=1e-12)
    if causal:
        assert np.all(layer.attention[:, np.triu_indices(6, 1)[0], np.triu_indices(6, 1)[1]] == 0.0)
        np.testing.assert_allclose(out[:, 0], x[:, 0] @ layer.params["Wv"], rtol=1e-12)  # step 0 sees itself


def test_self_attention_with_a_mask_ignores_masked_keys():
    x = sequences(n=2, T=4, D=3, seed=12)
    mask = np.array([[1, 1, 0, 0], [0, 1, 0, 1], [1, 1, 1, 1], [0, 0, 0, 1]], bool)
    layer = SelfAttention(seed=13)
    out = layer.forward(x, mask=mask)
    assert layer.output_shape == (4, 3)                     # units default to D
    np.testing.assert_allclose(out, attention_by_loops(x, *layer.get_weights(), mask), rtol=1e-10)
    assert np.all(layer.attention[:, ~mask] == 0.0)


@pytest.mark.parametrize("causal,masked", [(False, False), (True, False), (False, True)])
def test_self_attention_backward_matches_numerical_gradients(causal, masked):
    x = sequences(n=2, T=5, D=4, seed=14)
    mask = (np.random.default_rng(15).random((5, 5)) > 0.4) | np.eye(5, dtype=bool) if masked else None
    check_layer_gradients(SelfAttention(3, causal=causal, seed=16), x, {"mask": mask})


def test_attention_reaches_the_first_step_in_one_hop():
    """The output at the last step depends on step 0 directly: its gradient there is not a
    product of T Jacobians (a linear RNN with U = 0.5 I sends back 0.5^(T-1) of it)."""
    T = 30
    x = sequences(n=1, T=T, D=4, seed=17)
    att = SelfAttention(4, seed=18)
    out = att.forward(x)
    dout = np.zeros_like(out)
    dout[:, -1] = 1.0
    dx = att.backward(dout)
    assert np.linalg.norm(dx[0, 0]) > 1e-3 * np.linalg.norm(dx[0, -1])
    rnn = SimpleRNN(4, activation="linear", seed=19)
    rnn.build((T, 4))
    rnn.params["U"][...] = 0.5 * np.eye(4)
    rnn.forward(x)
    dx_rnn = rnn.backward(np.ones((1, 4)))
    np.testing.assert_allclose(np.linalg.norm(dx_rnn[0, 0]) / np.linalg.norm(dx_rnn[0, -1]), 0.5 ** (T - 1))


def test_self_attention_learns_to_recall_the_first_symbol_in_a_model():
    X, y = first_symbol(2000, 5, seed=0)
    model = Sequential([SelfAttention(8, input_shape=(5, 4)), Flatten(), Dense(4, activation="softmax")], seed=0)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(X, y, epochs=15, batch_size=32, verbose=0)
    assert model.evaluate(X, y)[1] > 0.8                   # chance: 0.25


def test_self_attention_refuses_bad_input():
    with pytest.raises(ValueError, match="units must be >= 1"):
        SelfAttention(0)
    with pytest.raises(TypeError, match="causal must be True or False"):
        SelfAttention(causal=1)
    layer = SelfAttention(2, seed=0)
    with pytest.raises(ValueError, match=r"x must be 3-D \(N, T, D\) for SelfAttention"):
        layer.forward(np.zeros((2, 3, 4, 1)))
    x = np.zeros((2, 3, 4))
    with pytest.raises(ValueError, match=r"mask must be booleans of shape \(3, 3\) or \(2, 3, 3\).*\(4, 4\)"):
        layer.forward(x, mask=np.ones((4, 4), bool))
    with pytest.raises(ValueError, match=r"mask must be booleans"):
        layer.forward(x, mask=np.ones((3, 3)))              # numbers, not booleans
    with pytest.raises(ValueError, match="leaves a query with no key"):
        layer.forward(x, mask=np.array([[1, 0, 0], [0, 0, 0], [0, 0, 1]], bool))
    with pytest.raises(ValueError, match="leaves a query with no key"):
        SelfAttention(2, causal=True, seed=0).forward(x, mask=np.array([[0, 1, 1]] * 3, bool))


# ---- data -------------------------------------------------------------------------------------------
def test_adding_problem_marks_one_step_in_each_half_and_sums_them():
    X, y = adding_problem(50, 8, seed=3)
    assert X.shape == (50, 8, 2) and y.shape == (50, 1)
    assert np.all(X[:, :4, 1].sum(axis=1) == 1) and np.all(X[:, 4:, 1].sum(axis=1) == 1)
    np.testing.assert_allclose(y[:, 0], (X[:, :, 0] * X[:, :, 1]).sum(axis=1))
    np.testing.assert_array_equal(adding_problem(50, 8, seed=3)[0], X)
    assert not np.array_equal(adding_problem(50, 8, seed=4)[0], X)


def test_first_symbol_labels_the_first_step():
    X, y = first_symbol(40, 6, num_symbols=3, seed=1)
    assert X.shape == (40, 6, 3) and np.all(X.sum(axis=2) == 1)
    np.testing.assert_array_equal(X[:, 0].argmax(axis=1), y)
    with pytest.raises(ValueError, match="num_symbols must be >= 2"):
        first_symbol(10, 5, num_symbols=1)
    with pytest.raises(ValueError, match="length must be >= 2"):
        adding_problem(10, 1)
