"""Wrong answers learners write in lesson 11 (vanishing and exploding gradients), and what the check must say.

Each entry: (exercise, the mistake, the wrong answer cell, a phrase the message must contain).
"""
WRONG_ANSWERS = [
    ("layer_grad_norms", "every gradient array, biases included", '''
def layer_grad_norms(model):
    return [float(np.linalg.norm(g)) for g in model.grads.values()]
''', "biases"),
    ("layer_grad_norms", "kernel and bias in one norm", '''
def layer_grad_norms(model):
    norms = []
    for layer in model.layers:
        if isinstance(layer, Dense):
            total = sum(np.sum(g ** 2) for g in layer.grads.values())
            norms.append(float(np.sqrt(total)))
    return norms
''', "mixes the kernel's and the bias's"),
    ("layer_grad_norms", "hidden layers only", '''
def layer_grad_norms(model):
    dense = [layer for layer in model.layers if isinstance(layer, Dense)]
    return [float(np.linalg.norm(layer.grads["W"])) for layer in dense[:-1]]
''', "output layer is missing"),
    ("layer_grad_norms", "in the order of the backward pass", '''
def layer_grad_norms(model):
    return [float(np.linalg.norm(layer.grads["W"])) for layer in reversed(model.layers) if isinstance(layer, Dense)]
''', "input side first"),
    ("layer_grad_norms", "the sum of squares", '''
def layer_grad_norms(model):
    return [float(np.sum(layer.grads["W"] ** 2)) for layer in model.layers if isinstance(layer, Dense)]
''', "squared norms"),
    ("layer_grad_norms", "the weights' norms", '''
def layer_grad_norms(model):
    return [float(np.linalg.norm(layer.params["W"])) for layer in model.layers if isinstance(layer, Dense)]
''', "norms of the weights"),
    ("layer_grad_norms", "ord=2 of a matrix", '''
def layer_grad_norms(model):
    return [float(np.linalg.norm(layer.grads["W"], 2)) for layer in model.layers if isinstance(layer, Dense)]
''', "largest singular value"),

    ("glorot_limit", "Glorot normal's standard deviation", '''
def glorot_limit(fan_in, fan_out):
    return float(np.sqrt(2 / (fan_in + fan_out)))
''', "standard deviation"),
    ("glorot_limit", "fan_in only (He uniform)", '''
def glorot_limit(fan_in, fan_out):
    return float(np.sqrt(6 / fan_in))
''', "only fan_in"),
    ("glorot_limit", "fan_in only (LeCun uniform)", '''
def glorot_limit(fan_in, fan_out):
    return float(np.sqrt(3 / fan_in))
''', "only fan_in"),
    ("glorot_limit", "no square root", '''
def glorot_limit(fan_in, fan_out):
    return 6 / (fan_in + fan_out)
''', "limit squared"),
    ("glorot_limit", "the 2 forgotten", '''
def glorot_limit(fan_in, fan_out):
    return float(np.sqrt(3 / (fan_in + fan_out)))
''', "the 2 of Glorot's variance"),
    ("glorot_limit", "root of the numerator only", '''
def glorot_limit(fan_in, fan_out):
    return float(np.sqrt(6) / (fan_in + fan_out))
''', "whole fraction"),

    ("he_std", "LeCun's variance", '''
def he_std(fan_in):
    return float(np.sqrt(1 / fan_in))
''', "the 2 of He's variance"),
    ("he_std", "the variance", '''
def he_std(fan_in):
    return 2 / fan_in
''', "that is the variance"),
    ("he_std", "He uniform's limit", '''
def he_std(fan_in):
    return float(np.sqrt(6 / fan_in))
''', "HeUniform's limit"),
    ("he_std", "Keras's truncation constant", '''
def he_std(fan_in):
    return float(np.sqrt(2 / fan_in) / 0.87962566103423978)
''', "no correction for the truncation"),
    ("he_std", "root of the numerator only", '''
def he_std(fan_in):
    return float(np.sqrt(2) / fan_in)
''', "whole fraction"),

    ("batchnorm_backward", "mean and variance as constants", '''
def batchnorm_backward(dout, x, gamma, eps):
    s = np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) / s
    return gamma * dout / s, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
''', "as constants"),
    ("batchnorm_backward", "the mean's term only", '''
def batchnorm_backward(dout, x, gamma, eps):
    s = np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) / s
    dx = gamma / s * (dout - dout.mean(axis=0))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
''', "treats the variance as a constant"),
    ("batchnorm_backward", "unbiased variance", '''
def batchnorm_backward(dout, x, gamma, eps):
    N = x.shape[0]
    s = np.sqrt(x.var(axis=0, ddof=1) + eps)
    x_hat = (x - x.mean(axis=0)) / s
    dgamma, dbeta = (dout * x_hat).sum(axis=0), dout.sum(axis=0)
    return gamma / (N * s) * (N * dout - dbeta - x_hat * dgamma), dgamma, dbeta
''', "unbiased"),
    ("batchnorm_backward", "eps outside the root", '''
def batchnorm_backward(dout, x, gamma, eps):
    N = x.shape[0]
    s = x.std(axis=0) + eps
    x_hat = (x - x.mean(axis=0)) / s
    dgamma, dbeta = (dout * x_hat).sum(axis=0), dout.sum(axis=0)
    return gamma / (N * s) * (N * dout - dbeta - x_hat * dgamma), dgamma, dbeta
''', "outside the square root"),
    ("batchnorm_backward", "gamma forgotten in dx", '''
def batchnorm_backward(dout, x, gamma, eps):
    N = x.shape[0]
    s = np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) / s
    dgamma, dbeta = (dout * x_hat).sum(axis=0), dout.sum(axis=0)
    return (N * dout - dbeta - x_hat * dgamma) / (N * s), dgamma, dbeta
''', "gamma is missing"),
    ("batchnorm_backward", "dgamma without x_hat", '''
def batchnorm_backward(dout, x, gamma, eps):
    N = x.shape[0]
    s = np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) / s
    dx = gamma / (N * s) * (N * dout - dout.sum(axis=0) - x_hat * (dout * x_hat).sum(axis=0))
    return dx, dout.sum(axis=0), dout.sum(axis=0)
''', "that is dbeta"),
    ("batchnorm_backward", "dgamma with x instead of x_hat", '''
def batchnorm_backward(dout, x, gamma, eps):
    N = x.shape[0]
    s = np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) / s
    dx = gamma / (N * s) * (N * dout - dout.sum(axis=0) - x_hat * (dout * x_hat).sum(axis=0))
    return dx, (dout * x).sum(axis=0), dout.sum(axis=0)
''', "sums dout * x"),
    ("batchnorm_backward", "parameter gradients not summed over the batch", '''
def batchnorm_backward(dout, x, gamma, eps):
    N = x.shape[0]
    s = np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) / s
    dx = gamma / (N * s) * (N * dout - dout.sum(axis=0) - x_hat * (dout * x_hat).sum(axis=0))
    return dx, dout * x_hat, dout
''', "one row per sample"),
    ("batchnorm_backward", "parameter gradients averaged over the batch", '''
def batchnorm_backward(dout, x, gamma, eps):
    N = x.shape[0]
    s = np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) / s
    dx = gamma / (N * s) * (N * dout - dout.sum(axis=0) - x_hat * (dout * x_hat).sum(axis=0))
    return dx, (dout * x_hat).mean(axis=0), dout.mean(axis=0)
''', "a mean where a sum is expected"),
    ("batchnorm_backward", "the 1/N of dx forgotten", '''
def batchnorm_backward(dout, x, gamma, eps):
    N = x.shape[0]
    s = np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) / s
    dgamma, dbeta = (dout * x_hat).sum(axis=0), dout.sum(axis=0)
    return gamma / s * (N * dout - dbeta - x_hat * dgamma), dgamma, dbeta
''', "= N, the number of samples"),
    ("batchnorm_backward", "dout scaled in place", '''
def batchnorm_backward(dout, x, gamma, eps):
    N = x.shape[0]
    s = np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) / s
    dgamma, dbeta = (dout * x_hat).sum(axis=0), dout.sum(axis=0)
    dx_hat = dout
    dx_hat *= gamma
    dx = (N * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0)) / (N * s)
    return dx, dgamma, dbeta
''', "in place"),

    ("clip_by_norm", "rescales even below the limit", '''
def clip_by_norm(g, max_norm):
    return g * (max_norm / np.linalg.norm(g))
''', "already at most max_norm"),
    ("clip_by_norm", "clips each entry", '''
def clip_by_norm(g, max_norm):
    return np.clip(g, -max_norm, max_norm)
''', "that is clipvalue"),
    ("clip_by_norm", "a norm per row", '''
def clip_by_norm(g, max_norm):
    norm = np.linalg.norm(g, axis=-1, keepdims=True)
    return np.where(norm > max_norm, g * max_norm / norm, g)
''', "row by row"),
    ("clip_by_norm", "ord=2 of a matrix", '''
def clip_by_norm(g, max_norm):
    norm = np.linalg.norm(g, 2)
    return g * (max_norm / norm) if norm > max_norm else g.copy()
''', "largest singular value"),
    ("clip_by_norm", "the squared norm", '''
def clip_by_norm(g, max_norm):
    norm = np.sum(g ** 2)
    return g * (max_norm / norm) if norm > max_norm else g.copy()
''', "squared norm"),
    ("clip_by_norm", "scales g in place", '''
def clip_by_norm(g, max_norm):
    norm = np.linalg.norm(g)
    if norm > max_norm:
        g *= max_norm / norm
    return g
''', "in place"),

    ("clip_by_global_norm", "each tensor on its own", '''
def clip_by_global_norm(grads, max_norm):
    return {name: g * min(1.0, max_norm / np.linalg.norm(g)) for name, g in grads.items()}
''', "its own norm"),
    ("clip_by_global_norm", "rescales even below the limit", '''
def clip_by_global_norm(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
    return {name: g * (max_norm / norm) for name, g in grads.items()}
''', "already at most max_norm"),
    ("clip_by_global_norm", "the sum of the norms", '''
def clip_by_global_norm(grads, max_norm):
    norm = sum(np.linalg.norm(g) for g in grads.values())
    factor = max_norm / norm if norm > max_norm else 1.0
    return {name: g * factor for name, g in grads.items()}
''', "sum of the tensors' norms"),
    ("clip_by_global_norm", "no square root", '''
def clip_by_global_norm(grads, max_norm):
    norm = sum(np.sum(g ** 2) for g in grads.values())
    factor = max_norm / norm if norm > max_norm else 1.0
    return {name: g * factor for name, g in grads.items()}
''', "without its square root"),
    ("clip_by_global_norm", "TensorFlow's return value", '''
def clip_by_global_norm(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
    factor = max_norm / norm if norm > max_norm else 1.0
    return {name: g * factor for name, g in grads.items()}, float(norm)
''', "tf.clip_by_global_norm"),
    ("clip_by_global_norm", "scales the arrays in place", '''
def clip_by_global_norm(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
    if norm > max_norm:
        for g in grads.values():
            g *= max_norm / norm
    return grads
''', "in place"),
    ("clip_by_global_norm", "a list instead of a dict", '''
def clip_by_global_norm(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
    factor = max_norm / norm if norm > max_norm else 1.0
    return [g * factor for g in grads.values()]
''', "expected a dict"),
]
