"""Wrong answers learners write in lesson 01 (welcome), and what the check must say.

Each entry: (exercise, the mistake, the wrong answer cell, a phrase the message must contain).
"""
WRONG_ANSWERS = [
    ("predict_line", "forgets the bias", '''
def predict_line(x, w, b):
    return w * x
''', "the bias is missing"),
    ("predict_line", "swaps w and b", '''
def predict_line(x, w, b):
    return b * x + w
''', "w and b are swapped"),
    ("predict_line", "adds b before multiplying", '''
def predict_line(x, w, b):
    return w * (x + b)
''', "inside the product"),
    ("predict_line", "subtracts the bias", '''
def predict_line(x, w, b):
    return w * x - b
''', "b is subtracted"),
    ("predict_line", "sums like a neuron with many inputs", '''
def predict_line(x, w, b):
    return np.sum(w * x) + b
''', "its own prediction"),
    ("predict_line", "changes x in place", '''
def predict_line(x, w, b):
    x *= w
    x += b
    return x
''', "changed its input x in place"),
    ("count_parameters", "forgets the biases", '''
def count_parameters(layer_sizes):
    return sum(m * n for m, n in zip(layer_sizes[:-1], layer_sizes[1:]))
''', "the biases are missing"),
    ("count_parameters", "counts the first layer only", '''
def count_parameters(layer_sizes):
    return layer_sizes[0] * layer_sizes[1] + layer_sizes[1]
''', "only the first layer is counted"),
    ("count_parameters", "counts the first layer's weights only", '''
def count_parameters(layer_sizes):
    return layer_sizes[0] * layer_sizes[1]
''', "only the first layer's weights"),
    ("count_parameters", "one bias per input", '''
def count_parameters(layer_sizes):
    return sum(m * n + m for m, n in zip(layer_sizes[:-1], layer_sizes[1:]))
''', "one bias per input"),
    ("count_parameters", "gives the inputs biases", '''
def count_parameters(layer_sizes):
    weights = sum(m * n for m, n in zip(layer_sizes[:-1], layer_sizes[1:]))
    return weights + sum(layer_sizes)
''', "the inputs got biases too"),
    ("count_parameters", "loop one short", '''
def count_parameters(layer_sizes):
    total = 0
    for k in range(len(layer_sizes) - 2):
        total += layer_sizes[k] * layer_sizes[k + 1] + layer_sizes[k + 1]
    return total
''', "one layer short"),
    ("count_parameters", "counts neurons", '''
def count_parameters(layer_sizes):
    return sum(layer_sizes)
''', "counts the neurons"),
]
