"""The three seed articles' examples, reproduced on the engine, and one real data set.

000: a 3-4-1 sigmoid numpy network without biases trained 1500 times on XOR.
001: a 3-2-1 linear network worked by hand, with wrong arithmetic: the right numbers
     here (derived in comments), checked three ways, and the list of published mistakes.
002: a Keras Sequential model that must run with only its imports changed.
Digits: a small MLP on the shipped 8x8 digits.
"""
import decimal
import math

import numpy as np
import pytest

import backprop
from backprop.gradcheck import numerical_gradient
from backprop.graph import gradients_as_arrays, network_expression
from backprop.layers import Dense
from backprop.losses import MeanSquaredError
from backprop.optimizers import SGD

# ==== seed 000: the XOR network ==================================================================

ITERATIONS = 1500


def article_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def overflow_safe_sigmoid(x):
    """The engine's form: 1/(1+e^-x) for x >= 0 and e^x/(1+e^x) for x < 0 (same math)."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0, e) / (1.0 + e)


def article_xor(X, y, seed, sigmoid=article_sigmoid, iterations=ITERATIONS):
    """The article's NeuralNetwork class as a loop, with np.random.rand seeded."""
    def sigmoid_derivative(x):
        return x * (1 - x)

    rand = np.random.RandomState(seed).rand        # np.random.rand, seeded
    weights1 = rand(X.shape[1], 4)
    weights2 = rand(4, 1)
    for _ in range(iterations):
        # feedforward
        layer1 = sigmoid(np.dot(X, weights1))
        output = sigmoid(np.dot(layer1, weights2))
        # backprop
        d_weights2 = np.dot(layer1.T, (2 * (y - output) * sigmoid_derivative(output)))
        d_weights1 = np.dot(X.T, (np.dot(2 * (y - output) * sigmoid_derivative(output), weights2.T)
                                  * sigmoid_derivative(layer1)))
        weights1 += d_weights1
        weights2 += d_weights2
    return weights1, weights2, output


def engine_xor(X, y, seed, iterations=ITERATIONS):
    """The same network from the engine's parts: Dense(use_bias=False) layers, sigmoid, SGD.

    The article's update w += X^T (2 (y - out) s'(out)) is gradient descent with learning
    rate 1 on the SUM of squared errors, whose gradient is N times MeanSquaredError's.
    """
    rand = np.random.RandomState(seed).rand
    hidden = Dense(4, activation="sigmoid", use_bias=False)
    output = Dense(1, activation="sigmoid", use_bias=False)
    hidden.build(X.shape[1])
    output.build(4)
    hidden.set_weights([rand(X.shape[1], 4)])
    output.set_weights([rand(4, 1)])
    params = {"hidden/W": hidden.params["W"], "output/W": output.params["W"]}
    grads = {"hidden/W": hidden.grads["W"], "output/W": output.grads["W"]}
    sgd, mse = SGD(learning_rate=1.0), MeanSquaredError()
    for _ in range(iterations):
        out = output.forward(hidden.forward(X, training=True), training=True)
        mse(y, out)
        dout = mse.backward() * y.size                 # d(sum of squares)/d out = -2 (y - out)
        hidden.backward(output.backward(dout))
        sgd.apply(params, grads)
    return hidden.params["W"], output.params["W"], output.forward(hidden.forward(X))


def test_seed000_engine_reproduces_the_article(xor_data):
    X, y = xor_data
    for seed in (0, 1):
        w1, w2, _ = article_xor(X, y, seed)
        e1, e2, _ = engine_xor(X, y, seed)
        # the article's sigmoid and the engine's overflow-safe one round differently in the
        # last bit for negative inputs; after 1500 steps the weights (up to ~7) differ by ~1e-14
        np.testing.assert_allclose(e1, w1, rtol=1e-11, atol=1e-12)
        np.testing.assert_allclose(e2, w2, rtol=1e-11, atol=1e-12)


def test_seed000_bit_identical_with_the_same_sigmoid_formula(xor_data):
    X, y = xor_data
    for seed in (0, 1, 2):
        w1, w2, _ = article_xor(X, y, seed, sigmoid=overflow_safe_sigmoid)
        e1, e2, _ = engine_xor(X, y, seed)
        assert np.array_equal(e1, w1) and np.array_equal(e2, w2)


def test_seed000_learns_xor_from_every_seed(xor_data):
    # Determined by running: from np.random.rand's uniform [0, 1) weights, all of 10 seeds
    # converge in 1500 steps; every output is on the right side of 0.5 and within 0.05 of its
    # target (the largest miss is about 0.037).
    X, y = xor_data
    converged = 0
    for seed in range(10):
        _, _, out = engine_xor(X, y, seed)
        right_side = np.array_equal(out > 0.5, y > 0.5)
        if right_side and np.abs(out - y).max() < 0.05:
            converged += 1
    assert converged == 10


def test_seed000_learns_nothing_in_few_steps(xor_data):
    # the contrast a lesson draws: after 10 steps no seed gets all four right
    X, y = xor_data
    for seed in range(10):
        _, _, out = engine_xor(X, y, seed, iterations=10)
        assert not np.array_equal(out > 0.5, y > 0.5)


# ==== seed 001: the 3-2-1 network worked by hand ================================================
#
# The course's reading of the article's weights (kernels are (inputs, units), as in Dense):
#   x = [1, 2, 3], y = 4, W1 = [[0.5, 0.5], [0.1, 0.2], [0.0, 0.0]], b1 = [0.2, 0.0],
#   W2 = [[0.3], [0.3]], b2 = [0.1], linear activations, L = 1/2 (y - out)^2, lr = 0.1.
#
# Forward:
#   h1 = 1*0.5 + 2*0.1 + 3*0.0 + 0.2 = 0.9
#   h2 = 1*0.5 + 2*0.2 + 3*0.0 + 0.0 = 0.9
#   out = 0.9*0.3 + 0.9*0.3 + 0.1 = 0.64
#   L = 1/2 (4 - 0.64)^2 = 1/2 * 3.36^2 = 1/2 * 11.2896 = 5.6448
# Backward (chain rule):
#   dL/dout = -(y - out) = out - y = -3.36
#   dW2[j] = h_j * dL/dout = 0.9 * -3.36 = -3.024;   db2 = dL/dout = -3.36
#   dL/dh_j = W2[j] * dL/dout = 0.3 * -3.36 = -1.008 (linear: dL/dz_j is the same)
#   dW1[i, j] = x_i * dL/dz_j = [-1.008, -2.016, -3.024] in each column;   db1 = [-1.008, -1.008]
# Update w -= 0.1 dw:
#   W1 = [[0.5 + 0.1008, 0.5 + 0.1008], [0.1 + 0.2016, 0.2 + 0.2016], [0 + 0.3024, 0 + 0.3024]]
#      = [[0.6008, 0.6008], [0.3016, 0.4016], [0.3024, 0.3024]]
#   b1 = [0.3008, 0.1008];   W2 = [[0.6024], [0.6024]];   b2 = [0.1 + 0.336] = [0.436]

S1 = dict(x=np.array([1.0, 2.0, 3.0]), y=4.0,
          W1=np.array([[0.5, 0.5], [0.1, 0.2], [0.0, 0.0]]), b1=np.array([0.2, 0.0]),
          W2=np.array([[0.3], [0.3]]), b2=np.array([0.1]))
LR = 0.1
HIDDEN, OUT, LOSS, DOUT = [0.9, 0.9], 0.64, 5.6448, -3.36
GRADS = {"W1": np.array([[-1.008, -1.008], [-2.016, -2.016], [-3.024, -3.024]]),
         "b1": np.array([-1.008, -1.008]), "W2": np.array([[-3.024], [-3.024]]), "b2": np.array([-3.36])}
UPDATED = {"W1": np.array([[0.6008, 0.6008], [0.3016, 0.4016], [0.3024, 0.3024]]),
           "b1": np.array([0.3008, 0.1008]), "W2": np.array([[0.6024], [0.6024]]), "b2": np.array([0.436])}
SHAPES = {k: v.shape for k, v in GRADS.items()}


def test_seed001_hand_numbers_are_consistent():
    # the update is w - lr * dw for every entry, and the loss is 1/2 dout^2
    for k in GRADS:
        np.testing.assert_allclose(UPDATED[k], S1[k] - LR * GRADS[k], rtol=1e-12)
    assert math.isclose(LOSS, 0.5 * DOUT ** 2) and math.isclose(DOUT, OUT - S1["y"])


def test_seed001_scalar_engine():
    loss, params = network_expression(**S1, activation="linear")
    assert math.isclose(loss.data, LOSS, rel_tol=1e-12)
    loss.backward()
    grads = gradients_as_arrays(params, SHAPES)
    for k in GRADS:
        np.testing.assert_allclose(grads[k], GRADS[k], rtol=1e-12, err_msg=k)
    nodes = {n["label"]: n for n in backprop.graph.trace(loss)["nodes"]}
    assert math.isclose(nodes["h1"]["data"], HIDDEN[0]) and math.isclose(nodes["h2"]["data"], HIDDEN[1])
    assert math.isclose(nodes["out"]["data"], OUT) and math.isclose(nodes["out"]["grad"], DOUT)


def test_seed001_vectorized_engine():
    hidden, output = Dense(2, activation="linear"), Dense(1, activation="linear")
    hidden.build(3)
    output.build(2)
    hidden.set_weights([S1["W1"], S1["b1"]])
    output.set_weights([S1["W2"], S1["b2"]])
    x = S1["x"][None, :]
    h = hidden.forward(x)
    out = output.forward(h)
    np.testing.assert_allclose(h, [HIDDEN])
    np.testing.assert_allclose(out, [[OUT]])
    # MeanSquaredError is (y - out)^2 without the 1/2, so the half squared error's upstream
    # gradient is written directly: dL/dout = out - y
    hidden.backward(output.backward(out - S1["y"]))
    got = {"W1": hidden.grads["W"], "b1": hidden.grads["b"], "W2": output.grads["W"], "b2": output.grads["b"]}
    for k in GRADS:
        np.testing.assert_allclose(got[k], GRADS[k], rtol=1e-12, err_msg=k)
    params = {"W1": hidden.params["W"], "b1": hidden.params["b"], "W2": output.params["W"], "b2": output.params["b"]}
    SGD(learning_rate=LR).apply(params, {k: v.copy() for k, v in got.items()})
    for k in UPDATED:
        np.testing.assert_allclose(params[k], UPDATED[k], rtol=1e-12, err_msg=k)


def test_seed001_numerical_gradients():
    arrays = {k: np.array(v, dtype=float) for k, v in S1.items() if k in GRADS}

    def half_squared_error():
        h = S1["x"] @ arrays["W1"] + arrays["b1"]
        out = h @ arrays["W2"] + arrays["b2"]
        return 0.5 * (S1["y"] - out[0]) ** 2

    assert math.isclose(half_squared_error(), LOSS, rel_tol=1e-12)
    for k in GRADS:
        np.testing.assert_allclose(numerical_gradient(half_squared_error, arrays[k]), GRADS[k], rtol=1e-8, err_msg=k)


def test_seed001_a_second_step_lowers_the_loss():
    # after the update: h = [0.6008 + 0.6032 + 0.9072 + 0.3008, 0.6008 + 0.8032 + 0.9072 + 0.1008]
    #                      = [2.412, 2.412]; out = 2 * 0.6024 * 2.412 + 0.436 = 3.3419776
    loss, _ = network_expression(S1["x"], S1["y"], **UPDATED)
    assert math.isclose(loss.data, 0.5 * (4 - 3.3419776) ** 2, rel_tol=1e-9)
    assert loss.data < LOSS


# The article's published numbers, and the expression it printed for each (evaluated here).
PUBLISHED = {
    # name: (published, the article's own expression for it)
    "h1": (1.3, 1 * 0.5 + 2 * 0.1 + 0.2),
    "h2": (1.3, 1 * 0.5 + 2 * 0.2),
    "out": (0.9, 1.3 * 0.3 + 0.1),                             # from its own h1 = 1.3
    "error": (6.31, 0.5 * (4 - 0.9) ** 2),
    "dW2": (-2.87, 0.5 * (4 - 0.9) ** 2 * (-1) * 1.3),
    "db2": (-2.5, 0.5 * (4 - 0.9) ** 2 * (-1) * 1),
    "dW1_1": (-0.87, 0.5 * (4 - 0.9) ** 2 * (-1) * 0.3 * 1),
    "dW1_2": (-1.75, 0.5 * (4 - 0.9) ** 2 * (-1) * 0.3 * 2),
    "db1": (-0.87, 0.5 * (4 - 0.9) ** 2 * (-1) * 0.3 * 1),
    "W1_1_new": (0.57, 0.5 - 0.1 * (-0.87)),
    "W1_2_new": (0.275, 0.1 - 0.1 * (-1.75)),
    "b1_new": (0.27, 0.2 - 0.1 * (-0.87)),
    "W2_new": (0.387, 0.3 - 0.1 * (-2.87)),
    "b2_new": (0.35, 0.1 - 0.1 * (-2.5)),
}
# the same quantities in the correct network (first hidden neuron; W2 and b2 of the output)
CORRECT = {"h1": 0.9, "h2": 0.9, "out": 0.64, "error": 5.6448, "dW2": -3.024, "db2": -3.36,
           "dW1_1": -1.008, "dW1_2": -2.016, "db1": -1.008, "W1_1_new": 0.6008, "W1_2_new": 0.3016,
           "b1_new": 0.3008, "W2_new": 0.6024, "b2_new": 0.436}
# Published numbers that are wrong even under the article's own expressions (a find-the-error
# exercise can reuse this): only two updates follow from the numbers printed before them.
WRONG_BY_ITS_OWN_ARITHMETIC = {"h1", "h2", "out", "error", "dW2", "db2", "dW1_1", "dW1_2", "db1",
                               "W1_1_new", "b1_new", "W2_new"}


def _agrees(published, value):
    """Equal up to the rounding of the published number (half a unit of its last digit)."""
    places = -decimal.Decimal(repr(published)).as_tuple().exponent
    return abs(published - value) <= 0.5 * 10.0 ** -places + 1e-12


def test_worked_example_published_numbers_wrong_under_their_own_expressions():
    wrong = {name for name, (published, own) in PUBLISHED.items() if not _agrees(published, own)}
    assert wrong == WRONG_BY_ITS_OWN_ARITHMETIC
    assert set(PUBLISHED) - wrong == {"W1_2_new", "b2_new"}
    # the article's worked examples of its own mistakes
    assert math.isclose(PUBLISHED["h1"][1], 0.9)            # 1*0.5 + 2*0.1 + 0.2 is 0.9, not 1.3
    assert math.isclose(PUBLISHED["error"][1], 4.805)       # 1/2 (4 - 0.9)^2 is 4.805, not 6.31
    assert math.isclose(PUBLISHED["W1_1_new"][1], 0.587)    # 0.5 - 0.1 * (-0.87) is 0.587, not 0.57


def test_seed001_every_published_number_differs_from_the_correct_one():
    assert set(CORRECT) == set(PUBLISHED)
    assert all(not _agrees(PUBLISHED[name][0], CORRECT[name]) for name in CORRECT)


def test_seed001_the_method_error_multiplies_by_E_instead_of_dE_dout():
    # the article's gradient of the output weight: E * (-1) * h; the chain rule: dE/dout * h = -(y - out) h.
    # Even with its own numbers (out = 0.9, h = 1.3) the two differ by the factor E / (y - out) = (y - out) / 2.
    y, out, h = 4.0, 0.9, 1.3
    E = 0.5 * (y - out) ** 2
    article, chain_rule = E * (-1) * h, -(y - out) * h
    assert math.isclose(article / chain_rule, (y - out) / 2)
    # at the correct output the chain rule gives the engine's number
    assert math.isclose(-(y - CORRECT["out"]) * CORRECT["h1"], CORRECT["dW2"])


def test_seed001_datasets_module_holds_the_same_numbers():
    datasets = pytest.importorskip("backprop.datasets")
    if not hasattr(datasets, "worked_example_network"):
        pytest.skip("backprop.datasets.worked_example_network is not there yet")
    net = datasets.worked_example_network()
    for k in ("W1", "b1", "W2", "b2"):
        np.testing.assert_array_equal(net[k], S1[k])
    np.testing.assert_array_equal(np.ravel(net["x"]), S1["x"])
    assert float(np.ravel(net["y"])[0]) == S1["y"] and net["learning_rate"] == LR
    published = datasets.worked_example_published()
    assert published == {name: value for name, (value, _) in PUBLISHED.items()}


# ==== seed 002: the Keras model ==================================================================

def keras_tutorial_data(n, seed):
    """10 standard-normal features; label 1 where x0*x1 + 0.5*x2 > 0 (a product and a line)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 10))
    return X, (X[:, 0] * X[:, 1] + 0.5 * X[:, 2] > 0).astype(np.float64)


@pytest.fixture
def global_seed():
    backprop.set_random_seed(0)       # what keras.utils.set_random_seed(0) does for Keras code
    yield
    backprop.set_random_seed(None)


def test_seed002_keras_code_runs_with_only_its_imports_changed(global_seed):
    # The article's models take no seed: the global seed makes its unseeded code reproducible.
    X_train, y_train = keras_tutorial_data(1000, seed=1)
    X_test, y_test = keras_tutorial_data(1000, seed=2)

    # ---- the article's code; only the imports changed ----
    from backprop import Sequential
    from backprop.layers import Dense
    # Model
    model = Sequential([
        Dense(64, activation='relu', input_shape=(10,)),
        Dense(32, activation='relu'),
        Dense(1, activation='sigmoid')
    ])
    # Compile
    model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
    # Training
    model.fit(X_train, y_train, epochs=50, batch_size=32)
    # ---- end of the article's code ----

    loss, accuracy = model.evaluate(X_test, y_test)
    assert accuracy > 0.9                               # chance is 0.5; measured 0.936
    assert np.mean((model.predict(X_test)[:, 0] > 0.5) == y_test) == pytest.approx(accuracy)
    # a linear model (one sigmoid unit) cannot see the product: it stays far below
    linear = Sequential([Dense(1, activation='sigmoid', input_shape=(10,))])
    linear.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
    linear.fit(X_train, y_train, epochs=50, batch_size=32, verbose=0)
    assert linear.evaluate(X_test, y_test)[1] < 0.8 < accuracy


# ==== the 8x8 digits ===========================================================================

def test_digits_mlp_reaches_95_percent():
    datasets = pytest.importorskip("backprop.datasets")
    if not hasattr(datasets, "load_digits"):
        pytest.skip("backprop.datasets.load_digits is not there yet")
    (X_train, y_train), (X_test, y_test) = datasets.load_digits(test_fraction=0.25, seed=0)
    assert X_train.shape[1] == 64 and 0.0 <= X_train.min() and X_train.max() <= 1.0
    model = backprop.Sequential([Dense(64, activation="relu", input_shape=(64,)),
                                 Dense(10, activation="softmax")], seed=0)
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(X_train, y_train, epochs=30, batch_size=32, verbose=0)
    loss, accuracy = model.evaluate(X_test, y_test)
    assert accuracy >= 0.95
    assert np.mean(model.predict(X_test).argmax(axis=1) == y_test) == pytest.approx(accuracy)
