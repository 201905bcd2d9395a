"""Conv2D, the pooling layers, Flatten, and Sequential on images (N, H, W, C).

The math of backprop/conv.py has tests of its own (test_conv.py) and is checked against
PyTorch and Keras in test_frameworks.py; here: the layers' shapes, parameter counts and
summary (worked out by hand), whole-model gradients against numerical ones, training,
dtypes and seeds, and bad input in words.
"""
import numpy as np
import pytest

from backprop import (AveragePooling2D, BatchNormalization, Conv2D, Dense, Dropout, Flatten, MaxPooling2D,
                      Sequential)
from backprop.gradcheck import numerical_gradient
from backprop.optimizers import Adam


def images(n=4, h=8, w=8, c=1, seed=0):
    return np.random.default_rng(seed).standard_normal((n, h, w, c))


def small_cnn(seed=0, dtype="float64", **conv):
    """8x8x1 -> Conv2D 4 3x3 -> MaxPool 2 -> Flatten -> Dense 3 softmax."""
    model = Sequential([Conv2D(4, 3, activation="tanh", input_shape=(8, 8, 1), **conv), MaxPooling2D(2),
                        Flatten(), Dense(3, activation="softmax")], seed=seed, dtype=dtype)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


# ---- shapes, counts, summary --------------------------------------------------------------
@pytest.mark.parametrize("kwargs,in_shape,out_shape", [
    (dict(filters=16, kernel_size=3), (28, 28, 1), (26, 26, 16)),                 # 28 - 3 + 1
    (dict(filters=8, kernel_size=3, padding="same"), (28, 28, 1), (28, 28, 8)),
    (dict(filters=8, kernel_size=3, strides=2), (28, 28, 3), (13, 13, 8)),        # floor(25/2) + 1
    (dict(filters=8, kernel_size=4, strides=2, padding="same"), (7, 7, 3), (4, 4, 8)),   # ceil(7/2)
    (dict(filters=2, kernel_size=(1, 5)), (6, 6, 2), (6, 2, 2)),
])
def test_conv2d_output_shape_and_parameter_count(kwargs, in_shape, out_shape):
    layer = Conv2D(**kwargs)
    assert layer.build(in_shape) == out_shape
    kh, kw = (kwargs["kernel_size"],) * 2 if isinstance(kwargs["kernel_size"], int) else kwargs["kernel_size"]
    assert layer.params["W"].shape == (kh, kw, in_shape[2], kwargs["filters"])      # Keras's layout
    assert layer.count_params() == kh * kw * in_shape[2] * kwargs["filters"] + kwargs["filters"]
    assert layer.forward(np.zeros((2, *in_shape))).shape == (2, *out_shape)


def test_summary_prints_keras_output_shapes_and_counts():
    lines = []
    model = Sequential([Conv2D(16, 3, activation="relu", input_shape=(28, 28, 1)), MaxPooling2D(2),
                        Conv2D(32, 3, activation="relu"), MaxPooling2D(2), Flatten(),
                        Dense(10, activation="softmax")], seed=0)
    model.summary(print_fn=lines.append)
    text = lines[0]
    # by hand: 28 -> 26 -> 13 -> 11 -> 5 (pooling floors); 3*3*1*16+16, 3*3*16*32+32, 5*5*32*10+10
    for shape, count in [("(None, 26, 26, 16)", "160"), ("(None, 13, 13, 16)", "0"),
                         ("(None, 11, 11, 32)", "4,640"), ("(None, 5, 5, 32)", "0"),
                         ("(None, 800)", "0"), ("(None, 10)", "8,010")]:
        assert any(shape in row and row.split()[-1] == count for row in text.splitlines()), (shape, text)
    assert "Total params: 12,810" in text
    assert model.count_params() == 160 + 4640 + 8010


def test_glorot_limit_counts_the_receptive_field_as_keras_does():
    # Keras: fan_in = kh kw C = 3*3*2 = 18, fan_out = kh kw F = 3*3*50 = 450: limit sqrt(6/468)
    W = Conv2D(50, 3, seed=0)
    W.build((10, 10, 2))
    limit = np.sqrt(6.0 / (18 + 450))
    assert np.abs(W.params["W"]).max() <= limit
    assert np.abs(W.params["W"]).max() > 0.95 * limit            # and it is that limit, not a smaller one


# ---- forward ---------------------------------------------------------------------------------
def test_conv2d_forward_is_the_sliding_dot_product_plus_bias_then_activation():
    x = images(2, 5, 6, 2, seed=1)
    layer = Conv2D(3, (2, 3), activation="relu", seed=0)
    layer.build((5, 6, 2))
    layer.params["b"][...] = [0.5, -0.5, 0.0]
    out = layer.forward(x)
    W, b = layer.params["W"], layer.params["b"]
    expected = np.zeros((2, 4, 4, 3))
    for n in range(2):
        for i in range(4):
            for j in range(4):
                for f in range(3):
                    expected[n, i, j, f] = max(0.0, np.sum(x[n, i:i + 2, j:j + 3, :] * W[:, :, :, f]) + b[f])
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


def test_pooling_layers_take_the_max_and_the_mean_of_each_window():
    x = np.arange(16.0).reshape(1, 4, 4, 1)
    np.testing.assert_array_equal(MaxPooling2D(2).forward(x)[0, :, :, 0], [[5, 7], [13, 15]])
    np.testing.assert_array_equal(AveragePooling2D(2).forward(x)[0, :, :, 0], [[2.5, 4.5], [10.5, 12.5]])
    assert MaxPooling2D(2, strides=1).forward(x).shape == (1, 3, 3, 1)
    assert MaxPooling2D(3, padding="same").forward(x).shape == (1, 2, 2, 1)        # ceil(4/3)


def test_max_pooling_backward_routes_to_the_maximum_and_a_tie_to_the_first():
    x = np.array([[1.0, 3.0], [3.0, 0.0]]).reshape(1, 2, 2, 1)   # a tie: 3 at (0, 1) and (1, 0)
    pool = MaxPooling2D(2)
    pool.forward(x)
    dx = pool.backward(np.array([[[[2.0]]]]))
    np.testing.assert_array_equal(dx[0, :, :, 0], [[0.0, 2.0], [0.0, 0.0]])   # first in row-major order
    avg = AveragePooling2D(2)
    avg.forward(x)
    np.testing.assert_array_equal(avg.backward(np.array([[[[2.0]]]]))[0, :, :, 0], [[0.5, 0.5], [0.5, 0.5]])


def test_flatten_is_channels_last_and_backward_restores_the_shape():
    x = np.arange(12.0).reshape(1, 2, 3, 2)               # [n, h, w, c]
    flat = Flatten()
    out = flat.forward(x)
    assert out.shape == (1, 12)
    assert out[0, :4].tolist() == [x[0, 0, 0, 0], x[0, 0, 0, 1], x[0, 0, 1, 0], x[0, 0, 1, 1]]  # c fastest
    np.testing.assert_array_equal(flat.backward(out * 2), x * 2)


# ---- gradients of a whole model ----------------------------------------------------------------
@pytest.mark.parametrize("conv", [dict(), dict(padding="same"), dict(strides=2, padding="same"),
                                  dict(kernel_regularizer="l2")])
def test_model_gradients_equal_numerical_gradients(conv):
    model = small_cnn(seed=3, **conv)
    X, y = images(5, seed=4), np.array([0, 1, 2, 1, 0])
    for name, w in model.params.items():
        numeric = numerical_gradient(lambda: model.compute_gradients(X, y), w)   # w nudged in place
        model.compute_gradients(X, y)
        np.testing.assert_allclose(model.grads[name], numeric, rtol=1e-5, atol=1e-8, err_msg=name)


def test_backward_returns_the_input_gradient_of_the_whole_model():
    model = Sequential([Conv2D(2, 3, activation="tanh", padding="same"), AveragePooling2D(2), Flatten(),
                        Dense(1)], seed=0)
    X = images(2, 4, 4, 2, seed=5)
    dX = model.backward(np.ones_like(model.forward(X)))
    numeric = numerical_gradient(lambda: float(model.forward(X).sum()), X)
    np.testing.assert_allclose(dX, numeric, rtol=1e-6, atol=1e-9)


def test_batch_normalization_on_images_normalizes_each_channel_over_batch_and_positions():
    x = images(3, 4, 4, 2, seed=6) * [1.0, 10.0] + [0.0, 5.0]
    out = BatchNormalization(epsilon=1e-12).forward(x, training=True)
    np.testing.assert_allclose(out.mean(axis=(0, 1, 2)), [0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(out.std(axis=(0, 1, 2)), [1.0, 1.0], rtol=1e-9)
    model = Sequential([Conv2D(2, 3, padding="same"), BatchNormalization(), Flatten(), Dense(2)], seed=1)
    model.compile(optimizer="sgd", loss="mse")
    model.build((4, 4, 1))
    X, Y = images(4, 4, 4, 1, seed=7), np.random.default_rng(8).standard_normal((4, 2))
    numeric = numerical_gradient(lambda: model.compute_gradients(X, Y), model.params["batch_normalization/gamma"])
    model.compute_gradients(X, Y)
    np.testing.assert_allclose(model.grads["batch_normalization/gamma"], numeric, rtol=1e-5, atol=1e-9)


# ---- training, dtypes, seeds ------------------------------------------------------------------------
def test_fit_learns_where_the_bright_bar_is():
    """Vertical bar vs horizontal bar in 6x6 images: a conv net separates them."""
    rng = np.random.default_rng(0)
    X = rng.normal(0.0, 0.1, (80, 6, 6, 1))
    y = np.arange(80) % 2
    for n in range(80):
        k = rng.integers(0, 6)
        if y[n]:
            X[n, :, k, 0] += 1.0
        else:
            X[n, k, :, 0] += 1.0
    model = Sequential([Conv2D(4, 3, activation="relu", input_shape=(6, 6, 1)), MaxPooling2D(2), Flatten(),
                        Dense(2, activation="softmax")], seed=0)
    model.compile(optimizer=Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(X, y, epochs=30, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert model.evaluate(X, y)[1] >= 0.95


def test_float32_stays_float32_and_a_seed_repeats_the_run():
    X, y = images(8, seed=9).astype(np.float32), np.arange(8) % 3
    runs = []
    for _ in range(2):
        model = small_cnn(seed=11, dtype="float32")
        model.fit(X, y, epochs=2, batch_size=4, verbose=0)
        assert all(w.dtype == np.float32 for w in model.get_weights())
        assert model.predict(X).dtype == np.float32
        runs.append(model.get_weights())
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)
    other = small_cnn(seed=12)
    assert not np.array_equal(other.get_weights()[0], runs[0][0])


def test_dropout_works_on_images():
    layer = Dropout(0.5, seed=0)
    x = np.ones((2, 4, 4, 3))
    out = layer.forward(x, training=True)
    assert set(np.unique(out)) <= {0.0, 2.0} and 0 < (out == 0).sum() < out.size
    np.testing.assert_array_equal(layer.backward(np.ones_like(x)), out)


def test_weights_round_trip_in_keras_order():
    model = small_cnn(seed=0)
    shapes = [w.shape for w in model.get_weights()]
    assert shapes == [(3, 3, 1, 4), (4,), (36, 3), (3,)]        # 8 -> 6 -> pooled 3: 3*3*4 = 36 inputs
    new = [np.full(s, i + 1.0) for i, s in enumerate(shapes)]
    model.set_weights(new)
    for a, b in zip(model.get_weights(), new):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(model.params["conv2d/W"], new[0])


# ---- bad input, in words, before any work --------------------------------------------------------
@pytest.mark.parametrize("make,exc,match", [
    (lambda: Conv2D(0, 3), ValueError, "filters must be >= 1, got 0"),
    (lambda: Conv2D(4, 0), ValueError, "kernel_size must be a positive int or a pair of positive ints, got int 0"),
    (lambda: Conv2D(4, (3, 3, 3)), ValueError, "kernel_size must be a positive int or a pair"),
    (lambda: Conv2D(4, 3, strides=-1), ValueError, "strides must be a positive int"),
    (lambda: Conv2D(4, 3, padding="full"), ValueError, "padding must be 'valid' or 'same', got str 'full'"),
    (lambda: Conv2D(4, 3, input_shape=(28, 28)), ValueError,
     r"Conv2D takes inputs \(N, H, W, C\): input_shape must have 3 numbers per sample, got \(28, 28\)"),
    (lambda: Conv2D(4, 3, input_shape=(28, 0, 1)), ValueError, r"input_shape\[1\] must be >= 1, got 0"),
    (lambda: MaxPooling2D(0), ValueError, "pool_size must be a positive int"),
    (lambda: AveragePooling2D(2, padding="SAME"), ValueError, "padding must be 'valid' or 'same'"),
    (lambda: Conv2D(4, 3, activation="swish-ish"), ValueError, "activation"),
])
def test_constructors_refuse_bad_settings(make, exc, match):
    with pytest.raises(exc, match=match):
        make()


def test_layers_refuse_bad_images_before_any_work():
    layer = Conv2D(2, 3, seed=0)
    with pytest.raises(ValueError, match=r"x must be 4-D \(N, H, W, C\) for Conv2D, got shape \(5, 64\)"):
        layer.forward(np.zeros((5, 64)))
    with pytest.raises(ValueError, match=r"a kernel of 3x3 does not fit in 2x5 images with padding='valid'"):
        layer.forward(np.zeros((1, 2, 5, 1)))
    assert not layer.built                                          # nothing was made
    layer.forward(np.zeros((1, 5, 5, 3)))
    with pytest.raises(ValueError, match=r"samples of shape \(5, 5, 3\).*got shape \(1, 5, 5, 1\)"):
        layer.forward(np.zeros((1, 5, 5, 1)))                       # channels mismatch
    with pytest.raises(ValueError, match=r"dout must have the shape of the last output \(1, 3, 3, 2\)"):
        layer.backward(np.zeros((1, 3, 3, 3)))
    with pytest.raises(ValueError, match=r"a pool of 3x3 does not fit in 2x2 images"):
        MaxPooling2D(3).forward(np.zeros((1, 2, 2, 1)))
    with pytest.raises(ValueError, match=r"put a Flatten\(\) layer before it"):
        Dense(3).forward(np.zeros((2, 4, 4, 1)))


def test_a_model_names_the_layer_that_cannot_take_its_input():
    with pytest.raises(ValueError, match=r"layer 'dense'.*Dense takes inputs \(N, D\).*got \(3, 3, 4\)"
                                         r".*Flatten"):
        Sequential([Conv2D(4, 3, input_shape=(5, 5, 1)), Dense(2)])
    with pytest.raises(ValueError, match=r"layer 'conv2d_1'.*a kernel of 3x3 does not fit in 1x1 images"):
        Sequential([Conv2D(4, 3, input_shape=(3, 3, 1)), Conv2D(4, 3)])
    model = small_cnn()
    with pytest.raises(ValueError, match=r"x must have 4 dimensions, samples of shape \(8, 8, 1\).*\(10, 64\)"):
        model.fit(np.zeros((10, 64)), np.zeros(10, int), verbose=0)
    with pytest.raises(ValueError, match=r"x must have samples of shape \(8, 8, 1\).*got shape \(10, 8, 8, 3\)"):
        model.predict(np.zeros((10, 8, 8, 3)))
    unbuilt = Sequential([Conv2D(4, 3), Flatten(), Dense(2)])
    with pytest.raises(ValueError, match=r"X must have 4 dimensions \(N, H, W, C\) for the first layer "
                                         r"\(Conv2D\), got shape \(10, 64\)"):
        unbuilt.forward(np.zeros((10, 64)))
    assert not unbuilt.built
