"""Wrong answers learners write in lesson 02 (the neuron), and what the check must say.

Each entry: (exercise, the mistake, the wrong answer cell, a phrase the message must contain).
"""
WRONG_ANSWERS = [
    ("neuron", "forgets the bias", '''
def neuron(x, w, b, activation):
    z = w @ x
    return float(activations.get(activation).forward(np.asarray(z)))
''', "the bias is missing"),
    ("neuron", "adds the bias after the activation", '''
def neuron(x, w, b, activation):
    return float(activations.get(activation).forward(np.asarray(w @ x))) + b
''', "added after the activation"),
    ("neuron", "no activation", '''
def neuron(x, w, b, activation):
    return float(w @ x + b)
''', "no activation"),
    ("neuron", "activation on the weights", '''
def neuron(x, w, b, activation):
    f = activations.get(activation).forward
    return float(f(w) @ x + b)
''', "onto the weights"),
    ("neuron", "activation on the inputs", '''
def neuron(x, w, b, activation):
    f = activations.get(activation).forward
    return float(w @ f(x) + b)
''', "onto the inputs"),
    ("neuron", "always the sigmoid", '''
def neuron(x, w, b, activation):
    z = w @ x + b
    return float(1 / (1 + np.exp(-z)))
''', "whatever `activation` names"),
    ("neuron", "products not summed", '''
def neuron(x, w, b, activation):
    return activations.get(activation).forward(w * x + b)
''', "not added up"),
    ("sigmoid", "the formula as written", '''
def sigmoid(z):
    return 1 / (1 + np.exp(-z))
''', "e^(-|z|), which never overflows"),
    ("sigmoid", "exp(z) instead of exp(-z)", '''
def sigmoid(z):
    return 1 / (1 + np.exp(z))
''', "sigmoid(-z)"),
    ("sigmoid", "1 - e^-z in the denominator", '''
def sigmoid(z):
    return 1 / (1 - np.exp(-z))
''', "a minus in the denominator"),
    ("sigmoid", "np.where over two overflowing branches", '''
def sigmoid(z):
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))
''', "np.where computes both"),
    ("sigmoid", "stable branches swapped", '''
def sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, e / (1 + e), 1 / (1 + e))
''', "branches swapped"),
    ("sigmoid", "the z >= 0 branch everywhere", '''
def sigmoid(z):
    e = np.exp(-np.abs(z))
    return 1 / (1 + e)
''', "sigmoid(|z|)"),
    ("sigmoid", "math.exp in a loop", '''
import math

def sigmoid(z):
    return np.array([1 / (1 + math.exp(-v)) for v in z])
''', "np.exp works on every entry"),
    ("sigmoid", "overwrites z", '''
def sigmoid(z):
    positive = z >= 0
    z[positive] = 1 / (1 + np.exp(-z[positive]))
    z[~positive] = np.exp(z[~positive]) / (1 + np.exp(z[~positive]))
    return z
''', "changed its input z in place"),
    ("and_gate_weights", "OR's weights", '''
def and_gate_weights():
    return np.array([10.0, 10.0]), -5.0
''', "computes OR"),
    ("and_gate_weights", "threshold on the wrong side", '''
def and_gate_weights():
    return np.array([-10.0, -10.0]), 15.0
''', "NOT AND"),
    ("and_gate_weights", "(1, 1) on the line", '''
def and_gate_weights():
    return np.array([1.0, 1.0]), -2.0
''', "exactly on the line"),
    ("and_gate_weights", "bias too negative", '''
def and_gate_weights():
    return np.array([1.0, 1.0]), -3.0
''', "below 0.5 on all four corners"),
    ("and_gate_weights", "positive bias", '''
def and_gate_weights():
    return np.array([10.0, 10.0]), 15.0
''', "above 0.5 on all four corners"),
    ("and_gate_weights", "one input only", '''
def and_gate_weights():
    return np.array([10.0, 0.0]), -5.0
''', "follows x1 alone"),
    ("and_gate_weights", "both weights negative, bias positive small", '''
def and_gate_weights():
    return np.array([-10.0, -10.0]), 5.0
''', "NOR"),
    ("and_gate_weights", "returns (b, w)", '''
def and_gate_weights():
    return -15.0, np.array([10.0, 10.0])
''', "looks like (b, w)"),
]
