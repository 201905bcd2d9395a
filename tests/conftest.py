"""Shared test settings and helpers for the engine tests.

Hypothesis runs derandomized (the same examples on every run and machine), with
no deadline (a first call may be slow while numpy warms up). HYPOTHESIS_PROFILE=thorough
tries more examples; HYPOTHESIS_PROFILE=explore draws new ones on every run.
"""
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

from backprop.gradcheck import numerical_gradient

settings.register_profile("backprop", derandomize=True, deadline=None, max_examples=50,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", derandomize=True, deadline=None, max_examples=300,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explore", derandomize=False, deadline=None, max_examples=300,
                          suppress_health_check=[HealthCheck.too_slow])   # new examples on every run
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "backprop"))

# A correct backward pass in float64 agrees with centered differences to this (the bar).
GRAD_TOL = 1e-6


def grad_error(analytic, numeric):
    """The relative error of ``gradcheck.rel_error``, entry by entry, with a floor at 1/1000 of
    the array's largest entry.

    A centred difference has an absolute rounding error of about 1e-16 |f| / h ~ 1e-11 here,
    so an entry a million times smaller than its neighbours (a saturated tanh gives 1e-6)
    cannot be resolved relative to itself; it is judged relative to 1e-3 of the scale.
    """
    a, b = np.asarray(analytic, dtype=np.float64), np.asarray(numeric, dtype=np.float64)
    if a.size == 0:
        return 0.0
    scale = float(np.max(np.abs(a) + np.abs(b)))
    if scale == 0.0:
        return 0.0
    floor = max(1e-8, 1e-3 * scale)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor)))


def _assert_grad_close(analytic, numeric, what="gradient", tol=GRAD_TOL):
    """Assert analytic and numerical gradients agree: shapes equal, relative error below tol."""
    analytic, numeric = np.asarray(analytic), np.asarray(numeric)
    assert analytic.shape == numeric.shape, f"{what}: shape {analytic.shape} != {numeric.shape}"
    err = grad_error(analytic, numeric)
    assert err < tol, f"{what}: relative error {err:.3g} >= {tol:g}\nanalytic\n{analytic}\nnumeric\n{numeric}"


def _layer_grads(layer, x, dout, training, refresh=None):
    """Analytic and numerical gradients of sum(layer.forward(x) * dout) + layer.penalty().

    Returns {"x": (analytic, numeric), name: (analytic, numeric) for each param}.
    ``refresh`` runs before every forward (e.g. to re-seed a dropout mask).
    """
    refresh = refresh or (lambda: None)

    def f():
        refresh()
        return float(np.sum(layer.forward(x, training=training) * dout)) + layer.penalty()

    refresh()
    layer.forward(x, training=training)
    dx = layer.backward(dout)
    analytic = {"x": dx.copy(), **{k: g.copy() for k, g in layer.grads.items()}}
    out = {"x": (analytic["x"], numerical_gradient(f, x))}
    for name, p in layer.params.items():
        out[name] = (analytic[name], numerical_gradient(f, p))
    return out


@pytest.fixture(scope="session")
def assert_grad_close():
    """assert_grad_close(analytic, numeric, what="...", tol=1e-6)."""
    return _assert_grad_close


@pytest.fixture(scope="session")
def check_layer_grads():
    """check_layer_grads(layer, x, dout, training, refresh=None): assert every gradient."""
    def check(layer, x, dout, training, refresh=None, tol=GRAD_TOL):
        for name, (analytic, numeric) in _layer_grads(layer, x, dout, training, refresh).items():
            _assert_grad_close(analytic, numeric, f"d/d{name} of {layer!r}", tol)
    return check


@pytest.fixture
def rng():
    """A fresh, seeded Generator for each test."""
    return np.random.default_rng(1234)


@pytest.fixture(scope="session")
def xor_data():
    """Seed 000's XOR inputs (third column constant 1) and targets, as the article has them."""
    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=np.float64)
    y = np.array([[0], [1], [1], [0]], dtype=np.float64)
    return X, y


@pytest.fixture(scope="session")
def regression_data():
    """A small seeded regression problem: X (40, 3), y (40, 1) = X w + 0.5 + noise."""
    r = np.random.default_rng(7)
    X = r.standard_normal((40, 3))
    y = X @ np.array([[1.0], [-2.0], [0.5]]) + 0.5 + 0.1 * r.standard_normal((40, 1))
    return X, y


@pytest.fixture(scope="session")
def blobs3():
    """Three seeded Gaussian blobs in 4-D: X (60, 4), integer labels y (60,)."""
    r = np.random.default_rng(11)
    centers = np.array([[2.0, 0, 0, 0], [0, 2.0, 0, 0], [0, 0, 2.0, 0]])
    y = np.repeat(np.arange(3), 20)
    X = centers[y] + 0.7 * r.standard_normal((60, 4))
    return X, y


@pytest.fixture
def learner_kernel(monkeypatch, tmp_path):
    """A learner's kernel, whatever the environment of the test run: not under nbgrader,
    outside any workspace, and with no exercise of the course called like the names the
    check tests use (so no outcome is recorded and no help line is offered)."""
    from backprop_lab import exercises
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(exercises, "index", lambda: {})
