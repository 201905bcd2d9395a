"""Wrong answers learners write in lesson 10 (the Playground), and what the check must say.

Each entry: (exercise, the mistake, the wrong answer cell, a phrase the message must contain).
"""
SPIRAL_MODEL = '''
def make_spiral_model(seed):
    model = Sequential([{layers}], seed=seed)
    model.compile(optimizer={optimizer}, loss={loss})
    return model
'''


def spiral(layers, optimizer="Adam(0.03)", loss='"binary_crossentropy"'):
    """A make_spiral_model answer with these layers, optimizer and loss."""
    return SPIRAL_MODEL.format(layers=layers, optimizer=optimizer, loss=loss)


RELU3 = 'Dense(16, activation="relu"), Dense(16, activation="relu"), Dense(16, activation="relu")'

WRONG_ANSWERS = [
    ("decision_grid", "meshgrid with indexing='ij'", '''
def decision_grid(predict, extent, n):
    xs = np.linspace(extent[0], extent[1], n)
    ys = np.linspace(extent[2], extent[3], n)
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    return predict(np.column_stack([gx.ravel(), gy.ravel()]))[:, 0].reshape(n, n)
''', "rows and columns are swapped"),
    ("decision_grid", "rows from the top down, as in an image", '''
def decision_grid(predict, extent, n):
    xs = np.linspace(extent[0], extent[1], n)
    ys = np.linspace(extent[3], extent[2], n)
    gx, gy = np.meshgrid(xs, ys)
    return predict(np.column_stack([gx.ravel(), gy.ravel()]))[:, 0].reshape(n, n)
''', "rows run from y_max down"),
    ("decision_grid", "the point's coordinates swapped", '''
def decision_grid(predict, extent, n):
    xs = np.linspace(extent[0], extent[1], n)
    ys = np.linspace(extent[2], extent[3], n)
    gx, gy = np.meshgrid(xs, ys)
    return predict(np.column_stack([gy.ravel(), gx.ravel()]))[:, 0].reshape(n, n)
''', "coordinates are swapped"),
    ("decision_grid", "extent read as (x_min, y_min, x_max, y_max)", '''
def decision_grid(predict, extent, n):
    x_min, y_min, x_max, y_max = extent
    gx, gy = np.meshgrid(np.linspace(x_min, x_max, n), np.linspace(y_min, y_max, n))
    return predict(np.column_stack([gx.ravel(), gy.ravel()]))[:, 0].reshape(n, n)
''', "the order imshow uses"),
    ("decision_grid", "np.arange instead of np.linspace", '''
def decision_grid(predict, extent, n):
    x_min, x_max, y_min, y_max = extent
    xs = np.arange(x_min, x_max, (x_max - x_min) / n)[:n]
    ys = np.arange(y_min, y_max, (y_max - y_min) / n)[:n]
    gx, gy = np.meshgrid(xs, ys)
    return predict(np.column_stack([gx.ravel(), gy.ravel()]))[:, 0].reshape(n, n)
''', "stops short"),
    ("decision_grid", "the probabilities not reshaped", '''
def decision_grid(predict, extent, n):
    gx, gy = np.meshgrid(np.linspace(extent[0], extent[1], n), np.linspace(extent[2], extent[3], n))
    return predict(np.column_stack([gx.ravel(), gy.ravel()]))
''', "wrong shape"),
    ("accuracy", ">= 0.5", '''
def accuracy(y, p):
    return float(np.mean((p[:, 0] >= 0.5) == y))
''', ">= puts the undecided points in class 1"),
    ("accuracy", "compares (N, 1) with (N,)", '''
def accuracy(y, p):
    return float(np.mean((p > 0.5) == y))
''', "broadcasts to an (N, N) table"),
    ("accuracy", "the error rate", '''
def accuracy(y, p):
    return float(np.mean((p[:, 0] > 0.5) != y))
''', "error rate"),
    ("accuracy", "a count instead of a fraction", '''
def accuracy(y, p):
    return float(np.sum((p[:, 0] > 0.5) == y))
''', "divide by N"),
    ("accuracy", "a percentage", '''
def accuracy(y, p):
    return 100 * float(np.mean((p[:, 0] > 0.5) == y))
''', "percentage"),
    ("hidden_features", "no bias", '''
def hidden_features(X, W, b):
    return np.tanh(X @ W)
''', "bias is missing"),
    ("hidden_features", "bias after tanh", '''
def hidden_features(X, W, b):
    return np.tanh(X @ W) + b
''', "added after tanh"),
    ("hidden_features", "no activation", '''
def hidden_features(X, W, b):
    return X @ W + b
''', "no activation"),
    ("hidden_features", "sigmoid instead of tanh", '''
def hidden_features(X, W, b):
    return 1 / (1 + np.exp(-(X @ W + b)))
''', "sigmoid features"),
    ("hidden_features", "relu instead of tanh", '''
def hidden_features(X, W, b):
    return np.maximum(0, X @ W + b)
''', "relu features"),
    ("hidden_features", "the product the other way round", '''
def hidden_features(X, W, b):
    return np.tanh(W.T @ X.T + b[:, None])
''', "looks transposed"),
    ("make_spiral_model", "one small hidden layer", spiral('Dense(4, activation="tanh"), Dense(1, activation="sigmoid")'),
     "one hidden layer"),
    ("make_spiral_model", "hidden layers without activation",
     spiral('Dense(16), Dense(16), Dense(16), Dense(1, activation="sigmoid")'), "no activation"),
    ("make_spiral_model", "sigmoid hidden units", spiral(
        'Dense(16, activation="sigmoid"), Dense(16, activation="sigmoid"), Dense(16, activation="sigmoid"), '
        'Dense(1, activation="sigmoid")'), "sigmoid hidden units"),
    ("make_spiral_model", "plain SGD", spiral(RELU3 + ', Dense(1, activation="sigmoid")', optimizer='"sgd"'),
     "plain SGD"),
    ("make_spiral_model", "Adam's default learning rate", spiral(RELU3 + ', Dense(1, activation="sigmoid")',
                                                                 optimizer='"adam"'), "this small"),
    ("make_spiral_model", "a learning rate of 0.3", spiral(RELU3 + ', Dense(1, activation="sigmoid")',
                                                           optimizer="Adam(0.3)"), "this large"),
    ("make_spiral_model", "two softmax outputs, Keras style", spiral(
        RELU3 + ', Dense(2, activation="softmax")', loss='"sparse_categorical_crossentropy"'), "one unit per class"),
    ("make_spiral_model", "three sigmoid outputs", spiral(RELU3 + ', Dense(3, activation="sigmoid")'),
     "one unit per class"),
    ("make_spiral_model", "no sigmoid on the output", spiral(RELU3 + ", Dense(1)"), "no sigmoid"),
    ("make_spiral_model", "mean squared error", spiral(
        'Dense(16, activation="tanh"), Dense(16, activation="tanh"), Dense(1, activation="sigmoid")',
        loss='"mse"'), "binary_crossentropy"),
    ("make_spiral_model", "narrow layers", spiral(
        'Dense(4, activation="relu"), Dense(4, activation="relu"), Dense(4, activation="relu"), '
        'Dense(1, activation="sigmoid")'), "too slowly"),
    ("make_spiral_model", "trains the model itself", '''
def make_spiral_model(seed):
    model = Sequential([Dense(16, activation="relu"), Dense(16, activation="relu"), Dense(1, activation="sigmoid")],
                       seed=seed)
    model.compile(optimizer=Adam(0.03), loss="binary_crossentropy")
    model.fit(spiral_X_train, spiral_y_train, epochs=5, verbose=0)
    return model
''', "already been trained"),
    ("make_spiral_model", "one model for every call", '''
shared_model = Sequential([Dense(16, activation="relu"), Dense(16, activation="relu"), Dense(1, activation="sigmoid")],
                          seed=0)
shared_model.compile(optimizer=Adam(0.03), loss="binary_crossentropy")

def make_spiral_model(seed):
    return shared_model
''', "same model object twice"),
    ("make_spiral_model", "not compiled", '''
def make_spiral_model(seed):
    return Sequential([Dense(16, activation="relu"), Dense(16, activation="relu"), Dense(1, activation="sigmoid")],
                      seed=seed)
''', "compile"),
]
