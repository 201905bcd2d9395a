"""Wrong answers learners write in lesson 07 (vectorized backpropagation), and what the check must say.

Each entry: (exercise, the mistake, the wrong answer cell, a phrase the message must contain).
"""
WRONG_ANSWERS = [
    # ------------------------------------------------------------------ dense_backward
    ("dense_backward", "dx without the transpose", '''
def dense_backward(x, W, dout):
    return dout @ W, x.T @ dout, dout.sum(axis=0)
''', "missing a transpose"),
    ("dense_backward", "dW transposed", '''
def dense_backward(x, W, dout):
    return dout @ W.T, dout.T @ x, dout.sum(axis=0)
''', "transposed"),
    ("dense_backward", "db as a mean", '''
def dense_backward(x, W, dout):
    return dout @ W.T, x.T @ dout, dout.mean(axis=0)
''', "(db): off by a factor"),
    ("dense_backward", "db summed over the wrong axis", '''
def dense_backward(x, W, dout):
    return dout @ W.T, x.T @ dout, dout.sum(axis=1)
''', "summed over the units"),
    ("dense_backward", "db not summed", '''
def dense_backward(x, W, dout):
    return dout @ W.T, x.T @ dout, dout
''', "one row per sample"),
    ("dense_backward", "the results in the wrong order", '''
def dense_backward(x, W, dout):
    return x.T @ dout, dout @ W.T, dout.sum(axis=0)
''', "in the order (dW, dx, db)"),
    ("dense_backward", "dW and db averaged (a mean loss's habit)", '''
def dense_backward(x, W, dout):
    N = x.shape[0]
    return dout @ W.T, x.T @ dout / N, dout.sum(axis=0) / N
''', "a mean where a sum is expected"),
    # ------------------------------------------------------------------ sigmoid_backward
    ("sigmoid_backward", "sigmoid of a again", '''
def sigmoid_backward(a, da):
    s = 1 / (1 + np.exp(-a))
    return da * s * (1 - s)
''', "a is already"),
    ("sigmoid_backward", "the upstream gradient forgotten", '''
def sigmoid_backward(a, da):
    return a * (1 - a)
''', "multiply by da"),
    ("sigmoid_backward", "tanh's derivative", '''
def sigmoid_backward(a, da):
    return da * (1 - a ** 2)
''', "tanh"),
    ("sigmoid_backward", "minus sign", '''
def sigmoid_backward(a, da):
    return da * a * (a - 1)
''', "sign flipped"),
    # ------------------------------------------------------------------ numerical_grad
    ("numerical_grad", "forward difference", '''
def numerical_grad(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    base = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f(x) - base) / h
        x[i] = old
    return grad
''', "one-sided"),
    ("numerical_grad", "divided by h", '''
def numerical_grad(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        plus = f(x)
        x[i] = old - h
        minus = f(x)
        x[i] = old
        grad[i] = (plus - minus) / h
    return grad
''', "2h apart"),
    ("numerical_grad", "x never restored", '''
def numerical_grad(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += h
        plus = f(x)
        x[i] -= 2 * h
        minus = f(x)
        grad[i] = (plus - minus) / (2 * h)
    return grad
''', "stays moved"),
    ("numerical_grad", "changes the caller's x", '''
def numerical_grad(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        plus = f(x)
        x[i] = old - h
        minus = f(x)
        x[i] = old + 1e-3
        grad[i] = (plus - minus) / (2 * h)
    return grad
''', "changed its input x in place"),
    ("numerical_grad", "every entry moved at once", '''
def numerical_grad(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    return np.ones_like(x) * (f(x + h) - f(x - h)) / (2 * h)
''', "one entry at a time"),
    ("numerical_grad", "a flat result", '''
def numerical_grad(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    flat = x.reshape(-1)
    grad = []
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        plus = f(x)
        flat[i] = old - h
        minus = f(x)
        flat[i] = old
        grad.append((plus - minus) / (2 * h))
    return np.array(grad)
''', "wrong shape"),
    # ------------------------------------------------------------------ mlp_backward
    ("mlp_backward", "no ReLU mask", '''
def mlp_backward(weights, cache, dout):
    L = len(weights) // 2
    grads = [None] * (2 * L)
    dz = dout
    for l in reversed(range(L)):
        grads[2 * l], grads[2 * l + 1] = cache[l].T @ dz, dz.sum(axis=0)
        dz = dz @ weights[2 * l].T
    return grads
''', "no ReLU mask"),
    ("mlp_backward", "a mask that is true everywhere (a >= 0)", '''
def mlp_backward(weights, cache, dout):
    L = len(weights) // 2
    grads = [None] * (2 * L)
    dz = dout
    for l in reversed(range(L)):
        grads[2 * l], grads[2 * l + 1] = cache[l].T @ dz, dz.sum(axis=0)
        dz = (dz @ weights[2 * l].T) * (cache[l] >= 0)
    return grads
''', "a >= 0"),
    ("mlp_backward", "ReLU applied to the gradient", '''
def mlp_backward(weights, cache, dout):
    L = len(weights) // 2
    grads = [None] * (2 * L)
    dz = dout
    for l in reversed(range(L)):
        grads[2 * l], grads[2 * l + 1] = cache[l].T @ dz, dz.sum(axis=0)
        dz = np.maximum(dz @ weights[2 * l].T, 0)
    return grads
''', "applied to the gradient"),
    ("mlp_backward", "mask from the output of the layer just gone through", '''
def mlp_backward(weights, cache, dout):
    L = len(weights) // 2
    grads = [None] * (2 * L)
    dz = dout
    for l in reversed(range(L)):
        grads[2 * l], grads[2 * l + 1] = cache[l].T @ dz, dz.sum(axis=0)
        dz = dz @ weights[2 * l].T
        if l < L - 1:
            dz = dz * (cache[l + 1] > 0)
    return grads
''', "one layer too high"),
    ("mlp_backward", "mask from the layer below's input", '''
def mlp_backward(weights, cache, dout):
    L = len(weights) // 2
    grads = [None] * (2 * L)
    dz = dout
    for l in reversed(range(L)):
        grads[2 * l], grads[2 * l + 1] = cache[l].T @ dz, dz.sum(axis=0)
        if l > 0:
            dz = (dz @ weights[2 * l].T) * (cache[l - 1] > 0)
    return grads
''', "one layer too low"),
    ("mlp_backward", "db not summed over the batch", '''
def mlp_backward(weights, cache, dout):
    L = len(weights) // 2
    grads = [None] * (2 * L)
    dz = dout
    for l in reversed(range(L)):
        grads[2 * l], grads[2 * l + 1] = cache[l].T @ dz, dz
        dz = (dz @ weights[2 * l].T) * (cache[l] > 0)
    return grads
''', "one row per sample"),
    ("mlp_backward", "dW = dz.T @ x", '''
def mlp_backward(weights, cache, dout):
    L = len(weights) // 2
    grads = [None] * (2 * L)
    dz = dout
    for l in reversed(range(L)):
        grads[2 * l], grads[2 * l + 1] = dz.T @ cache[l], dz.sum(axis=0)
        dz = (dz @ weights[2 * l].T) * (cache[l] > 0)
    return grads
''', "dW is transposed"),
    ("mlp_backward", "the loop stops before the first layer", '''
def mlp_backward(weights, cache, dout):
    L = len(weights) // 2
    grads = []
    dz = dout
    for l in range(L - 1, 0, -1):
        grads = [cache[l].T @ dz, dz.sum(axis=0)] + grads
        dz = (dz @ weights[2 * l].T) * (cache[l] > 0)
    return grads
''', "first layer's gradients are missing"),
    ("mlp_backward", "the gradients gathered last layer first", '''
def mlp_backward(weights, cache, dout):
    L = len(weights) // 2
    grads = []
    dz = dout
    for l in reversed(range(L)):
        grads += [cache[l].T @ dz, dz.sum(axis=0)]
        dz = (dz @ weights[2 * l].T) * (cache[l] > 0)
    return grads
''', "from the last layer to the first"),
    ("mlp_backward", "the gathered list reversed as a whole", '''
def mlp_backward(weights, cache, dout):
    L = len(weights) // 2
    grads = []
    dz = dout
    for l in reversed(range(L)):
        grads += [cache[l].T @ dz, dz.sum(axis=0)]
        dz = (dz @ weights[2 * l].T) * (cache[l] > 0)
    return grads[::-1]
''', "each db comes before its dW"),
    ("mlp_backward", "(dW, db) pairs", '''
def mlp_backward(weights, cache, dout):
    L = len(weights) // 2
    grads = [None] * L
    dz = dout
    for l in reversed(range(L)):
        grads[l] = (cache[l].T @ dz, dz.sum(axis=0))
        dz = (dz @ weights[2 * l].T) * (cache[l] > 0)
    return grads
''', "(dW, db) pairs"),
    ("mlp_backward", "gradients of a mean over the batch", '''
def mlp_backward(weights, cache, dout):
    L = len(weights) // 2
    N = dout.shape[0]
    grads = [None] * (2 * L)
    dz = dout
    for l in reversed(range(L)):
        grads[2 * l], grads[2 * l + 1] = cache[l].T @ dz / N, dz.mean(axis=0)
        dz = (dz @ weights[2 * l].T) * (cache[l] > 0)
    return grads
''', "a mean where a sum is expected"),
]
