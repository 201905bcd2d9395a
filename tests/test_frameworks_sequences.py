"""SimpleRNN and SelfAttention against PyTorch autograd and Keras 3 (on torch).

Expected values come from torch or Keras, never from the engine:
- SimpleRNN: Keras's SimpleRNN with the engine's weights (same layout, [kernel, recurrent
  kernel, bias]) gives the outputs; torch's nn.RNN (h_t = tanh(x_t W_ih^T + b_ih + h_{t-1}
  W_hh^T + b_hh)) with W_ih = W^T, W_hh = U^T, b_ih = b, b_hh = 0 gives, through autograd,
  the gradients of every weight and of the input.
- SelfAttention: torch's scaled_dot_product_attention on x Wq, x Wk, x Wv gives the outputs
  and, through autograd, the gradients; Keras's Attention layer (dot scores, no scale of its
  own) on the scaled queries gives the outputs too, causal mask included.
"""
import os

import numpy as np
import pytest

from backprop import Dense, Flatten, SelfAttention, Sequential, SimpleRNN

os.environ["KERAS_BACKEND"] = "torch"     # read once, when keras is first imported
torch = pytest.importorskip("torch")      # both are in the test extra (pyproject.toml)
keras = pytest.importorskip("keras")
F = torch.nn.functional

if keras.backend.backend() != "torch":
    pytest.skip(f"Keras runs on {keras.backend.backend()}, these checks need its torch backend",
                allow_module_level=True)

pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword")

TOL = dict(rtol=1e-10, atol=1e-12)          # float64 in torch and the engine
KERAS_TOL = dict(rtol=1e-5, atol=1e-6)      # Keras 3 on torch multiplies matrices in float32


@pytest.fixture(autouse=True)
def keras_float64():
    """Keras layers made here compute in float64, like the engine (and as test_frameworks.py
    sets it: Keras keeps the dtype policy it first sees, so every module must set the same)."""
    before = keras.config.floatx()
    keras.config.set_floatx("float64")
    yield
    keras.config.set_floatx(before)


def data(shape, seed):
    return np.random.default_rng(seed).standard_normal(shape)


def tensor(a):
    return torch.from_numpy(np.ascontiguousarray(a)).requires_grad_()


# ---- SimpleRNN ---------------------------------------------------------------------------------
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_simple_rnn_outputs_equal_keras(return_sequences, activation):
    x = data((3, 7, 4), 0)
    ours = SimpleRNN(5, activation=activation, return_sequences=return_sequences, seed=1)
    ours.build((7, 4))
    ours.params["b"][...] = data(5, 2) * 0.1
    theirs = keras.layers.SimpleRNN(5, activation=activation, return_sequences=return_sequences)
    theirs.build((None, 7, 4))
    assert [tuple(w.shape) for w in theirs.get_weights()] == [w.shape for w in ours.get_weights()]
    theirs.set_weights(ours.get_weights())
    expected = keras.ops.convert_to_numpy(theirs(x))
    np.testing.assert_allclose(ours.forward(x), expected, **KERAS_TOL)


@pytest.mark.parametrize("return_sequences", [False, True])
def test_simple_rnn_gradients_equal_torch_autograd(return_sequences):
    x = data((3, 6, 4), 3)
    ours = SimpleRNN(5, return_sequences=return_sequences, seed=4)
    ours.build((6, 4))
    ours.params["b"][...] = data(5, 5) * 0.1
    W, U, b = ours.get_weights()
    out = ours.forward(x)
    dout = data(out.shape, 6)
    dx = ours.backward(dout)

    rnn = torch.nn.RNN(4, 5, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(W.T))
        rnn.weight_hh_l0.copy_(torch.from_numpy(U.T))
        rnn.bias_ih_l0.copy_(torch.from_numpy(b))
        rnn.bias_hh_l0.zero_()
    xt = tensor(x)
    seq, _ = rnn(xt)
    tout = seq if return_sequences else seq[:, -1]
    np.testing.assert_allclose(out, tout.detach().numpy(), **TOL)
    (tout * torch.from_numpy(dout)).sum().backward()
    np.testing.assert_allclose(ours.grads["W"], rnn.weight_ih_l0.grad.numpy().T, **TOL)
    np.testing.assert_allclose(ours.grads["U"], rnn.weight_hh_l0.grad.numpy().T, **TOL)
    np.testing.assert_allclose(ours.grads["b"], rnn.bias_ih_l0.grad.numpy(), **TOL)
    np.testing.assert_allclose(dx, xt.grad.numpy(), **TOL)


def test_simple_rnn_model_counts_parameters_as_keras():
    ours = Sequential([SimpleRNN(8, input_shape=(10, 3)), Dense(1)], seed=0)
    theirs = keras.Sequential([keras.Input((10, 3)), keras.layers.SimpleRNN(8), keras.layers.Dense(1)])
    assert ours.count_params() == theirs.count_params() == 3 * 8 + 8 * 8 + 8 + 8 + 1


# ---- SelfAttention -----------------------------------------------------------------------------
@pytest.mark.parametrize("causal", [False, True])
def test_self_attention_outputs_and_gradients_equal_torch(causal):
    x = data((2, 6, 4), 7)
    ours = SelfAttention(3, causal=causal, seed=8)
    out = ours.forward(x)
    dout = data(out.shape, 9)
    dx = ours.backward(dout)

    xt = tensor(x)
    Wq, Wk, Wv = (tensor(ours.params[k].copy()) for k in ("Wq", "Wk", "Wv"))
    tout = F.scaled_dot_product_attention(xt @ Wq, xt @ Wk, xt @ Wv, is_causal=causal)
    np.testing.assert_allclose(out, tout.detach().numpy(), **TOL)
    (tout * torch.from_numpy(dout)).sum().backward()
    for key, t in (("Wq", Wq), ("Wk", Wk), ("Wv", Wv)):
        np.testing.assert_allclose(ours.grads[key], t.grad.numpy(), **TOL, err_msg=key)
    np.testing.assert_allclose(dx, xt.grad.numpy(), **TOL)


def test_self_attention_with_a_boolean_mask_equals_torch():
    x = data((2, 5, 3), 10)
    mask = np.random.default_rng(11).random((5, 5)) > 0.5
    np.fill_diagonal(mask, True)
    ours = SelfAttention(seed=12)
    out = ours.forward(x, mask=mask)
    dout = data(out.shape, 13)
    dx = ours.backward(dout)
    xt = tensor(x)
    Wq, Wk, Wv = (torch.from_numpy(ours.params[k].copy()) for k in ("Wq", "Wk", "Wv"))
    # torch's boolean attn_mask has the engine's meaning: True where query t may attend to key s
    tout = F.scaled_dot_product_attention(xt @ Wq, xt @ Wk, xt @ Wv, attn_mask=torch.from_numpy(mask))
    np.testing.assert_allclose(out, tout.detach().numpy(), **TOL)
    (tout * torch.from_numpy(dout)).sum().backward()
    np.testing.assert_allclose(dx, xt.grad.numpy(), **TOL)


@pytest.mark.parametrize("causal", [False, True])
def test_self_attention_outputs_equal_keras_attention(causal):
    x = data((2, 6, 4), 14)
    ours = SelfAttention(4, causal=causal, seed=15)
    out = ours.forward(x)
    Q, K, V = (x @ ours.params[k] for k in ("Wq", "Wk", "Wv"))
    # Keras's Attention: softmax(query key^T) value, no 1/sqrt(d) of its own: give it Q / sqrt(d)
    layer = keras.layers.Attention(score_mode="dot", use_scale=False)
    expected = layer([Q / np.sqrt(4), V, K], use_causal_mask=causal)
    np.testing.assert_allclose(out, keras.ops.convert_to_numpy(expected), **KERAS_TOL)


def test_a_model_with_attention_trains_as_torch_does_in_one_step():
    """Sequential(SelfAttention, Flatten, Dense) vs the same in torch: one SGD step, same weights."""
    x, y = data((4, 5, 3), 16), np.array([0, 1, 1, 0])
    model = Sequential([SelfAttention(2, input_shape=(5, 3)), Flatten(), Dense(2, activation="softmax")], seed=17)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    start = model.get_weights()
    loss = model.train_step(x, y)
    Wq, Wk, Wv, W, b = (tensor(w) for w in start)
    xt = torch.from_numpy(x)
    h = F.scaled_dot_product_attention(xt @ Wq, xt @ Wk, xt @ Wv)
    logits = h.reshape(4, -1) @ W + b                      # Flatten is row-major, as the engine's
    tloss = F.cross_entropy(logits, torch.from_numpy(y))
    tloss.backward()
    assert loss == pytest.approx(tloss.item(), rel=1e-12)
    for ours, w in zip(model.get_weights(), (Wq, Wk, Wv, W, b)):
        np.testing.assert_allclose(ours, (w - 0.01 * w.grad).detach().numpy(), **TOL)
