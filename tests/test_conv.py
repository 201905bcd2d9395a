"""backprop.conv: convolution and pooling on (N, H, W, C) images, forward and backward.

The forward passes are compared with plain loops over positions written here from the
definitions; the backward passes with central-difference gradients (backprop.gradcheck); the padding with
TensorFlow's rule worked out by hand for the cases where it is easy to get wrong (even
kernels, strides that do not divide the size).
"""
import itertools

import numpy as np
import pytest

from backprop import conv
from backprop.gradcheck import numerical_gradient


def rng(seed=0):
    return np.random.default_rng(seed)


def naive_conv(x, K, b, stride, pads):
    """out[n, i, j, f] = b[f] + sum over the window of x_pad * K[..., f], one position at a time."""
    (top, bottom), (left, right) = pads
    xp = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))
    kh, kw, _, F = K.shape
    OH = (xp.shape[1] - kh) // stride[0] + 1
    OW = (xp.shape[2] - kw) // stride[1] + 1
    out = np.zeros((x.shape[0], OH, OW, F))
    for n, i, j, f in itertools.product(range(x.shape[0]), range(OH), range(OW), range(F)):
        window = xp[n, i * stride[0]:i * stride[0] + kh, j * stride[1]:j * stride[1] + kw, :]
        out[n, i, j, f] = np.sum(window * K[..., f]) + b[f]
    return out


# TensorFlow's "same": out = ceil(size / stride), total padding (out - 1) stride + k - size,
# the smaller half before. Worked by hand: (size, k, stride) -> (out, (before, after)).
SAME_CASES = [
    (5, 3, 1, 5, (1, 1)),      # odd kernel: even split
    (5, 2, 1, 5, (0, 1)),      # even kernel: the extra row after
    (6, 4, 1, 6, (1, 2)),
    (6, 3, 2, 3, (0, 1)),      # (3 - 1) 2 + 3 - 6 = 1
    (7, 3, 2, 4, (1, 1)),      # (4 - 1) 2 + 3 - 7 = 2
    (8, 1, 3, 3, (0, 0)),      # (3 - 1) 3 + 1 - 8 < 0: none
    (4, 5, 1, 4, (2, 2)),      # a kernel larger than the image is fine with "same"
]


@pytest.mark.parametrize("size, k, stride, out, pads", SAME_CASES)
def test_same_padding_follows_tensorflows_rule(size, k, stride, out, pads):
    assert conv.output_size(size, k, stride, "same") == out
    assert conv.padding_amounts(size, k, stride, "same") == pads


def test_valid_output_size_drops_what_does_not_fill_a_window():
    assert conv.output_size(7, 3, 2, "valid") == 3          # windows at 0, 2, 4
    assert conv.output_size(8, 3, 2, "valid") == 3          # the last column is never a window's start
    assert conv.padding_amounts(8, 3, 2, "valid") == (0, 0)


CONV_CASES = [  # x shape, kernel (kh, kw, F), strides, padding
    ((2, 5, 6, 3), (3, 3, 4), (1, 1), "valid"),
    ((2, 5, 6, 3), (3, 3, 4), (1, 1), "same"),
    ((1, 7, 7, 2), (2, 2, 3), (1, 1), "same"),            # even kernel: uneven padding
    ((2, 7, 8, 1), (3, 2, 2), (2, 3), "same"),            # unequal strides
    ((3, 6, 6, 2), (3, 3, 2), (2, 2), "valid"),
    ((1, 4, 4, 1), (4, 4, 1), (1, 1), "valid"),           # one window: a Dense layer
]


def conv_case(r, x_shape, k):
    """Random images x, kernel K (kh, kw, C, F) and bias b (F,) for a case of CONV_CASES."""
    return (r.standard_normal(x_shape), r.standard_normal((k[0], k[1], x_shape[3], k[2])),
            r.standard_normal(k[2]))


@pytest.mark.parametrize("x_shape, k, strides, padding", CONV_CASES)
def test_conv_forward_matches_a_loop_over_positions(x_shape, k, strides, padding):
    x, K, b = conv_case(rng(1), x_shape, k)
    out, _ = conv.conv2d_forward(x, K, b, strides, padding)
    pads = [conv.padding_amounts(n, kk, s, padding) for n, kk, s in zip(x_shape[1:3], k[:2], strides)]
    expected = naive_conv(x, K, b, strides, pads)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("x_shape, k, strides, padding", CONV_CASES)
def test_conv_backward_matches_numerical_gradients(x_shape, k, strides, padding):
    r = rng(2)
    x, K, b = conv_case(r, x_shape, k)
    out, cache = conv.conv2d_forward(x, K, b, strides, padding)
    weights = r.standard_normal(out.shape)               # L = sum(weights * out): dL/dout = weights

    def forward():
        return conv.conv2d_forward(x, K, b, strides, padding)[0]

    dx, dK, db = conv.conv2d_backward(weights, cache)
    for got, wrt in ((dx, x), (dK, K), (db, b)):
        np.testing.assert_allclose(got, numerical_gradient(forward, wrt, dout=weights), rtol=1e-6, atol=1e-8)
    assert conv.conv2d_backward(weights, cache, need_dx=False)[0] is None


def test_a_shared_kernel_weight_gets_the_sum_over_positions():
    """One 1x1 kernel weight is used at every pixel: its gradient is the sum of x * dout there."""
    x = rng(3).standard_normal((2, 3, 4, 1))
    out, cache = conv.conv2d_forward(x, np.array([[[[2.0]]]]), None)
    dout = rng(4).standard_normal(out.shape)
    _, dK, db = conv.conv2d_backward(dout, cache)
    assert dK.shape == (1, 1, 1, 1)
    assert dK[0, 0, 0, 0] == pytest.approx(np.sum(x * dout))
    assert db[0] == pytest.approx(np.sum(dout))


def test_the_input_gradient_is_a_full_convolution_with_the_flipped_kernel():
    """For one channel, stride 1, valid: dx = the 'full' correlation of dout with K turned 180 deg."""
    r = rng(5)
    x, K = r.standard_normal((1, 6, 5, 1)), r.standard_normal((3, 2, 1, 1))
    out, cache = conv.conv2d_forward(x, K, None)
    dout = r.standard_normal(out.shape)
    dx = conv.conv2d_backward(dout, cache)[0]
    flipped = K[::-1, ::-1]
    full, _ = conv.conv2d_forward(np.pad(dout, ((0, 0), (2, 2), (1, 1), (0, 0))), flipped, None)
    np.testing.assert_allclose(dx, full, rtol=1e-12, atol=1e-12)


def naive_pool(x, size, stride, reduce):
    N, H, W, C = x.shape
    OH, OW = (H - size[0]) // stride[0] + 1, (W - size[1]) // stride[1] + 1
    out = np.zeros((N, OH, OW, C))
    for n, i, j, c in itertools.product(range(N), range(OH), range(OW), range(C)):
        out[n, i, j, c] = reduce(x[n, i * stride[0]:i * stride[0] + size[0], j * stride[1]:j * stride[1] + size[1], c])
    return out


@pytest.mark.parametrize("size, strides", [((2, 2), None), ((3, 3), (2, 2)), ((2, 3), (1, 2))])
def test_pooling_forward_matches_loops_and_backward_matches_numerical_gradients(size, strides):
    r = rng(6)
    x = r.standard_normal((2, 7, 7, 3))            # continuous values: no ties
    stride = size if strides is None else strides
    for forward, backward, reduce in ((conv.max_pool_forward, conv.max_pool_backward, np.max),
                                      (conv.average_pool_forward, conv.average_pool_backward, np.mean)):
        out, cache = forward(x, size, strides)
        np.testing.assert_allclose(out, naive_pool(x, size, stride, reduce), rtol=1e-12)
        weights = r.standard_normal(out.shape)
        dx = backward(weights, cache)
        expected = numerical_gradient(lambda: forward(x, size, strides)[0], x, dout=weights)
        np.testing.assert_allclose(dx, expected, rtol=1e-6, atol=1e-8)


def test_max_pool_sends_the_gradient_to_the_first_maximum_of_a_tie():
    x = np.array([[1.0, 3.0], [3.0, 0.0]]).reshape(1, 2, 2, 1)
    out, cache = conv.max_pool_forward(x, 2)
    assert out[0, 0, 0, 0] == 3.0
    dx = conv.max_pool_backward(np.full((1, 1, 1, 1), 5.0), cache)
    np.testing.assert_array_equal(dx[0, :, :, 0], [[0.0, 5.0], [0.0, 0.0]])   # row-major first


def test_same_pooling_ignores_the_padding():
    x = -np.ones((1, 3, 3, 1))                     # every real pixel below the zeros of a padding
    out, _ = conv.max_pool_forward(x, 2, padding="same")
    assert out.shape == (1, 2, 2, 1) and np.all(out == -1.0)
    x = np.arange(9.0).reshape(1, 3, 3, 1)
    out, cache = conv.average_pool_forward(x, 2, padding="same")
    # windows: rows {0,1},{2}; cols {0,1},{2}: means of the real pixels only
    np.testing.assert_allclose(out[0, :, :, 0], [[(0 + 1 + 3 + 4) / 4, (2 + 5) / 2], [(6 + 7) / 2, 8.0]])
    dx = conv.average_pool_backward(np.ones((1, 2, 2, 1)), cache)
    np.testing.assert_allclose(dx[0, :, :, 0], [[0.25, 0.25, 0.5], [0.25, 0.25, 0.5], [0.5, 0.5, 1.0]])


@pytest.mark.parametrize("call, words", [
    (lambda: conv.conv2d_forward(np.ones((4, 4, 1)), np.ones((3, 3, 1, 1))), "x must be images of shape (N, H, W, C)"),
    (lambda: conv.conv2d_forward(np.ones((1, 4, 4, 2)), np.ones((3, 3, 1, 1))), "kernel has 1 input channels but x has 2"),
    (lambda: conv.conv2d_forward(np.ones((1, 4, 4, 1)), np.ones((3, 3, 1))), "kernel must have shape (kh, kw, C, F)"),
    (lambda: conv.conv2d_forward(np.ones((1, 2, 4, 1)), np.ones((3, 3, 1, 1))), "a kernel of 3x3 does not fit in 2x4"),
    (lambda: conv.conv2d_forward(np.ones((1, 4, 4, 1)), np.ones((3, 3, 1, 1)), strides=0), "strides must be a positive int"),
    (lambda: conv.conv2d_forward(np.ones((1, 4, 4, 1)), np.ones((3, 3, 1, 1)), padding="full"), "padding must be 'valid' or 'same'"),
    (lambda: conv.max_pool_forward(np.ones((1, 4, 4, 1)), pool_size=(2, -1)), "pool_size must be a positive int"),
    (lambda: conv.max_pool_forward(np.ones((1, 1, 4, 1)), pool_size=2), "a pool of 2x2 does not fit in 1x4"),
])
def test_bad_input_is_refused_in_words_before_any_work(call, words):
    with pytest.raises(ValueError) as info:
        call()
    assert words in str(info.value)
