"""Wrong answers learners write in lesson 12 (regularization), and what the check must say.

Each entry: (exercise, the mistake, the wrong answer cell, a phrase the message must contain).
"""
WRONG_ANSWERS = [
    ("l2_penalty_and_grad", "the textbook's 1/2", '''
def l2_penalty_and_grad(W, l2):
    return 0.5 * l2 * np.sum(W ** 2), l2 * W
''', "textbook convention"),
    ("l2_penalty_and_grad", "the gradient without its 2", '''
def l2_penalty_and_grad(W, l2):
    return float(l2 * np.sum(W * W)), l2 * W
''', "misses its factor 2"),
    ("l2_penalty_and_grad", "the penalty's terms as the gradient", '''
def l2_penalty_and_grad(W, l2):
    return float(l2 * np.sum(W ** 2)), l2 * W ** 2
''', "penalty's own terms"),
    ("l2_penalty_and_grad", "a mean of the squares", '''
def l2_penalty_and_grad(W, l2):
    return float(l2 * np.mean(W ** 2)), 2 * l2 * W
''', "averages the squares"),
    ("l2_penalty_and_grad", "the norm instead of its square", '''
def l2_penalty_and_grad(W, l2):
    return float(l2 * np.linalg.norm(W)), 2 * l2 * W
''', "no root"),
    ("l2_penalty_and_grad", "L1 instead of L2", '''
def l2_penalty_and_grad(W, l2):
    return float(l2 * np.sum(np.abs(W))), l2 * np.sign(W)
''', "this is L1"),
    ("l2_penalty_and_grad", "the penalty left as an array", '''
def l2_penalty_and_grad(W, l2):
    return l2 * W ** 2, 2 * l2 * W
''', "expected a single number"),
    ("l2_penalty_and_grad", "the gradient's sign flipped", '''
def l2_penalty_and_grad(W, l2):
    return float(l2 * np.sum(W ** 2)), -2 * l2 * W
''', "sign flipped"),
    ("l1_grad", "zero counted as positive", '''
def l1_grad(W, l1):
    return np.where(W >= 0, l1, -l1)
''', "counts 0 as positive"),
    ("l1_grad", "zero counted as negative", '''
def l1_grad(W, l1):
    return np.where(W > 0, l1, -l1)
''', "counts 0 as negative"),
    ("l1_grad", "l1 forgotten", '''
def l1_grad(W, l1):
    return np.sign(W)
''', "l1 is missing"),
    ("l1_grad", "L2's gradient", '''
def l1_grad(W, l1):
    return 2 * l1 * W
''', "like L2's"),
    ("l1_grad", "l1 times W", '''
def l1_grad(W, l1):
    return l1 * W
''', "like L2's"),
    ("l1_grad", "the absolute value instead of its derivative", '''
def l1_grad(W, l1):
    return l1 * np.abs(W)
''', "penalty's own terms"),
    ("l1_grad", "W / |W| divides by zero", '''
def l1_grad(W, l1):
    return l1 * W / np.abs(W)
''', "0 / 0 at W = 0"),
    ("dropout_forward", "no rescaling", '''
def dropout_forward(x, rate, rng):
    keep = rng.random(x.shape) >= rate
    return x * keep, keep
''', "without rescaling"),
    ("dropout_forward", "divided by rate", '''
def dropout_forward(x, rate, rng):
    keep = rng.random(x.shape) >= rate
    return x * keep / rate, keep
''', "divided by rate"),
    ("dropout_forward", "keeps with probability rate", '''
def dropout_forward(x, rate, rng):
    keep = rng.random(x.shape) < rate
    return x * keep / (1 - rate), keep
''', "keeps a unit with probability rate"),
    ("dropout_forward", "keeps with probability rate, divides by rate", '''
def dropout_forward(x, rate, rng):
    keep = rng.random(x.shape) < rate
    return x * keep / rate, keep
''', "keeps a unit with probability rate"),
    ("dropout_forward", "numpy's global generator", '''
def dropout_forward(x, rate, rng):
    keep = np.random.random(x.shape) >= rate
    return x * keep / (1 - rate), keep
''', "nothing was drawn from the generator rng"),
    ("dropout_forward", "a new generator", '''
def dropout_forward(x, rate, rng):
    keep = np.random.default_rng().random(x.shape) >= rate
    return x * keep / (1 - rate), keep
''', "nothing was drawn from the generator rng"),
    ("dropout_forward", "the mask never applied", '''
def dropout_forward(x, rate, rng):
    keep = rng.random(x.shape) >= rate
    return x / (1 - rate), keep
''', "the mask is not applied"),
    ("dropout_forward", "(keep, out) swapped", '''
def dropout_forward(x, rate, rng):
    keep = rng.random(x.shape) >= rate
    return keep, x * keep / (1 - rate)
''', "return (out, keep)"),
    ("dropout_backward", "no rescaling", '''
def dropout_backward(dout, cache):
    return dout * cache["keep"]
''', "without rescaling"),
    ("dropout_backward", "divided by rate", '''
def dropout_backward(dout, cache):
    return dout * cache["keep"] / cache["rate"]
''', "divided by rate"),
    ("dropout_backward", "a new random mask", '''
def dropout_backward(dout, cache):
    keep = np.random.random(dout.shape) >= cache["rate"]
    return dout * keep / (1 - cache["rate"])
''', "new random mask"),
    ("dropout_backward", "times the forward's output", '''
def dropout_backward(dout, cache):
    out = cache["x"] * cache["keep"] / (1 - cache["rate"])
    return dout * out
''', "multiplied by x"),
    ("dropout_backward", "times the kept values of x", '''
def dropout_backward(dout, cache):
    return dout * cache["x"] * cache["keep"]
''', "multiplied by x"),
    ("dropout_backward", "the local derivative without dout", '''
def dropout_backward(dout, cache):
    return cache["keep"] / (1 - cache["rate"])
''', "the chain rule"),
    ("dropout_backward", "the identity of inference", '''
def dropout_backward(dout, cache):
    return dout
''', "inference mode"),
    ("dropout_backward", "the mask inverted", '''
def dropout_backward(dout, cache):
    return dout * (1 - cache["keep"]) / (1 - cache["rate"])
''', "through the dropped units"),
    ("dropout_backward", "dout changed in place", '''
def dropout_backward(dout, cache):
    dout[~cache["keep"]] = 0
    dout /= 1 - cache["rate"]
    return dout
''', "changed its input dout in place"),
]
