"""Convolution and pooling on channels-last images: the math the Conv2D and pooling layers use.

Shapes follow Keras: images ``x`` (N, H, W, C), kernels ``K`` (kh, kw, C, F), biases (F,),
outputs (N, OH, OW, F). With stride s and a kernel of size k along one axis,

    valid:  OH = floor((H - k) / s) + 1          (no padding)
    same:   OH = ceil(H / s), padding P = max((OH - 1) s + k - H, 0) split as
            P // 2 before and the rest after (TensorFlow's rule: the extra row goes after)

Forward, the convolution is a dot product at each position (deep learning's "convolution"
does not flip the kernel, it is a cross-correlation):

    out[n, i, j, f] = b[f] + sum_{a, c, ch} x_pad[n, i s + a, j s + c, ch] K[a, c, ch, f]

Backward, with g = dL/dout (N, OH, OW, F): every position used the same K, so K's gradient
is the sum over positions (as for a Value used twice); each input pixel gets back what every
window that held it sent (a "full" convolution of g with the flipped kernel):

    dK[a, c, ch, f] = sum_{n, i, j} x_pad[n, i s + a, j s + c, ch] g[n, i, j, f]
    db[f]           = sum_{n, i, j} g[n, i, j, f]
    dx_pad[n, i s + a, j s + c, ch] += sum_f K[a, c, ch, f] g[n, i, j, f]

The code computes these with the windows laid out as rows (im2col): a convolution is then one
Dense layer applied at every position, and dK, db are the Dense formulas. dx is the Dense
formula dz K^T too, taken one window offset (a, c) at a time, so that each product lands
straight on the pixels it belongs to (the last equation, for all n, i, j at once).
"""
import numpy as np

from .validation import describe

PADDINGS = ("valid", "same")


# ---- sizes ------------------------------------------------------------------------------
def pair(value, name):
    """An int or a pair of ints, both >= 1, as a tuple (rows, columns)."""
    values = (value, value) if isinstance(value, (int, np.integer)) and not isinstance(value, bool) else value
    if (not isinstance(values, (tuple, list)) or len(values) != 2
            or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 1 for v in values)):
        raise ValueError(f"{name} must be a positive int or a pair of positive ints, got {describe(value)}")
    return int(values[0]), int(values[1])


def check_padding(padding):
    if padding not in PADDINGS:
        raise ValueError(f"padding must be 'valid' or 'same', got {describe(padding)}")
    return padding


def output_size(size, k, stride, padding):
    """The output's length along one axis (see the module's docstring)."""
    if padding == "same":
        return -(-size // stride)
    return (size - k) // stride + 1


def padding_amounts(size, k, stride, padding):
    """(before, after) rows of zeros along one axis: none for valid, TensorFlow's split for same."""
    if padding == "valid":
        return 0, 0
    total = max((output_size(size, k, stride, "same") - 1) * stride + k - size, 0)
    return total // 2, total - total // 2


def check_image(x, name="x"):
    """x as a float array of rank 4 (N, H, W, C), or a ValueError that says what came."""
    x = np.asarray(x)
    if x.ndim != 4 or not np.issubdtype(x.dtype, np.number):
        raise ValueError(f"{name} must be images of shape (N, H, W, C), got {describe(x)}")
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(float)


def check_window(x_shape, size, strides, padding, what="kernel"):
    """The output's (OH, OW) for a window of ``size`` on images of ``x_shape``; a ValueError if
    a valid window is larger than the image."""
    _, H, W, _ = x_shape
    if padding == "valid" and (size[0] > H or size[1] > W):
        raise ValueError(f"a {what} of {size[0]}x{size[1]} does not fit in {H}x{W} images with "
                         "padding='valid': use a smaller one, larger images or padding='same'")
    return (output_size(H, size[0], strides[0], padding), output_size(W, size[1], strides[1], padding))


def paddings(hw, size, strides, padding):
    """((top, bottom), (left, right)) around images of (H, W) for a window of ``size``."""
    return tuple(padding_amounts(n, k, s, padding) for n, k, s in zip(hw, size, strides))


def pad(x, size, strides, padding, value=0.0):
    """x (N, H, W, C) with the rows and columns of ``value`` that ``padding`` asks for around H, W."""
    (top, bottom), (left, right) = paddings(x.shape[1:3], size, strides, padding)
    if top == bottom == left == right == 0:
        return x
    return np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=value)


def windows(x_pad, size, strides, out_hw):
    """The windows of x_pad (N, Hp, Wp, C) as a read-only view (N, OH, OW, kh, kw, C): entry
    [n, i, j] is the window whose top-left pixel is (i s, j s). No copy."""
    view = np.lib.stride_tricks.sliding_window_view(x_pad, size, axis=(1, 2))   # (N, ., ., C, kh, kw)
    view = view[:, ::strides[0], ::strides[1]][:, :out_hw[0], :out_hw[1]]
    return view.transpose(0, 1, 2, 4, 5, 3)


# ---- convolution ------------------------------------------------------------------------
def conv2d_forward(x, kernel, bias=None, strides=1, padding="valid"):
    """x (N, H, W, C), kernel (kh, kw, C, F), bias (F,) or None -> (out (N, OH, OW, F), cache).

    The cache holds what the backward pass needs: the windows as rows (N OH OW, kh kw C),
    the kernel and the shapes.
    """
    x = check_image(x)
    kernel = np.asarray(kernel, dtype=x.dtype)
    if kernel.ndim != 4:
        raise ValueError(f"kernel must have shape (kh, kw, C, F), got {describe(kernel)}")
    if kernel.shape[2] != x.shape[3]:
        raise ValueError(f"kernel has {kernel.shape[2]} input channels but x has {x.shape[3]} "
                         f"(kernel {kernel.shape}, x {x.shape})")
    strides, padding = pair(strides, "strides"), check_padding(padding)
    size = kernel.shape[:2]
    out_hw = check_window(x.shape, size, strides, padding)
    x_pad = pad(x, size, strides, padding)
    cols = windows(x_pad, size, strides, out_hw).reshape(-1, int(np.prod(kernel.shape[:3])))
    out = cols @ kernel.reshape(-1, kernel.shape[3])                 # one Dense layer per position
    if bias is not None:
        out += bias
    cache = {"cols": cols, "kernel": kernel, **geometry(x, x_pad, strides, padding, out_hw)}
    return out.reshape(x.shape[0], *out_hw, kernel.shape[3]), cache


def conv2d_backward(dout, cache, need_dx=True):
    """dout = dL/dout (N, OH, OW, F) -> (dx (N, H, W, C) or None, dkernel (kh, kw, C, F), dbias (F,))."""
    kernel, cols = cache["kernel"], cache["cols"]
    kh, kw, C, F = kernel.shape
    g = dout.reshape(-1, F)                                           # (N OH OW, F)
    dkernel = (cols.T @ g).reshape(kernel.shape)                      # dW = x^T dz, summed over positions
    # db = sum of dz over positions, as a matrix product with ones: numpy's g.sum(axis=0) runs
    # row by row down this tall, narrow matrix (N OH OW rows of F) and takes about 8x longer
    dbias = np.ones(g.shape[0], g.dtype) @ g
    if not need_dx:
        return None, dkernel, dbias
    # dx = dz W^T, split by window offset: dx_pad[n, i s + a, j s + c, :] += g[n, i, j, :] K[a, c]^T.
    # Windows overlap when the stride is smaller than the window, so a pixel sums what every
    # window that held it sends. (One product for all offsets, then a scatter of its
    # (N, OH, OW, kh, kw, C) result, took twice as long: that scatter reads with large strides.)
    dx_pad = np.zeros(cache["pad_shape"], dtype=g.dtype)
    for a, c, index in offsets((kh, kw), cache["strides"], cache["out_hw"]):
        dx_pad[index] += (g @ kernel[a, c].T).reshape(*dout.shape[:3], C)
    return crop(dx_pad, (kh, kw), cache), dkernel, dbias


def geometry(x, x_pad, strides, padding, out_hw):
    """What every backward pass needs to put window gradients back on the input's pixels."""
    return {"x_shape": x.shape, "pad_shape": x_pad.shape, "strides": strides, "padding": padding,
            "out_hw": out_hw}


def offsets(size, strides, out_hw):
    """For each offset (a, c) inside a window, in row-major order: (a, c, index), where
    x_pad[index] is the view (N, OH, OW, C) of pixel (i s + a, j s + c) of every window [n, i, j]
    at once. A loop over the kh kw offsets replaces a loop over the OH OW positions."""
    (sh, sw), (OH, OW) = strides, out_hw
    return [(a, c, (slice(None), slice(a, a + sh * (OH - 1) + 1, sh), slice(c, c + sw * (OW - 1) + 1, sw)))
            for a in range(size[0]) for c in range(size[1])]


def crop(dx_pad, size, cache):
    """The gradient on the padded images (N, Hp, Wp, C) -> on the real pixels (N, H, W, C): the
    padding's share is dropped."""
    _, H, W, _ = cache["x_shape"]
    (top, _), (left, _) = paddings((H, W), size, cache["strides"], cache["padding"])
    return dx_pad[:, top:top + H, left:left + W, :]


# ---- pooling ----------------------------------------------------------------------------
def pool_settings(x, pool_size, strides, padding):
    x = check_image(x)
    size = pair(pool_size, "pool_size")
    strides = size if strides is None else pair(strides, "strides")
    padding = check_padding(padding)
    return x, size, strides, padding, check_window(x.shape, size, strides, padding, what="pool")


def max_pool_forward(x, pool_size=2, strides=None, padding="valid"):
    """x (N, H, W, C) -> (out (N, OH, OW, C), cache): the largest value of each window, per channel.

    Strides default to the pool size (windows side by side), as in Keras. With padding="same"
    the padded pixels never win (they count as -inf, as in TensorFlow).
    """
    x, size, strides, padding, out_hw = pool_settings(x, pool_size, strides, padding)
    x_pad = pad(x, size, strides, padding, value=-np.inf)
    # one pass per offset of the window over all windows at once (an argmax over a window axis
    # of a (N, OH, OW, kh kw, C) copy took 10x longer)
    picks = [x_pad[index] for _, _, index in offsets(size, strides, out_hw)]   # kh kw views (N, OH, OW, C)
    out = picks[0].copy()
    for pick in picks[1:]:
        np.maximum(out, pick, out=out)
    # first[k] is True where offset k holds its window's first maximum in row-major order: the
    # one PyTorch's max pool routes the gradient to (on a tie one input gets it all, the others none)
    first = np.empty((len(picks), *out.shape), dtype=bool)            # (kh kw, N, OH, OW, C)
    unclaimed = np.ones(out.shape, dtype=bool)
    for k, pick in enumerate(picks):
        np.equal(pick, out, out=first[k])
        first[k] &= unclaimed
        unclaimed &= ~first[k]
    cache = {"first": first, "pool_size": size, **geometry(x, x_pad, strides, padding, out_hw)}
    return out, cache


def max_pool_backward(dout, cache):
    """dout (N, OH, OW, C) -> dx (N, H, W, C): each window's gradient goes to its maximum only."""
    size, strides = cache["pool_size"], cache["strides"]
    # windows side by side (Keras's default strides): a pixel is in one window at most, so its
    # gradient is written in place, without a temporary (twice as fast as adding one)
    side_by_side = strides[0] >= size[0] and strides[1] >= size[1]
    dx_pad = np.zeros(cache["pad_shape"], dtype=dout.dtype)
    for (_, _, index), first in zip(offsets(size, strides, cache["out_hw"]), cache["first"]):
        if side_by_side:
            np.multiply(dout, first, out=dx_pad[index])
        else:
            dx_pad[index] += dout * first                             # overlapping windows add up
    return crop(dx_pad, size, cache)


def average_pool_forward(x, pool_size=2, strides=None, padding="valid"):
    """x (N, H, W, C) -> (out (N, OH, OW, C), cache): the mean of each window, per channel.
    With padding="same" a window averages only the real pixels it covers (as TensorFlow; Keras 3.15
    on torch also averages copies of the edge pixels when the split is uneven)."""
    x, size, strides, padding, out_hw = pool_settings(x, pool_size, strides, padding)
    x_pad = pad(x, size, strides, padding)
    covered = windows(pad(np.ones((1, *x.shape[1:3], 1), x.dtype), size, strides, padding),
                      size, strides, out_hw).sum(axis=(3, 4))          # (1, OH, OW, 1): real pixels
    out = windows(x_pad, size, strides, out_hw).sum(axis=(3, 4)) / covered
    cache = {"covered": covered, "pool_size": size, **geometry(x, x_pad, strides, padding, out_hw)}
    return out, cache


def average_pool_backward(dout, cache):
    """dout (N, OH, OW, C) -> dx (N, H, W, C): each window's gradient shared equally by its pixels."""
    share = dout / cache["covered"]                                   # what each pixel of a window gets
    dx_pad = np.zeros(cache["pad_shape"], dtype=dout.dtype)
    for _, _, index in offsets(cache["pool_size"], cache["strides"], cache["out_hw"]):
        dx_pad[index] += share                                        # overlapping windows add up
    return crop(dx_pad, cache["pool_size"], cache)

