"""NeuronExplorer driven without a browser: move controls, read the artists and the HTML readouts.

Expected numbers are computed here independently of the widget's Dense path: with the
activation and loss functions and a numerical derivative (gradcheck.numerical_gradient),
or with the scalar ``Value`` engine.
"""
import html
import math
import re

import numpy as np
import pytest

from backprop import Value, activations, gradcheck, losses
from backprop.layers import Dense
from widgets.neuron import GRAD_SCALES, NeuronExplorer, grad_limit

ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear", "leaky_relu", "elu")


@pytest.fixture(scope="module")
def app():
    return NeuronExplorer()


def set_state(app, **values):
    for name, value in values.items():
        app.controls[name].value = value


def loss_of(params, x1, x2, target, activation, loss):
    """L(w1, w2, b) for one point, from the activation and the loss alone (no Dense)."""
    w1, w2, b = params
    a = activations.get(activation).forward(np.array([[w1 * x1 + w2 * x2 + b]]))
    return losses.get(loss)(np.array([[target]]), a)


def numeric_grads(state):
    params = np.array([state["w1"], state["w2"], state["b"]])
    return gradcheck.numerical_gradient(
        lambda: loss_of(params, state["x1"], state["x2"], state["target"], state["activation"],
                        state["loss"]), params)


def bar_heights(app):
    return np.array([bar.get_height() for bar in app.bars])


def text_of(widget):
    """The text an HTML readout shows (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", widget.value))


def backward_numbers(app):
    """dL/dw1, dL/dw2, dL/db as the backward chain prints them ("+0.1234", "0" or "+1.2e-05")."""
    text = text_of(app.backward_html)
    return [float(re.search(rf"^{name}\s.*= (\S+)$", text, re.M).group(1)) for name in ("dL/dw1", "dL/dw2", "dL/db")]


def test_builds_with_every_control(app):
    assert set(app.controls) == {"w1", "w2", "b", "activation", "x1", "x2", "target", "loss",
                                 "learning_rate", "step", "reset"}
    assert app.fig is not None and app.ui is not None
    assert app.status.value == ""
    bundle = app._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


# z = 0.4 keeps a in (0, 1) for every activation (so cross-entropy is defined) and away from
# relu's kink; z = -0.9 visits the negative side (relu dead, leaky_relu and elu not).
STATES = [dict(w1=0.5, w2=-1.0, b=0.2, x1=1.2, x2=0.4, target=1.0),       # z = 0.6 - 0.4 + 0.2
          dict(w1=1.5, w2=0.5, b=-0.3, x1=-0.6, x2=0.0, target=0.0),      # z = -0.9 - 0.3
          dict(w1=-2.0, w2=1.25, b=0.75, x1=0.5, x2=-1.0, target=0.25)]   # z = -1 - 1.25 + 0.75


@pytest.mark.parametrize("loss", ["mse", "binary_crossentropy"])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_gradient_bars_match_numerical_derivative(app, activation, loss):
    for values in STATES:
        set_state(app, activation=activation, loss=loss, **values)
        state = app.state()
        z = state["w1"] * state["x1"] + state["w2"] * state["x2"] + state["b"]
        a = activations.get(activation).forward(np.array([z]))[0]
        if loss == "binary_crossentropy" and not 0 < a < 1:
            continue            # cross-entropy is undefined there (test_note_... covers it)
        expected = numeric_grads(state)
        np.testing.assert_allclose(bar_heights(app), expected, rtol=1e-6, atol=1e-9)
        for shown, value in zip(backward_numbers(app), expected):     # "+0.1234", "0" or "+1.2e-05"
            assert shown == pytest.approx(value, rel=0.06, abs=5e-5)


def test_bars_match_value_engine_even_when_sigmoid_saturates(app):
    """Sigmoid + cross-entropy far on the wrong side: dL/dz = a - y stays near -1 (Value agrees)."""
    set_state(app, activation="sigmoid", loss="binary_crossentropy", w1=-4.0, w2=-4.0, b=-4.0,
              x1=3.0, x2=3.0, target=1.0)
    w1, w2, b = Value(-4.0), Value(-4.0), Value(-4.0)
    p = (w1 * 3.0 + w2 * 3.0 + b).sigmoid()                 # z = -28, p ~ 7e-13
    (-(p.log())).backward()                                 # L = -log p for y = 1
    np.testing.assert_allclose(bar_heights(app), [w1.grad, w2.grad, b.grad], rtol=1e-9)
    np.testing.assert_allclose(bar_heights(app), [-3.0, -3.0, -1.0], rtol=1e-9)
    assert app.note.value == ""


def test_mse_gradient_matches_value_engine(app):
    set_state(app, activation="tanh", loss="mse", w1=0.75, w2=-1.5, b=0.25, x1=-1.0, x2=0.5, target=0.6)
    w1, w2, b = Value(0.75), Value(-1.5), Value(0.25)
    a = (w1 * -1.0 + w2 * 0.5 + b).tanh()
    ((a - 0.6) ** 2).backward()
    np.testing.assert_allclose(bar_heights(app), [w1.grad, w2.grad, b.grad], rtol=1e-9)


def test_activation_panel_marks_z_and_a(app):
    for activation in ACTIVATIONS:
        set_state(app, activation=activation, w1=1.0, w2=0.5, b=-0.5, x1=1.5, x2=-1.0, target=1.0, loss="mse")
        z = 1.0 * 1.5 + 0.5 * -1.0 - 0.5
        f = activations.get(activation)
        zs = app.curve.get_xdata()
        assert zs.min() == -6 and zs.max() == 6
        np.testing.assert_allclose(app.curve.get_ydata(), f.forward(zs), rtol=1e-12)
        a = f.forward(np.array([z]))[0]
        px, py = app.z_point.get_data()
        assert px[0] == pytest.approx(z) and py[0] == pytest.approx(a)
        assert list(app.z_line.get_xdata()) == pytest.approx([z, z])
        assert f"z = {z:.3f}," in text_of(app.readout) and f"a = {a:.4g}," in text_of(app.readout)
        assert activation in app.title_f.get_text() and activation in text_of(app.forward_html)


def test_output_image_and_decision_line(app):
    set_state(app, activation="tanh", w1=1.25, w2=-0.75, b=0.5, x1=-2.0, x2=1.5, target=0.0, loss="mse")
    img = app.image.get_array()
    rows, cols = img.shape
    x0, x1, y0, y1 = app.image.get_extent()
    xs = x0 + (np.arange(cols) + 0.5) * (x1 - x0) / cols        # pixel centres
    ys = y0 + (np.arange(rows) + 0.5) * (y1 - y0) / rows
    X1, X2 = np.meshgrid(xs, ys)
    assert xs[0] == pytest.approx(-3) and xs[-1] == pytest.approx(3)
    np.testing.assert_allclose(img, np.tanh(1.25 * X1 - 0.75 * X2 + 0.5), atol=1e-12)
    clim = app.image.get_clim()
    # the line: every point on it has z = 0, and it crosses the visible plane
    lx, ly = app.boundary.get_data()
    np.testing.assert_allclose(1.25 * np.asarray(lx) - 0.75 * np.asarray(ly) + 0.5, 0, atol=1e-12)
    assert "a = f(0) = 0.00" in text_of(app.key)
    px, py = app.point.get_data()
    assert (px[0], py[0]) == (-2.0, 1.5)
    # colour limits stay put while the weights move
    set_state(app, w1=-3.0, w2=2.0, b=3.5)
    assert app.image.get_clim() == clim
    assert clim[0] == pytest.approx(np.tanh(-6)) and clim[1] == pytest.approx(np.tanh(6))
    set_state(app, w1=0.0, w2=0.0)
    assert len(app.boundary.get_xdata()) == 0 and not app.normal.get_visible()


def test_sigmoid_line_marks_half(app):
    set_state(app, activation="sigmoid")
    assert "a = f(0) = 0.50" in text_of(app.key)


def test_numbers_in_text(app):
    set_state(app, activation="elu", loss="mse", w1=-1.0, w2=2.0, b=0.5, x1=1.0, x2=-0.5, target=0.5)
    z = -1.0 * 1.0 + 2.0 * -0.5 + 0.5                          # -1.5
    a = math.expm1(z)                                          # elu, alpha 1
    loss = (a - 0.5) ** 2
    text = text_of(app.forward_html)
    assert f"= {z:.4f}" in text and f"= {a:.4g}" in text and f"= {loss:.4f}" in text
    g = numeric_grads(app.state())
    back = text_of(app.backward_html)
    for value in g:
        assert f"{value:+.4f}" in back
    line = text_of(app.readout)              # the state in one sentence, for a screen reader
    assert f"mse loss {loss:.4f}" in line and f"dL/dw1 = {g[0]:+.4f}" in line and "elu" in line


def test_note_when_cross_entropy_gets_no_probability(app):
    set_state(app, activation="relu", loss="binary_crossentropy", w1=1.0, w2=1.0, b=0.0,
              x1=-1.0, x2=-1.0, target=1.0)                    # z = -2: relu gives a = 0
    assert "Use sigmoid" in text_of(app.note)
    assert np.all(bar_heights(app) == 0)
    set_state(app, activation="sigmoid")
    assert app.note.value == ""


def test_reset_restores_the_opening_state():
    opened = dict(w1=-2.0, w2=1.0, b=0.5, activation="tanh", x1=2.0, x2=-1.0, target=0.0, loss="mse")
    app = NeuronExplorer(**opened)
    heights, image = bar_heights(app), app.image.get_array().copy()
    set_state(app, w1=3.0, w2=-3.0, b=-1.0, activation="elu", x1=-2.5, x2=2.5, target=0.75,
              loss="binary_crossentropy")
    assert not np.allclose(bar_heights(app), heights)
    app.controls["reset"].click()
    assert app.state() == {**opened, "learning_rate": 0.5}
    np.testing.assert_allclose(bar_heights(app), heights)
    np.testing.assert_allclose(app.image.get_array(), image)
    app.close()


def test_error_in_callback_shows_in_status(monkeypatch):
    app = NeuronExplorer()

    def broken(self, dout, need_dx=True):
        raise RuntimeError("backward exploded")

    monkeypatch.setattr(Dense, "backward", broken)
    app.controls["w1"].value = 0.25
    assert "backward exploded" in app.status.value
    assert isinstance(app.last_error, RuntimeError)
    monkeypatch.undo()
    app.controls["w1"].value = 0.5          # a good update clears the message
    assert app.status.value == ""
    app.close()


@pytest.mark.parametrize("activation, loss", [("sigmoid", "mse"), ("tanh", "mse"),
                                              ("sigmoid", "binary_crossentropy")])
def test_gradient_step_moves_the_sliders_against_the_gradient(activation, loss):
    app = NeuronExplorer(activation=activation, loss=loss, learning_rate=0.3)
    before = app.state()
    g = numeric_grads(before)
    loss_before = loss_of([before["w1"], before["w2"], before["b"]], before["x1"], before["x2"],
                          before["target"], activation, loss)
    app.controls["step"].click()
    after = app.state()
    expected = np.array([before["w1"], before["w2"], before["b"]]) - 0.3 * g
    np.testing.assert_allclose([after["w1"], after["w2"], after["b"]], expected, rtol=1e-6, atol=1e-8)
    loss_after = loss_of(expected, before["x1"], before["x2"], before["target"], activation, loss)
    assert loss_after < loss_before                 # a small step downhill
    assert f"{loss_before:.4f} → {loss_after:.4f}" in app.status.value and "step 1" in app.status.value
    np.testing.assert_allclose(bar_heights(app), numeric_grads(after), rtol=1e-5, atol=1e-8)
    assert "−0.3 × its bar" in text_of(app.key)
    app.controls["step"].click()
    assert app.steps == 2 and "step 2" in app.status.value
    app.controls["reset"].click()
    assert app.steps == 0 and app.state() == before and app.status.value == ""
    app.close()


def test_a_step_past_the_slider_range_is_held_there_and_said():
    app = NeuronExplorer(w1=3.9, w2=-1.0, b=0.0, x1=-3.0, x2=0.0, target=0.0, activation="linear",
                         learning_rate=10.0)
    # z = -11.7, a = z, dL/dw1 = 2 (a - 0) x1 = 70.2 -> w1 - 10 * 70.2 is far below -4
    app.controls["step"].click()
    assert app.state()["w1"] == -4.0
    assert "w1, b held at the slider&#x27;s end" in app.status.value     # b - 10 * 2a = 234 too
    assert "the loss rose" in app.status.value and "smaller learning rate" in app.status.value
    app.close()


@pytest.mark.parametrize("kwargs, name, error", [
    ({"w1": 4.5}, "w1", ValueError),
    ({"w2": "1"}, "w2", TypeError),
    ({"b": float("nan")}, "b", ValueError),
    ({"activation": "softmax"}, "activation", ValueError),
    ({"activation": None}, "activation", TypeError),
    ({"x1": -3.5}, "x1", ValueError),
    ({"x2": None}, "x2", TypeError),
    ({"target": 1.5}, "target", ValueError),
    ({"loss": "hinge"}, "loss", ValueError),
    ({"learning_rate": 0}, "learning_rate", ValueError),
    ({"learning_rate": "0.5"}, "learning_rate", TypeError),
])
def test_bad_arguments_name_themselves(kwargs, name, error):
    with pytest.raises(error, match=name):
        NeuronExplorer(**kwargs)


def test_compute_is_a_function_of_the_state_it_is_given(app):
    """The model reads no control: any state, answered without moving a slider."""
    set_state(app, activation="sigmoid", loss="mse", w1=1.5, w2=-1.0, b=0.5, x1=-1.0, x2=1.0, target=1.0)
    shown = app.state()
    other = dict(shown, activation="tanh", w1=0.75, w2=-1.5, b=0.25, x1=-1.0, x2=0.5, target=0.6)
    r = app.compute(other)
    assert app.state() == shown
    np.testing.assert_allclose(r["grads"], numeric_grads(other), rtol=1e-6, atol=1e-9)
    assert r["z"] == pytest.approx(0.75 * -1.0 - 1.5 * 0.5 + 0.25)
    assert r["plane"].shape == (121, 121) and r["f0"] == 0.0


def test_grad_limit_holds_the_bars_and_changes_in_steps():
    assert grad_limit(0.0) == 0.5 and grad_limit(0.45) == 0.5 and grad_limit(0.46) == 1
    assert grad_limit(1e6) == GRAD_SCALES[-1]
    # kept while the bars fit it and do not fill 70 % of the next smaller scale
    assert grad_limit(0.4, current=1) == 1 and grad_limit(0.3, current=1) == 0.5
    assert grad_limit(0.95, current=1) == 2                 # no room left: the next scale up


def test_fits_a_laptop_column_and_says_what_it_shows(app):
    width, height = app.fig.canvas.get_width_height()
    assert width <= 900 and height <= 420
    assert "gradients" in app.fig.canvas.view.alt
    assert app.controls["learning_rate"].style.description_width == "92px"   # the label whole
    assert all(button.description for button in (app.controls["step"], app.controls["reset"]))


def test_learning_rate_alone_sends_no_frame():
    """The learning rate only changes the key's text: the figure stays as it is."""
    app = NeuronExplorer()
    canvas = app.fig.canvas
    canvas.view._handle_custom_msg({"type": "ready"}, [])      # a browser's view is on the page
    frames = canvas.frames
    app.controls["learning_rate"].value = 2.0
    assert canvas.frames == frames and "−2 × its bar" in text_of(app.key)
    app.controls["w1"].value = 1.0
    assert canvas.frames == frames + 1 and canvas.full_frames == 1
    app.close()


@pytest.mark.parametrize("figsize, error", [((5, 3), ValueError), ((9, 10), ValueError),
                                             (9, TypeError), (("9", 3), TypeError)])
def test_bad_figsize_names_itself(figsize, error):
    with pytest.raises(error, match="figsize"):
        NeuronExplorer(figsize=figsize)
