"""Wrong answers learners write in lesson 14 (convolutional networks), and what the check must say.

Each entry: (exercise, the mistake, the wrong answer cell, a phrase the message must contain).
"""
WRONG_ANSWERS = [
    # ------------------------------------------------------------------ conv2d_loops
    ("conv2d_loops", "the kernel flipped (convolution as in mathematics)", '''
def conv2d_loops(x, K, b):
    N, H, W, C = x.shape
    kh, kw, _, F = K.shape
    out = np.zeros((N, H - kh + 1, W - kw + 1, F))
    for n in range(N):
        for i in range(H - kh + 1):
            for j in range(W - kw + 1):
                for f in range(F):
                    out[n, i, j, f] = np.sum(x[n, i:i + kh, j:j + kw, :] * K[::-1, ::-1, :, f]) + b[f]
    return out
''', "the kernel is flipped"),
    ("conv2d_loops", "one position short (range(H - kh))", '''
def conv2d_loops(x, K, b):
    N, H, W, C = x.shape
    kh, kw, _, F = K.shape
    out = np.zeros((N, H - kh, W - kw, F))
    for n in range(N):
        for i in range(H - kh):
            for j in range(W - kw):
                for f in range(F):
                    out[n, i, j, f] = np.sum(x[n, i:i + kh, j:j + kw, :] * K[:, :, :, f]) + b[f]
    return out
''', "one row and one column short"),
    ("conv2d_loops", "the bias forgotten", '''
def conv2d_loops(x, K, b):
    N, H, W, C = x.shape
    kh, kw, _, F = K.shape
    out = np.zeros((N, H - kh + 1, W - kw + 1, F))
    for n in range(N):
        for i in range(H - kh + 1):
            for j in range(W - kw + 1):
                for f in range(F):
                    out[n, i, j, f] = np.sum(x[n, i:i + kh, j:j + kw, :] * K[:, :, :, f])
    return out
''', "the bias is missing"),
    ("conv2d_loops", "the bias added inside the innermost loop", '''
def conv2d_loops(x, K, b):
    N, H, W, C = x.shape
    kh, kw, _, F = K.shape
    out = np.zeros((N, H - kh + 1, W - kw + 1, F))
    for n in range(N):
        for i in range(H - kh + 1):
            for j in range(W - kw + 1):
                for f in range(F):
                    for a in range(kh):
                        for c in range(kw):
                            for ch in range(C):
                                out[n, i, j, f] += x[n, i + a, j + c, ch] * K[a, c, ch, f] + b[f]
    return out
''', "once per product"),
    ("conv2d_loops", "rows and columns of the kernel swapped", '''
def conv2d_loops(x, K, b):
    N, H, W, C = x.shape
    kh, kw, _, F = K.shape
    out = np.zeros((N, H - kh + 1, W - kw + 1, F))
    for n in range(N):
        for i in range(H - kh + 1):
            for j in range(W - kw + 1):
                for f in range(F):
                    for a in range(kh):
                        for c in range(kw):
                            out[n, i, j, f] += x[n, i + c, j + a, :] @ K[a, c, :, f]
                    out[n, i, j, f] += b[f]
    return out
''', "rows and columns are swapped"),
    ("conv2d_loops", "only the first channel", '''
def conv2d_loops(x, K, b):
    N, H, W, C = x.shape
    kh, kw, _, F = K.shape
    out = np.zeros((N, H - kh + 1, W - kw + 1, F))
    for n in range(N):
        for i in range(H - kh + 1):
            for j in range(W - kw + 1):
                for f in range(F):
                    out[n, i, j, f] = np.sum(x[n, i:i + kh, j:j + kw, 0] * K[:, :, 0, f]) + b[f]
    return out
''', "only the first channel"),
    ("conv2d_loops", "the engine's convolution called", '''
def conv2d_loops(x, K, b):
    return conv.conv2d_forward(x, K, b)[0]
''', "calls conv2d_forward"),
    # ------------------------------------------------------------------ conv2d_dkernel
    ("conv2d_dkernel", "dK assigned instead of added", '''
def conv2d_dkernel(x, K, dout):
    kh, kw = K.shape[:2]
    N, OH, OW, F = dout.shape
    dK = np.zeros(K.shape)
    for n in range(N):
        for i in range(OH):
            for j in range(OW):
                for f in range(F):
                    dK[:, :, :, f] = x[n, i:i + kh, j:j + kw, :] * dout[n, i, j, f]
    return dK, dout.sum(axis=(0, 1, 2))
''', "one position's contribution only"),
    ("conv2d_dkernel", "the batch forgotten", '''
def conv2d_dkernel(x, K, dout):
    kh, kw = K.shape[:2]
    _, OH, OW, F = dout.shape
    dK = np.zeros(K.shape)
    for i in range(OH):
        for j in range(OW):
            for f in range(F):
                dK[:, :, :, f] += x[0, i:i + kh, j:j + kw, :] * dout[0, i, j, f]
    return dK, dout.sum(axis=(0, 1, 2))
''', "first image only"),
    ("conv2d_dkernel", "averaged over the positions", '''
def conv2d_dkernel(x, K, dout):
    kh, kw = K.shape[:2]
    N, OH, OW, F = dout.shape
    dK = np.zeros(K.shape)
    for n in range(N):
        for i in range(OH):
            for j in range(OW):
                for f in range(F):
                    dK[:, :, :, f] += x[n, i:i + kh, j:j + kw, :] * dout[n, i, j, f]
    return dK / (OH * OW), dout.sum(axis=(0, 1, 2)) / (OH * OW)
''', "divided by the number of positions"),
    ("conv2d_dkernel", "averaged over the batch", '''
def conv2d_dkernel(x, K, dout):
    kh, kw = K.shape[:2]
    N, OH, OW, F = dout.shape
    dK = np.zeros(K.shape)
    for n in range(N):
        for i in range(OH):
            for j in range(OW):
                for f in range(F):
                    dK[:, :, :, f] += x[n, i:i + kh, j:j + kw, :] * dout[n, i, j, f]
    return dK / N, dout.sum(axis=(0, 1, 2)) / N
''', "a mean where a sum is expected"),
    ("conv2d_dkernel", "dK flipped (the window read backwards)", '''
def conv2d_dkernel(x, K, dout):
    kh, kw = K.shape[:2]
    N, OH, OW, F = dout.shape
    dK = np.zeros(K.shape)
    for n in range(N):
        for i in range(OH):
            for j in range(OW):
                for f in range(F):
                    dK[:, :, :, f] += x[n, i:i + kh, j:j + kw, :][::-1, ::-1] * dout[n, i, j, f]
    return dK, dout.sum(axis=(0, 1, 2))
''', "dK is flipped"),
    ("conv2d_dkernel", "db summed over the batch only", '''
def conv2d_dkernel(x, K, dout):
    kh, kw = K.shape[:2]
    N, OH, OW, F = dout.shape
    dK = np.zeros(K.shape)
    for n in range(N):
        for i in range(OH):
            for j in range(OW):
                for f in range(F):
                    dK[:, :, :, f] += x[n, i:i + kh, j:j + kw, :] * dout[n, i, j, f]
    return dK, dout.sum(axis=0)
''', "db keeps one value per position"),
    ("conv2d_dkernel", "db summed over the positions only", '''
def conv2d_dkernel(x, K, dout):
    kh, kw = K.shape[:2]
    N, OH, OW, F = dout.shape
    dK = np.zeros(K.shape)
    for n in range(N):
        for i in range(OH):
            for j in range(OW):
                for f in range(F):
                    dK[:, :, :, f] += x[n, i:i + kh, j:j + kw, :] * dout[n, i, j, f]
    return dK, dout.sum(axis=(1, 2))
''', "db keeps one row per image"),
    # ------------------------------------------------------------------ conv2d_dx
    ("conv2d_dx", "a full convolution without the flip", '''
def conv2d_dx(x, K, dout):
    kh, kw = K.shape[:2]
    padded = np.pad(dout, ((0, 0), (kh - 1, kh - 1), (kw - 1, kw - 1), (0, 0)))
    N, H, W, C = x.shape
    dx = np.zeros(x.shape)
    for n in range(N):
        for p in range(H):
            for q in range(W):
                for ch in range(C):
                    dx[n, p, q, ch] = np.sum(padded[n, p:p + kh, q:q + kw, :] * K[:, :, ch, :])
    return dx
''', "the kernel is not flipped"),
    ("conv2d_dx", "padded as for 'same'", '''
def conv2d_dx(x, K, dout):
    kh, kw = K.shape[:2]
    padded = np.pad(dout, ((0, 0), (kh // 2, kh // 2), (kw // 2, kw // 2), (0, 0)))
    flipped = K[::-1, ::-1]
    N, _, _, C = x.shape
    H, W = padded.shape[1] - kh + 1, padded.shape[2] - kw + 1
    dx = np.zeros((N, H, W, C))
    for n in range(N):
        for p in range(H):
            for q in range(W):
                for ch in range(C):
                    dx[n, p, q, ch] = np.sum(padded[n, p:p + kh, q:q + kw, :] * flipped[:, :, ch, :])
    return dx
''', "padded as for 'same'"),
    ("conv2d_dx", "each window's share assigned, not added", '''
def conv2d_dx(x, K, dout):
    kh, kw = K.shape[:2]
    N, OH, OW, F = dout.shape
    dx = np.zeros(x.shape)
    for n in range(N):
        for i in range(OH):
            for j in range(OW):
                dx[n, i:i + kh, j:j + kw, :] = K @ dout[n, i, j]
    return dx
''', "only the last window's share"),
    ("conv2d_dx", "the sum over filters forgotten", '''
def conv2d_dx(x, K, dout):
    kh, kw = K.shape[:2]
    N, OH, OW, F = dout.shape
    dx = np.zeros(x.shape)
    for n in range(N):
        for i in range(OH):
            for j in range(OW):
                dx[n, i:i + kh, j:j + kw, :] += K[:, :, :, 0] * dout[n, i, j, 0]
    return dx
''', "only the first filter's share"),
    ("conv2d_dx", "x mixed into dx (dK's formula)", '''
def conv2d_dx(x, K, dout):
    kh, kw = K.shape[:2]
    N, OH, OW, F = dout.shape
    dx = np.zeros(x.shape)
    for n in range(N):
        for i in range(OH):
            for j in range(OW):
                for f in range(F):
                    dx[n, i:i + kh, j:j + kw, :] += x[n, i:i + kh, j:j + kw, :] * K[:, :, :, f] * dout[n, i, j, f]
    return dx
''', "multiplied by x"),
    ("conv2d_dx", "the engine's backward called", '''
def conv2d_dx(x, K, dout):
    _, cache = conv.conv2d_forward(x, K)
    return conv.conv2d_backward(dout, cache)[0]
''', "calls conv2d_forward"),
    # ------------------------------------------------------------------ maxpool_backward
    ("maxpool_backward", "the gradient copied to every pixel", '''
def maxpool_backward(x, dout):
    dx = np.zeros(x.shape)
    N, OH, OW, C = dout.shape
    dx[:, :2 * OH, :2 * OW, :] = np.repeat(np.repeat(dout, 2, axis=1), 2, axis=2)
    return dx
''', "every pixel of a window"),
    ("maxpool_backward", "averaged instead of routed", '''
def maxpool_backward(x, dout):
    dx = np.zeros(x.shape)
    N, OH, OW, C = dout.shape
    dx[:, :2 * OH, :2 * OW, :] = np.repeat(np.repeat(dout, 2, axis=1), 2, axis=2) / 4
    return dx
''', "average pooling"),
    ("maxpool_backward", "every tied maximum gets the gradient", '''
def maxpool_backward(x, dout):
    dx = np.zeros(x.shape)
    N, OH, OW, C = dout.shape
    for n in range(N):
        for i in range(OH):
            for j in range(OW):
                for ch in range(C):
                    window = x[n, 2 * i:2 * i + 2, 2 * j:2 * j + 2, ch]
                    dx[n, 2 * i:2 * i + 2, 2 * j:2 * j + 2, ch] = (window == window.max()) * dout[n, i, j, ch]
    return dx
''', "every maximum got the whole gradient"),
    ("maxpool_backward", "ties to the last maximum", '''
def maxpool_backward(x, dout):
    dx = np.zeros(x.shape)
    N, OH, OW, C = dout.shape
    for n in range(N):
        for i in range(OH):
            for j in range(OW):
                for ch in range(C):
                    window = x[n, 2 * i:2 * i + 2, 2 * j:2 * j + 2, ch]
                    for a in range(2):
                        for c in range(2):
                            if window[a, c] == window.max():
                                best = (a, c)
                    dx[n, 2 * i + best[0], 2 * j + best[1], ch] = dout[n, i, j, ch]
    return dx
''', "went to the last maximum"),
    ("maxpool_backward", "the mask without the upstream gradient", '''
def maxpool_backward(x, dout):
    dx = np.zeros(x.shape)
    N, OH, OW, C = dout.shape
    for n in range(N):
        for i in range(OH):
            for j in range(OW):
                for ch in range(C):
                    window = x[n, 2 * i:2 * i + 2, 2 * j:2 * j + 2, ch]
                    a, c = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, 2 * i + a, 2 * j + c, ch] = 1.0
    return dx
''', "mask of the maxima alone"),
    ("maxpool_backward", "the engine's pooling called", '''
def maxpool_backward(x, dout):
    _, cache = conv.max_pool_forward(x)
    return conv.max_pool_backward(dout, cache)
''', "calls max_pool_forward"),
]
