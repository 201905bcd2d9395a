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
    ("cosine_decay", "no clamp past decay_steps", """
def cosine_decay(step, decay_steps, initial_lr, alpha=0.0):
    cosine = 0.5 * (1 + np.cos(np.pi * step / decay_steps))
    return initial_lr * ((1 - alpha) * cosine + alpha)
""", "min(step, decay_steps)"),
    ("cosine_decay", "alpha added as a rate", """
def cosine_decay(step, decay_steps, initial_lr, alpha=0.0):
    t = min(step, decay_steps)
    return initial_lr * (1 - alpha) * 0.5 * (1 + np.cos(np.pi * t / decay_steps)) + alpha
""", "fraction of initial_lr"),
    ("cosine_decay", "no floor", """
def cosine_decay(step, decay_steps, initial_lr, alpha=0.0):
    t = min(step, decay_steps)
    return initial_lr * (1 - alpha) * 0.5 * (1 + np.cos(np.pi * t / decay_steps))
""", "the floor is missing"),
    ("cosine_decay", "floor ignored entirely", """
def cosine_decay(step, decay_steps, initial_lr, alpha=0.0):
    t = min(step, decay_steps)
    return initial_lr * 0.5 * (1 + np.cos(np.pi * t / decay_steps))
""", "alpha is ignored"),
    ("cosine_decay", "without the half", """
def cosine_decay(step, decay_steps, initial_lr, alpha=0.0):
    t = min(step, decay_steps)
    return initial_lr * ((1 - alpha) * (1 + np.cos(np.pi * t / decay_steps)) + alpha)
""", "halve 1 + cos"),
    ("cosine_decay", "1 - cos", """
def cosine_decay(step, decay_steps, initial_lr, alpha=0.0):
    t = min(step, decay_steps)
    return initial_lr * ((1 - alpha) * 0.5 * (1 - np.cos(np.pi * t / decay_steps)) + alpha)
""", "1 - cos rises"),
    ("cosine_decay", "steps counted from 1", """
def cosine_decay(step, decay_steps, initial_lr, alpha=0.0):
    t = min(step + 1, decay_steps)
    return initial_lr * ((1 - alpha) * 0.5 * (1 + np.cos(np.pi * t / decay_steps)) + alpha)
""", "step 0 must use initial_lr"),
    ("cosine_decay", "no pi", """
def cosine_decay(step, decay_steps, initial_lr, alpha=0.0):
    t = min(step, decay_steps)
    return initial_lr * ((1 - alpha) * 0.5 * (1 + np.cos(t / decay_steps)) + alpha)
""", "only reaches 1 radian"),
    ("cosine_decay", "integer division", """
def cosine_decay(step, decay_steps, initial_lr, alpha=0.0):
    t = min(step, decay_steps)
    return initial_lr * ((1 - alpha) * 0.5 * (1 + np.cos(np.pi * (t // decay_steps))) + alpha)
""", "cosine_decay"),
    ("cosine_decay", "the engine's schedule", """
def cosine_decay(step, decay_steps, initial_lr, alpha=0.0):
    return schedules.CosineDecay(initial_lr, decay_steps, alpha)(step)
""", "without"),
]
