"""Wrong answers learners write in lesson 06 (backpropagation by hand), and what the check must say.

Each entry: (exercise, the mistake, the wrong answer cell, a phrase the message must contain).
"""
WRONG_ANSWERS = [
    ("output_gradients", "y - out instead of out - y", '''
def output_gradients(h, out, y):
    dout = y - out
    return h.T @ dout, dout.sum(axis=0)
''', "sign flipped"),
    ("output_gradients", "dW2 transposed", '''
def output_gradients(h, out, y):
    dout = out - y
    return dout.T @ h, dout.sum(axis=0)
''', "looks transposed"),
    ("output_gradients", "db2 not summed over the samples", '''
def output_gradients(h, out, y):
    dout = out - y
    return h.T @ dout, dout
''', "(db2): wrong shape"),
    ("output_gradients", "the gradient times the error (the article's slip)", '''
def output_gradients(h, out, y):
    E = 0.5 * (out - y) ** 2
    return h.T @ E, E.sum(axis=0)
''', "(dW2)"),
    ("output_gradients", "a mean over the samples", '''
def output_gradients(h, out, y):
    dout = (out - y) / len(y)
    return h.T @ dout, dout.sum(axis=0)
''', "factor"),
    ("hidden_gradients", "W2 not transposed", '''
def hidden_gradients(x, W2, dout):
    dh = dout @ W2
    return x.T @ dh, dh.sum(axis=0)
''', "raised ValueError"),
    ("hidden_gradients", "dW1 transposed", '''
def hidden_gradients(x, W2, dout):
    dh = dout @ W2.T
    return dh.T @ x, dh.sum(axis=0)
''', "transposed"),
    ("hidden_gradients", "the upstream gradient forgotten", '''
def hidden_gradients(x, W2, dout):
    dh = np.ones((x.shape[0], W2.shape[0])) @ np.diag(W2.sum(axis=1))
    return x.T @ dh, dh.sum(axis=0)
''', "(dW1)"),
    ("hidden_gradients", "db1 not summed", '''
def hidden_gradients(x, W2, dout):
    dh = dout @ W2.T
    return x.T @ dh, dh
''', "(db1): wrong shape"),
    ("wrong_published_numbers", "only the forward numbers", '''
def wrong_published_numbers():
    return {"h1", "h2", "out", "error"}
''', "still missing"),
    ("wrong_published_numbers", "every number", '''
def wrong_published_numbers():
    return set(datasets.worked_example_published())
''', "should not be in it"),
    ("wrong_published_numbers", "a list of values instead of names", '''
def wrong_published_numbers():
    return [1.3, 1.3, 0.9]
''', "not yet"),
    ("wrong_published_numbers", "nothing yet", '''
def wrong_published_numbers():
    return set()
''', "still missing"),
]
