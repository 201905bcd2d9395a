"""Data for the lessons and the playground: small, seeded and offline.

Three kinds of data live here:

- toy sets the playground draws: five 2-D binary classification problems
  (``xor``, ``circles``, ``gaussians``, ``spiral``, ``moons``) and 1-D
  regression curves (``regression``);
- the examples of the three source articles (the "seeds"), as data, so that
  lessons and tests share one copy of every number;
- one real, small data set that loads without a network: the 8x8 handwritten
  digits shipped in ``backprop/data`` (``DIGITS_LICENSE.txt`` there credits
  its source).

Every random choice takes ``seed``: an int, None or a ``numpy.random.Generator``.
The same seed gives the same numbers, bit for bit.
"""
import functools
import gzip
import importlib.resources

import numpy as np

from backprop.validation import (check_array, check_choice, check_int, check_number,
                                 check_same_length, check_seed, describe)

# --------------------------------------------------------------------------
# 2-D classification sets for the playground
#
# Each returns X (n, 2) float64 and y (n,) int64 in {0, 1}, half of each class
# (an odd n gives class 0 the extra point), in random order. Without noise the
# points lie within [-1.2, 1.2] on both axes, so every set fits one plot range
# of [-1.5, 1.5] with room for the noise: the standard deviation of Gaussian
# jitter added to both coordinates, in the same units.
# --------------------------------------------------------------------------

NAMES_2D = ("xor", "circles", "gaussians", "spiral", "moons")


def _start_2d(n, noise, seed):
    """Check the shared arguments; return them with a Generator and the labels y (n,)."""
    n = check_int(n, "n", low=2)
    noise = check_number(noise, "noise", low=0)
    rng = check_seed(seed)
    y = rng.permutation(np.arange(n, dtype=np.int64) % 2)
    return n, noise, rng, y


def _jitter(X, noise, rng):
    """X (n, 2) plus Gaussian noise of standard deviation ``noise``.

    The jitter is drawn even when noise is 0, so that with one seed the same
    clean points come back whatever the noise: a noise slider moves them
    smoothly instead of redrawing them.
    """
    return X + noise * rng.standard_normal(X.shape)


def xor(n=200, noise=0.1, seed=None):
    """Four quadrants: label 1 where the two coordinates have opposite signs.

    Returns X (n, 2) float64 and y (n,) int64.
    """
    n, noise, rng, y = _start_2d(n, noise, seed)
    # Magnitudes start at 0.1 so that, without noise, no point sits on an axis
    # where its quadrant (and so its label) would be ambiguous.
    size = rng.uniform(0.1, 1.0, (n, 2))
    sign_x = rng.choice([-1.0, 1.0], n)
    sign_y = np.where(y == 1, -sign_x, sign_x)
    return _jitter(size * np.column_stack([sign_x, sign_y]), noise, rng), y


def circles(n=200, noise=0.1, seed=None):
    """Two rings around the origin: class 0 of radius 1.0, class 1 of radius 0.5 inside it.

    Returns X (n, 2) float64 and y (n,) int64.
    """
    n, noise, rng, y = _start_2d(n, noise, seed)
    radius = np.where(y == 1, 0.5, 1.0)
    angle = rng.uniform(0.0, 2 * np.pi, n)
    X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return _jitter(X, noise, rng), y


def gaussians(n=200, noise=0.1, seed=None):
    """Two round blobs: class 0 around (-0.6, -0.6), class 1 around (0.6, 0.6).

    Each blob has its own spread (standard deviation 0.2), so the classes form
    clouds even without noise; ``noise`` adds jitter on top of it.
    Returns X (n, 2) float64 and y (n,) int64.
    """
    n, noise, rng, y = _start_2d(n, noise, seed)
    centre = np.where(y == 1, 0.6, -0.6)[:, None]
    X = centre + 0.2 * rng.standard_normal((n, 2))
    return _jitter(X, noise, rng), y


def spiral(n=200, noise=0.1, seed=None):
    """Two interleaved spiral arms, each winding 1.75 turns out to radius 1.

    Class 1's arm is class 0's turned by half a turn.
    Returns X (n, 2) float64 and y (n,) int64.
    """
    n, noise, rng, y = _start_2d(n, noise, seed)
    radius = rng.uniform(0.05, 1.0, n)
    angle = 1.75 * 2 * np.pi * radius + np.pi * y
    X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return _jitter(X, noise, rng), y


def moons(n=200, noise=0.1, seed=None):
    """Two interlocking half circles: class 0 arches up, class 1 hangs below it.

    The shape of scikit-learn's ``make_moons``, moved to centre on the origin
    and scaled by 0.8 to fit the common plot range.
    Returns X (n, 2) float64 and y (n,) int64.
    """
    n, noise, rng, y = _start_2d(n, noise, seed)
    t = rng.uniform(0.0, np.pi, n)
    upper = np.column_stack([np.cos(t), np.sin(t)])
    lower = np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)])
    X = np.where(y[:, None] == 1, lower, upper)
    return _jitter(0.8 * (X - [0.5, 0.25]), noise, rng), y


_MAKERS_2D = {"xor": xor, "circles": circles, "gaussians": gaussians,
              "spiral": spiral, "moons": moons}


def make_2d(name, n=200, noise=0.1, seed=None):
    """The 2-D set called ``name`` (one of NAMES_2D): X (n, 2) float64, y (n,) int64."""
    check_choice(name, "name", NAMES_2D)
    return _MAKERS_2D[name](n=n, noise=noise, seed=seed)


# --------------------------------------------------------------------------
# Regression curves
# --------------------------------------------------------------------------

REGRESSION_KINDS = ("linear", "sine", "cubic")

_CURVES = {
    "linear": lambda x: 0.8 * x + 0.2,
    "sine": lambda x: np.sin(np.pi * x),
    "cubic": lambda x: 2 * x**3 - x,
}


def regression(kind="sine", n=100, noise=0.1, seed=None):
    """Noisy samples of a curve on [-1, 1].

    kind: "linear" (y = 0.8 x + 0.2), "sine" (y = sin(pi x)) or
    "cubic" (y = 2 x^3 - x); each stays within [-1, 1].
    noise: standard deviation of Gaussian noise added to y.
    Returns X (n, 1) float64, sorted so the curve can be drawn as a line,
    and y (n, 1) float64.
    """
    check_choice(kind, "kind", REGRESSION_KINDS)
    n = check_int(n, "n", low=1)
    noise = check_number(noise, "noise", low=0)
    rng = check_seed(seed)
    x = np.sort(rng.uniform(-1.0, 1.0, n))
    y = _CURVES[kind](x) + noise * rng.standard_normal(n)
    return x[:, None], y[:, None]


def regression_curve(kind, x):
    """The noise-free curve behind ``regression(kind)``: y of the same shape as x."""
    check_choice(kind, "kind", REGRESSION_KINDS)
    return _CURVES[kind](check_array(x, "x"))


# --------------------------------------------------------------------------
# Splitting and encoding
# --------------------------------------------------------------------------

def _samples(value, name):
    """``value`` as an array of samples (first axis), checked, its dtype kept."""
    check_array(value, name)  # numbers only, no NaN or infinity
    arr = np.asarray(value)
    if arr.ndim == 0:
        raise ValueError(f"{name} must have one row per sample (at least 1 dimension), "
                         f"got {describe(value)}")
    return arr


def train_test_split(X, y, test_fraction=0.25, seed=None):
    """Shuffle the samples and split off a test set.

    X: (N, ...) array; y: (N, ...) array whose row i goes with row i of X.
    test_fraction: share of the samples for the test set, in (0, 1); the test
    set gets round(test_fraction * N) of them, and each set at least one.
    Returns X_train, X_test, y_train, y_test (scikit-learn's order), dtypes kept.
    """
    X = _samples(X, "X")
    y = _samples(y, "y")
    check_same_length(X, y, "X", "y")
    test_fraction = check_number(test_fraction, "test_fraction", low=0, high=1,
                                 low_open=True, high_open=True)
    rng = check_seed(seed)
    if len(X) < 2:
        raise ValueError(f"X must have at least 2 samples to split, got {len(X)}")
    order = rng.permutation(len(X))
    n_test = min(max(round(test_fraction * len(X)), 1), len(X) - 1)
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def _labels(y, name="y"):
    """Class labels as an int64 vector (N,); accepts (N,) or an (N, 1) column."""
    arr = check_array(y, name, ndim=(1, 2))
    if arr.ndim == 2 and arr.shape[1] != 1:
        raise ValueError(f"{name} must be a vector of labels, shape (N,) or (N, 1), "
                         f"got shape {arr.shape}")
    arr = arr.ravel()
    if arr.size == 0:
        raise ValueError(f"{name} must hold at least one label, got none")
    fractional = np.flatnonzero(arr != np.round(arr))
    if fractional.size:
        i = fractional[0]
        raise ValueError(f"{name} must hold integer class labels, got {arr[i]} at index {i}")
    if arr.min() < 0:
        raise ValueError(f"{name} must hold labels >= 0, got {arr.min():g}")
    return arr.astype(np.int64)


def one_hot(y, num_classes=None):
    """One row per label with a 1 in the label's column.

    y: (N,) integer labels in [0, C) (an (N, 1) column is accepted too).
    num_classes: C; None takes max(y) + 1.
    Returns (N, C) float64 with out[i, y[i]] = 1 and zeros elsewhere.
    """
    labels = _labels(y)
    if num_classes is None:
        num_classes = int(labels.max()) + 1
    num_classes = check_int(num_classes, "num_classes", low=1)
    if labels.max() >= num_classes:
        raise ValueError(f"y must hold labels in [0, {num_classes}) for "
                         f"num_classes={num_classes}, got label {labels.max()}")
    out = np.zeros((labels.size, num_classes))
    out[np.arange(labels.size), labels] = 1.0
    return out


# --------------------------------------------------------------------------
# The examples of the articles the course started from (credited in the lessons)
# --------------------------------------------------------------------------

def xor_tutorial():
    """The XOR problem of a widely copied tutorial's code: its four inputs and their targets.

    The third input is always 1: the article's network has no bias, and this
    constant input lets its first layer learn one all the same.
    Returns X (4, 3) float64 and y (4, 1) float64 (y = x0 XOR x1).
    """
    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=np.float64)
    y = np.array([[0], [1], [1], [0]], dtype=np.float64)
    return X, y


def worked_example_network():
    """The 3-2-1 linear network of a published worked example, with one complete reading of its weights.

    The article works one step of backpropagation by hand: inputs [1, 2, 3],
    target 4, half squared error 1/2 (y - out)^2, learning rate 0.1, no
    activation function. It lists only some of the weights; the terms of its
    forward sums give this reading of the rest:

    - hidden neuron 1 uses the listed line: weights 0.5 (input 1) and 0.1
      (input 2), bias 0.2;
    - hidden neuron 2 uses its own line from the forward pass: weights 0.5 and
      0.2, no bias;
    - the third input, which the article never uses, has zero weights;
    - the one listed output weight, 0.3, is used for both hidden neurons,
      with output bias 0.1.

    Shapes follow the engine's Dense layers (kernel = (inputs, units)).
    Returns a dict of fresh arrays (safe to modify):
    "x" (1, 3), "y" (1, 1), "W1" (3, 2), "b1" (2,), "W2" (2, 1), "b2" (1,),
    "learning_rate" 0.1 and "activation" "linear".
    """
    return {
        "x": np.array([[1.0, 2.0, 3.0]]),
        "y": np.array([[4.0]]),
        "W1": np.array([[0.5, 0.5],
                        [0.1, 0.2],
                        [0.0, 0.0]]),
        "b1": np.array([0.2, 0.0]),
        "W2": np.array([[0.3],
                        [0.3]]),
        "b2": np.array([0.1]),
        "learning_rate": 0.1,
        "activation": "linear",
    }


def worked_example_published():
    """The numbers the published worked example printed, by name, as published (several are wrong).

    h1, h2: hidden outputs; out: network output; error: half squared error;
    dW2, db2: output weight and bias gradients; dW1_1, dW1_2, db1: hidden
    neuron 1's gradients; *_new: the updated weights and biases.
    The lessons compare them with the engine's numbers ("find the error").
    """
    return {
        "h1": 1.3, "h2": 1.3, "out": 0.9, "error": 6.31,
        "dW2": -2.87, "db2": -2.5,
        "dW1_1": -0.87, "dW1_2": -1.75, "db1": -0.87,
        "W1_1_new": 0.57, "W1_2_new": 0.275, "b1_new": 0.27,
        "W2_new": 0.387, "b2_new": 0.35,
    }


def keras_tutorial_data(n=1000, seed=0):
    """A binary task for a Keras tutorial's model (Dense 64 relu, 32 relu, 1 sigmoid).

    Ten standard-normal features; the label is 1 where
    x0 * x1 + sin(x2) + 0.5 * x3 + e > 0, with e Gaussian noise of standard
    deviation 0.25 (so labels near the boundary are sometimes flipped) and
    x4..x9 irrelevant. A product, a curve and a line: a linear model falls
    short, a small relu network learns it. The score is symmetric around 0,
    so the classes are balanced.
    Returns X (n, 10) float64 and y (n, 1) float64 in {0, 1}.
    """
    n = check_int(n, "n", low=1)
    rng = check_seed(seed)
    X = rng.standard_normal((n, 10))
    score = X[:, 0] * X[:, 1] + np.sin(X[:, 2]) + 0.5 * X[:, 3] + 0.25 * rng.standard_normal(n)
    return X, (score > 0).astype(np.float64)[:, None]


# --------------------------------------------------------------------------
# Real data: the 8x8 handwritten digits
# --------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _digits_table():
    """The shipped file as a read-only int64 array (1797, 65): 64 pixels, then the label."""
    resource = importlib.resources.files("backprop") / "data" / "digits.csv.gz"
    with resource.open("rb") as raw, gzip.open(raw, "rt") as text:
        table = np.loadtxt(text, delimiter=",", dtype=np.int64)
    table.setflags(write=False)  # cached and shared: callers get copies
    return table


def _stratified_indices(y, test_fraction, rng):
    """Split sample indices so that each class keeps its share in both parts.

    y: (N,) int labels. Each class sends round(test_fraction * its size) of its
    samples, at least one and not all, to the test part.
    Returns (train, test), two index arrays in random order.
    """
    test = []
    for label in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == label))
        n_test = min(max(round(test_fraction * len(members)), 1), len(members) - 1)
        test.append(members[:n_test])
    test = np.concatenate(test)
    train = np.setdiff1d(np.arange(len(y)), test)
    return rng.permutation(train), rng.permutation(test)


def load_digits(test_fraction=None, seed=0, scale=True):
    """The 8x8 handwritten digits: 1797 images of the digits 0..9, offline.

    Each row of X is one image, its 64 pixels row by row
    (``X[i].reshape(8, 8)`` draws it); pixels count 0..16 "on" dots.
    test_fraction: None for the whole set; else the share in (0, 1) held out as
    a test set, stratified so every digit keeps its share in both parts.
    seed: the shuffle of the split (unused without test_fraction).
    scale: divide the pixels by 16 so they lie in [0, 1].

    Returns X (1797, 64) float64 and y (1797,) int64 when test_fraction is
    None; else ((X_train, y_train), (X_test, y_test)) like keras.datasets.
    """
    if test_fraction is not None:
        test_fraction = check_number(test_fraction, "test_fraction", low=0, high=1,
                                     low_open=True, high_open=True)
    rng = check_seed(seed)
    if not isinstance(scale, (bool, np.bool_)):
        raise TypeError(f"scale must be True or False, got {describe(scale)}")
    table = _digits_table()
    X = table[:, :64].astype(np.float64)
    if scale:
        X /= 16.0
    y = table[:, 64].copy()
    if test_fraction is None:
        return X, y
    train, test = _stratified_indices(y, test_fraction, rng)
    return (X[train], y[train]), (X[test], y[test])


# --------------------------------------------------------------------------
# Sequences that need memory, (n, T, D) as Keras's recurrent layers take them.
# The answer depends on the first steps, so the gradient that teaches it must
# travel back over the whole sequence: the longer T, the harder to learn.
# --------------------------------------------------------------------------

def adding_problem(n=1000, length=20, seed=None):
    """The adding problem (Hochreiter and Schmidhuber, 1997): add the two marked numbers.

    Each step has two features: a number in [0, 1) and a marker, 1 at exactly two steps
    (one in the first half of the sequence, one in the second), 0 elsewhere. The target is
    the sum of the two marked numbers. Predicting 1 always gives a mean squared error of
    about 1/6; a model that remembers does much better.

    Returns X (n, length, 2) float64 and y (n, 1) float64.
    """
    n = check_int(n, "n", low=1)
    length = check_int(length, "length", low=2)
    rng = check_seed(seed)
    X = np.zeros((n, length, 2))
    X[:, :, 0] = rng.random((n, length))
    half = length // 2
    first = rng.integers(0, half, n)
    second = rng.integers(half, length, n)
    rows = np.arange(n)
    X[rows, first, 1] = 1.0
    X[rows, second, 1] = 1.0
    y = (X[rows, first, 0] + X[rows, second, 0]).reshape(n, 1)
    return X, y


def first_symbol(n=1000, length=10, num_symbols=4, seed=None):
    """Recall the first symbol: a delayed-recall task whose delay is the sequence's length.

    Each step is one of ``num_symbols`` symbols, one-hot; the label is the symbol at step 0,
    and the steps after it are noise the model must carry its memory through. Chance is
    1/num_symbols; the delay between the clue and the answer grows with ``length``.

    Returns X (n, length, num_symbols) float64 and y (n,) int64 labels.
    """
    n = check_int(n, "n", low=1)
    length = check_int(length, "length", low=1)
    num_symbols = check_int(num_symbols, "num_symbols", low=2)
    rng = check_seed(seed)
    symbols = rng.integers(0, num_symbols, (n, length))
    X = np.eye(num_symbols)[symbols]
    return X, symbols[:, 0].astype(np.int64)
