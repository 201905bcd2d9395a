"""Wrong answers learners write in lesson 06 (backpropagation by hand), and what the check must say.

Each entry: (exercise, the mistake, the wrong answer cell, a phrase the message must contain).
"""
WRONG_ANSWERS = [
    # ------------------------------------------------------------------ output_gradients
    ("output_gradients", "y - out instead of out - y", '''
def output_gradients(h, out, y):
    dout = y - out
    return h.T @ dout, dout.sum(axis=0)
''', "output minus the target"),
    ("output_gradients", "dW2 transposed", '''
def output_gradients(h, out, y):
    dout = out - y
    return dout.T @ h, dout.sum(axis=0)
''', "looks transposed"),
    ("output_gradients", "db2 not summed over the samples", '''
def output_gradients(h, out, y):
    dout = out - y
    return h.T @ dout, dout
''', "db2 must have b2's shape"),
    ("output_gradients", "db2 summed with keepdims", '''
def output_gradients(h, out, y):
    dout = out - y
    return h.T @ dout, dout.sum(axis=0, keepdims=True)
''', "without keepdims"),
    ("output_gradients", "the gradient times the loss (the article's slip)", '''
def output_gradients(h, out, y):
    E = 0.5 * (out - y) ** 2
    return h.T @ E, E.sum(axis=0)
''', "the loss 1/2 (out - y)**2 itself"),
    ("output_gradients", "the article's recipe, E * (-1)", '''
def output_gradients(h, out, y):
    E = 0.5 * (y - out) ** 2
    return h.T @ (E * -1), (E * -1).sum(axis=0)
''', "the published example's recipe"),
    ("output_gradients", "the derivative of the squared error without the 1/2", '''
def output_gradients(h, out, y):
    dout = 2 * (out - y)
    return h.T @ dout, dout.sum(axis=0)
''', "the loss without its 1/2"),
    ("output_gradients", "a mean over the samples", '''
def output_gradients(h, out, y):
    dout = (out - y) / len(y)
    return h.T @ dout, dout.sum(axis=0)
''', "a mean where a sum is expected"),
    # ------------------------------------------------------------------ hidden_gradients
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
    ("hidden_gradients", "entry-by-entry product with W2 (right only for one output)", '''
def hidden_gradients(x, W2, dout):
    dh = dout * W2.T
    return x.T @ dh, dh.sum(axis=0)
''', "multiplies entry by entry"),
    ("hidden_gradients", "dout used as dL/dh", '''
def hidden_gradients(x, W2, dout):
    return x.T @ dout, dout.sum(axis=0)
''', "went straight into W1's gradient"),
    ("hidden_gradients", "db1 not summed", '''
def hidden_gradients(x, W2, dout):
    dh = dout @ W2.T
    return x.T @ dh, dh
''', "db1 must have b1's shape"),
    ("hidden_gradients", "a mean over the samples", '''
def hidden_gradients(x, W2, dout):
    dh = dout @ W2.T / len(x)
    return x.T @ dh, dh.sum(axis=0)
''', "a mean where a sum is expected"),
    # ------------------------------------------------------------------ sigmoid_hidden_gradients
    ("sigmoid_hidden_gradients", "no slope: the linear formula", '''
def sigmoid_hidden_gradients(x, W1, b1, W2, dout):
    dz = dout @ W2.T
    return x.T @ dz, dz.sum(axis=0)
''', "slope is missing"),
    ("sigmoid_hidden_gradients", "z * (1 - z): the slope fed the pre-activation", '''
def sigmoid_hidden_gradients(x, W1, b1, W2, dout):
    z = x @ W1 + b1
    dz = (dout @ W2.T) * z * (1 - z)
    return x.T @ dz, dz.sum(axis=0)
''', "puts the pre-activation z where the activation belongs"),
    ("sigmoid_hidden_gradients", "a named a is really z", '''
def sigmoid_hidden_gradients(x, W1, b1, W2, dout):
    a = x @ W1 + b1
    da = dout @ W2.T
    dz = da * a * (1 - a)
    return x.T @ dz, dz.sum(axis=0)
''', "puts the pre-activation z where the activation belongs"),
    ("sigmoid_hidden_gradients", "the slope taken at a (sigmoid applied twice)", '''
def sigmoid_hidden_gradients(x, W1, b1, W2, dout):
    sigmoid = lambda t: 1 / (1 + np.exp(-t))
    a = sigmoid(x @ W1 + b1)
    dz = (dout @ W2.T) * sigmoid(a) * (1 - sigmoid(a))
    return x.T @ dz, dz.sum(axis=0)
''', "one sigmoid too many"),
    ("sigmoid_hidden_gradients", "times the sigmoid instead of its slope", '''
def sigmoid_hidden_gradients(x, W1, b1, W2, dout):
    a = 1 / (1 + np.exp(-(x @ W1 + b1)))
    dz = (dout @ W2.T) * a
    return x.T @ dz, dz.sum(axis=0)
''', "needs its slope"),
    ("sigmoid_hidden_gradients", "tanh's slope", '''
def sigmoid_hidden_gradients(x, W1, b1, W2, dout):
    a = 1 / (1 + np.exp(-(x @ W1 + b1)))
    dz = (dout @ W2.T) * (1 - a ** 2)
    return x.T @ dz, dz.sum(axis=0)
''', "tanh's slope"),
    ("sigmoid_hidden_gradients", "the bias left out of z", '''
def sigmoid_hidden_gradients(x, W1, b1, W2, dout):
    a = 1 / (1 + np.exp(-(x @ W1)))
    dz = (dout @ W2.T) * a * (1 - a)
    return x.T @ dz, dz.sum(axis=0)
''', "b1 is missing"),
    ("sigmoid_hidden_gradients", "dW1 transposed", '''
def sigmoid_hidden_gradients(x, W1, b1, W2, dout):
    a = 1 / (1 + np.exp(-(x @ W1 + b1)))
    dz = (dout @ W2.T) * a * (1 - a)
    return dz.T @ x, dz.sum(axis=0)
''', "looks transposed"),
    ("sigmoid_hidden_gradients", "W2 entry by entry", '''
def sigmoid_hidden_gradients(x, W1, b1, W2, dout):
    a = 1 / (1 + np.exp(-(x @ W1 + b1)))
    dz = dout * W2.T * a * (1 - a)
    return x.T @ dz, dz.sum(axis=0)
''', "multiplies entry by entry"),
    ("sigmoid_hidden_gradients", "db1 not summed", '''
def sigmoid_hidden_gradients(x, W1, b1, W2, dout):
    a = 1 / (1 + np.exp(-(x @ W1 + b1)))
    dz = (dout @ W2.T) * a * (1 - a)
    return x.T @ dz, dz
''', "db1 must have b1's shape"),
    ("sigmoid_hidden_gradients", "a mean over the samples", '''
def sigmoid_hidden_gradients(x, W1, b1, W2, dout):
    a = 1 / (1 + np.exp(-(x @ W1 + b1)))
    dz = (dout @ W2.T) * a * (1 - a)
    return x.T @ dz / len(x), dz.mean(axis=0)
''', "a mean where a sum is expected"),
    # ------------------------------------------------------------------ wrong_published_numbers
    ("wrong_published_numbers", "only the forward numbers", '''
def wrong_published_numbers():
    return {"h1", "h2", "out", "error"}
''', "only the forward pass"),
    ("wrong_published_numbers", "every number (they all differ from the correct ones)", '''
def wrong_published_numbers():
    return set(datasets.worked_example_published())
''', "not a mistake of its own"),
    ("wrong_published_numbers", "the numbers that are right instead of the wrong ones", '''
def wrong_published_numbers():
    return {"W1_2_new", "b2_new"}
''', "asks for the others"),
    ("wrong_published_numbers", "the update lines left out", '''
def wrong_published_numbers():
    return {"h1", "h2", "out", "error", "dW2", "db2", "dW1_1", "dW1_2", "db1"}
''', "update lines are missing"),
    ("wrong_published_numbers", "a list of values instead of names", '''
def wrong_published_numbers():
    return [1.3, 1.3, 0.9]
''', "not one of the 14 names"),
    ("wrong_published_numbers", "the article's labels instead of the table's names", '''
def wrong_published_numbers():
    return {"h1", "h2", "out", "error", "Weight 1", "Bias"}
''', "not one of the 14 names"),
    ("wrong_published_numbers", "a dict of verdicts", '''
def wrong_published_numbers():
    printed = datasets.worked_example_published()
    return {name: name not in ("W1_2_new", "b2_new") for name in printed}
''', "returned a dict"),
    ("wrong_published_numbers", "one name as a string", '''
def wrong_published_numbers():
    return "h1"
''', "returned the string"),
    ("wrong_published_numbers", "nothing yet", '''
def wrong_published_numbers():
    return set()
''', "still missing"),
    ("wrong_published_numbers", "one gradient forgotten", '''
def wrong_published_numbers():
    return {"h1", "h2", "out", "error", "dW2", "db2", "dW1_1", "dW1_2", "W1_1_new", "b1_new", "W2_new"}
''', "1 item still missing"),
]
