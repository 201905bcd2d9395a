"""Wrong answers learners write in lesson 09 (optimizers), and what the check must say.

Each entry: (exercise, the mistake, the wrong answer cell, a phrase the message must contain).
"""
WRONG_ANSWERS = [
    ("momentum_step", "PyTorch's convention", '''
def momentum_step(w, g, v, lr, beta):
    v_new = beta * v + g
    return w - lr * v_new, v_new
''', "PyTorch's convention"),
    ("momentum_step", "an exponential average", '''
def momentum_step(w, g, v, lr, beta):
    v_new = beta * v + (1 - beta) * g
    return w - lr * v_new, v_new
''', "running average"),
    ("momentum_step", "subtracts the velocity", '''
def momentum_step(w, g, v, lr, beta):
    v_new = beta * v - lr * g
    return w - v_new, v_new
''', "don't subtract it"),
    ("momentum_step", "returns the weights only", '''
def momentum_step(w, g, v, lr, beta):
    v_new = beta * v - lr * g
    return w + v_new
''', "expected a tuple of 2 values (w_new, v_new)"),
    ("momentum_step", "steps with the old velocity", '''
def momentum_step(w, g, v, lr, beta):
    v_new = beta * v - lr * g
    return w + v, v_new
''', "old velocity"),
    ("rmsprop_step", "eps outside the root", '''
def rmsprop_step(w, g, s, lr, rho, eps):
    s_new = rho * s + (1 - rho) * g ** 2
    return w - lr * g / (np.sqrt(s_new) + eps), s_new
''', "outside the square root"),
    ("rmsprop_step", "divides by the old s", '''
def rmsprop_step(w, g, s, lr, rho, eps):
    s_new = rho * s + (1 - rho) * g ** 2
    return w - lr * g / np.sqrt(s + eps), s_new
''', "old s"),
    ("rmsprop_step", "rho and 1 - rho swapped", '''
def rmsprop_step(w, g, s, lr, rho, eps):
    s_new = (1 - rho) * s + rho * g ** 2
    return w - lr * g / np.sqrt(s_new + eps), s_new
''', "swapped"),
    ("rmsprop_step", "forgets the square", '''
def rmsprop_step(w, g, s, lr, rho, eps):
    s_new = rho * s + (1 - rho) * g
    return w - lr * g / np.sqrt(s_new + eps), s_new
''', "NaN"),
    ("adam_step", "no bias correction", '''
def adam_step(w, g, m, v, t, lr, b1, b2, eps):
    m_new = b1 * m + (1 - b1) * g
    v_new = b2 * v + (1 - b2) * g ** 2
    return w - lr * m_new / (np.sqrt(v_new) + eps), m_new, v_new
''', "no bias correction"),
    ("adam_step", "the paper's form", '''
def adam_step(w, g, m, v, t, lr, b1, b2, eps):
    m_new = b1 * m + (1 - b1) * g
    v_new = b2 * v + (1 - b2) * g ** 2
    m_hat, v_hat = m_new / (1 - b1 ** t), v_new / (1 - b2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new
''', "paper's form"),
    ("adam_step", "eps inside the root", '''
def adam_step(w, g, m, v, t, lr, b1, b2, eps):
    m_new = b1 * m + (1 - b1) * g
    v_new = b2 * v + (1 - b2) * g ** 2
    return w - lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t) * m_new / np.sqrt(v_new + eps), m_new, v_new
''', "inside the square root"),
    ("adam_step", "returns corrected moments", '''
def adam_step(w, g, m, v, t, lr, b1, b2, eps):
    m_new = (b1 * m + (1 - b1) * g) / (1 - b1 ** t)
    v_new = (b2 * v + (1 - b2) * g ** 2) / (1 - b2 ** t)
    return w - lr * m_new / (np.sqrt(v_new) + eps), m_new, v_new
''', "returned moments are bias-corrected"),
    ("adam_step", "t - 1 in the correction", '''
def adam_step(w, g, m, v, t, lr, b1, b2, eps):
    m_new = b1 * m + (1 - b1) * g
    v_new = b2 * v + (1 - b2) * g ** 2
    return w - lr * np.sqrt(1 - b2 ** (t - 1)) / (1 - b1 ** (t - 1)) * m_new / (np.sqrt(v_new) + eps), m_new, v_new
''', "NaN"),
]
