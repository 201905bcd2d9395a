"""TimeUnroller driven without a browser: controls in, artists and readouts out.

Expected numbers are worked here from the definitions, not read back from backprop: the
recurrence h_t = f(x_t W + h_{t-1} U + b) and its backward pass dL/dh_{t-1} = (dL/dh_t * f'(z_t)) U^T
as loops over the steps (on the input, weights and G the app reports it ran on), the
attention's last output by its own softmax with a numerical gradient, clipping by global norm
from its definition, and, for the linear activation with U = s x orthogonal, the exact
factor s per step that needs no computation at all.
"""
import html
import re

import numpy as np
import pytest

from test_widget_canvas import composed, connect_front_end, record_frames
from widgets.time_unroller import TimeUnroller, diagnose, unroll

CONTROLS = {"steps", "scale", "activation", "clip", "threshold", "mode", "reset"}
F = {"tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
     "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float)),
     "linear": (lambda z: z, np.ones_like),
     "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2)}


@pytest.fixture
def app():
    app = TimeUnroller()
    yield app
    app.close()


def text_of(widget):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", widget.value)).split())


def shown_bars(app):
    """Heights of the visible bars, step 1 first (bar i is step T - i)."""
    return np.array([bar.get_height() for bar in app.bars if bar.get_visible()])[::-1]


def bptt_loop(x, W, U, b, G, activation):
    """||dL/dh_t|| for t = 1..T and the weights' gradients, for L = <G, h_T>, one step at a time."""
    f, df = F[activation]
    T = x.shape[1]
    h, hs, zs = np.zeros((1, U.shape[0])), [], []
    for t in range(T):
        hs.append(h)
        z = x[:, t] @ W + h @ U + b
        zs.append(z)
        h = f(z)
    norms, dh = np.zeros(T), G.copy()
    dW, dU, db = np.zeros_like(W), np.zeros_like(U), np.zeros_like(b)
    for t in reversed(range(T)):
        norms[t] = np.linalg.norm(dh)
        dz = dh * df(zs[t])
        dW += x[:, t].T @ dz
        dU += hs[t].T @ dz
        db += dz[0]
        dh = dz @ U.T
    return norms, {"W": dW, "U": dU, "b": db}


def global_norm(grads):
    return np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))


def test_builds_with_no_arguments(app):
    assert set(app.controls) == CONTROLS
    assert "application/vnd.jupyter.widget-view+json" in app._repr_mimebundle_()
    assert app.last_error is None and app.status.value == ""
    assert app.state() == {"mode": "rnn", "steps": 30, "scale": 1.0, "activation": "tanh", "clip": False,
                           "threshold": 1.0}
    assert app.controls["threshold"].disabled                  # clipping is off
    assert len(shown_bars(app)) == 30
    assert text_of(app.readout).endswith("vanished.")


@pytest.mark.parametrize("scale", [0.6, 1.0, 1.35, 2.5])
def test_recurrent_kernel_is_scale_times_an_orthogonal_matrix(app, scale):
    app.controls["scale"].value = scale
    U = app.result["weights"][1]
    np.testing.assert_allclose(U @ U.T, scale ** 2 * np.eye(16), atol=1e-12)
    # the same orthogonal matrix whatever the scale: only its length changes
    app.controls["scale"].value = 1.0
    np.testing.assert_allclose(app.result["weights"][1] * scale, U, atol=1e-12)


@pytest.mark.parametrize("scale", [0.6, 0.95, 1.0, 1.35])
def test_linear_activation_multiplies_the_gradient_by_exactly_s_per_step(app, scale):
    """dL/dh_{t-1} = dL/dh_t (sQ)^T and an orthogonal Q keeps lengths: the norm grows by s per step back."""
    app.controls["activation"].value = "linear"
    app.controls["scale"].value = scale
    app.controls["steps"].value = 25
    norms = shown_bars(app)
    assert norms[-1] == pytest.approx(1.0, rel=1e-12)          # dL/dh_T = G, of norm 1
    np.testing.assert_allclose(norms[:-1] / norms[1:], scale, rtol=1e-10)
    np.testing.assert_allclose(norms, scale ** np.arange(24, -1, -1), rtol=1e-10)
    np.testing.assert_allclose(app.bound.get_ydata(), norms, rtol=1e-10)   # the bound, met exactly
    assert f"× {scale:.3g} per step back" in text_of(app.readout)


@pytest.mark.parametrize("activation", ["tanh", "relu", "linear", "sigmoid"])
@pytest.mark.parametrize("scale, steps", [(0.8, 12), (1.0, 30), (1.6, 45)])
def test_norms_equal_backpropagation_through_time_by_hand(app, activation, scale, steps):
    for name, value in (("activation", activation), ("scale", scale), ("steps", steps)):
        app.controls[name].value = value
    r = app.result
    W, U, b = r["weights"]
    norms, grads = bptt_loop(r["x"], W, U, b, r["G"], activation)
    np.testing.assert_allclose(r["norms"], norms, rtol=1e-9, atol=1e-300)
    np.testing.assert_allclose(shown_bars(app), norms, rtol=1e-9, atol=1e-300)
    for key in ("W", "U", "b"):
        np.testing.assert_allclose(r["grads"][key], grads[key], rtol=1e-9, atol=1e-12)
    assert r["total"] == pytest.approx(global_norm(grads), rel=1e-9)
    # |f'| <= max|f'| and ||v (sQ)^T|| = s ||v||: no step back can gain more than s max|f'|
    slope = 0.25 if activation == "sigmoid" else 1.0
    assert np.all(norms <= (scale * slope) ** np.arange(steps - 1, -1, -1) * (1 + 1e-9))


def test_tanh_with_a_small_scale_vanishes_and_a_linear_large_one_explodes(app):
    app.controls["scale"].value = 0.5
    app.controls["steps"].value = 40
    ratio = app.result["norms"][0] / app.result["norms"][-1]
    assert ratio < 0.5 ** 39                                   # under the bound s^(T-1) = 2e-12
    readout = text_of(app.readout)
    assert f"the gradient at step 1 is {ratio:.0e} of the one at step T" in readout
    assert readout.endswith(": vanished.")
    app.controls["activation"].value = "linear"
    app.controls["scale"].value = 1.5
    app.controls["steps"].value = 30
    assert app.result["norms"][0] == pytest.approx(1.5 ** 29, rel=1e-9)
    assert f"is {1.5 ** 29:.1e} times the one at step T" in text_of(app.readout)
    assert text_of(app.readout).endswith(": exploded.")
    app.controls["scale"].value = 1.0                          # linear, s = 1: every step gets all of it
    assert text_of(app.readout).endswith("neither vanished nor exploded.")


@pytest.mark.parametrize("steps", [2, 5, 17, 60])
def test_changing_T_changes_the_number_of_bars_and_boxes(app, steps):
    app.controls["steps"].value = steps
    assert len(shown_bars(app)) == steps
    assert len(app.boxes.get_offsets()) == steps
    assert len(app.links.get_segments()) == steps
    assert app.first.get_xdata()[0] == 1 - steps                # step 1, framed, T - 1 steps left of T
    assert [bar.get_x() + bar.get_width() / 2 for bar in app.bars if bar.get_visible()][-1] == pytest.approx(1 - steps)
    assert f"T = {steps}:" in text_of(app.readout)


def test_the_links_thin_out_as_the_gradient_fades(app):
    app.controls["scale"].value = 0.6
    widths = app.links.get_linewidths()                         # step 1 first
    assert np.all(np.diff(widths) >= 0) and widths[0] < widths[-1]
    colours = app.boxes.get_array()                             # log10 of each step's share of step T's
    np.testing.assert_allclose(colours[-1], 0.0, atol=1e-12)
    assert colours[0] <= -8                                     # the darkest orange


def test_clipping_caps_the_total_norm_at_the_threshold(app):
    app.controls["activation"].value = "linear"
    app.controls["scale"].value = 1.2
    app.controls["clip"].value = True
    assert not app.controls["threshold"].disabled
    app.controls["threshold"].value = 1.0
    r = app.result
    W, U, b = r["weights"]
    norms, grads = bptt_loop(r["x"], W, U, b, r["G"], "linear")
    total = global_norm(grads)
    assert total > 1000                                         # exploding: far above the threshold
    assert global_norm(r["clipped"]) == pytest.approx(1.0, rel=1e-12)
    for key in ("W", "U", "b"):                                 # every gradient scaled by the same factor
        np.testing.assert_allclose(r["clipped"][key], grads[key] / total, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(app.after_clip.get_ydata(), norms / total, rtol=1e-9)
    assert app.after_clip.get_visible()
    # the shape stays: step 1 still gets 1.2^29 times step T's gradient
    clipped = app.after_clip.get_ydata()
    assert clipped[0] / clipped[-1] == pytest.approx(1.2 ** 29, rel=1e-9)
    note = text_of(app.clip_note)
    assert f"||g|| = {total:.3g} is scaled down to 1" in note and "tames the explosion" in note


def test_clipping_cannot_bring_back_a_vanished_gradient(app):
    app.controls["scale"].value = 0.7
    app.controls["clip"].value = True
    app.controls["threshold"].value = 0.01
    r = app.result
    assert r["factor"] < 1 and r["clipped_total"] == pytest.approx(0.01, rel=1e-9)
    assert r["clipped_norms"][0] / r["clipped_norms"][-1] == pytest.approx(r["ratio"], rel=1e-9)
    assert "cannot bring back a vanished gradient" in text_of(app.clip_note)
    app.controls["threshold"].value = 100.0                     # above the total: nothing changes
    r = app.result
    assert r["factor"] == 1.0
    np.testing.assert_array_equal(app.after_clip.get_ydata(), r["norms"])
    assert "nothing changes" in text_of(app.clip_note)
    assert "cannot bring back a vanished gradient" in text_of(app.clip_note)
    app.controls["clip"].value = False
    assert not app.after_clip.get_visible() and app.controls["threshold"].disabled
    assert text_of(app.clip_note).startswith("Clipping is off")


def attention_last_output(x, Wq, Wk, Wv):
    """out_T (d,) of one sequence x (T, D): the last query against every key, softmax, values."""
    q, K, V = x[-1] @ Wq, x @ Wk, x @ Wv
    scores = K @ q / np.sqrt(Wq.shape[1])
    a = np.exp(scores - scores.max())
    return (a / a.sum()) @ V


def test_attention_gradient_is_the_numerical_one_and_does_not_decay_with_distance(app):
    app.controls["steps"].value = 12
    app.controls["mode"].value = "attention"
    assert app.controls["scale"].disabled and app.controls["activation"].disabled
    r = app.result
    x, G = r["x"][0], r["G"][0]
    Wq, Wk, Wv = r["weights"]
    numeric, eps = np.zeros_like(x), 1e-6
    for t in range(x.shape[0]):
        for j in range(x.shape[1]):
            up, down = x.copy(), x.copy()
            up[t, j] += eps
            down[t, j] -= eps
            numeric[t, j] = (G @ attention_last_output(up, Wq, Wk, Wv)
                             - G @ attention_last_output(down, Wq, Wk, Wv)) / (2 * eps)
    np.testing.assert_allclose(shown_bars(app), np.linalg.norm(numeric, axis=1), rtol=1e-6)
    assert app.arcs.get_visible() and not app.links.get_visible()
    assert len(app.arcs.get_segments()) == 12
    # 60 steps: no step of the attention gets less than 1e-3 of step T's; the tanh RNN's step 1 gets 1e-8
    app.controls["steps"].value = 60
    attention = app.result["norms"]
    assert attention.min() / attention[-1] > 1e-3
    assert "does not decay with distance" in text_of(app.readout)
    app.controls["mode"].value = "rnn"
    assert app.result["ratio"] < 1e-8


def test_diagnose_names_the_regime():
    assert diagnose([1e-9, 1e-4, 1.0])[2] == "vanished"
    assert diagnose([0.5, 0.7, 1.0])[2] == "kept"
    ratio, per_step, verdict = diagnose([400.0, 20.0, 1.0])
    assert (ratio, verdict) == (400.0, "exploded") and per_step == pytest.approx(20.0)
    assert diagnose([0.0, 0.3, 1.0])[:1] == (0.0,)
    assert diagnose([np.inf, 1.0])[2] == "overflowed"


def test_unroll_is_a_pure_function_of_the_state(app):
    state = {**app.state(), "activation": "relu", "scale": 1.4, "steps": 20}
    r = unroll(state)
    np.testing.assert_array_equal(unroll(state)["norms"], r["norms"])      # same state, same numbers
    assert app.state()["activation"] == "tanh"                            # no control moved
    app.restore_controls(state)
    app._update()
    np.testing.assert_array_equal(app.result["norms"], r["norms"])


def test_reset_returns_to_the_opening_state():
    app = TimeUnroller(steps=12, scale=1.3, activation="linear", global_clipnorm=5.0)
    opened = app.state()
    assert opened["clip"] and opened["threshold"] == 5.0
    app.controls["mode"].value = "attention"
    app.controls["steps"].value = 50
    app.controls["clip"].value = False
    app.controls["reset"].click()
    assert app.state() == opened and len(shown_bars(app)) == 12
    assert not app.controls["scale"].disabled and not app.controls["threshold"].disabled
    app.close()


@pytest.mark.parametrize("control, value", [("activation", "relu"), ("mode", "attention"), ("clip", True)])
def test_a_new_layer_activation_or_clipping_draws_in_full_and_the_frames_compose(app, control, value):
    """These change the axis or the legend: one full draw, whose frame (with the ones before) is
    what the browser shows: exactly the figure drawn from scratch."""
    canvas = app.fig.canvas
    frames = record_frames(canvas)
    connect_front_end(canvas)
    app.controls["steps"].value = 20                            # a blitted frame first
    app.controls[control].value = value
    app.controls["steps"].value = 24                            # and one after
    assert app.last_error is None
    assert [content["full"] for content, _ in frames] == [True, False, False, False]
    shown = composed(frames)
    canvas.draw()
    np.testing.assert_array_equal(shown, np.asarray(canvas.buffer_rgba()))


@pytest.mark.parametrize("kwargs, error, words", [
    ({"steps": 1}, ValueError, "steps must be >= 2"),
    ({"steps": 61}, ValueError, "steps must be <= 60"),
    ({"steps": 2.5}, TypeError, "steps must be an integer"),
    ({"scale": 0.1}, ValueError, "scale must be >= 0.5"),
    ({"scale": "big"}, TypeError, "scale must be a number"),
    ({"activation": "softmax"}, ValueError, "unknown activation 'softmax'"),
    ({"mode": "lstm"}, ValueError, "unknown mode 'lstm'"),
    ({"global_clipnorm": 0.0}, ValueError, "global_clipnorm must be >= 0.01"),
    ({"global_clipnorm": float("nan")}, ValueError, "global_clipnorm must be a finite number"),
    ({"units": 0}, ValueError, "units must be >= 1"),
    ({"seed": -1}, ValueError, "seed must be >= 0"),
])
def test_bad_input_is_refused_in_words(kwargs, error, words):
    with pytest.raises(error, match=re.escape(words)):
        TimeUnroller(**kwargs)
