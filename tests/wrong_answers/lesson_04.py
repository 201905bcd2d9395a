"""Wrong answers learners write in lesson 04 (loss functions), and what the check must say.

Each entry: (exercise, the mistake, the wrong answer cell, a phrase the message must contain).
"""
WRONG_ANSWERS = [
    ("mse", "sum instead of mean", '''
def mse(y_true, y_pred):
    return float(np.sum((y_pred - y_true) ** 2))
''', "a sum where a mean is expected"),
    ("mse", "the half squared error", '''
def mse(y_true, y_pred):
    return float(0.5 * np.mean((y_pred - y_true) ** 2))
''', "half squared error"),
    ("mse", "summed over the outputs, averaged over the samples", '''
def mse(y_true, y_pred):
    return float(np.sum((y_pred - y_true) ** 2) / len(y_true))
''', "every entry"),
    ("mse", "root mean squared error", '''
def mse(y_true, y_pred):
    return float(np.sqrt(np.mean((y_pred - y_true) ** 2)))
''', "RMSE"),
    ("mse", "mean absolute error", '''
def mse(y_true, y_pred):
    return float(np.mean(np.abs(y_pred - y_true)))
''', "mean absolute error"),
    ("mse", "differences not squared", '''
def mse(y_true, y_pred):
    return float(np.mean(y_pred - y_true))
''', "without being squared"),
    ("mse", "no mean at all: the squares returned", '''
def mse(y_true, y_pred):
    return (y_pred - y_true) ** 2
''', "expected a single number"),
    ("binary_crossentropy", "no clipping: log(0)", '''
def binary_crossentropy(y_true, p):
    return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))
''', "log(0)"),
    ("binary_crossentropy", "clipped at 0 only", '''
def binary_crossentropy(y_true, p):
    p = np.clip(p, losses.EPSILON, 1)
    return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))
''', "log(0)"),
    ("binary_crossentropy", "sum instead of mean", '''
def binary_crossentropy(y_true, p):
    p = np.clip(p, losses.EPSILON, 1 - losses.EPSILON)
    return float(-np.sum(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))
''', "a sum where a mean is expected"),
    ("binary_crossentropy", "the minus sign forgotten", '''
def binary_crossentropy(y_true, p):
    p = np.clip(p, losses.EPSILON, 1 - losses.EPSILON)
    return float(np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))
''', "sign flipped"),
    ("binary_crossentropy", "the 0/1-only formula: picks one log by the label", '''
def binary_crossentropy(y_true, p):
    p = np.clip(p, losses.EPSILON, 1 - losses.EPSILON)
    return float(-np.mean(np.where(y_true == 1, np.log(p), np.log(1 - p))))
''', "only for labels exactly 0 and 1"),
    ("binary_crossentropy", "labels thresholded at 0.5", '''
def binary_crossentropy(y_true, p):
    p = np.clip(p, losses.EPSILON, 1 - losses.EPSILON)
    y = (y_true > 0.5).astype(float)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
''', "rounded to 0 or 1"),
    ("binary_crossentropy", "only the y log p term", '''
def binary_crossentropy(y_true, p):
    p = np.clip(p, losses.EPSILON, 1 - losses.EPSILON)
    return float(-np.mean(y_true * np.log(p)))
''', "(1 - y) log(1 - p)"),
    ("binary_crossentropy", "log base 10", '''
def binary_crossentropy(y_true, p):
    p = np.clip(p, losses.EPSILON, 1 - losses.EPSILON)
    return float(-np.mean(y_true * np.log10(p) + (1 - y_true) * np.log10(1 - p)))
''', "natural logarithm"),
    ("binary_crossentropy", "another epsilon (1e-15)", '''
def binary_crossentropy(y_true, p):
    p = np.clip(p, 1e-15, 1 - 1e-15)
    return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))
''', "another epsilon"),
    ("binary_crossentropy", "clips p in place", '''
def binary_crossentropy(y_true, p):
    np.clip(p, losses.EPSILON, 1 - losses.EPSILON, out=p)
    return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))
''', "in place"),
    ("softmax_cross_entropy_grad", "not divided by N", '''
def softmax_cross_entropy_grad(z, y_onehot):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    return p - y_onehot
''', "summed loss"),
    ("softmax_cross_entropy_grad", "(y - p) / N", '''
def softmax_cross_entropy_grad(z, y_onehot):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    return (y_onehot - p) / len(z)
''', "minus the gradient"),
    ("softmax_cross_entropy_grad", "softmax without subtracting the max: overflow", '''
def softmax_cross_entropy_grad(z, y_onehot):
    e = np.exp(z)
    p = e / e.sum(axis=1, keepdims=True)
    return (p - y_onehot) / len(z)
''', "exp of a large number"),
    ("softmax_cross_entropy_grad", "the largest logit of the whole batch subtracted", '''
def softmax_cross_entropy_grad(z, y_onehot):
    e = np.exp(z - z.max())
    p = e / e.sum(axis=1, keepdims=True)
    return (p - y_onehot) / len(z)
''', "NaN"),
    ("softmax_cross_entropy_grad", "softmax over the columns", '''
def softmax_cross_entropy_grad(z, y_onehot):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    p = e / e.sum(axis=0, keepdims=True)
    return (p - y_onehot) / len(z)
''', "each column"),
    ("softmax_cross_entropy_grad", "targets not subtracted", '''
def softmax_cross_entropy_grad(z, y_onehot):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    return p / len(z)
''', "subtract the one-hot targets"),
    ("softmax_cross_entropy_grad", "one-hot rows used as integer labels", '''
def softmax_cross_entropy_grad(z, y_onehot):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    p[np.arange(len(z)), y_onehot] -= 1
    return p / len(z)
''', "IndexError"),
    ("softmax_cross_entropy_grad", "max without keepdims", '''
def softmax_cross_entropy_grad(z, y_onehot):
    e = np.exp(z - z.max(axis=1))
    p = e / e.sum(axis=1)
    return (p - y_onehot) / len(z)
''', "broadcast"),
]
