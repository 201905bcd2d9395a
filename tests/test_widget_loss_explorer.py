"""LossExplorer driven without a browser: move controls, read the artists and the HTML readouts.

Expected numbers are computed here independently of the widget: the loss curves with
the scalar ``Value`` engine, the gradient curves both with ``Value`` and as numerical
derivatives of the plotted loss curves.
"""
import html
import re

import numpy as np
import pytest

from backprop import Value, losses
from widgets.loss_explorer import LossExplorer

NAMES = ("mse", "binary_crossentropy")


@pytest.fixture(scope="module")
def app():
    return LossExplorer()


def value_loss(name, z, y):
    """(L, dL/dz) for p = sigmoid(z), written with Value: the chain rule done by the graph."""
    zv = Value(float(z))
    p = zv.sigmoid()
    loss = (p - y) ** 2 if name == "mse" else -(y * p.log() + (1 - y) * (1 - p).log())
    loss.backward()
    return loss.data, zv.grad


def marker_y(line):
    return float(line.get_ydata()[0])


def text_of(widget):
    """The text an HTML readout shows (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", widget.value))


def test_builds_with_every_control(app):
    assert set(app.controls) == {"z", "target", "show", "reset"}
    assert app.state() == {"z": -6.0, "target": 1, "show": "both"}
    assert app.status.value == ""
    assert "application/vnd.jupyter.widget-view+json" in app._repr_mimebundle_()


@pytest.mark.parametrize("target", [0, 1])
def test_curves_match_value_engine(app, target):
    app.controls["target"].value = target
    for name in NAMES:
        zs = app.lines[name].get_xdata()
        assert zs.min() == -8 and zs.max() == 8
        expected = np.array([value_loss(name, z, target) for z in zs])
        np.testing.assert_allclose(app.lines[name].get_ydata(), expected[:, 0], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(app.grad_lines[name].get_ydata(), expected[:, 1], rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize("target", [0, 1])
def test_gradient_curves_are_slopes_of_loss_curves(app, target):
    app.controls["target"].value = target
    for name in NAMES:
        zs, loss = app.lines[name].get_xdata(), app.lines[name].get_ydata()
        slope = np.gradient(loss, zs)               # centred differences of the plotted curve
        np.testing.assert_allclose(app.grad_lines[name].get_ydata()[1:-1], slope[1:-1], atol=2e-3)


def test_confidently_wrong_mse_stalls_cross_entropy_pushes(app):
    app.controls["target"].value = 1
    app.controls["z"].value = -6.0
    mse, bce = marker_y(app.grad_markers["mse"]), marker_y(app.grad_markers["binary_crossentropy"])
    assert abs(mse) < 0.01 and abs(bce) > 0.99
    assert bce < 0                                  # it pushes z up, toward p = 1
    assert mse == pytest.approx(value_loss("mse", -6.0, 1)[1], rel=1e-9)
    assert bce == pytest.approx(value_loss("binary_crossentropy", -6.0, 1)[1], rel=1e-9)
    assert "z = -6" in text_of(app.caption)
    # the mirror image for y = 0
    app.controls["target"].value = 0
    app.controls["z"].value = 6.0
    mse, bce = marker_y(app.grad_markers["mse"]), marker_y(app.grad_markers["binary_crossentropy"])
    assert abs(mse) < 0.01 and bce > 0.99
    assert "z = +6" in text_of(app.caption)


def test_markers_and_values_follow_z(app):
    app.controls["target"].value = 1
    app.controls["show"].value = "both"
    for z in (-7.5, -2.0, 0.0, 3.3):
        app.controls["z"].value = z
        for line in app.z_lines:
            assert list(line.get_xdata()) == pytest.approx([z, z])
        for name in NAMES:
            loss, grad = value_loss(name, z, 1)
            assert app.markers[name].get_xdata()[0] == pytest.approx(z)
            assert marker_y(app.markers[name]) == pytest.approx(loss, rel=1e-9, abs=1e-12)
            assert marker_y(app.grad_markers[name]) == pytest.approx(grad, rel=1e-9, abs=1e-12)
            assert f"L = {loss:.4f}" in text_of(app.readout)
            assert f"dL/dz = {grad:+.4f}" in text_of(app.readout)
        p = 1 / (1 + np.exp(-z))
        assert f"p = sigmoid(z) = {p:.4f}" in text_of(app.readout)


def test_show_control_hides_curves(app):
    for show, visible in [("mse", {"mse"}), ("binary_crossentropy", {"binary_crossentropy"}),
                          ("both", set(NAMES))]:
        app.controls["show"].value = show
        for name in NAMES:
            for artist in (app.lines[name], app.grad_lines[name], app.markers[name], app.grad_markers[name]):
                assert artist.get_visible() == (name in visible)
        assert ("MSE " in text_of(app.readout)) == ("mse" in visible)
        assert ("cross-entropy " in text_of(app.readout)) == ("binary_crossentropy" in visible)
        assert ("push is" in text_of(app.readout)) == (show == "both")


def test_target_mirrors_the_curves(app):
    app.controls["target"].value = 1
    ones = {name: app.lines[name].get_ydata().copy() for name in NAMES}
    app.controls["target"].value = 0
    for name in NAMES:
        np.testing.assert_allclose(app.lines[name].get_ydata(), ones[name][::-1], rtol=1e-9, atol=1e-12)
    # the shaded "confidently wrong" side moves with the target
    assert app.wrong_spans[0].get_x() == 4.0
    app.controls["target"].value = 1
    assert app.wrong_spans[0].get_x() == -8.0


def test_reset_restores_the_opening_state():
    app = LossExplorer(z=2.5, target=0, show="mse")
    grads = app.grad_lines["mse"].get_ydata().copy()
    app.controls["z"].value = -1.0
    app.controls["target"].value = 1
    app.controls["show"].value = "both"
    app.controls["reset"].click()
    assert app.state() == {"z": 2.5, "target": 0, "show": "mse"}
    np.testing.assert_allclose(app.grad_lines["mse"].get_ydata(), grads)
    assert app.markers["mse"].get_xdata()[0] == 2.5
    assert not app.lines["binary_crossentropy"].get_visible()
    app.close()


def test_error_in_callback_shows_in_status(monkeypatch):
    app = LossExplorer()

    def broken(self, y_true, y_pred):
        raise RuntimeError("gradient exploded")

    monkeypatch.setattr(losses.MeanSquaredError, "grad", broken)
    app.controls["z"].value = 1.0
    assert "gradient exploded" in app.status.value
    monkeypatch.undo()
    app.controls["z"].value = 1.5
    assert app.status.value == ""
    app.close()


@pytest.mark.parametrize("kwargs, name, error", [
    ({"z": 9}, "z", ValueError),
    ({"z": "0"}, "z", TypeError),
    ({"target": 0.5}, "target", ValueError),
    ({"target": "1"}, "target", TypeError),
    ({"target": True}, "target", TypeError),
    ({"show": "all"}, "show", ValueError),
])
def test_bad_arguments_name_themselves(kwargs, name, error):
    with pytest.raises(error, match=name):
        LossExplorer(**kwargs)


def test_compute_is_a_function_of_the_state_it_is_given(app):
    """The model reads no control: any state, answered without moving one."""
    shown = app.state()
    r = app.compute({"z": -6.0, "target": 1, "show": "both"})
    assert app.state() == shown
    for name in NAMES:
        assert r["at"][name] == pytest.approx(value_loss(name, -6.0, 1), rel=1e-9)
    assert r["shown"] == list(NAMES) and r["ratio"] == pytest.approx(0.9975 / 0.0049, rel=0.01)
    assert app.compute({"z": 1.0, "target": 0, "show": "mse"})["ratio"] is None


def test_the_readout_says_what_the_figure_shows(app):
    app.controls["target"].value = 1
    app.controls["show"].value = "both"
    app.controls["z"].value = -6.0
    line = text_of(app.readout)
    assert "At z = -6.00: p = sigmoid(z) = 0.0025, y = 1." in line
    assert "cross-entropy's push is 203 times MSE's" in line
    assert "target y = 1" in text_of(app.heading)


def test_fits_a_laptop_column_with_a_text_alternative(app):
    width, height = app.fig.canvas.get_width_height()
    assert width <= 900 and height <= 420
    assert "cross-entropy" in app.fig.canvas.view.alt


def test_the_z_slider_blits_and_a_new_target_draws_in_full():
    app = LossExplorer()
    canvas = app.fig.canvas
    canvas.view._handle_custom_msg({"type": "ready"}, [])      # a browser's view is on the page
    draws = []
    draw = canvas.draw
    canvas.draw = lambda: (draws.append(1), draw())
    app.controls["z"].value = -5.0
    assert draws == []
    app.controls["target"].value = 0                           # new curves: the background changes
    assert draws == [1]
    app.close()


@pytest.mark.parametrize("figsize, error", [((4, 3), ValueError), ((9, 1), ValueError), ("9x3", TypeError)])
def test_bad_figsize_names_itself(figsize, error):
    with pytest.raises(error, match="figsize"):
        LossExplorer(figsize=figsize)
