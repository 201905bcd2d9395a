"""OptimizerExplorer without a browser: move each control, check the drawn paths.

The expected paths are computed here by stepping backprop's optimizers by hand on
the surface's gradient (not through the widget or surfaces.descend); the final losses
are read from the app's readout, as a screen reader says it."""
import html
import re

import numpy as np
import pytest
from matplotlib.backend_bases import MouseEvent

from backprop import optimizers, surfaces
from backprop.optimizers import SGD, Adam, RMSprop
from widgets import optimizer_explorer
from widgets.optimizer_explorer import OPTIMIZERS, OptimizerExplorer


def reference_path(surface_name, name, lr, beta, start, steps):
    """The path of optimizer ``name`` built and stepped here, stopped like the widget's at |w| > 1e6."""
    surface = surfaces.get(surface_name)
    opt = {"sgd": lambda: SGD(lr), "momentum": lambda: SGD(lr, momentum=beta),
           "nesterov": lambda: SGD(lr, momentum=beta, nesterov=True),
           "rmsprop": lambda: RMSprop(lr), "adam": lambda: Adam(lr)}[name]()
    w = np.array(start, dtype=float)
    path = [w.copy()]
    with np.errstate(all="ignore"):
        for _ in range(steps):
            opt.apply({"w": w}, {"w": surface.gradient(w)})
            if not np.all(np.isfinite(w)):
                break
            path.append(w.copy())
            if np.max(np.abs(w)) > 1e6:
                break
    return np.array(path)


def said(widget):
    """The text of an HTML widget, as a screen reader says it (tags removed)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", widget.value)).split())


def drawn(app, name):
    x, y = app.paths[name].get_data()
    return np.column_stack([x, y])


def assert_paths(app):
    c = app.controls
    start = (c["x0"].value, c["y0"].value)
    for name in OPTIMIZERS:
        if not c[name].value:
            assert not app.paths[name].get_visible()
            continue
        want = reference_path(c["surface"].value, name, c["learning_rate"].value,
                              c["momentum_value"].value, start, c["steps"].value)
        np.testing.assert_allclose(drawn(app, name), want, rtol=1e-10, atol=1e-12)
        surface = surfaces.get(c["surface"].value)
        _, gap = app.loss_lines[name].get_data()
        with np.errstate(all="ignore"):
            np.testing.assert_allclose(gap, surface(want) - surface.min_loss, rtol=1e-10, atol=1e-12)


@pytest.fixture
def app():
    return OptimizerExplorer()


def test_builds_with_every_control_and_draws_five_paths(app):
    for name in ("surface", "x0", "y0", "learning_rate", "steps", "momentum_value", "reset", *OPTIMIZERS):
        assert name in app.controls
    assert type(app.controls["learning_rate"]).__name__ == "FloatLogSlider"
    assert app.ui is not None and "application/vnd.jupyter.widget-view+json" in app._repr_mimebundle_()
    assert_paths(app)
    colours = {app.paths[n].get_color() for n in OPTIMIZERS}
    assert len(colours) == 5
    assert app.start_marker.get_xydata().tolist() == [list(surfaces.get("ravine").start)]
    assert app.status.value == ""


def test_each_control_changes_the_paths(app):
    c = app.controls
    for name, value in [("learning_rate", 0.004), ("steps", 37), ("momentum_value", 0.5),
                        ("x0", 1.5), ("y0", -1.25)]:
        c[name].value = value
        assert_paths(app)
    assert app.start_marker.get_xydata().tolist() == [[1.5, -1.25]]
    assert app.ax_loss.get_xlim()[0] == 0 and 37 < app.ax_loss.get_xlim()[1] < 39


def test_final_loss_in_the_readout(app):
    surface = surfaces.get("ravine")
    text = said(app.readout)
    assert text.startswith("ravine from (-2.50, -0.90): learning rate 0.025, 100 steps, momentum β 0.90.")
    for name in OPTIMIZERS:
        want = reference_path("ravine", name, app.controls["learning_rate"].value, 0.9,
                              surface.start, app.controls["steps"].value)
        assert f"{optimizer_explorer.LABELS[name]}: final loss {surface(want[-1]):.3g}" in text


def test_checkboxes_hide_and_show(app):
    app.controls["rmsprop"].value = False
    assert not app.paths["rmsprop"].get_visible() and not app.loss_lines["rmsprop"].get_visible()
    assert "RMSprop: off" in said(app.readout)
    assert "rmsprop" not in app.runs
    app.controls["rmsprop"].value = True
    assert app.paths["rmsprop"].get_visible()
    assert_paths(app)


def test_divergence_is_marked(app):
    app.controls["learning_rate"].value = 0.1          # 0.1 * 50 > 2: SGD cannot stay in the ravine
    sgd = reference_path("ravine", "sgd", 0.1, 0.9, surfaces.get("ravine").start, 100)
    assert np.max(np.abs(sgd[-1])) > 1e6
    assert f"SGD: diverged at step {len(sgd) - 1}" in said(app.readout)
    assert app.runs["sgd"].diverged and app.runs["sgd"].diverged_step == len(sgd) - 1
    assert "Adam: final loss" in said(app.readout) and not app.runs["adam"].diverged
    assert_paths(app)


def test_surface_change_redraws_contours_once(app):
    contours = list(app._contours)
    app.controls["learning_rate"].value = 0.01
    app.controls["x0"].value = 0.5
    assert app._contours == contours                   # slider moves keep the contours
    app.controls["surface"].value = "rosenbrock"
    assert app._contours != contours and all(a not in app.ax_map.get_children() for a in contours)
    rosen = surfaces.get("rosenbrock")
    assert (app.controls["x0"].value, app.controls["y0"].value) == tuple(rosen.start)
    assert (app.controls["y0"].min, app.controls["y0"].max) == rosen.extent[2:]
    assert app.ax_map.get_xlim() == rosen.extent[:2]
    np.testing.assert_allclose(app.global_marker.get_xydata(), [[1.0, 1.0]])
    assert_paths(app)


def test_each_optimizer_is_the_engines_variant(app):
    assert OPTIMIZERS == optimizers.VARIANTS
    for name in OPTIMIZERS:
        want = optimizers.variant(name, 0.025, momentum=0.9)
        got = app.runs[name].optimizer
        assert type(got) is type(want) and vars(got).keys() == vars(want).keys()
        assert all(np.all(getattr(got, k) == getattr(want, k)) for k in ("learning_rate", "momentum", "nesterov")
                   if hasattr(want, k))


def test_lines_differ_by_more_than_colour(app):
    styles = {(line.get_linestyle(), line.get_marker()) for line in app.paths.values()}
    assert len(styles) == len(OPTIMIZERS)
    for name in OPTIMIZERS:
        assert (app.loss_lines[name].get_linestyle(), app.loss_lines[name].get_marker()) == \
            (app.paths[name].get_linestyle(), app.paths[name].get_marker())


def test_steps_cut_the_runs_already_made(app, monkeypatch):
    calls = []
    descend = optimizer_explorer.surfaces.descend
    monkeypatch.setattr(optimizer_explorer.surfaces, "descend",
                        lambda *a, **k: (calls.append(a[1]), descend(*a, **k))[1])
    for steps in (10, 60, 100, 3):
        app.controls["steps"].value = steps
        assert_paths(app)
    assert calls == []                                  # all within the 100-step runs made at the start
    app.controls["steps"].value = 150                   # longer: each reruns once, to 200 steps
    app.controls["steps"].value = 190
    assert len(calls) == 5
    assert_paths(app)
    app.controls["momentum_value"].value = 0.5          # only the two momentum optimizers run again
    assert [type(o).__name__ for o in calls[5:]] == ["SGD", "SGD"] and all(o.momentum == 0.5 for o in calls[5:])
    assert_paths(app)


def test_compute_is_a_function_of_the_state():
    state = {"surface": "saddle", "x0": 2.0, "y0": 0.1, "learning_rate": 0.02, "steps": 40,
             "momentum_value": 0.8, **{name: name in ("sgd", "adam") for name in OPTIMIZERS}}
    r = optimizer_explorer.compute(state)
    assert list(r["runs"]) == ["sgd", "adam"] and r["surface"].name == "saddle"
    for name, run in r["runs"].items():
        np.testing.assert_allclose(run.path, reference_path("saddle", name, 0.02, 0.8, (2.0, 0.1), 40), rtol=1e-12)


def test_local_minima_markers():
    app = OptimizerExplorer(surface="local_minima")
    assert len(app.global_marker.get_xydata()) == 1 and len(app.local_markers.get_xydata()) == 3


def test_click_moves_the_start(app):
    app.fig.canvas.draw()
    x, y = app.ax_map.transData.transform((1.0, 0.5))
    event = MouseEvent("button_press_event", app.fig.canvas, x, y, button=1)
    app.fig.canvas.callbacks.process("button_press_event", event)
    assert app.controls["x0"].value == pytest.approx(1.0, abs=0.02)
    assert app.controls["y0"].value == pytest.approx(0.5, abs=0.02)
    assert_paths(app)


def test_reset_restores_the_opening_state():
    app = OptimizerExplorer(surface="saddle", learning_rate=0.05, steps=40, optimizers=["sgd", "adam"])
    before = {k: w.value for k, w in app.controls.items() if k != "reset"}
    paths = {n: drawn(app, n) for n in ("sgd", "adam")}
    app.controls["surface"].value = "ravine"
    app.controls["steps"].value = 10
    app.controls["momentum"].value = True
    app.controls["adam"].value = False
    app.controls["reset"].click()
    assert {k: w.value for k, w in app.controls.items() if k != "reset"} == before
    for n, p in paths.items():
        np.testing.assert_array_equal(drawn(app, n), p)
    assert not app.paths["momentum"].get_visible()


def test_opens_in_the_chosen_state():
    app = OptimizerExplorer(surface="saddle", x0=1.0, y0=0.5, learning_rate=0.01, steps=30,
                            momentum_value=0.8, optimizers=("momentum", "adam"))
    c = app.controls
    assert (c["surface"].value, c["x0"].value, c["y0"].value, c["steps"].value) == ("saddle", 1.0, 0.5, 30)
    assert c["learning_rate"].value == pytest.approx(0.01) and c["momentum_value"].value == 0.8
    assert [n for n in OPTIMIZERS if c[n].value] == ["momentum", "adam"]
    assert_paths(app)


def test_errors_in_callbacks_are_shown(app, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("no descent today")
    monkeypatch.setattr(optimizer_explorer.surfaces, "descend", broken)
    app.controls["learning_rate"].value = 0.01
    assert "no descent today" in app.status.value and "Error" in app.status.value


@pytest.mark.parametrize("kwargs, error, word", [
    ({"surface": "bowl"}, ValueError, "surface"),
    ({"surface": "quadratic"}, ValueError, "surface"),     # 1-D: not for this map
    ({"learning_rate": 5.0}, ValueError, "learning_rate"),
    ({"learning_rate": "fast"}, TypeError, "learning_rate"),
    ({"steps": 0}, ValueError, "steps"),
    ({"steps": 1000}, ValueError, "steps"),
    ({"x0": 10.0}, ValueError, "x0"),
    ({"y0": -10.0}, ValueError, "y0"),
    ({"momentum_value": 1.0}, ValueError, "momentum_value"),
    ({"optimizers": ["sgd", "lbfgs"]}, ValueError, "optimizers"),
    ({"optimizers": "sgd"}, TypeError, "optimizers"),
])
def test_bad_arguments(kwargs, error, word):
    with pytest.raises(error, match=word):
        OptimizerExplorer(**kwargs)
