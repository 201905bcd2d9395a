"""Wrong answers learners write in lesson 15 (capstone), and what the check must say.

Each entry: (exercise, the mistake, the wrong answer cell, a phrase the message must contain).
"""
WRONG_ANSWERS = [
    ("init_params", "the fan-in limit", '''
def init_params(sizes, seed):
    D, H, C = sizes
    rng = np.random.default_rng(seed)
    l1, l2 = np.sqrt(6 / D), np.sqrt(6 / H)
    return {"W1": rng.uniform(-l1, l1, size=(D, H)), "b1": np.zeros(H),
            "W2": rng.uniform(-l2, l2, size=(H, C)), "b2": np.zeros(C)}
''', "uses n_in alone"),
    ("init_params", "the limit without its root", '''
def init_params(sizes, seed):
    D, H, C = sizes
    rng = np.random.default_rng(seed)
    l1, l2 = 6 / (D + H), 6 / (H + C)
    return {"W1": rng.uniform(-l1, l1, size=(D, H)), "b1": np.zeros(H),
            "W2": rng.uniform(-l2, l2, size=(H, C)), "b2": np.zeros(C)}
''', "missing its square root"),
    ("init_params", "Glorot normal's std as the limit", '''
def init_params(sizes, seed):
    D, H, C = sizes
    rng = np.random.default_rng(seed)
    l1, l2 = np.sqrt(2 / (D + H)), np.sqrt(2 / (H + C))
    return {"W1": rng.uniform(-l1, l1, size=(D, H)), "b1": np.zeros(H),
            "W2": rng.uniform(-l2, l2, size=(H, C)), "b2": np.zeros(C)}
''', "standard deviation of Glorot normal"),
    ("init_params", "drawn from [0, l]", '''
def init_params(sizes, seed):
    D, H, C = sizes
    rng = np.random.default_rng(seed)
    l1, l2 = np.sqrt(6 / (D + H)), np.sqrt(6 / (H + C))
    return {"W1": rng.uniform(0, l1, size=(D, H)), "b1": np.zeros(H),
            "W2": rng.uniform(0, l2, size=(H, C)), "b2": np.zeros(C)}
''', "drawn from [0, l]"),
    ("init_params", "no seed", '''
def init_params(sizes, seed):
    D, H, C = sizes
    rng = np.random.default_rng()
    l1, l2 = np.sqrt(6 / (D + H)), np.sqrt(6 / (H + C))
    return {"W1": rng.uniform(-l1, l1, size=(D, H)), "b1": np.zeros(H),
            "W2": rng.uniform(-l2, l2, size=(H, C)), "b2": np.zeros(C)}
''', "two calls with the same seed gave different weights"),
    ("init_params", "a generator per kernel", '''
def init_params(sizes, seed):
    D, H, C = sizes
    params = {}
    for name, (n_in, n_out) in (("1", (D, H)), ("2", (H, C))):
        rng = np.random.default_rng(seed)
        limit = np.sqrt(6 / (n_in + n_out))
        params["W" + name] = rng.uniform(-limit, limit, size=(n_in, n_out))
        params["b" + name] = np.zeros(n_out)
    return params
''', "second generator made from the same seed"),
    ("init_params", "numpy's legacy generator", '''
def init_params(sizes, seed):
    D, H, C = sizes
    np.random.seed(seed)
    l1, l2 = np.sqrt(6 / (D + H)), np.sqrt(6 / (H + C))
    return {"W1": np.random.uniform(-l1, l1, size=(D, H)), "b1": np.zeros(H),
            "W2": np.random.uniform(-l2, l2, size=(H, C)), "b2": np.zeros(C)}
''', "older generator"),
    ("init_params", "Glorot normal", '''
def init_params(sizes, seed):
    D, H, C = sizes
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(0, np.sqrt(2 / (D + H)), size=(D, H)), "b1": np.zeros(H),
            "W2": rng.normal(0, np.sqrt(2 / (H + C)), size=(H, C)), "b2": np.zeros(C)}
''', "this is Glorot normal"),
    ("forward", "softmax without the max", '''
def forward(params, X):
    h = np.tanh(X @ params["W1"] + params["b1"])
    Z = h @ params["W2"] + params["b2"]
    e = np.exp(Z)
    probs = e / e.sum(axis=1, keepdims=True)
    return probs, {"X": X, "h": h, "probs": probs}
''', "subtract each row's maximum"),
    ("forward", "softmax down the columns", '''
def forward(params, X):
    h = np.tanh(X @ params["W1"] + params["b1"])
    Z = h @ params["W2"] + params["b2"]
    e = np.exp(Z - Z.max(axis=0))
    probs = e / e.sum(axis=0)
    return probs, {"X": X, "h": h, "probs": probs}
''', "runs down the columns"),
    ("forward", "sum over the whole array", '''
def forward(params, X):
    h = np.tanh(X @ params["W1"] + params["b1"])
    Z = h @ params["W2"] + params["b2"]
    e = np.exp(Z - Z.max())
    probs = e / np.sum(e)
    return probs, {"X": X, "h": h, "probs": probs}
''', "sum of the whole array"),
    ("forward", "no softmax", '''
def forward(params, X):
    h = np.tanh(X @ params["W1"] + params["b1"])
    Z = h @ params["W2"] + params["b2"]
    return Z, {"X": X, "h": h, "probs": Z}
''', "apply the softmax"),
    ("forward", "a sigmoid hidden layer", '''
def forward(params, X):
    h = 1 / (1 + np.exp(-(X @ params["W1"] + params["b1"])))
    Z = h @ params["W2"] + params["b2"]
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1, keepdims=True)
    return probs, {"X": X, "h": h, "probs": probs}
''', "uses the sigmoid"),
    ("forward", "the pre-activation cached", '''
def forward(params, X):
    A = X @ params["W1"] + params["b1"]
    h = np.tanh(A)
    Z = h @ params["W2"] + params["b2"]
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1, keepdims=True)
    return probs, {"X": X, "h": A, "probs": probs}
''', "before tanh"),
    ("forward", "no hidden bias", '''
def forward(params, X):
    h = np.tanh(X @ params["W1"])
    Z = h @ params["W2"] + params["b2"]
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1, keepdims=True)
    return probs, {"X": X, "h": h, "probs": probs}
''', "b1 is missing"),
    ("forward", "the row sum without keepdims", '''
def forward(params, X):
    h = np.tanh(X @ params["W1"] + params["b1"])
    Z = h @ params["W2"] + params["b2"]
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1)
    return probs, {"X": X, "h": h, "probs": probs}
''', "could not be broadcast"),
    ("forward", "an extra key in the cache", '''
def forward(params, X):
    h = np.tanh(X @ params["W1"] + params["b1"])
    Z = h @ params["W2"] + params["b2"]
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1, keepdims=True)
    return probs, {"X": X, "h": h, "Z": Z, "probs": probs}
''', "unexpected key"),
    ("cross_entropy", "a sum over the samples", '''
def cross_entropy(probs, y):
    return float(-np.sum(np.log(probs[np.arange(len(y)), y])))
''', "it is their mean"),
    ("cross_entropy", "every probability, not the true class's", '''
def cross_entropy(probs, y):
    return float(-np.mean(np.log(probs)))
''', "only each sample's true class"),
    ("cross_entropy", "probs[:, y]", '''
def cross_entropy(probs, y):
    return float(-np.mean(np.log(probs[:, y])))
''', "picks a whole column"),
    ("cross_entropy", "log10", '''
def cross_entropy(probs, y):
    return float(-np.mean(np.log10(probs[np.arange(len(y)), y])))
''', "natural log"),
    ("cross_entropy", "the mean of the one-hot product", '''
def cross_entropy(probs, y):
    Y = np.eye(probs.shape[1])[y]
    return float(-np.mean(Y * np.log(probs)))
''', "N times C"),
    ("cross_entropy", "the minus sign forgotten", '''
def cross_entropy(probs, y):
    return float(np.mean(np.log(probs[np.arange(len(y)), y])))
''', "sign flipped"),
    ("cross_entropy", "no mean at all", '''
def cross_entropy(probs, y):
    return -np.log(probs[np.arange(len(y)), y])
''', "wrong shape"),
    ("backward", "the 1/N missing", '''
def backward(params, cache, y):
    X, h, probs = cache["X"], cache["h"], cache["probs"]
    dZ = probs.copy()
    dZ[np.arange(len(y)), y] -= 1
    dA = dZ @ params["W2"].T * (1 - h ** 2)
    return {"W1": X.T @ dA, "b1": dA.sum(axis=0), "W2": h.T @ dZ, "b2": dZ.sum(axis=0)}
''', "N times too large"),
    ("backward", "the sigmoid's derivative", '''
def backward(params, cache, y):
    X, h, probs = cache["X"], cache["h"], cache["probs"]
    dZ = probs.copy()
    dZ[np.arange(len(y)), y] -= 1
    dZ /= len(y)
    dA = dZ @ params["W2"].T * h * (1 - h)
    return {"W1": X.T @ dA, "b1": dA.sum(axis=0), "W2": h.T @ dZ, "b2": dZ.sum(axis=0)}
''', "sigmoid's derivative"),
    ("backward", "tanh applied twice", '''
def backward(params, cache, y):
    X, h, probs = cache["X"], cache["h"], cache["probs"]
    dZ = probs.copy()
    dZ[np.arange(len(y)), y] -= 1
    dZ /= len(y)
    dA = dZ @ params["W2"].T * (1 - np.tanh(h) ** 2)
    return {"W1": X.T @ dA, "b1": dA.sum(axis=0), "W2": h.T @ dZ, "b2": dZ.sum(axis=0)}
''', "h is tanh(A) already"),
    ("backward", "no activation derivative", '''
def backward(params, cache, y):
    X, h, probs = cache["X"], cache["h"], cache["probs"]
    dZ = probs.copy()
    dZ[np.arange(len(y)), y] -= 1
    dZ /= len(y)
    dA = dZ @ params["W2"].T
    return {"W1": X.T @ dA, "b1": dA.sum(axis=0), "W2": h.T @ dZ, "b2": dZ.sum(axis=0)}
''', "skips tanh's derivative"),
    ("backward", "p without the one-hot", '''
def backward(params, cache, y):
    X, h, probs = cache["X"], cache["h"], cache["probs"]
    dZ = probs / len(y)
    dA = dZ @ params["W2"].T * (1 - h ** 2)
    return {"W1": X.T @ dA, "b1": dA.sum(axis=0), "W2": h.T @ dZ, "b2": dZ.sum(axis=0)}
''', "subtract 1 at each sample's true class"),
    ("backward", "mean for the biases", '''
def backward(params, cache, y):
    X, h, probs = cache["X"], cache["h"], cache["probs"]
    dZ = probs.copy()
    dZ[np.arange(len(y)), y] -= 1
    dZ /= len(y)
    dA = dZ @ params["W2"].T * (1 - h ** 2)
    return {"W1": X.T @ dA, "b1": dA.mean(axis=0), "W2": h.T @ dZ, "b2": dZ.mean(axis=0)}
''', "a bias's gradient is the sum"),
    ("backward", "1/N twice", '''
def backward(params, cache, y):
    X, h, probs = cache["X"], cache["h"], cache["probs"]
    N = len(y)
    dZ = probs.copy()
    dZ[np.arange(N), y] -= 1
    dZ /= N
    dA = dZ @ params["W2"].T * (1 - h ** 2)
    return {"W1": X.T @ dA / N, "b1": dA.sum(axis=0) / N, "W2": h.T @ dZ / N, "b2": dZ.sum(axis=0) / N}
''', "divided by N twice"),
    ("backward", "dW2 transposed", '''
def backward(params, cache, y):
    X, h, probs = cache["X"], cache["h"], cache["probs"]
    dZ = probs.copy()
    dZ[np.arange(len(y)), y] -= 1
    dZ /= len(y)
    dA = dZ @ params["W2"].T * (1 - h ** 2)
    return {"W1": X.T @ dA, "b1": dA.sum(axis=0), "W2": dZ.T @ h, "b2": dZ.sum(axis=0)}
''', "transposed"),
    ("backward", "Y - p", '''
def backward(params, cache, y):
    X, h, probs = cache["X"], cache["h"], cache["probs"]
    dZ = -probs
    dZ[np.arange(len(y)), y] += 1
    dZ /= len(y)
    dA = dZ @ params["W2"].T * (1 - h ** 2)
    return {"W1": X.T @ dA, "b1": dA.sum(axis=0), "W2": h.T @ dZ, "b2": dZ.sum(axis=0)}
''', "sign flipped"),
    ("train", "the parameters never updated", '''
def train(X, y, hidden=16, learning_rate=1.0, epochs=300, seed=0):
    params = init_params((X.shape[1], hidden, int(np.max(y)) + 1), seed)
    losses = []
    for _ in range(epochs):
        probs, cache = forward(params, X)
        losses.append(cross_entropy(probs, y))
        grads = backward(params, cache, y)
        for k, p in params.items():
            p = p - learning_rate * grads[k]
    return params, losses
''', "never change"),
    ("train", "the loss recorded after the update", '''
def train(X, y, hidden=16, learning_rate=1.0, epochs=300, seed=0):
    params = init_params((X.shape[1], hidden, int(np.max(y)) + 1), seed)
    losses = []
    for _ in range(epochs):
        probs, cache = forward(params, X)
        grads = backward(params, cache, y)
        for k in params:
            params[k] = params[k] - learning_rate * grads[k]
        losses.append(cross_entropy(forward(params, X)[0], y))
    return params, losses
''', "recorded after its update"),
    ("train", "up the gradient", '''
def train(X, y, hidden=16, learning_rate=1.0, epochs=300, seed=0):
    params = init_params((X.shape[1], hidden, int(np.max(y)) + 1), seed)
    losses = []
    for _ in range(epochs):
        probs, cache = forward(params, X)
        losses.append(cross_entropy(probs, y))
        grads = backward(params, cache, y)
        for k in params:
            params[k] = params[k] + learning_rate * grads[k]
    return params, losses
''', "the loss goes up"),
    ("train", "a fixed learning rate", '''
def train(X, y, hidden=16, learning_rate=1.0, epochs=300, seed=0):
    params = init_params((X.shape[1], hidden, int(np.max(y)) + 1), seed)
    losses = []
    for _ in range(epochs):
        probs, cache = forward(params, X)
        losses.append(cross_entropy(probs, y))
        grads = backward(params, cache, y)
        for k in params:
            params[k] = params[k] - 1.0 * grads[k]
    return params, losses
''', "whatever learning_rate says"),
    ("train", "a fixed hidden size", '''
def train(X, y, hidden=16, learning_rate=1.0, epochs=300, seed=0):
    params = init_params((X.shape[1], 16, int(np.max(y)) + 1), seed)
    losses = []
    for _ in range(epochs):
        probs, cache = forward(params, X)
        losses.append(cross_entropy(probs, y))
        grads = backward(params, cache, y)
        for k in params:
            params[k] = params[k] - learning_rate * grads[k]
    return params, losses
''', "whatever hidden says"),
    ("train", "the seed ignored", '''
def train(X, y, hidden=16, learning_rate=1.0, epochs=300, seed=0):
    params = init_params((X.shape[1], hidden, int(np.max(y)) + 1), 0)
    losses = []
    for _ in range(epochs):
        probs, cache = forward(params, X)
        losses.append(cross_entropy(probs, y))
        grads = backward(params, cache, y)
        for k in params:
            params[k] = params[k] - learning_rate * grads[k]
    return params, losses
''', "whatever seed says"),
    ("train", "one epoch too many", '''
def train(X, y, hidden=16, learning_rate=1.0, epochs=300, seed=0):
    params = init_params((X.shape[1], hidden, int(np.max(y)) + 1), seed)
    losses = []
    for _ in range(epochs + 1):
        probs, cache = forward(params, X)
        losses.append(cross_entropy(probs, y))
        grads = backward(params, cache, y)
        for k in params:
            params[k] = params[k] - learning_rate * grads[k]
    return params, losses
''', "one update too many"),
    ("backward_deep", "the 1/N missing", '''
def backward_deep(params, cache, y):
    X, h1, h2, probs = cache["X"], cache["h1"], cache["h2"], cache["probs"]
    dZ = probs.copy()
    dZ[np.arange(len(y)), y] -= 1
    dA2 = dZ @ params["W3"].T * (1 - h2 ** 2)
    dA1 = dA2 @ params["W2"].T * (1 - h1 ** 2)
    return {"W1": X.T @ dA1, "b1": dA1.sum(axis=0), "W2": h1.T @ dA2, "b2": dA2.sum(axis=0),
            "W3": h2.T @ dZ, "b3": dZ.sum(axis=0)}
''', "N times too large"),
    ("backward_deep", "the first layer's tanh skipped", '''
def backward_deep(params, cache, y):
    X, h1, h2, probs = cache["X"], cache["h1"], cache["h2"], cache["probs"]
    dZ = probs.copy()
    dZ[np.arange(len(y)), y] -= 1
    dZ /= len(y)
    dA2 = dZ @ params["W3"].T * (1 - h2 ** 2)
    dA1 = dA2 @ params["W2"].T
    return {"W1": X.T @ dA1, "b1": dA1.sum(axis=0), "W2": h1.T @ dA2, "b2": dA2.sum(axis=0),
            "W3": h2.T @ dZ, "b3": dZ.sum(axis=0)}
''', "first hidden layer skips tanh's derivative"),
    ("backward_deep", "h2 in the first layer's derivative", '''
def backward_deep(params, cache, y):
    X, h1, h2, probs = cache["X"], cache["h1"], cache["h2"], cache["probs"]
    dZ = probs.copy()
    dZ[np.arange(len(y)), y] -= 1
    dZ /= len(y)
    dA2 = dZ @ params["W3"].T * (1 - h2 ** 2)
    dA1 = dA2 @ params["W2"].T * (1 - h2 ** 2)
    return {"W1": X.T @ dA1, "b1": dA1.sum(axis=0), "W2": h1.T @ dA2, "b2": dA2.sum(axis=0),
            "W3": h2.T @ dZ, "b3": dZ.sum(axis=0)}
''', "uses h2"),
    ("backward_deep", "the sigmoid's derivative", '''
def backward_deep(params, cache, y):
    X, h1, h2, probs = cache["X"], cache["h1"], cache["h2"], cache["probs"]
    dZ = probs.copy()
    dZ[np.arange(len(y)), y] -= 1
    dZ /= len(y)
    dA2 = dZ @ params["W3"].T * h2 * (1 - h2)
    dA1 = dA2 @ params["W2"].T * h1 * (1 - h1)
    return {"W1": X.T @ dA1, "b1": dA1.sum(axis=0), "W2": h1.T @ dA2, "b2": dA2.sum(axis=0),
            "W3": h2.T @ dZ, "b3": dZ.sum(axis=0)}
''', "sigmoid's derivative"),
    ("backward_deep", "no tanh derivative at all", '''
def backward_deep(params, cache, y):
    X, h1, h2, probs = cache["X"], cache["h1"], cache["h2"], cache["probs"]
    dZ = probs.copy()
    dZ[np.arange(len(y)), y] -= 1
    dZ /= len(y)
    dA2 = dZ @ params["W3"].T
    dA1 = dA2 @ params["W2"].T
    return {"W1": X.T @ dA1, "b1": dA1.sum(axis=0), "W2": h1.T @ dA2, "b2": dA2.sum(axis=0),
            "W3": h2.T @ dZ, "b3": dZ.sum(axis=0)}
''', "neither hidden layer"),
    ("backward_deep", "the first kernel from h1", '''
def backward_deep(params, cache, y):
    X, h1, h2, probs = cache["X"], cache["h1"], cache["h2"], cache["probs"]
    dZ = probs.copy()
    dZ[np.arange(len(y)), y] -= 1
    dZ /= len(y)
    dA2 = dZ @ params["W3"].T * (1 - h2 ** 2)
    dA1 = dA2 @ params["W2"].T * (1 - h1 ** 2)
    return {"W1": h1.T @ dA1, "b1": dA1.sum(axis=0), "W2": h1.T @ dA2, "b2": dA2.sum(axis=0),
            "W3": h2.T @ dZ, "b3": dZ.sum(axis=0)}
''', "wrong shape"),
    ("backward_deep", "the bottom layer left out", '''
def backward_deep(params, cache, y):
    X, h1, h2, probs = cache["X"], cache["h1"], cache["h2"], cache["probs"]
    dZ = probs.copy()
    dZ[np.arange(len(y)), y] -= 1
    dZ /= len(y)
    dA2 = dZ @ params["W3"].T * (1 - h2 ** 2)
    return {"W2": h1.T @ dA2, "b2": dA2.sum(axis=0), "W3": h2.T @ dZ, "b3": dZ.sum(axis=0)}
''', "missing the key"),
]
