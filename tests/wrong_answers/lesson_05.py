"""Wrong answers learners write in lesson 05 (derivatives and the chain rule), and what the check must say.

Each entry: (exercise, the mistake, the wrong answer cell, a phrase the message must contain).
"""
WRONG_ANSWERS = [
    ("numerical_derivative", "forward difference", '''
def numerical_derivative(f, x, h=1e-5):
    return (f(x + h) - f(x)) / h
''', "one-sided difference (f(x + h) - f(x)) / h"),
    ("numerical_derivative", "backward difference", '''
def numerical_derivative(f, x, h=1e-5):
    return (f(x) - f(x - h)) / h
''', "one-sided difference (f(x) - f(x - h)) / h"),
    ("numerical_derivative", "divides by h instead of 2h", '''
def numerical_derivative(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / h
''', "2h apart"),
    ("numerical_derivative", "/ 2 * h without brackets", '''
def numerical_derivative(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / 2 * h
''', "brackets"),
    ("numerical_derivative", "its own step instead of h", '''
def numerical_derivative(f, x, h=1e-5):
    step = 1e-5
    return (f(x + step) - f(x - step)) / (2 * step)
''', "not used"),
    ("numerical_derivative", "the subtraction the wrong way round", '''
def numerical_derivative(f, x, h=1e-5):
    return (f(x - h) - f(x + h)) / (2 * h)
''', "sign flipped"),
    ("local_derivatives", "a product's derivatives the wrong way round", '''
def local_derivatives(op, a, b):
    if op == "+":
        return (1.0, 1.0)
    if op == "-":
        return (1.0, -1.0)
    if op == "*":
        return (a, b)
    return (1.0 / b, -a / b ** 2)
''', "the *other* input"),
    ("local_derivatives", "a - b treated like a + b", '''
def local_derivatives(op, a, b):
    if op in ("+", "-"):
        return (1.0, 1.0)
    if op == "*":
        return (b, a)
    return (1.0 / b, -a / b ** 2)
''', "falls when b grows"),
    ("local_derivatives", "the quotient's minus sign lost", '''
def local_derivatives(op, a, b):
    if op == "+":
        return (1.0, 1.0)
    if op == "-":
        return (1.0, -1.0)
    if op == "*":
        return (b, a)
    return (1.0 / b, a / b ** 2)
''', "wrong sign"),
    ("local_derivatives", "the quotient's factor a forgotten", '''
def local_derivatives(op, a, b):
    if op == "+":
        return (1.0, 1.0)
    if op == "-":
        return (1.0, -1.0)
    if op == "*":
        return (b, a)
    return (1.0 / b, -1.0 / b ** 2)
''', "missing the factor a"),
    ("local_derivatives", "b not squared in the quotient", '''
def local_derivatives(op, a, b):
    if op == "+":
        return (1.0, 1.0)
    if op == "-":
        return (1.0, -1.0)
    if op == "*":
        return (b, a)
    return (1.0 / b, -a / b)
''', "b squared"),
    ("backward_by_hand", "b's direct path forgotten", '''
def backward_by_hand(a, b, c):
    return {"a": b * b, "b": a * b, "c": b}
''', "add its direct contribution"),
    ("backward_by_hand", "only b's direct path", '''
def backward_by_hand(a, b, c):
    return {"a": b * b, "b": a * b + c, "c": b}
''', "only the direct path"),
    ("backward_by_hand", "dL/da without the upstream gradient", '''
def backward_by_hand(a, b, c):
    return {"a": b, "b": 2 * a * b + c, "c": b}
''', "dL/da is only the local derivative"),
    ("backward_by_hand", "dL/dc without the upstream gradient", '''
def backward_by_hand(a, b, c):
    return {"a": b * b, "b": 2 * a * b + c, "c": 1.0}
''', "dL/dc is only the local derivative"),
    ("backward_by_hand", "a tuple instead of a dict", '''
def backward_by_hand(a, b, c):
    return (b * b, 2 * a * b + c, b)
''', "expected a dict"),
    ("value_tanh", "1 - tanh(x), the square forgotten", '''
def value_tanh(v):
    t = math.tanh(v.data)
    return Value(t, "", (v,), (1 - t,), "tanh")
''', "the square is missing"),
    ("value_tanh", "1 - x**2 with x the input", '''
def value_tanh(v):
    return Value(math.tanh(v.data), "", (v,), (1 - v.data ** 2,), "tanh")
''', "not of the input"),
    ("value_tanh", "tanh as its own derivative", '''
def value_tanh(v):
    t = math.tanh(v.data)
    return Value(t, "", (v,), (t,), "tanh")
''', "exp is its own derivative"),
    ("value_tanh", "the sigmoid's derivative", '''
def value_tanh(v):
    t = math.tanh(v.data)
    return Value(t, "", (v,), (t * (1 - t),), "tanh")
''', "the sigmoid's"),
    ("value_tanh", "the sign of the derivative flipped", '''
def value_tanh(v):
    t = math.tanh(v.data)
    return Value(t, "", (v,), (t ** 2 - 1,), "tanh")
''', "wrong sign"),
    ("value_tanh", "the input not recorded: grad 0 through tanh", '''
def value_tanh(v):
    return Value(math.tanh(v.data))
''', "no gradient flows through your tanh"),
    ("value_tanh", "a copy of the input recorded", '''
def value_tanh(v):
    t = math.tanh(v.data)
    return Value(t, "", (Value(v.data),), (1 - t * t,), "tanh")
''', "not a copy"),
    ("value_tanh", "a float returned", '''
def value_tanh(v):
    return math.tanh(v.data)
''', "must return a new Value"),
    ("value_tanh", "input and derivative not in tuples", '''
def value_tanh(v):
    t = math.tanh(v.data)
    return Value(t, "", v, 1 - t * t, "tanh")
''', "as tuples"),
    ("value_tanh", "micrograd's _backward closure", '''
def value_tanh(v):
    t = math.tanh(v.data)
    out = Value(t)
    def _backward():
        v.grad += (1 - t * t) * out.grad
    out._backward = _backward
    return out
''', "_backward"),
    ("value_tanh", "the engine's tanh", '''
def value_tanh(v):
    return v.tanh()
''', "calls Value.tanh"),
    ("train_value_neuron", "steps up the gradient", '''
def train_value_neuron(X, y, w, b, lr, steps):
    w = [Value(wi) for wi in w]
    b = Value(b)
    for _ in range(steps):
        loss = Value(0.0)
        for x, target in zip(X, y):
            z = b
            for wi, xi in zip(w, x):
                z = z + wi * xi
            loss = loss + (value_tanh(z) - target) ** 2
        loss = loss / len(X)
        loss.backward()
        for p in w + [b]:
            p.data += lr * p.grad
    return [wi.data for wi in w], b.data
''', "moved up the gradient"),
    ("train_value_neuron", "updates .grad instead of .data", '''
def train_value_neuron(X, y, w, b, lr, steps):
    w = [Value(wi) for wi in w]
    b = Value(b)
    for _ in range(steps):
        loss = Value(0.0)
        for x, target in zip(X, y):
            z = b
            for wi, xi in zip(w, x):
                z = z + wi * xi
            loss = loss + (value_tanh(z) - target) ** 2
        loss = loss / len(X)
        loss.backward()
        for p in w + [b]:
            p.grad -= lr * p.grad
    return [wi.data for wi in w], b.data
''', "did not move"),
    ("train_value_neuron", "the loss summed over the samples", '''
def train_value_neuron(X, y, w, b, lr, steps):
    w = [Value(wi) for wi in w]
    b = Value(b)
    for _ in range(steps):
        loss = Value(0.0)
        for x, target in zip(X, y):
            z = b
            for wi, xi in zip(w, x):
                z = z + wi * xi
            loss = loss + (value_tanh(z) - target) ** 2
        loss.backward()
        for p in w + [b]:
            p.data -= lr * p.grad
    return [wi.data for wi in w], b.data
''', "sum of the squared errors"),
    ("train_value_neuron", "one step per sample", '''
def train_value_neuron(X, y, w, b, lr, steps):
    w = [Value(wi) for wi in w]
    b = Value(b)
    for _ in range(steps):
        for x, target in zip(X, y):
            z = b
            for wi, xi in zip(w, x):
                z = z + wi * xi
            loss = (value_tanh(z) - target) ** 2
            loss.backward()
            for p in w + [b]:
                p.data -= lr * p.grad
    return [wi.data for wi in w], b.data
''', "one step per sample"),
    ("train_value_neuron", "backward() per sample, PyTorch-style accumulation expected", '''
def train_value_neuron(X, y, w, b, lr, steps):
    w = [Value(wi) for wi in w]
    b = Value(b)
    for _ in range(steps):
        for x, target in zip(X, y):
            z = b
            for wi, xi in zip(w, x):
                z = z + wi * xi
            loss = (value_tanh(z) - target) ** 2 / len(X)
            loss.backward()
        for p in w + [b]:
            p.data -= lr * p.grad
    return [wi.data for wi in w], b.data
''', "only the last sample's gradient"),
    ("train_value_neuron", "the graph built once, outside the loop", '''
def train_value_neuron(X, y, w, b, lr, steps):
    w = [Value(wi) for wi in w]
    b = Value(b)
    loss = Value(0.0)
    for x, target in zip(X, y):
        z = b
        for wi, xi in zip(w, x):
            z = z + wi * xi
        loss = loss + (value_tanh(z) - target) ** 2
    loss = loss / len(X)
    for _ in range(steps):
        loss.backward()
        for p in w + [b]:
            p.data -= lr * p.grad
    return [wi.data for wi in w], b.data
''', "gradient of the first step"),
    ("train_value_neuron", "the Values returned instead of numbers", '''
def train_value_neuron(X, y, w, b, lr, steps):
    w = [Value(wi) for wi in w]
    b = Value(b)
    for _ in range(steps):
        loss = Value(0.0)
        for x, target in zip(X, y):
            z = b
            for wi, xi in zip(w, x):
                z = z + wi * xi
            loss = loss + (value_tanh(z) - target) ** 2
        loss = loss / len(X)
        loss.backward()
        for p in w + [b]:
            p.data -= lr * p.grad
    return w, b
''', "got Value"),
]
