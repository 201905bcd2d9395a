"""The engine's convolution and pooling against PyTorch autograd and Keras 3.

PyTorch (CPU, float64) gives the reference outputs and, through autograd, the reference
gradients. Keras 3 runs on that same torch (KERAS_BACKEND=torch, no TensorFlow) and gives
its layers' 'same' padding, the rule TensorFlow defined and the engine follows: output
size ceil(H / s), total padding (OH - 1) s + k - H, the smaller half before, the extra
row after. Every expected value comes from torch, Keras or a hand-worked number, never
from the engine.

The layouts differ, so each helper below translates once:
- images: the engine and Keras are channels-last (N, H, W, C); torch is (N, C, H, W);
- kernels: the engine and Keras are (kh, kw, C, F); torch is (F, C, kh, kw);
- 'same' padding: torch's padding='same' exists for stride 1 only, so torch gets the
  padding explicitly through F.pad, with TensorFlow's asymmetric split.
"""
import os

import numpy as np
import pytest

from backprop import conv
from backprop import layers as engine_layers
from backprop.model import Sequential

os.environ["KERAS_BACKEND"] = "torch"     # read once, when keras is first imported
torch = pytest.importorskip("torch")      # both are in the test extra (pyproject.toml)
keras = pytest.importorskip("keras")
F = torch.nn.functional

if keras.backend.backend() != "torch":    # keras imported earlier in this process with another backend
    pytest.skip(f"Keras runs on {keras.backend.backend()}, these checks need its torch backend",
                allow_module_level=True)

# Keras 3.15 turns its torch variables into numpy arrays the way numpy 2 deprecates
# (get_weights, set_weights): its warning, not ours.
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword")

TOL = dict(rtol=1e-10, atol=1e-12)        # float64 everywhere: only summation order differs
# Keras 3.15 on torch computes ops.matmul, so Dense, in float32 even for float64 inputs
# (its dtype rules map float64 to float32 on every backend but TensorFlow: keras-team/keras
# issue 23704). Its conv and pooling layers call torch directly and stay float64.
KERAS_DENSE_TOL = dict(rtol=1e-5, atol=1e-6)


@pytest.fixture(autouse=True)
def keras_float64():
    """Keras layers made in a test compute in float64, like the engine by default."""
    before = keras.config.floatx()
    keras.config.set_floatx("float64")
    yield
    keras.config.set_floatx(before)


def rng(seed):
    return np.random.default_rng(seed)


# ---- layout translations -----------------------------------------------------------------
def nchw(x):
    """Engine/Keras images (N, H, W, C) -> a torch tensor (N, C, H, W) that records gradients."""
    return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2))).requires_grad_()


def nhwc(t):
    """A torch tensor (N, C, H, W) -> numpy (N, H, W, C)."""
    return t.detach().numpy().transpose(0, 2, 3, 1)


def torch_kernel(K):
    """Engine/Keras kernel (kh, kw, C, F) -> a torch weight (F, C, kh, kw) that records gradients."""
    return torch.from_numpy(np.ascontiguousarray(K.transpose(3, 2, 0, 1))).requires_grad_()


def tf_same_split(size, k, stride):
    """TensorFlow's 'same' padding along one axis, from its definition: (before, after)."""
    out = -(-size // stride)
    total = max((out - 1) * stride + k - size, 0)
    return total // 2, total - total // 2


def torch_pad(t, size, strides, padding, value=0.0):
    """t (N, C, H, W) padded as TensorFlow pads for ``padding`` (F.pad takes left, right, top, bottom)."""
    if padding == "valid":
        return t
    (top, bottom), (left, right) = (tf_same_split(n, k, s) for n, k, s in zip(t.shape[2:], size, strides))
    return F.pad(t, (left, right, top, bottom), value=value)


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


# ---- convolution -------------------------------------------------------------------------
CONV_CASES = [  # x shape (N, H, W, C), kernel (kh, kw, F), strides, padding
    ((2, 6, 6, 3), (3, 3, 4), 1, "valid"),
    ((2, 6, 6, 3), (3, 3, 4), 1, "same"),           # (1, 1)
    ((2, 7, 7, 2), (3, 3, 3), 2, "valid"),
    ((2, 7, 7, 2), (3, 3, 3), 2, "same"),           # out 4, total 3*2 + 3 - 7 = 2: (1, 1)
    ((2, 6, 6, 2), (3, 3, 3), 2, "same"),           # out 3, total 2*2 + 3 - 6 = 1: (0, 1)
    ((1, 5, 5, 1), (2, 2, 2), 1, "same"),           # even kernel, stride 1: (0, 1)
    ((1, 6, 5, 2), (2, 2, 3), 2, "same"),           # rows: none; columns: total 2*2 + 2 - 5 = 1: (0, 1)
    ((1, 7, 7, 1), (4, 4, 2), 2, "same"),           # out 4, total 3*2 + 4 - 7 = 3: (1, 2)
    ((1, 7, 9, 2), (3, 2, 2), (2, 3), "same"),      # unequal strides and kernel sides
    ((2, 4, 4, 2), (4, 4, 3), 1, "valid"),          # one window: a Dense layer
]
CONV_IDS = [f"{'x'.join(map(str, x[1:3]))}-k{k[0]}x{k[1]}-s{s}-{p}" for x, k, s, p in CONV_CASES]


def conv_case(seed, x_shape, k):
    """Random images x (N, H, W, C), kernel K (kh, kw, C, F), bias b (F,) in float64."""
    r = rng(seed)
    return (r.standard_normal(x_shape), r.standard_normal((k[0], k[1], x_shape[3], k[2])),
            r.standard_normal(k[2]))


def torch_conv(x, K, b, strides, padding, g):
    """PyTorch's out and its autograd gradients of L = sum(g * out), in the engine's layouts."""
    xt, Kt, bt = nchw(x), torch_kernel(K), torch.from_numpy(b).requires_grad_()
    out = F.conv2d(torch_pad(xt, K.shape[:2], pair(strides), padding), Kt, bt, stride=pair(strides))
    (out * torch.from_numpy(np.ascontiguousarray(g.transpose(0, 3, 1, 2)))).sum().backward()
    return nhwc(out), nhwc(xt.grad), Kt.grad.numpy().transpose(2, 3, 1, 0), bt.grad.numpy()


@pytest.mark.parametrize("x_shape, k, strides, padding", CONV_CASES, ids=CONV_IDS)
def test_conv2d_forward_and_gradients_match_torch_autograd(x_shape, k, strides, padding):
    x, K, b = conv_case(1, x_shape, k)
    out, cache = conv.conv2d_forward(x, K, b, strides, padding)
    g = rng(2).standard_normal(out.shape)               # dL/dout for L = sum(g * out)
    expected = torch_conv(x, K, b, strides, padding, g)
    assert out.shape == expected[0].shape
    got = (out, *conv.conv2d_backward(g, cache))
    for name, mine, theirs in zip(("out", "dx", "dK", "db"), got, expected):
        np.testing.assert_allclose(mine, theirs, **TOL, err_msg=name)


def keras_grads(layer, x, g):
    """A Keras layer's output on x and, through torch autograd, dL/dx and dL/dweights for
    L = sum(g * out), all in Keras's (= the engine's) layouts."""
    xt = torch.from_numpy(x).requires_grad_()
    out = layer(xt)
    (out * torch.from_numpy(g)).sum().backward()
    return out.detach().numpy(), xt.grad.numpy(), [w.value.grad.numpy() for w in layer.weights]


@pytest.mark.parametrize("x_shape, k, strides, padding", CONV_CASES, ids=CONV_IDS)
def test_conv2d_matches_keras_conv2d_with_the_same_weights(x_shape, k, strides, padding):
    """Keras computes its own 'same' split (the extra row after), independently of the helpers above."""
    x, K, b = conv_case(3, x_shape, k)
    layer = keras.layers.Conv2D(k[2], k[:2], strides=strides, padding=padding)
    layer.build((None, *x_shape[1:]))
    layer.set_weights([K, b])                            # Keras's order: [kernel (kh, kw, C, F), bias]
    out, cache = conv.conv2d_forward(x, K, b, strides, padding)
    g = rng(4).standard_normal(out.shape)
    k_out, k_dx, (k_dK, k_db) = keras_grads(layer, x, g)
    assert out.shape == k_out.shape
    dx, dK, db = conv.conv2d_backward(g, cache)
    for name, mine, theirs in (("out", out, k_out), ("dx", dx, k_dx), ("dK", dK, k_dK), ("db", db, k_db)):
        np.testing.assert_allclose(mine, theirs, **TOL, err_msg=name)


# ---- pooling -----------------------------------------------------------------------------
POOL_CASES = [  # x shape, pool_size, strides (None: the pool size), padding
    ((2, 6, 6, 3), 2, None, "valid"),
    ((2, 7, 7, 2), 3, 2, "valid"),
    ((2, 7, 7, 2), 2, None, "same"),                # out 4, total 3*2 + 2 - 7 = 1: (0, 1)
    ((2, 6, 6, 2), 3, 2, "same"),                   # out 3, total 2*2 + 3 - 6 = 1: (0, 1)
    ((1, 5, 5, 1), 3, 1, "same"),                   # (1, 1)
    ((1, 5, 6, 2), (2, 3), (1, 2), "same"),         # rows (0, 1); columns out 3, total 4 + 3 - 6 = 1
    ((1, 8, 8, 2), 2, 3, "valid"),                  # gaps between windows: those pixels get no gradient
]
POOL_IDS = [f"{'x'.join(map(str, x[1:3]))}-p{p}-s{s}-{pad}" for x, p, s, pad in POOL_CASES]


def max_pool_nchw(t, size, strides, padding):
    """Torch's max pool of t (N, C, H, W); 'same' pads with -inf, so padding never wins."""
    return F.max_pool2d(torch_pad(t, size, strides, padding, value=-np.inf), size, strides)


def average_pool_nchw(t, size, strides, padding):
    """Torch's mean over the real pixels of each window of t (N, C, H, W), the way TensorFlow
    defines 'same' average pooling: the sum over the zero-padded window / the number of real
    pixels in it (torch's own count_include_pad=False takes symmetric padding only)."""
    ones = torch.ones((1, 1, *t.shape[2:]), dtype=t.dtype)
    sums, counts = (F.avg_pool2d(torch_pad(u, size, strides, padding), size, strides, divisor_override=1)
                    for u in (t, ones))
    return sums / counts


def torch_pool(pool_nchw):
    """A reference (x, size, strides, padding, g) -> (out, dx) in the engine's layout, with dx
    from torch autograd for L = sum(g * out)."""
    def reference(x, size, strides, padding, g):
        xt = nchw(x)
        out = pool_nchw(xt, size, strides, padding)
        (out * torch.from_numpy(np.ascontiguousarray(g.transpose(0, 3, 1, 2)))).sum().backward()
        return nhwc(out), nhwc(xt.grad)
    return reference


torch_max_pool, torch_average_pool = torch_pool(max_pool_nchw), torch_pool(average_pool_nchw)


POOLS = {  # name: (engine forward, engine backward, torch reference, Keras layer)
    "max": (conv.max_pool_forward, conv.max_pool_backward, torch_max_pool, "MaxPooling2D"),
    "average": (conv.average_pool_forward, conv.average_pool_backward, torch_average_pool, "AveragePooling2D"),
}


@pytest.mark.parametrize("kind", POOLS)
@pytest.mark.parametrize("x_shape, size, strides, padding", POOL_CASES, ids=POOL_IDS)
def test_pooling_forward_and_gradient_match_torch_autograd(kind, x_shape, size, strides, padding):
    forward, backward, reference, _ = POOLS[kind]
    x = rng(5).standard_normal(x_shape)                 # continuous values: no ties
    out, cache = forward(x, size, strides, padding)
    g = rng(6).standard_normal(out.shape)
    t_out, t_dx = reference(x, pair(size), pair(size if strides is None else strides), padding, g)
    np.testing.assert_allclose(out, t_out, **TOL)
    np.testing.assert_allclose(backward(g, cache), t_dx, **TOL)


def keras_replicates_the_edge(kind, x_shape, size, strides, padding):
    """Keras 3.15's torch backend, for an uneven 'same' split, pads average pooling with copies
    of the edge pixels and averages them too: a window of 3 over [10, 20] gives 16.67 where
    TensorFlow (and the engine) give 15. Only windows of 3 or more see a difference (with 2,
    the one copy equals the pixel beside it). Fixed upstream (keras-team/keras pull 23233)."""
    s = pair(size if strides is None else strides)
    splits = [tf_same_split(n, k, st) for n, k, st in zip(x_shape[1:3], pair(size), s)]
    return (kind == "average" and padding == "same"
            and any(lo != hi and k >= 3 for (lo, hi), k in zip(splits, pair(size))))


@pytest.mark.parametrize("kind", POOLS)
@pytest.mark.parametrize("x_shape, size, strides, padding", POOL_CASES, ids=POOL_IDS)
def test_pooling_matches_keras_pooling_layers(kind, x_shape, size, strides, padding):
    forward, backward, _, layer_name = POOLS[kind]
    x = rng(7).standard_normal(x_shape)
    out, cache = forward(x, size, strides, padding)
    g = rng(8).standard_normal(out.shape)
    k_out, k_dx, _ = keras_grads(getattr(keras.layers, layer_name)(size, strides, padding), x, g)
    if (keras_replicates_the_edge(kind, x_shape, size, strides, padding)
            and not np.allclose(out, k_out, **TOL)):   # a Keras with the fix passes below
        pytest.xfail("Keras's torch backend averages copied edge pixels in an uneven 'same' "
                     "window (see keras_replicates_the_edge); torch's reference above holds the engine")
    np.testing.assert_allclose(out, k_out, **TOL)
    np.testing.assert_allclose(backward(g, cache), k_dx, **TOL)


def test_same_average_pool_counts_only_real_pixels_by_hand():
    """A window of 3, stride 2, over the row [10, 20]: 'same' gives one output, padding (0, 1);
    TensorFlow averages the two real pixels, (10 + 20) / 2 = 15, and each gets half the gradient."""
    x = np.array([10.0, 20.0]).reshape(1, 1, 2, 1)
    out, cache = conv.average_pool_forward(x, (1, 3), (1, 2), "same")
    assert out.reshape(-1).tolist() == [15.0]
    dx = conv.average_pool_backward(np.ones((1, 1, 1, 1)), cache)
    assert dx.reshape(-1).tolist() == [0.5, 0.5]


@pytest.mark.parametrize("x, first", [
    ([[1.0, 3.0], [3.0, 0.0]], (0, 1)),       # two maxima: (0, 1) comes before (1, 0) row by row
    ([[2.0, 2.0], [2.0, 2.0]], (0, 0)),       # all equal: the top-left pixel
    ([[0.0, 4.0], [4.0, 4.0]], (0, 1)),
])
def test_a_tie_in_max_pooling_sends_the_whole_gradient_to_the_first_maximum(x, first):
    """Which pixel of a tie gets the gradient is a convention, not math (the max is not
    differentiable there). Torch's CPU max_pool2d keeps the first maximum in the window's
    row-major order, and so does the engine: that pixel gets all of it, the others none."""
    x = np.array(x).reshape(1, 2, 2, 1)
    expected = np.zeros((2, 2))
    expected[first] = 5.0
    _, t_dx = torch_max_pool(x, (2, 2), (2, 2), "valid", np.full((1, 1, 1, 1), 5.0))
    np.testing.assert_array_equal(t_dx[0, :, :, 0], expected)
    _, cache = conv.max_pool_forward(x, 2)
    np.testing.assert_array_equal(conv.max_pool_backward(np.full((1, 1, 1, 1), 5.0), cache)[0, :, :, 0],
                                  expected)


# ---- whole models: backprop.layers' Conv2D, pooling and Flatten in a Sequential ------------

INPUT = (9, 12, 2)        # (H, W, C)
CNN = [  # (layer, Keras's arguments): both libraries take the same ones
    ("Conv2D", dict(filters=3, kernel_size=3, padding="same", activation="relu")),          # 9x12x3
    ("MaxPooling2D", dict(pool_size=2, padding="same")),                                    # 5x6x3, rows (0, 1)
    ("Conv2D", dict(filters=4, kernel_size=2, strides=2, padding="same", activation="tanh")),  # 3x3x4, rows (0, 1)
    ("AveragePooling2D", dict(pool_size=2, strides=1)),                                     # 2x2x4
    ("Flatten", {}),                                                                        # 16
    ("Dense", dict(units=5, activation="softmax")),
]


def engine_cnn(spec=CNN, dtype="float64", seed=0):
    """The engine's model of ``spec``; the first layer's input_shape builds it, as in Keras."""
    first = dict(input_shape=INPUT)
    return Sequential([getattr(engine_layers, kind)(**kwargs, **(first if i == 0 else {}))
                       for i, (kind, kwargs) in enumerate(spec)], seed=seed, dtype=dtype)


def keras_cnn(spec=CNN):
    return keras.Sequential([keras.Input(INPUT)] + [getattr(keras.layers, kind)(**kwargs) for kind, kwargs in spec])


def cnn_data(seed, n=4):
    r = rng(seed)
    return r.standard_normal((n, *INPUT)), r.integers(0, 5, size=n)


def test_a_keras_model_with_the_engines_weights_gives_the_same_outputs_and_counts():
    model, reference = engine_cnn(), keras_cnn()
    weights = model.get_weights()                       # [kernel, bias] per layer with weights, as Keras
    assert [w.shape for w in weights] == [tuple(w.shape) for w in reference.get_weights()]
    reference.set_weights(weights)
    x, _ = cnn_data(9)
    np.testing.assert_allclose(model.predict(x), np.asarray(reference(x).detach()), **KERAS_DENSE_TOL)
    assert model.count_params() == reference.count_params() == 3 * 3 * 2 * 3 + 3 + 2 * 2 * 3 * 4 + 4 + 16 * 5 + 5


def test_conv2d_without_bias_has_only_a_kernel_as_in_keras():
    spec = [("Conv2D", dict(filters=2, kernel_size=3, use_bias=False)), ("Flatten", {})]
    model, reference = engine_cnn(spec), keras_cnn(spec)
    assert [w.shape for w in model.get_weights()] == [tuple(w.shape) for w in reference.get_weights()] == [(3, 3, 2, 2)]
    reference.set_weights(model.get_weights())
    x, _ = cnn_data(10)
    np.testing.assert_allclose(model.predict(x), np.asarray(reference(x).detach()), **TOL)


def test_flatten_is_channels_last_like_keras():
    """Keras's Flatten reads (N, H, W, C) row by row, channels fastest: worked by hand, pixel
    (h, w) channel c of a 2x2x3 image lands at 3 (2 h + w) + c."""
    x = np.arange(12.0).reshape(1, 2, 2, 3)
    assert np.asarray(keras.layers.Flatten()(x)).tolist() == [list(range(12))]
    assert engine_layers.Flatten().forward(x).tolist() == [list(range(12))]


ACTIVATIONS = {"relu": torch.relu, "tanh": torch.tanh, None: lambda t: t}


def torch_cnn_loss(spec, weights, x, y):
    """The CNN replayed in torch from the engine's weights (kept in Keras's layouts, so their
    .grad is too): sparse categorical cross-entropy of the softmax output, mean over the batch."""
    h, params = nchw(x), iter(weights)
    for kind, kw in spec:
        if kind == "Conv2D":
            K, b = next(params), next(params)
            size, strides = pair(kw["kernel_size"]), pair(kw.get("strides", 1))
            h = F.conv2d(torch_pad(h, size, strides, kw.get("padding", "valid")), K.permute(3, 2, 0, 1), b,
                         stride=strides)
            h = ACTIVATIONS[kw.get("activation")](h)
        elif kind in ("MaxPooling2D", "AveragePooling2D"):
            size = pair(kw["pool_size"])
            pool = max_pool_nchw if kind == "MaxPooling2D" else average_pool_nchw
            h = pool(h, size, pair(kw.get("strides") or size), kw.get("padding", "valid"))
        elif kind == "Flatten":
            h = h.permute(0, 2, 3, 1).reshape(h.shape[0], -1)    # channels-last order, as Keras flattens
        else:                                                      # Dense softmax: the loss takes the logits
            W, b = next(params), next(params)
            h = h @ W + b
    return F.cross_entropy(h, torch.from_numpy(y))


def test_the_engines_gradients_of_a_whole_cnn_equal_torch_autograds():
    model = engine_cnn()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    x, y = cnn_data(11, n=6)
    loss = model.compute_gradients(x, y)
    weights = [torch.from_numpy(np.array(w)).requires_grad_() for w in model.get_weights()]
    t_loss = torch_cnn_loss(CNN, weights, x, y)
    t_loss.backward()
    assert loss == pytest.approx(t_loss.item(), rel=1e-12)
    grads = [g for layer in model.layers for key, g in layer.grads.items()]   # 'W' then 'b' per layer
    assert len(grads) == len(weights)
    for mine, theirs in zip(grads, weights):
        np.testing.assert_allclose(mine, theirs.grad.numpy(), **TOL)
