"""LossExplorer driven without a browser: move controls, read the artists.

Expected numbers are computed here independently of the widget: the loss curves with
the scalar ``Value`` engine, the gradient curves both with ``Value`` and as numerical
derivatives of the plotted loss curves.
"""
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
    assert "z = -6" in app.caption.get_text()
    # the mirror image for y = 0
    app.controls["target"].value = 0
    app.controls["z"].value = 6.0
    mse, bce = marker_y(app.grad_markers["mse"]), marker_y(app.grad_markers["binary_crossentropy"])
    assert abs(mse) < 0.01 and bce > 0.99
    assert "z = +6" in app.caption.get_text()


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
            assert f"L = {loss:.4f}" in app.loss_text.get_text()
            assert f"dL/dz = {grad:+.4f}" in app.grad_text.get_text()
        p = 1 / (1 + np.exp(-z))
        assert f"p = sigmoid(z) = {p:.4f}" in app.loss_text.get_text()


def test_show_control_hides_curves(app):
    for show, visible in [("mse", {"mse"}), ("binary_crossentropy", {"binary_crossentropy"}),
                          ("both", set(NAMES))]:
        app.controls["show"].value = show
        for name in NAMES:
            for artist in (app.lines[name], app.grad_lines[name], app.markers[name], app.grad_markers[name]):
                assert artist.get_visible() == (name in visible)
        assert ("MSE" in app.grad_text.get_text()) == ("mse" in visible)
        assert ("cross-entropy" in app.grad_text.get_text()) == ("binary_crossentropy" in visible)


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
