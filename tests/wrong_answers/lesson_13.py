"""Wrong answers learners write in lesson 13 (the Keras-style API), and what the check must say.

Each entry: (exercise, the mistake, the wrong answer cell, a phrase the message must contain).
"""
WRONG_ANSWERS = [
    ("multiclass_accuracy", "a count instead of a fraction", '''
def multiclass_accuracy(y_true, probs):
    return float(np.sum(np.argmax(probs, axis=1) == y_true))
''', "count"),
    ("multiclass_accuracy", "argmax over the wrong axis", '''
def multiclass_accuracy(y_true, probs):
    return float(np.mean(np.argmax(probs, axis=0)[:len(y_true)] == y_true))
''', "could not be broadcast"),
    ("multiclass_accuracy", "a percentage", '''
def multiclass_accuracy(y_true, probs):
    return 100 * float(np.mean(np.argmax(probs, axis=1) == y_true))
''', "percentage"),
    ("multiclass_accuracy", "the error rate", '''
def multiclass_accuracy(y_true, probs):
    return float(np.mean(np.argmax(probs, axis=1) != y_true))
''', "error rate"),
    ("confusion_matrix", "rows and columns swapped", '''
def confusion_matrix(y_true, y_pred, num_classes):
    counts = np.zeros((num_classes, num_classes), dtype=int)
    np.add.at(counts, (y_pred, y_true), 1)
    return counts
''', "swapped"),
    ("confusion_matrix", "+= with repeated indices", '''
def confusion_matrix(y_true, y_pred, num_classes):
    counts = np.zeros((num_classes, num_classes), dtype=int)
    counts[y_true, y_pred] += 1
    return counts
''', "np.add.at"),
    ("confusion_matrix", "fractions instead of counts", '''
def confusion_matrix(y_true, y_pred, num_classes):
    counts = np.zeros((num_classes, num_classes))
    np.add.at(counts, (y_true, y_pred), 1)
    return counts / len(y_true)
''', "fractions of all samples"),
    ("confusion_matrix", "the size from the labels seen", '''
def confusion_matrix(y_true, y_pred, num_classes):
    n = max(y_true.max(), y_pred.max()) + 1
    counts = np.zeros((n, n), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts
''', "wrong shape"),
    ("build_digits_model", "one-hot loss with integer labels", '''
def build_digits_model(seed):
    model = Sequential([Dense(64, activation="relu", input_shape=(64,)), Dense(10, activation="softmax")], seed=seed)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
''', "use sparse_categorical_crossentropy"),
    ("build_digits_model", "not compiled", '''
def build_digits_model(seed):
    return Sequential([Dense(64, activation="relu", input_shape=(64,)), Dense(10, activation="softmax")], seed=seed)
''', "not compiled"),
    ("build_digits_model", "the same model every call", '''
shared_digits_model = Sequential([Dense(64, activation="relu", input_shape=(64,)), Dense(10, activation="softmax")], seed=0)
shared_digits_model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
def build_digits_model(seed):
    return shared_digits_model
''', "same model object twice"),
    ("build_digits_model", "one output unit", '''
def build_digits_model(seed):
    model = Sequential([Dense(64, activation="relu", input_shape=(64,)), Dense(1, activation="sigmoid")], seed=seed)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model
''', "10 units"),
    ("build_digits_model", "the tutorial's input shape", '''
def build_digits_model(seed):
    model = Sequential([Dense(64, activation="relu", input_shape=(10,)), Dense(10, activation="softmax")], seed=seed)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
''', "64 pixels"),
    ("build_digits_model", "relu on the last layer", '''
def build_digits_model(seed):
    model = Sequential([Dense(64, activation="relu", input_shape=(64,)), Dense(10, activation="relu")], seed=seed)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
''', "softmax"),
    ("build_digits_model", "plain SGD at its default rate", '''
def build_digits_model(seed):
    model = Sequential([Dense(64, activation="relu", input_shape=(64,)), Dense(10, activation="softmax")], seed=seed)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
''', "below the 93% asked"),
    ("build_digits_model", "a bottleneck of 4 units", '''
def build_digits_model(seed):
    model = Sequential([Dense(4, activation="relu", input_shape=(64,)), Dense(10, activation="softmax")], seed=seed)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
''', "a wider hidden layer"),
    ("build_digits_model", "trained before returning", '''
def build_digits_model(seed):
    model = Sequential([Dense(64, activation="relu", input_shape=(64,)), Dense(10, activation="softmax")], seed=seed)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(digits_X_train, digits_y_train, epochs=1, verbose=0)
    return model
''', "already been trained"),
]
