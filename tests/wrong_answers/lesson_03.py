"""Wrong answers learners write in lesson 03 (layers and forward propagation), and what the check must say.

Each entry: (exercise, the mistake, the wrong answer cell, a phrase the message must contain).
"""
WRONG_ANSWERS = [
    ("dense_forward", "transposed W", '''
def dense_forward(x, W, b):
    return x @ W.T + b
''', "W is transposed"),
    ("dense_forward", "W @ x", '''
def dense_forward(x, W, b):
    return W @ x + b
''', "wrong order"),
    ("dense_forward", "the column-vector convention", '''
def dense_forward(x, W, b):
    return W.T @ x.T + b
''', "column-vector convention"),
    ("dense_forward", "forgets the bias", '''
def dense_forward(x, W, b):
    return x @ W
''', "the bias is missing"),
    ("dense_forward", "bias as a column", '''
def dense_forward(x, W, b):
    return x @ W + b.reshape(-1, 1)
''', "down the columns"),
    ("dense_forward", "entry-by-entry product", '''
def dense_forward(x, W, b):
    return x * W + b
''', "entry by entry"),
    ("dense_forward", "adds a relu", '''
def dense_forward(x, W, b):
    return np.maximum(x @ W + b, 0)
''', "an activation was applied"),
    ("shapes_of", "PyTorch's kernel layout", '''
def shapes_of(layer_sizes):
    shapes = []
    for m, n in zip(layer_sizes[:-1], layer_sizes[1:]):
        shapes += [(n, m), (n,)]
    return shapes
''', "(units, inputs)"),
    ("shapes_of", "(n) for a bias", '''
def shapes_of(layer_sizes):
    shapes = []
    for m, n in zip(layer_sizes[:-1], layer_sizes[1:]):
        shapes += [(m, n), (n)]
    return shapes
''', "needs its comma"),
    ("shapes_of", "biases as columns", '''
def shapes_of(layer_sizes):
    shapes = []
    for m, n in zip(layer_sizes[:-1], layer_sizes[1:]):
        shapes += [(m, n), (n, 1)]
    return shapes
''', "the biases are columns"),
    ("shapes_of", "a bias per input", '''
def shapes_of(layer_sizes):
    shapes = []
    for m, n in zip(layer_sizes[:-1], layer_sizes[1:]):
        shapes += [(m, n), (m,)]
    return shapes
''', "one value per input"),
    ("shapes_of", "kernels only", '''
def shapes_of(layer_sizes):
    return [(m, n) for m, n in zip(layer_sizes[:-1], layer_sizes[1:])]
''', "the biases' shapes are missing"),
    ("shapes_of", "kernels first, then biases", '''
def shapes_of(layer_sizes):
    pairs = list(zip(layer_sizes[:-1], layer_sizes[1:]))
    return [(m, n) for m, n in pairs] + [(n,) for m, n in pairs]
''', "Keras's order alternates"),
    ("shapes_of", "lists for shapes", '''
def shapes_of(layer_sizes):
    shapes = []
    for m, n in zip(layer_sizes[:-1], layer_sizes[1:]):
        shapes += [[m, n], [n]]
    return shapes
''', "a shape is a tuple"),
    ("mlp_forward", "activation after the last layer too", '''
def mlp_forward(x, params, activation):
    f = activations.get(activation).forward
    out = x
    for W, b in params:
        out = f(out @ W + b)
    return out
''', "after the last layer too"),
    ("mlp_forward", "stops one layer early", '''
def mlp_forward(x, params, activation):
    f = activations.get(activation).forward
    out = x
    for W, b in params[:-1]:
        out = f(out @ W + b)
    return out
''', "one layer short"),
    ("mlp_forward", "no activation", '''
def mlp_forward(x, params, activation):
    out = x
    for W, b in params:
        out = out @ W + b
    return out
''', "no activation between the layers"),
    ("mlp_forward", "activation before the product", '''
def mlp_forward(x, params, activation):
    f = activations.get(activation).forward
    out = x
    for W, b in params:
        out = f(out) @ W + b
    return out
''', "applied to the input x too"),
    ("mlp_forward", "forgets the biases", '''
def mlp_forward(x, params, activation):
    f = activations.get(activation).forward
    out = x
    for k, (W, b) in enumerate(params):
        out = out @ W
        if k < len(params) - 1:
            out = f(out)
    return out
''', "the biases are missing"),
]
