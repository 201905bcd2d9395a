"""Tests for backprop.datasets: shapes, seeds, clean geometry, the seed examples,
the shipped digits and bad input. Expected values are computed here, from the
documented geometry, not copied from the module."""
import importlib.resources
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop import datasets
from backprop.datasets import (NAMES_2D, REGRESSION_KINDS, load_digits, make_2d, one_hot,
                               regression, xor_tutorial, worked_example_network, worked_example_published,
                               keras_tutorial_data, train_test_split)

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True)
ROOT = Path(__file__).resolve().parents[1]


def nearest_neighbour_accuracy(X, y):
    """Leave-one-out accuracy of 1-nearest-neighbour: high when the classes are separated."""
    dist = ((X[:, None, :] - X[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(dist, np.inf)
    return float(np.mean(y[dist.argmin(1)] == y))


# ---------------------------------------------------------------- 2-D sets

def test_names_2d_lists_the_five_sets():
    assert set(NAMES_2D) == {"xor", "circles", "gaussians", "spiral", "moons"}
    assert len(NAMES_2D) == 5


@pytest.mark.parametrize("name", NAMES_2D)
@SETTINGS
@given(n=st.integers(2, 300), noise=st.floats(0, 1), seed=st.integers(0, 2**32 - 1))
def test_2d_shapes_dtypes_and_balanced_labels(name, n, noise, seed):
    X, y = make_2d(name, n=n, noise=noise, seed=seed)
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    assert set(np.unique(y)) == {0, 1}
    assert abs(int(np.sum(y == 0)) - int(np.sum(y == 1))) <= 1
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize("name", NAMES_2D)
def test_2d_same_seed_same_numbers_and_other_seed_other_numbers(name):
    X1, y1 = make_2d(name, n=50, seed=7)
    X2, y2 = make_2d(name, n=50, seed=7)
    X3, _ = make_2d(name, n=50, seed=8)
    X4, y4 = make_2d(name, n=50, seed=np.random.default_rng(7))
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert np.array_equal(X1, X4) and np.array_equal(y1, y4)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name", NAMES_2D)
def test_make_2d_dispatches_to_the_named_function(name):
    X1, y1 = make_2d(name, n=30, noise=0.2, seed=3)
    X2, y2 = getattr(datasets, name)(n=30, noise=0.2, seed=3)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)


@pytest.mark.parametrize("name", NAMES_2D)
def test_2d_sets_fit_one_plot_range(name):
    clean, _ = make_2d(name, n=1000, noise=0.0, seed=0)
    noisy, _ = make_2d(name, n=1000, noise=0.1, seed=0)
    assert np.abs(clean).max() <= 1.5
    assert np.mean(np.abs(noisy) <= 1.5) > 0.99


@pytest.mark.parametrize("name", NAMES_2D)
def test_noise_is_the_std_of_jitter_on_the_same_points(name):
    clean, y0 = make_2d(name, n=4000, noise=0.0, seed=1)
    noisy, y1 = make_2d(name, n=4000, noise=0.3, seed=1)
    assert np.array_equal(y0, y1)
    assert abs((noisy - clean).std() - 0.3) < 0.01


@pytest.mark.parametrize("name", NAMES_2D)
def test_without_noise_the_classes_are_separated(name):
    X, y = make_2d(name, n=400, noise=0.0, seed=2)
    assert nearest_neighbour_accuracy(X, y) > 0.95


def test_xor_without_noise_label_is_opposite_signs():
    X, y = make_2d("xor", n=500, noise=0.0, seed=4)
    assert np.all(X != 0)
    assert np.array_equal(y, (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(np.int64))


def test_circles_without_noise_radius_separates_the_classes():
    X, y = make_2d("circles", n=500, noise=0.0, seed=5)
    radius = np.hypot(X[:, 0], X[:, 1])
    assert radius[y == 1].max() < radius[y == 0].min()
    assert np.ptp(radius[y == 0]) < 1e-12 and np.ptp(radius[y == 1]) < 1e-12


def test_gaussians_blobs_sit_on_either_side_of_the_diagonal():
    X, y = make_2d("gaussians", n=500, noise=0.0, seed=6)
    assert np.all(X[y == 1].mean(0) > 0.3) and np.all(X[y == 0].mean(0) < -0.3)
    assert np.mean((X.sum(1) > 0) == (y == 1)) > 0.99


@pytest.mark.parametrize("kwargs, error, match", [
    ({"n": 1}, ValueError, "n must be"),
    ({"n": 2.5}, TypeError, "n must be"),
    ({"n": True}, TypeError, "n must be"),
    ({"noise": -0.1}, ValueError, "noise must be"),
    ({"noise": "a lot"}, TypeError, "noise must be"),
    ({"noise": float("nan")}, ValueError, "noise must be"),
    ({"seed": "seven"}, TypeError, "seed must be"),
    ({"seed": -1}, ValueError, "seed must be"),
])
@pytest.mark.parametrize("name", NAMES_2D)
def test_2d_bad_input_names_the_argument(name, kwargs, error, match):
    with pytest.raises(error, match=match):
        make_2d(name, **kwargs)


def test_make_2d_unknown_name_lists_the_names():
    with pytest.raises(ValueError, match="name") as info:
        make_2d("swirl")
    assert all(name in str(info.value) for name in NAMES_2D)
    with pytest.raises(TypeError, match="name"):
        make_2d(3)


# ---------------------------------------------------------------- regression

def test_regression_kinds():
    assert set(REGRESSION_KINDS) == {"linear", "sine", "cubic"}


@pytest.mark.parametrize("kind", REGRESSION_KINDS)
@SETTINGS
@given(n=st.integers(1, 200), noise=st.floats(0, 1), seed=st.integers(0, 2**32 - 1))
def test_regression_shapes_and_x_range(kind, n, noise, seed):
    X, y = regression(kind, n=n, noise=noise, seed=seed)
    assert X.shape == (n, 1) and y.shape == (n, 1)
    assert X.dtype == np.float64 and y.dtype == np.float64
    assert np.all((X >= -1) & (X <= 1))
    assert np.all(np.diff(X[:, 0]) >= 0)


@pytest.mark.parametrize("kind", REGRESSION_KINDS)
def test_regression_same_seed_same_numbers(kind):
    a = regression(kind, n=20, seed=1)
    b = regression(kind, n=20, seed=1)
    c = regression(kind, n=20, seed=2)
    assert all(np.array_equal(u, v) for u, v in zip(a, b))
    assert not np.array_equal(a[0], c[0])


def polyfit_residual(X, y, degree):
    coeffs = np.polyfit(X[:, 0], y[:, 0], degree)
    return np.abs(np.polyval(coeffs, X[:, 0]) - y[:, 0]).max()


def test_regression_without_noise_follows_the_documented_curves():
    X, y = regression("linear", n=50, noise=0.0, seed=0)
    assert polyfit_residual(X, y, 1) < 1e-10
    X, y = regression("cubic", n=50, noise=0.0, seed=0)
    assert polyfit_residual(X, y, 3) < 1e-10 and polyfit_residual(X, y, 1) > 0.1
    X, y = regression("sine", n=50, noise=0.0, seed=0)
    np.testing.assert_allclose(y[:, 0], np.sin(np.pi * X[:, 0]))


def test_regression_noise_is_the_std_of_y_jitter():
    X0, y0 = regression("sine", n=5000, noise=0.0, seed=3)
    X1, y1 = regression("sine", n=5000, noise=0.2, seed=3)
    assert np.array_equal(X0, X1)
    assert abs((y1 - y0).std() - 0.2) < 0.01


def test_regression_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="kind"):
        regression("quartic")
    with pytest.raises(ValueError, match="n must be"):
        regression(n=0)
    with pytest.raises(ValueError, match="noise must be"):
        regression(noise=-1)


# ---------------------------------------------------------------- train_test_split

@SETTINGS
@given(n=st.integers(2, 200), fraction=st.floats(0.01, 0.99), seed=st.integers(0, 2**32 - 1))
def test_split_is_a_shuffled_partition_that_keeps_pairs(n, fraction, seed):
    X = np.column_stack([np.arange(n), -np.arange(n)]).astype(np.float64)
    y = np.arange(n) * 10
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=fraction, seed=seed)
    assert len(X_test) >= 1 and len(X_train) >= 1 and len(X_train) + len(X_test) == n
    assert abs(len(X_test) - fraction * n) <= 1
    assert np.array_equal(np.sort(np.concatenate([X_train[:, 0], X_test[:, 0]])), np.arange(n))
    assert np.array_equal(y_train, X_train[:, 0] * 10) and np.array_equal(y_test, X_test[:, 0] * 10)
    assert y_train.dtype == y.dtype


def test_split_shuffles_with_its_seed():
    X = np.arange(100.0)[:, None]
    a = train_test_split(X, X, seed=1)
    b = train_test_split(X, X, seed=1)
    c = train_test_split(X, X, seed=2)
    assert all(np.array_equal(u, v) for u, v in zip(a, b))
    assert not np.array_equal(a[1], c[1])
    assert not np.array_equal(np.sort(a[1], axis=0), np.arange(25.0)[:, None])  # not the first rows


@pytest.mark.parametrize("X, y, kwargs, error, match", [
    (np.zeros((5, 2)), np.zeros(4), {}, ValueError, "X and y"),
    (np.zeros((5, 2)), np.zeros(5), {"test_fraction": 0}, ValueError, "test_fraction"),
    (np.zeros((5, 2)), np.zeros(5), {"test_fraction": 1.0}, ValueError, "test_fraction"),
    (np.zeros((5, 2)), np.zeros(5), {"test_fraction": "half"}, TypeError, "test_fraction"),
    (np.zeros((1, 2)), np.zeros(1), {}, ValueError, "X must have at least 2"),
    ("abc", np.zeros(3), {}, TypeError, "X must be"),
    (np.zeros((3, 2)), np.array([0, np.nan, 1]), {}, ValueError, "y must"),
])
def test_split_bad_input_names_the_argument(X, y, kwargs, error, match):
    with pytest.raises(error, match=match):
        train_test_split(X, y, **kwargs)


# ---------------------------------------------------------------- one_hot

@SETTINGS
@given(labels=st.lists(st.integers(0, 6), min_size=1, max_size=40), extra=st.integers(0, 3))
def test_one_hot_rows_pick_the_label_column(labels, extra):
    y = np.array(labels)
    C = max(labels) + 1 + extra
    out = one_hot(y, num_classes=C)
    assert out.shape == (len(labels), C) and out.dtype == np.float64
    for row, label in zip(out, labels):
        assert row[label] == 1 and row.sum() == 1
    assert one_hot(y).shape == (len(labels), max(labels) + 1)


def test_one_hot_accepts_a_column_and_whole_floats():
    expected = np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0]], dtype=np.float64)
    assert np.array_equal(one_hot(np.array([[1], [2], [0]])), expected)
    assert np.array_equal(one_hot([1.0, 2.0, 0.0]), expected)


@pytest.mark.parametrize("y, num_classes, error, match", [
    ([0, -1, 2], None, ValueError, ">= 0"),
    ([0, 1.5], None, ValueError, "integer"),
    ([0, 3], 3, ValueError, "num_classes"),
    ([0, 1], 0, ValueError, "num_classes"),
    ([0, 1], 2.0, TypeError, "num_classes"),
    (np.zeros((3, 2)), None, ValueError, "y must be a vector"),
    ("012", None, TypeError, "y must be"),
    ([], None, ValueError, "y must hold at least one"),
])
def test_one_hot_bad_input_names_the_argument(y, num_classes, error, match):
    with pytest.raises(error, match=match):
        one_hot(y, num_classes=num_classes)


# ---------------------------------------------------------------- seed examples

def test_xor_tutorial_has_a_constant_bias_input():
    X, y = xor_tutorial()
    assert X.shape == (4, 3) and y.shape == (4, 1)
    assert X.dtype == np.float64
    assert np.all(X[:, 2] == 1)
    assert np.array_equal(y[:, 0], np.logical_xor(X[:, 0], X[:, 1]).astype(float))
    assert {tuple(row) for row in X[:, :2]} == {(0, 0), (0, 1), (1, 0), (1, 1)}


def test_worked_example_network_is_the_documented_reading():
    net = worked_example_network()
    assert np.array_equal(net["x"], [[1.0, 2.0, 3.0]]) and net["x"].shape == (1, 3)
    assert np.array_equal(net["y"], [[4.0]]) and net["y"].shape == (1, 1)
    assert net["W1"].shape == (3, 2) and net["b1"].shape == (2,)
    assert net["W2"].shape == (2, 1) and net["b2"].shape == (1,)
    # neuron 1: its listed line (0.5, 0.1, bias 0.2); neuron 2: its own line (0.5, 0.2, no bias)
    assert np.array_equal(net["W1"][:, 0], [0.5, 0.1, 0.0]) and net["b1"][0] == 0.2
    assert np.array_equal(net["W1"][:, 1], [0.5, 0.2, 0.0]) and net["b1"][1] == 0.0
    assert np.all(net["W2"] == 0.3) and net["b2"][0] == 0.1
    assert net["learning_rate"] == 0.1 and net["activation"] == "linear"
    # The article's forward terms, summed here by hand, match the network's sums.
    hidden = net["x"] @ net["W1"] + net["b1"]
    np.testing.assert_allclose(hidden, [[1 * 0.5 + 2 * 0.1 + 0.2, 1 * 0.5 + 2 * 0.2]])


def test_worked_example_network_returns_fresh_copies():
    first = worked_example_network()
    first["W1"][0, 0] = 99.0
    first["x"][:] = 0
    second = worked_example_network()
    assert second["W1"][0, 0] == 0.5 and np.array_equal(second["x"], [[1.0, 2.0, 3.0]])


def test_worked_example_published_holds_the_articles_numbers():
    printed = {"h1": 1.3, "h2": 1.3, "out": 0.9, "error": 6.31, "dW2": -2.87, "db2": -2.5,
               "dW1_1": -0.87, "dW1_2": -1.75, "db1": -0.87, "W1_1_new": 0.57,
               "W1_2_new": 0.275, "b1_new": 0.27, "W2_new": 0.387, "b2_new": 0.35}
    assert worked_example_published() == printed


def test_keras_tutorial_data_is_a_balanced_noisy_nonlinear_task():
    X, y = keras_tutorial_data()
    assert X.shape == (1000, 10) and y.shape == (1000, 1)
    assert X.dtype == np.float64 and y.dtype == np.float64
    assert set(np.unique(y)) == {0.0, 1.0}
    assert 0.4 < y.mean() < 0.6
    rule = (X[:, 0] * X[:, 1] + np.sin(X[:, 2]) + 0.5 * X[:, 3] > 0).astype(float)
    agreement = np.mean(rule == y[:, 0])
    assert 0.85 < agreement < 1.0  # the documented rule, with some labels flipped by noise
    # A linear model cannot fit it; the features of the rule can.
    def linear_accuracy(features):
        A = np.column_stack([features, np.ones(len(features))])
        w, *_ = np.linalg.lstsq(A, 2 * y[:, 0] - 1, rcond=None)
        return np.mean((A @ w > 0) == (y[:, 0] == 1))
    nonlinear = np.column_stack([X[:, 0] * X[:, 1], np.sin(X[:, 2]), X[:, 3]])
    assert linear_accuracy(X) + 0.1 < linear_accuracy(nonlinear)


def test_keras_tutorial_data_seeded():
    a, b = keras_tutorial_data(), keras_tutorial_data(seed=0)
    c = keras_tutorial_data(seed=1)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])
    assert keras_tutorial_data(n=7)[0].shape == (7, 10)
    with pytest.raises(ValueError, match="n must be"):
        keras_tutorial_data(n=0)


# ---------------------------------------------------------------- digits

def test_digits_load_whole():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert set(np.unique(y)) == set(range(10))
    assert np.bincount(y).min() > 150
    assert X.min() == 0.0 and X.max() == 1.0


def test_digits_unscaled_are_pixel_counts():
    raw, y_raw = load_digits(scale=False)
    scaled, y = load_digits()
    assert np.array_equal(raw, np.round(raw)) and raw.min() == 0 and raw.max() == 16
    np.testing.assert_array_equal(scaled * 16, raw)
    assert np.array_equal(y, y_raw)


def test_digits_stratified_split():
    fraction = 0.2
    (X_train, y_train), (X_test, y_test) = load_digits(test_fraction=fraction, seed=3)
    X, y = load_digits()
    assert len(X_train) + len(X_test) == 1797
    assert X_train.shape[1] == X_test.shape[1] == 64
    counts = np.bincount(y, minlength=10)
    assert np.all(np.abs(np.bincount(y_test, minlength=10) - fraction * counts) <= 1)
    # Together the two parts are the whole set: compare sorted (label, pixels) rows.
    def rows(Xs, ys):
        table = np.column_stack([ys, Xs])
        return table[np.lexsort(table.T[::-1])]
    whole = rows(X, y)
    parts = rows(np.concatenate([X_train, X_test]), np.concatenate([y_train, y_test]))
    assert np.array_equal(whole, parts)


def test_digits_split_follows_its_seed_and_returns_copies():
    a = load_digits(test_fraction=0.25, seed=1)
    b = load_digits(test_fraction=0.25, seed=1)
    c = load_digits(test_fraction=0.25, seed=2)
    assert np.array_equal(a[1][0], b[1][0]) and np.array_equal(a[1][1], b[1][1])
    assert not np.array_equal(a[1][1], c[1][1])
    X, _ = load_digits()
    X[:] = -1
    assert load_digits()[0].min() == 0.0


def test_digits_load_offline_without_scikit_learn():
    code = ("import sys; sys.modules['sklearn'] = None\n"
            "from backprop.datasets import load_digits\n"
            "X, y = load_digits()\n"
            "assert X.shape == (1797, 64)\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_digits_licence_ships_beside_the_data():
    data = importlib.resources.files("backprop") / "data"
    assert (data / "digits.csv.gz").is_file()
    text = (data / "DIGITS_LICENSE.txt").read_text(encoding="utf-8")
    for credit in ("Alpaydin", "Kaynak", "CC BY 4.0", "10.24432/C50P49", "scikit-learn", "BSD"):
        assert credit in text


@pytest.mark.parametrize("kwargs, error, match", [
    ({"test_fraction": 1.5}, ValueError, "test_fraction"),
    ({"test_fraction": 0.0}, ValueError, "test_fraction"),
    ({"test_fraction": "a fifth"}, TypeError, "test_fraction"),
    ({"scale": "yes"}, TypeError, "scale"),
    ({"seed": 1.5}, TypeError, "seed"),
])
def test_digits_bad_input_names_the_argument(kwargs, error, match):
    with pytest.raises(error, match=match):
        load_digits(**kwargs)
