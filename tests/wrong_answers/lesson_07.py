"""Wrong answers learners write in lesson 07 (vectorized backpropagation), and what the check must say.

Each entry: (exercise, the mistake, the wrong answer cell, a phrase the message must contain).
"""
WRONG_ANSWERS = [
    ("dense_backward", "dx without the transpose", '''
def dense_backward(x, W, dout):
    return dout @ W, x.T @ dout, dout.sum(axis=0)
''', "raised ValueError"),
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
''', "(db): wrong shape"),
    ("dense_backward", "the results in the wrong order", '''
def dense_backward(x, W, dout):
    return x.T @ dout, dout @ W.T, dout.sum(axis=0)
''', "element 0 of the returned tuple (dx)"),
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
''', "factor of 2"),
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
''', "1 of 4 values differ"),
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
]
