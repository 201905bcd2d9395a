"""Tests for backprop.surfaces: gradients against finite differences, the minima,
descend with the engine's optimizers (convergence, the 2/a divergence threshold),
the regime names, and bad input. Expected numbers are computed here: closed forms,
numerical derivatives, and optimizer recursions written out in the test."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from backprop import surfaces
from backprop.gradcheck import numerical_gradient
from backprop.optimizers import SGD, Adam, RMSprop

NAMES = surfaces.NAMES
unit = st.floats(0.0, 1.0)


def point_in(surface, fractions):
    """The point at the given fractions (0..1) of the surface's extent, shape (D,)."""
    lows, highs = np.array(surface.extent[0::2]), np.array(surface.extent[1::2])
    return lows + np.array(fractions[:surface.dim]) * (highs - lows)


def curvature_1d(f, w=0.0, h=1.0):
    """Second derivative by central differences: exact for a quadratic, whatever h."""
    return (f(w + h) - 2.0 * f(w) + f(w - h)) / h ** 2


def axis_curvatures(surface):
    """Second derivatives along each axis at the minimum of a quadratic surface."""
    c = surface.global_minimum
    out = []
    for i in range(surface.dim):
        e = np.zeros(surface.dim)
        e[i] = 1.0
        out.append(curvature_1d(lambda t: surface(c + t * e)))
    return np.array(out)


# ---------------------------------------------------------------- losses and gradients

@pytest.mark.parametrize("name", NAMES)
@given(u=unit, v=unit)
def test_gradient_matches_finite_differences(name, u, v):
    surface = surfaces.get(name)
    w = point_in(surface, (u, v))
    numeric = numerical_gradient(lambda: surface(w), w)
    analytic = surface.gradient(w)
    assert analytic.shape == (surface.dim,)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_grids_give_the_pointwise_values(name):
    surface = surfaces.get(name)
    rng = np.random.default_rng(3)
    grid = point_in(surface, (0.0, 0.0)) + rng.uniform(0, 1, (4, 5, surface.dim)) * (
        np.array(surface.extent[1::2]) - np.array(surface.extent[0::2]))
    values, grads = surface(grid), surface.gradient(grid)
    assert values.shape == (4, 5) and grads.shape == (4, 5, surface.dim)
    for idx in np.ndindex(4, 5):
        assert values[idx] == pytest.approx(surface(grid[idx]), rel=1e-12, abs=1e-12)
        np.testing.assert_allclose(grads[idx], surface.gradient(grid[idx]), rtol=1e-12, atol=1e-12)


def test_formulas():
    x, y = 0.7, -1.3
    assert surfaces.get("rosenbrock")([x, y]) == pytest.approx((1 - x) ** 2 + 100 * (y - x * x) ** 2)
    assert surfaces.get("saddle")([x, y]) == pytest.approx(0.5 * (x * x - y * y) + y ** 4 / 16)
    assert surfaces.get("nonconvex")(x) == pytest.approx(x ** 4 - 3 * x ** 2 + x)
    assert surfaces.get("quadratic")([x]) == pytest.approx(0.5 * 2.0 * x * x)
    assert surfaces.get("local_minima")([x, y]) == pytest.approx(
        (x ** 4 - 3 * x ** 2 + x) + (y ** 4 - 3 * y ** 2 - 0.5 * y))
    assert surfaces.get("quadratic2d")([x, y]) == pytest.approx(0.5 * (0.5 * x * x + 2.0 * y * y))


def test_ravine_is_a_narrow_valley():
    ravine = surfaces.get("ravine")
    # the Hessian by differences of the gradient (exact for a quadratic)
    hessian = np.array([ravine.gradient(e) - ravine.gradient(np.zeros(2)) for e in np.eye(2)])
    eig = np.linalg.eigvalsh(hessian)
    assert eig.max() / eig.min() == pytest.approx(50.0)
    assert abs(hessian[0, 1]) > 1.0                       # turned: not along the axes


# ---------------------------------------------------------------- minima

@pytest.mark.parametrize("name", NAMES)
def test_minima_are_minima_and_the_first_is_global(name):
    surface = surfaces.get(name)
    assert surface.minima.ndim == 2 and surface.minima.shape[1] == surface.dim
    for m in surface.minima:
        assert np.max(np.abs(surface.gradient(m))) < 1e-9
        # every nearby point is higher
        angles = np.linspace(0, 2 * np.pi, 8, endpoint=False)
        directions = (np.stack([np.cos(angles), np.sin(angles)], axis=1) if surface.dim == 2
                      else np.array([[1.0], [-1.0]]))
        for d in directions:
            assert surface(m + 1e-3 * d) > surface(m)
    axes = [np.linspace(lo, hi, 201) for lo, hi in zip(surface.extent[0::2], surface.extent[1::2])]
    grid = np.stack(np.meshgrid(*axes), axis=-1)
    assert surface(grid).min() >= surface.min_loss - 1e-12
    assert surface(surface.global_minimum) == pytest.approx(surface.min_loss)


def test_known_minima():
    np.testing.assert_allclose(surfaces.get("rosenbrock").minima, [[1.0, 1.0]])
    np.testing.assert_allclose(sorted(map(tuple, surfaces.get("saddle").minima)), [(0, -2), (0, 2)])
    assert len(surfaces.get("local_minima").minima) == 4
    losses = surfaces.get("local_minima")(surfaces.get("local_minima").minima)
    assert np.sum(np.isclose(losses, losses.min())) == 1          # one global minimum
    roots = np.roots([4, 0, -6, 1])                               # (w^4 - 3w^2 + w)' = 0
    lows = np.sort([r for r in roots if 12 * r * r - 6 > 0])
    np.testing.assert_allclose(np.sort(surfaces.get("nonconvex").minima[:, 0]), lows, atol=1e-12)


def test_saddle_point_at_the_origin():
    saddle = surfaces.get("saddle")
    np.testing.assert_array_equal(saddle.gradient([0.0, 0.0]), [0.0, 0.0])
    assert saddle([0.1, 0.0]) > saddle([0.0, 0.0]) > saddle([0.0, 0.1])


def test_shared_surfaces_cannot_be_changed_by_accident():
    surface = surfaces.get("ravine")
    with pytest.raises(ValueError):
        surface.start[0] = 5.0
    with pytest.raises(ValueError):
        surface.minima[0, 0] = 5.0


# ---------------------------------------------------------------- descend

def test_sgd_converges_on_the_quadratic_as_the_closed_form_says():
    quadratic = surfaces.get("quadratic")
    a = curvature_1d(lambda w: quadratic(w))
    lr, w0, steps = 0.1, 2.5, 40
    run = surfaces.descend(quadratic, SGD(learning_rate=lr), [w0], steps)
    expected = w0 * (1.0 - lr * a) ** np.arange(steps + 1)       # w_k = (1 - lr a)^k w_0
    assert run.path.shape == (steps + 1, 1)
    np.testing.assert_allclose(run.path[:, 0], expected, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(run.losses, 0.5 * a * expected ** 2, rtol=1e-12, atol=1e-300)
    assert not run.diverged and run.diverged_step is None
    assert run.final_loss < 1e-6


@pytest.mark.parametrize("factor", [1.9, 1.99, 2.01, 2.1, 3.0])
def test_sgd_diverges_exactly_beyond_two_over_a(factor):
    quadratic = surfaces.get("quadratic")
    a = curvature_1d(lambda w: quadratic(w))
    lr, w0, steps, bound = factor / a, 2.5, 2000, 1e6
    run = surfaces.descend(quadratic, SGD(learning_rate=lr), [w0], steps, bound=bound)
    growth = abs(1.0 - lr * a)                                   # |w_k| = growth^k |w_0|
    if lr > 2.0 / a:
        expected_step = int(np.floor(np.log(bound / w0) / np.log(growth))) + 1
        assert run.diverged and run.diverged_step == expected_step
        assert abs(run.path[-1, 0]) > bound >= abs(run.path[-2, 0])   # the escaping point is kept
        assert len(run.path) == expected_step + 1
    else:
        assert not run.diverged and len(run.path) == steps + 1
        assert abs(run.path[-1, 0]) < abs(w0) * growth ** (steps - 1)


def test_non_finite_weights_stop_the_run_and_are_dropped():
    run = surfaces.descend("rosenbrock", SGD(learning_rate=1.0), [-1.2, 1.0], 50, bound=1e300)
    assert run.diverged and run.diverged_step < 50
    assert np.all(np.isfinite(run.path))


def test_momentum_and_nesterov_follow_their_update_rules():
    ravine = surfaces.get("ravine")
    lr, m, steps = 0.01, 0.9, 30
    for nesterov in (False, True):
        w, v = np.array(ravine.start), np.zeros(2)
        expected = [w.copy()]
        for _ in range(steps):
            g = ravine.gradient(w)
            v = m * v - lr * g
            w = w + (m * v - lr * g if nesterov else v)
            expected.append(w)
        run = surfaces.descend(ravine, SGD(lr, momentum=m, nesterov=nesterov), ravine.start, steps)
        np.testing.assert_allclose(run.path, expected, rtol=1e-12, atol=1e-12)


def test_adam_matches_its_update_rule_and_each_run_starts_fresh():
    saddle = surfaces.get("saddle")
    lr, b1, b2, eps, steps = 0.05, 0.9, 0.999, 1e-7, 25
    w, m, v = np.array(saddle.start), np.zeros(2), np.zeros(2)
    expected = [w.copy()]
    for t in range(1, steps + 1):
        g = saddle.gradient(w)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w = w - lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t) * m / (np.sqrt(v) + eps)
        expected.append(w)
    adam = Adam(lr)
    first = surfaces.descend(saddle, adam, steps=steps)
    second = surfaces.descend(saddle, adam, steps=steps)         # same object: reset, same path
    np.testing.assert_allclose(first.path, expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(first.path, second.path)


def test_descend_does_not_touch_the_start():
    start = np.array([1.0, -1.0])
    surfaces.descend("local_minima", RMSprop(0.01), start, 10)
    np.testing.assert_array_equal(start, [1.0, -1.0])


# ---------------------------------------------------------------- regimes

def off_thresholds(lrs, a):
    """The learning rates not within rounding of 1/a or 2/a (there the label is a coin toss)."""
    return [float(lr) for lr in lrs if min(abs(lr * a - 1), abs(lr * a - 2)) > 1e-9]


def expected_regime(lr, a, steps, slow_fraction=0.01):
    """The regime of plain SGD on a quadratic whose steepest curvature is a, from the thresholds."""
    if lr > 2.0 / a:
        return "diverging"
    if lr > 1.0 / a:
        return "oscillating"
    return "too slow" if (1.0 - lr * a) ** (2 * steps) > slow_fraction else "good"


@pytest.mark.parametrize("steps", [5, 20, 60])
def test_regime_follows_the_quadratic_thresholds(steps):
    quadratic = surfaces.get("quadratic")
    a = curvature_1d(lambda w: quadratic(w))
    for lr in off_thresholds(np.geomspace(1e-3, 10, 61), a):
        run = surfaces.descend(quadratic, SGD(learning_rate=lr), [2.5], steps)
        assert surfaces.regime(run) == expected_regime(lr, a, steps), f"lr = {lr}"


def test_regime_in_2d_follows_the_steepest_direction():
    q2 = surfaces.get("quadratic2d")
    a_small, a_big = axis_curvatures(q2)
    assert (a_small, a_big) == pytest.approx((0.5, 2.0))
    steps = 20
    for lr in off_thresholds(np.geomspace(1e-3, 10, 41), a_big):
        run = surfaces.descend(q2, SGD(learning_rate=lr), [-2.5, 2.0], steps)
        if lr > 2 / a_big:
            want = "diverging"
        elif lr > 1 / a_big:
            want = "oscillating"
        else:   # the loss gap shrinks along each axis by (1 - lr a_i)^2 per step
            gap0 = 0.5 * (a_small * 2.5 ** 2 + a_big * 2.0 ** 2)
            gap = 0.5 * (a_small * (2.5 * (1 - lr * a_small) ** steps) ** 2
                         + a_big * (2.0 * (1 - lr * a_big) ** steps) ** 2)
            want = "too slow" if gap > 0.01 * gap0 else "good"
        assert surfaces.regime(run) == want, f"lr = {lr}"


def test_regime_of_a_run_stuck_in_a_local_minimum_is_good():
    run = surfaces.descend("nonconvex", SGD(learning_rate=0.02), [2.0], 100)
    assert surfaces.regime(run) == "good"
    assert run.nearest_minimum()[0] > 0 and surfaces.get("nonconvex")(run.path[-1]) > -3


# ---------------------------------------------------------------- bad input

def test_unknown_surface_names_the_choices():
    with pytest.raises(ValueError, match="surface") as err:
        surfaces.get("bowl")
    for name in NAMES:
        assert name in str(err.value)
    with pytest.raises(TypeError, match="surface"):
        surfaces.get(3)


def test_bad_points():
    ravine = surfaces.get("ravine")
    with pytest.raises(ValueError, match="w must have shape"):
        ravine(np.zeros(3))
    with pytest.raises(ValueError, match="w must have shape"):
        ravine.gradient(1.0)
    with pytest.raises(ValueError, match="w must contain only finite"):
        ravine([np.nan, 0.0])
    with pytest.raises(TypeError, match="w"):
        ravine("origin")
    with pytest.raises(ValueError, match="w must have shape"):
        surfaces.get("quadratic")(np.zeros((3, 2)))


def test_bad_descend_arguments():
    with pytest.raises(TypeError, match="optimizer"):
        surfaces.descend("ravine", "sgd")
    with pytest.raises(ValueError, match="start"):
        surfaces.descend("ravine", SGD(), start=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="start"):
        surfaces.descend("ravine", SGD(), start=[np.inf, 0.0])
    with pytest.raises(ValueError, match="steps"):
        surfaces.descend("ravine", SGD(), steps=-1)
    with pytest.raises(TypeError, match="steps"):
        surfaces.descend("ravine", SGD(), steps=2.5)
    with pytest.raises(ValueError, match="bound"):
        surfaces.descend("ravine", SGD(), bound=0)
    with pytest.raises(ValueError, match="surface"):
        surfaces.descend("nowhere", SGD())


def test_bad_regime_arguments():
    with pytest.raises(TypeError, match="descent"):
        surfaces.regime(np.zeros((3, 2)))
    run = surfaces.descend("quadratic", SGD(0.1), steps=3)
    with pytest.raises(ValueError, match="slow_fraction"):
        surfaces.regime(run, slow_fraction=2.0)
