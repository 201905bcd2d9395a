"""Wrong answers learners write in lesson 08 (gradient descent), and what the check must say.

Each entry: (exercise, the mistake, the wrong answer cell, a phrase the message must contain).
"""
WRONG_ANSWERS = [
    ("sgd_step", "steps uphill", '''
def sgd_step(w, grad, lr):
    return w + lr * grad
''', "uphill"),
    ("sgd_step", "no learning rate", '''
def sgd_step(w, grad, lr):
    return w - grad
''', "learning rate is missing"),
    ("sgd_step", "divides by the learning rate", '''
def sgd_step(w, grad, lr):
    return w - grad / lr
''', "divided by the learning rate"),
    ("sgd_step", "returns the step", '''
def sgd_step(w, grad, lr):
    return -lr * grad
''', "the step alone"),
    ("sgd_step", "updates w in place", '''
def sgd_step(w, grad, lr):
    w -= lr * grad
    return w
''', "changed its input w in place"),
    ("sgd_step", "updates in place and returns nothing", '''
def sgd_step(w, grad, lr):
    w -= lr * grad
''', "forget `return`"),
    ("minibatches", "no shuffle", '''
def minibatches(N, batch_size, seed):
    order = np.arange(N)
    return [order[start:start + batch_size] for start in range(0, N, batch_size)]
''', "not shuffled"),
    ("minibatches", "drops the last partial batch", '''
def minibatches(N, batch_size, seed):
    order = np.random.default_rng(seed).permutation(N)
    return [order[i * batch_size:(i + 1) * batch_size] for i in range(N // batch_size)]
''', "last, smaller batch is missing"),
    ("minibatches", "numpy's legacy generator", '''
def minibatches(N, batch_size, seed):
    np.random.seed(seed)
    order = np.random.permutation(N)
    return [order[start:start + batch_size] for start in range(0, N, batch_size)]
''', "older generator"),
    ("minibatches", "seed not passed on", '''
def minibatches(N, batch_size, seed):
    order = np.random.default_rng(0).permutation(N)
    return [order[start:start + batch_size] for start in range(0, N, batch_size)]
''', "do not depend on the seed"),
    ("minibatches", "np.array_split with the batch size", '''
def minibatches(N, batch_size, seed):
    order = np.random.default_rng(seed).permutation(N)
    return np.array_split(order, batch_size)
''', "np.array_split(order, k) makes k batches"),
    ("minibatches", "equal-sized batches", '''
def minibatches(N, batch_size, seed):
    order = np.random.default_rng(seed).permutation(N)
    return np.array_split(order, N // batch_size)
''', "about equal sizes"),
    ("minibatches", "a fresh draw for every batch", '''
def minibatches(N, batch_size, seed):
    rng = np.random.default_rng(seed)
    return [rng.choice(N, batch_size, replace=False) for start in range(0, N, batch_size)]
''', "batches overlap"),
    ("train_xor", "the article's += with the gradient's minus sign", '''
def train_xor(X, y, W1, W2, lr, steps):
    sigmoid = lambda z: 1 / (1 + np.exp(-z))
    W1, W2 = W1.copy(), W2.copy()
    for _ in range(steps):
        h = sigmoid(X @ W1)
        out = sigmoid(h @ W2)
        dz2 = -2 * (y - out) * out * (1 - out)
        dz1 = dz2 @ W2.T * h * (1 - h)
        W2 += lr * h.T @ dz2
        W1 += lr * X.T @ dz1
    return W1, W2
''', "uphill"),
    ("train_xor", "a mean instead of the sum", '''
def train_xor(X, y, W1, W2, lr, steps):
    sigmoid = lambda z: 1 / (1 + np.exp(-z))
    W1, W2 = W1.copy(), W2.copy()
    for _ in range(steps):
        h = sigmoid(X @ W1)
        out = sigmoid(h @ W2)
        dz2 = -2 * (y - out) / len(X) * out * (1 - out)
        dz1 = dz2 @ W2.T * h * (1 - h)
        W2 -= lr * h.T @ dz2
        W1 -= lr * X.T @ dz1
    return W1, W2
''', "divided by N"),
    ("train_xor", "the factor 2 forgotten", '''
def train_xor(X, y, W1, W2, lr, steps):
    sigmoid = lambda z: 1 / (1 + np.exp(-z))
    W1, W2 = W1.copy(), W2.copy()
    for _ in range(steps):
        h = sigmoid(X @ W1)
        out = sigmoid(h @ W2)
        dz2 = -(y - out) * out * (1 - out)
        dz1 = dz2 @ W2.T * h * (1 - h)
        W2 -= lr * h.T @ dz2
        W1 -= lr * X.T @ dz1
    return W1, W2
''', "factor 2 is missing"),
    ("train_xor", "no output sigmoid derivative", '''
def train_xor(X, y, W1, W2, lr, steps):
    sigmoid = lambda z: 1 / (1 + np.exp(-z))
    W1, W2 = W1.copy(), W2.copy()
    for _ in range(steps):
        h = sigmoid(X @ W1)
        out = sigmoid(h @ W2)
        dz2 = -2 * (y - out)
        dz1 = dz2 @ W2.T * h * (1 - h)
        W2 -= lr * h.T @ dz2
        W1 -= lr * X.T @ dz1
    return W1, W2
''', "output sigmoid's derivative is missing"),
    ("train_xor", "no hidden sigmoid derivative", '''
def train_xor(X, y, W1, W2, lr, steps):
    sigmoid = lambda z: 1 / (1 + np.exp(-z))
    W1, W2 = W1.copy(), W2.copy()
    for _ in range(steps):
        h = sigmoid(X @ W1)
        out = sigmoid(h @ W2)
        dz2 = -2 * (y - out) * out * (1 - out)
        dz1 = dz2 @ W2.T
        W2 -= lr * h.T @ dz2
        W1 -= lr * X.T @ dz1
    return W1, W2
''', "hidden sigmoid's derivative is missing"),
    ("train_xor", "W2 updated before the hidden gradient", '''
def train_xor(X, y, W1, W2, lr, steps):
    sigmoid = lambda z: 1 / (1 + np.exp(-z))
    W1, W2 = W1.copy(), W2.copy()
    for _ in range(steps):
        h = sigmoid(X @ W1)
        out = sigmoid(h @ W2)
        dz2 = -2 * (y - out) * out * (1 - out)
        W2 -= lr * h.T @ dz2
        dz1 = dz2 @ W2.T * h * (1 - h)
        W1 -= lr * X.T @ dz1
    return W1, W2
''', "W2 was updated before"),
    ("train_xor", "the caller's weights changed", '''
def train_xor(X, y, W1, W2, lr, steps):
    sigmoid = lambda z: 1 / (1 + np.exp(-z))
    for _ in range(steps):
        h = sigmoid(X @ W1)
        out = sigmoid(h @ W2)
        dz2 = -2 * (y - out) * out * (1 - out)
        dz1 = dz2 @ W2.T * h * (1 - h)
        W2 -= lr * h.T @ dz2
        W1 -= lr * X.T @ dz1
    return W1, W2
''', "changed its input W1 in place"),
    ("train_xor", "return inside the loop", '''
def train_xor(X, y, W1, W2, lr, steps):
    sigmoid = lambda z: 1 / (1 + np.exp(-z))
    W1, W2 = W1.copy(), W2.copy()
    for _ in range(steps):
        h = sigmoid(X @ W1)
        out = sigmoid(h @ W2)
        dz2 = -2 * (y - out) * out * (1 - out)
        dz1 = dz2 @ W2.T * h * (1 - h)
        W2 -= lr * h.T @ dz2
        W1 -= lr * X.T @ dz1
        return W1, W2
''', "only one step"),
    ("train_xor", "counts from 1", '''
def train_xor(X, y, W1, W2, lr, steps):
    sigmoid = lambda z: 1 / (1 + np.exp(-z))
    W1, W2 = W1.copy(), W2.copy()
    for step in range(1, steps):
        h = sigmoid(X @ W1)
        out = sigmoid(h @ W2)
        dz2 = -2 * (y - out) * out * (1 - out)
        dz1 = dz2 @ W2.T * h * (1 - h)
        W2 -= lr * h.T @ dz2
        W1 -= lr * X.T @ dz1
    return W1, W2
''', "one step too few"),
]
