"""LearningRateExplorer without a browser: move each control, check the iterates,
the loss panel and the regime named in the readout against numbers computed here
(closed forms of gradient descent on a quadratic, the thresholds 1/a and 2/a with a
measured by finite differences)."""
import html
import re

import numpy as np
import pytest

from backprop import surfaces
from backprop.optimizers import SGD
from widgets import learning_rate as lr_module
from widgets.learning_rate import LearningRateExplorer


def curvature(f, h=1.0):
    """f'' at 0 by central differences: exact for a quadratic."""
    return (f(h) - 2.0 * f(0.0) + f(-h)) / h ** 2


A = curvature(lambda w: surfaces.get("quadratic")(w))      # 0.5 a w^2: a = 2
Q2 = surfaces.get("quadratic2d")
A1 = curvature(lambda t: Q2([t, 0.0]))
A2 = curvature(lambda t: Q2([0.0, t]))


def said(widget):
    """The text of an HTML widget, as a screen reader says it (tags removed)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", widget.value)).split())


def regime_shown(app):
    """The regime the readout names (and app.regime says the same)."""
    match = re.match(r"regime: (too slow|good|oscillating|diverging) ", said(app.readout))
    assert match and match.group(1) == app.regime, said(app.readout)
    return app.regime


def expected_regime(lr, a, steps):
    if lr > 2.0 / a:
        return "diverging"
    if lr > 1.0 / a:
        return "oscillating"
    return "too slow" if (1.0 - lr * a) ** (2 * steps) > 0.01 else "good"


@pytest.fixture
def app():
    return LearningRateExplorer()


def test_builds_and_draws_gradient_descent(app):
    for name in ("loss", "dims", "learning_rate", "steps", "start", "start_y", "reset"):
        assert name in app.controls
    assert type(app.controls["learning_rate"]).__name__ == "FloatLogSlider"
    assert "application/vnd.jupyter.widget-view+json" in app._repr_mimebundle_()
    lr, steps, w0 = 0.1, 20, 2.5
    w = w0 * (1.0 - lr * A) ** np.arange(steps + 1)            # w_k = (1 - lr a)^k w_0
    x, y = app.iterates_1d.get_data()
    np.testing.assert_allclose(x, w, rtol=1e-12)
    np.testing.assert_allclose(y, 0.5 * A * w ** 2, rtol=1e-12)
    steps_drawn, gap = app.loss_line.get_data()
    np.testing.assert_array_equal(steps_drawn, np.arange(steps + 1))
    np.testing.assert_allclose(gap, 0.5 * A * w ** 2, rtol=1e-12)
    assert regime_shown(app) == expected_regime(lr, A, steps) == "good"
    assert app.ax_curve.get_visible() and not app.ax_map.get_visible()
    assert app.status.value == ""


def test_caption_states_the_thresholds(app):
    caption = said(app.caption)
    assert f"1/a = {1 / A:g}" in caption and f"2/a = {2 / A:g}" in caption
    assert "oscillating" in caption and "diverging" in caption and "too slow" in caption


@pytest.mark.parametrize("steps", [5, 20])
def test_regime_label_matches_the_thresholds(app, steps):
    app.controls["steps"].value = steps
    for lr in np.geomspace(0.001, 10, 37):
        if min(abs(lr * A - 1), abs(lr * A - 2)) < 1e-9:
            continue                                        # exactly on a border
        app.controls["learning_rate"].value = float(lr)
        assert regime_shown(app) == expected_regime(lr, A, steps), f"lr = {lr}"
    for lr, want in [(0.002, "too slow"), (0.3, "good"), (0.7, "oscillating"), (1.2, "diverging")]:
        app.controls["learning_rate"].value = lr
        assert regime_shown(app) == want


def test_oscillation_zig_zags_and_divergence_grows(app):
    app.controls["learning_rate"].value = 0.75                 # between 1/a and 2/a
    x, _ = app.iterates_1d.get_data()
    assert np.all(np.sign(x[1:]) != np.sign(x[:-1]))           # w changes side every step
    assert np.all(np.abs(x[1:]) < np.abs(x[:-1]))
    app.controls["learning_rate"].value = 1.5                  # beyond 2/a
    x, _ = app.iterates_1d.get_data()
    assert np.all(np.abs(x[1:]) > np.abs(x[:-1]))
    assert regime_shown(app) == "diverging"


def test_steps_and_start(app):
    app.controls["steps"].value = 7
    app.controls["start"].value = -1.5
    x, _ = app.iterates_1d.get_data()
    np.testing.assert_allclose(x, -1.5 * (1 - 0.1 * A) ** np.arange(8), rtol=1e-12)
    assert app.ax_loss.get_xlim() == (-0.5, 7.5)


def test_nonconvex_loss(app):
    app.controls["loss"].value = "nonconvex"
    w, L = app.curve.get_data()
    np.testing.assert_allclose(L, w ** 4 - 3 * w ** 2 + w)
    assert app.controls["start"].value == 2.0
    # plain gradient descent written out here: w <- w - lr (4 w^3 - 6 w + 1)
    lr, w = 0.1, [2.0]
    for _ in range(20):
        w.append(w[-1] - lr * (4 * w[-1] ** 3 - 6 * w[-1] + 1))
    x, y = app.iterates_1d.get_data()
    np.testing.assert_allclose(x, w, rtol=1e-10)
    assert len(app.global_1d.get_xydata()) == 1 and len(app.local_1d.get_xydata()) == 1
    assert "local minimum" in said(app.caption)


def test_two_dimensions(app):
    c = app.controls
    c["dims"].value = 2
    assert app.ax_map.get_visible() and not app.ax_curve.get_visible()
    assert c["loss"].disabled and not c["start_y"].disabled
    x0, y0 = c["start"].value, c["start_y"].value
    assert (x0, y0) == tuple(Q2.start)
    for lr in (0.01, 0.1, 0.4, 0.7, 1.1):
        c["learning_rate"].value = lr
        k = np.arange(21)
        x, y = app.iterates_2d.get_data()
        n = len(x)
        np.testing.assert_allclose(x, x0 * (1 - lr * A1) ** k[:n], rtol=1e-12)   # each axis on its own
        np.testing.assert_allclose(y, y0 * (1 - lr * A2) ** k[:n], rtol=1e-12)
        want = expected_regime(lr, A2, 20)
        if want in ("good", "too slow"):      # monotone: the gap shrinks by (1 - lr a_i)^2 along each axis
            gap0 = 0.5 * (A1 * x0 ** 2 + A2 * y0 ** 2)
            gap = 0.5 * (A1 * x[-1] ** 2 + A2 * y[-1] ** 2)
            want = "too slow" if gap > 0.01 * gap0 else "good"
        assert regime_shown(app) == want
    c["learning_rate"].value = 0.7
    assert regime_shown(app) == "oscillating"
    assert f"2/a = {2 / A2:g}" in said(app.caption)
    c["start_y"].value = -1.0
    _, y = app.iterates_2d.get_data()
    assert y[0] == -1.0


def test_descent_uses_the_engine(app):
    run = surfaces.descend("quadratic", SGD(learning_rate=0.1), [2.5], 20)
    np.testing.assert_array_equal(app.run.path, run.path)
    assert app.regime == surfaces.regime(run)


def test_reset(app):
    before = {k: w.value for k, w in app.controls.items() if k != "reset"}
    x_before = app.iterates_1d.get_data()[0].copy()
    app.controls["loss"].value = "nonconvex"
    app.controls["dims"].value = 2
    app.controls["learning_rate"].value = 2.0
    app.controls["steps"].value = 3
    app.controls["reset"].click()
    assert {k: w.value for k, w in app.controls.items() if k != "reset"} == before
    np.testing.assert_array_equal(app.iterates_1d.get_data()[0], x_before)
    assert app.ax_curve.get_visible() and regime_shown(app) == "good"


def test_opens_in_the_chosen_state():
    app = LearningRateExplorer(loss="nonconvex", learning_rate=0.01, steps=50, start=-2.0)
    c = app.controls
    assert (c["loss"].value, c["steps"].value, c["start"].value) == ("nonconvex", 50, -2.0)
    assert app.run.path[0, 0] == -2.0 and len(app.run.path) == 51
    app2 = LearningRateExplorer(dims=2, start=1.0, start_y=-2.0)
    assert app2.run.path[0].tolist() == [1.0, -2.0]


def test_readout_says_the_numbers(app):
    text = said(app.readout)
    run = surfaces.descend("quadratic", SGD(learning_rate=0.1), [2.5], 20)
    assert f"learning rate 0.1, lr·a = {0.1 * A:.3g}" in text and "from w = 2.50" in text
    assert f"after 20 steps L = {run.final_loss:.3g}, nearest the global minimum" in text
    app.controls["learning_rate"].value = 2.0
    assert said(app.readout).startswith("regime: diverging") and "stopped at step" in said(app.readout)


def test_compute_is_a_function_of_the_state():
    state = {"loss": "nonconvex", "dims": 1, "learning_rate": 0.05, "steps": 30, "start": 2.0, "start_y": 0.0}
    r = lr_module.compute(state)
    run = surfaces.descend("nonconvex", SGD(learning_rate=0.05), [2.0], 30)
    np.testing.assert_array_equal(r["run"].path, run.path)
    np.testing.assert_array_equal(r["gap"], run.losses - surfaces.get("nonconvex").min_loss)
    assert r["regime"] == surfaces.regime(run) and r["nearest"] == "local" and r["lr_a"] is None
    low, high = r["ylim"]
    assert low < r["gap"].min() and high > r["gap"].max()


@pytest.mark.parametrize("lr", [0.1, 0.9, 1.5, 8.0])
def test_first_steps_is_a_shorter_descent(lr):
    full = surfaces.descend("quadratic", SGD(learning_rate=lr), [2.5], 100)
    for steps in (1, 3, 7, 20, 100):
        cut, run = lr_module.first_steps(full, steps), surfaces.descend("quadratic", SGD(learning_rate=lr), [2.5], steps)
        np.testing.assert_array_equal(cut.path, run.path)
        np.testing.assert_array_equal(cut.losses, run.losses)
        assert (cut.diverged, cut.diverged_step) == (run.diverged, run.diverged_step)


def test_the_steps_slider_cuts_one_run(app, monkeypatch):
    calls = []
    descend = lr_module.surfaces.descend
    monkeypatch.setattr(lr_module.surfaces, "descend", lambda *a, **k: (calls.append(a), descend(*a, **k))[1])
    for steps in (5, 60, 100, 1):
        app.controls["steps"].value = steps
        assert len(app.run.path) == steps + 1
    assert calls == []                                  # the run of MAX_STEPS was made once, before
    app.controls["learning_rate"].value = 0.2
    assert len(calls) == 1


def test_errors_in_callbacks_are_shown(app, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("regime unknown")
    monkeypatch.setattr(lr_module.surfaces, "regime", broken)
    app.controls["learning_rate"].value = 0.2
    assert "regime unknown" in app.status.value


@pytest.mark.parametrize("kwargs, error, word", [
    ({"loss": "cubic"}, ValueError, "loss"),
    ({"dims": 3}, ValueError, "dims"),
    ({"dims": 1.5}, TypeError, "dims"),
    ({"learning_rate": 0.0}, ValueError, "learning_rate"),
    ({"learning_rate": 100.0}, ValueError, "learning_rate"),
    ({"steps": 0}, ValueError, "steps"),
    ({"start": 9.0}, ValueError, "start"),
    ({"start_y": 9.0}, ValueError, "start_y"),
])
def test_bad_arguments(kwargs, error, word):
    with pytest.raises(error, match=word):
        LearningRateExplorer(**kwargs)
