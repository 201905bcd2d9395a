"""ConvExplorer driven without a browser: controls in, artists and readouts out.

Expected numbers are worked here from the definitions, independently of backprop.conv:
the feature map from four nested loops, windows sliced from the data set's pixels, the
gradients by hand (one pixel: dL/dK is the window and dL/dx is K laid on it; all pixels:
sums over positions), and the learned kernel judged with a loop-made feature.
"""
import html
import re
import time

import numpy as np
import pytest

from backprop import datasets
from test_widget_canvas import composed, connect_front_end, record_frames
from widgets.conv_explorer import KERNEL_NAMES, ConvExplorer, explain, learn_kernel, learned

EDGE = [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]
SHARPEN = [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]
BLUR = [[1 / 9] * 3] * 3


@pytest.fixture(scope="module")
def digits():
    X, y = datasets.load_digits()
    return X.reshape(-1, 8, 8), y


@pytest.fixture
def app():
    app = ConvExplorer()
    yield app
    app.close()


def text_of(widget):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", widget.value)).split())


def boxes(app):
    """The kernel as the nine boxes hold it, (3, 3)."""
    return np.array([app.controls[name].value for name in KERNEL_NAMES]).reshape(3, 3)


def set_kernel(app, kernel):
    for name, value in zip(KERNEL_NAMES, np.ravel(kernel)):
        app.controls[name].value = float(value)


def conv_loop(x, kernel, padding):
    """out[i, j] = sum_a sum_c x_pad[i + a, j + c] K[a, c], one product at a time."""
    xp = np.pad(x, 1) if padding == "same" else x
    n = xp.shape[0] - 2
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            for a in range(3):
                for c in range(3):
                    out[i, j] += xp[i + a, j + c] * kernel[a][c]
    return out


def test_builds_with_no_arguments(app):
    assert set(app.controls) == {"image", "row", "column", "padding", "gradient", "preset", "reset",
                                 *(f"k{a}{c}" for a in range(3) for c in range(3))}
    assert "application/vnd.jupyter.widget-view+json" in app._repr_mimebundle_()
    assert app.last_error is None and app.status.value == ""
    assert app.controls["preset"].value == "edge"
    assert "out[2, 1] = sum of 9 products" in text_of(app.readout)


def test_the_gallery_is_two_of_each_digit(app, digits):
    _, y = digits
    assert list(y[:20]) == list(range(10)) * 2
    for image in (0, 7, 13):
        app.controls["image"].value = image
        np.testing.assert_array_equal(app.x_image.get_array(), digits[0][image])
        assert f"(digit {image % 10})" in text_of(app.readout)


@pytest.mark.parametrize("name, kernel", [("edge", EDGE), ("blur", BLUR), ("sharpen", SHARPEN)])
def test_presets_give_the_expected_kernels(app, name, kernel):
    app.controls["preset"].value = "learned" if name == "edge" else "edge"   # from another preset
    app.controls["preset"].value = name
    np.testing.assert_allclose(boxes(app), kernel, rtol=0, atol=1e-12)
    np.testing.assert_allclose(app.kernel_image.get_array(), kernel, rtol=0, atol=1e-12)
    assert text_of(app.note).startswith(f"Kernel: {name}:")


def test_a_typed_weight_makes_the_kernel_your_own_until_it_is_a_preset_again(app):
    app.controls["k11"].value = 7.0
    assert app.controls["preset"].value is None
    assert "your own" in text_of(app.note) and "your kernel" in text_of(app.readout)
    assert app.result["kernel"][1, 1] == 7.0
    app.controls["k11"].value = 8.0
    assert app.controls["preset"].value == "edge"


@pytest.mark.parametrize("padding, size", [("valid", 6), ("same", 8)])
@pytest.mark.parametrize("image", [0, 4, 18])
def test_feature_map_equals_a_loop_from_the_definition(app, digits, padding, size, image):
    rng = np.random.default_rng(image)
    for kernel in (EDGE, SHARPEN, np.round(rng.uniform(-3, 3, (3, 3)), 1)):
        app.controls["padding"].value = padding
        app.controls["image"].value = image
        set_kernel(app, kernel)
        want = conv_loop(digits[0][image], kernel, padding)
        assert want.shape == (size, size)
        np.testing.assert_allclose(app.out_image.get_array(), want, atol=1e-12)
        np.testing.assert_allclose(app.compute(app.state())["out"], want, atol=1e-12)
    assert app.controls["row"].max == app.controls["column"].max == size - 1


@pytest.mark.parametrize("row, column", [(2, 3), (0, 0), (5, 5)])
def test_choosing_a_pixel_gives_its_window_and_sum(app, digits, row, column):
    app.controls["image"].value = 3
    app.controls["row"].value, app.controls["column"].value = row, column
    x = digits[0][3]
    window = x[row:row + 3, column:column + 3]
    r = app.result
    np.testing.assert_array_equal(r["window"], window)
    np.testing.assert_array_equal(r["products"], window * np.array(EDGE))
    # the edge kernel: 8 times the centre minus the other eight
    value = 8 * window[1, 1] - (window.sum() - window[1, 1])
    assert r["value"] == pytest.approx(value)
    assert f"out[{row}, {column}] = sum of 9 products = {value:.3f}" in text_of(app.readout)
    assert f"out[{row}, {column}] = sum of 9 products = {value:.3f}" in text_of(app.forward_html)
    assert app.window_frame.get_xy() == pytest.approx((column - 0.5, row - 0.5))
    assert app.pixel_frame.get_xy() == pytest.approx((column - 0.5, row - 0.5))


def test_with_padding_same_a_corner_window_hangs_over_zeros(app, digits):
    app.controls["padding"].value = "same"
    app.controls["image"].value = 0
    app.controls["row"].value, app.controls["column"].value = 0, 7
    x = digits[0][0]
    want = np.zeros((3, 3))
    want[1:, :2] = x[0:2, 6:8]                      # rows -1..1, columns 6..8: only four real pixels
    np.testing.assert_array_equal(app.result["window"], want)
    assert app.result["origin"] == (-1, 6)
    assert app.window_frame.get_xy() == pytest.approx((5.5, -1.5))
    assert "(beyond x: zeros)" in text_of(app.forward_html)


def test_a_click_on_the_feature_map_chooses_that_pixel(app):
    canvas = app.fig.canvas
    height = canvas.get_width_height(physical=True)[1]
    ax = app.axes["out"]
    x, y = ax.transData.transform((4, 1))           # the centre of out[1, 4], display pixels, y up
    canvas.view._handle_custom_msg({"type": "click", "x": float(x), "y": float(height - y), "button": 0}, [])
    assert (app.controls["row"].value, app.controls["column"].value) == (1, 4)
    assert "out[1, 4] = sum of 9 products" in text_of(app.readout)
    x, y = app.axes["x"].transData.transform((0, 0))   # a click on the input: nothing chosen
    canvas.view._handle_custom_msg({"type": "click", "x": float(x), "y": float(height - y), "button": 0}, [])
    assert (app.controls["row"].value, app.controls["column"].value) == (1, 4)


def test_backward_of_one_pixel_by_hand(app, digits):
    """dL/dout = 1 at out[2, 1] only: out[2, 1] = sum_a,c x[2+a, 1+c] K[a, c], so dL/dK[a, c] =
    x[2+a, 1+c] (the window) and dL/dx[2+a, 1+c] = K[a, c] (K laid on the window), 0 elsewhere."""
    assert app.controls["gradient"].value == "pixel"
    r = app.result
    np.testing.assert_array_equal(r["dkernel"], digits[0][0][2:5, 1:4])
    want = np.zeros((8, 8))
    want[2:5, 1:4] = EDGE
    np.testing.assert_array_equal(r["dx"], want)
    np.testing.assert_array_equal(app.dx_image.get_array(), want)
    np.testing.assert_array_equal(app.dkernel_image.get_array(), digits[0][0][2:5, 1:4])
    assert app.dx_frame.get_visible()
    # padding 'same', pixel (0, 0): the window's top row and left column are padding, whose
    # gradient is dropped: x gets K[1:, 1:] on rows 0..1, columns 0..1
    app.controls["padding"].value = "same"
    app.controls["row"].value, app.controls["column"].value = 0, 0
    want = np.zeros((8, 8))
    want[0:2, 0:2] = [[8, -1], [-1, -1]]
    np.testing.assert_array_equal(app.result["dx"], want)
    dk = np.zeros((3, 3))
    dk[1:, 1:] = digits[0][0][0:2, 0:2]
    np.testing.assert_array_equal(app.result["dkernel"], dk)


def test_backward_of_all_pixels_is_the_sum_over_positions(app, digits):
    app.controls["preset"].value = "blur"
    app.controls["image"].value = 5
    app.controls["gradient"].value = "all"
    x = digits[0][5]
    r = app.result
    assert r["positions"] == 36 and not app.dx_frame.get_visible()
    # dL/dK[a, c] = sum over the 36 positions of x[i+a, j+c]
    want = np.array([[x[a:a + 6, c:c + 6].sum() for c in range(3)] for a in range(3)])
    np.testing.assert_allclose(r["dkernel"], want, rtol=1e-12)
    # the same as the sum of the 36 one-pixel gradients: a reused weight's gradient is the sum of its uses'
    one = {**app.state(), "gradient": "pixel"}
    total = sum(app.compute({**one, "row": i, "column": j})["dkernel"] for i in range(6) for j in range(6))
    np.testing.assert_allclose(r["dkernel"], total, rtol=1e-12)
    # dL/dx[p, q] = (how many of the 36 windows hold x[p, q]) / 9, worked by hand for blur:
    # 1 window at a corner, 2 beside it, 4 one step in on both axes, all 9 in the middle
    dx = r["dx"]
    assert dx[0, 0] == pytest.approx(1 / 9) and dx[0, 1] == pytest.approx(2 / 9)
    assert dx[1, 1] == pytest.approx(4 / 9) and dx[0, 3] == pytest.approx(3 / 9)
    np.testing.assert_allclose(dx[2:6, 2:6], 1.0)
    np.testing.assert_allclose(dx, dx[::-1, ::-1])
    said = text_of(app.backward_html)
    assert "sum over all positions" in said and "Value" in said
    assert "sum of the 36 windows" in text_of(app.readout)


def test_learned_kernel_is_seeded_and_reproducible():
    first, second = learn_kernel(), learn_kernel()
    for key in ("kernel", "losses"):
        np.testing.assert_array_equal(first[key], second[key])
    assert (first["w"], first["b"]) == (second["w"], second["b"])
    np.testing.assert_array_equal(learned()["kernel"], first["kernel"])
    assert first["losses"][-1] < 0.25 * first["losses"][0]        # gradient descent did its work
    other = learn_kernel(seed=1)
    assert not np.array_equal(other["kernel"], first["kernel"])
    seconds = min(_timed(learn_kernel) for _ in range(2))
    assert seconds < 1.0, f"training the learned kernel took {seconds:.2f} s"


def _timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def feature_loop(x, kernel):
    """The learned model's feature, from the definitions: the mean of relu(x conv K), valid."""
    return np.maximum(conv_loop(x, kernel, "valid"), 0).mean()


def test_learned_preset_separates_7s_from_1s_on_held_out_digits(app):
    app.controls["preset"].value = "learned"
    kernel = boxes(app)
    np.testing.assert_array_equal(kernel, learned()["kernel"])
    (X_train, y_train), (X_test, y_test) = datasets.load_digits(test_fraction=0.25, seed=0)

    def features(X, y):
        keep = (y == 1) | (y == 7)
        return np.array([feature_loop(x.reshape(8, 8), kernel) for x in X[keep]]), y[keep] == 7
    f_train, is7_train = features(X_train, y_train)
    f_test, is7_test = features(X_test, y_test)
    # a threshold chosen on the training digits, judged on the held-out ones
    threshold = max(np.unique(f_train), key=lambda t: np.mean((f_train >= t) == is7_train))
    accuracy = np.mean((f_test >= threshold) == is7_test)
    chance = max(is7_test.mean(), 1 - is7_test.mean())
    assert chance < 0.55 and accuracy > 0.9
    assert f"{100 * learned()['test_accuracy']:.0f}% of held-out digits" in text_of(app.note)


def test_the_learned_kernel_is_what_its_text_says(app):
    """'top row positive, rows below negative: ink with empty paper under it': a horizontal bar
    lights it up, a vertical bar of the same ink hardly at all."""
    app.controls["preset"].value = "learned"
    kernel = boxes(app)
    assert np.all(kernel[0] > 0) and kernel[1].sum() < 0 and kernel[2].sum() < 0
    assert "top row is positive" in text_of(app.note)
    horizontal, vertical = np.zeros((8, 8)), np.zeros((8, 8))
    horizontal[2, 1:7] = 1.0
    vertical[1:7, 3] = 1.0
    assert feature_loop(horizontal, kernel) > 5 * feature_loop(vertical, kernel)


def test_reset_returns_to_the_opening_state():
    app = ConvExplorer(image=4, kernel="sharpen", padding="same", row=7, column=6, gradient="all")
    opening = app.state()
    app.controls["padding"].value = "valid"          # the pixel sliders shrink to 0..5
    app.controls["preset"].value = "blur"
    app.controls["image"].value = 9
    app.controls["gradient"].value = "pixel"
    app.controls["reset"].click()
    assert app.state() == opening
    assert app.result["out"].shape == (8, 8) and app.result["value"] == app.result["out"][7, 6]
    app.close()


def test_a_kernel_array_opens_the_app_with_it():
    app = ConvExplorer(kernel=np.array(SHARPEN, dtype=float))
    assert app.controls["preset"].value == "sharpen"
    app.close()
    app = ConvExplorer(kernel=[[0, 0, 0], [0, 1, 0], [0, 0, 0]])
    assert app.controls["preset"].value is None
    np.testing.assert_array_equal(app.result["out"], datasets.load_digits()[0][0].reshape(8, 8)[1:7, 1:7])
    app.controls["preset"].value = "blur"
    app.controls["reset"].click()                  # back to the learner's own kernel, no preset pressed
    assert app.controls["preset"].value is None
    np.testing.assert_array_equal(boxes(app), [[0, 0, 0], [0, 1, 0], [0, 0, 0]])
    app.close()


@pytest.mark.parametrize("kwargs, error, name", [
    ({"image": 20}, ValueError, "image"),
    ({"image": -1}, ValueError, "image"),
    ({"image": 1.5}, TypeError, "image"),
    ({"kernel": "emboss"}, ValueError, "kernel"),
    ({"kernel": np.ones((2, 2))}, ValueError, "kernel"),
    ({"kernel": [[1, 2, 3]] * 2 + [[1, 2, np.nan]]}, ValueError, "kernel"),
    ({"kernel": np.full((3, 3), 11.0)}, ValueError, "kernel"),
    ({"kernel": None}, ValueError, "kernel"),
    ({"padding": "full"}, ValueError, "padding"),
    ({"row": 6}, ValueError, "row"),              # valid: a 6x6 feature map
    ({"column": 8, "padding": "same"}, ValueError, "column"),
    ({"gradient": "some"}, ValueError, "gradient"),
])
def test_bad_arguments_name_the_argument(kwargs, error, name):
    with pytest.raises(error, match=name):
        ConvExplorer(**kwargs)


@pytest.mark.parametrize("call, error, name", [
    (lambda: explain(np.zeros((8, 8)), np.zeros((3, 3)), gradient="some"), ValueError, "gradient"),
    (lambda: explain(np.zeros((8, 8)), np.zeros((2, 2))), ValueError, "kernel"),
    (lambda: explain(np.zeros(64), np.zeros((3, 3))), ValueError, "x"),
    (lambda: explain(np.zeros((8, 8)), np.zeros((3, 3)), row=6), ValueError, "row"),
    (lambda: learn_kernel(digits=(7, 7)), ValueError, "digits"),
    (lambda: learn_kernel(digits=(1, 10)), ValueError, "digits"),
    (lambda: learn_kernel(learning_rate=0), ValueError, "learning_rate"),
])
def test_the_functions_behind_the_app_name_a_bad_argument(call, error, name):
    with pytest.raises(error, match=name):
        call()


@pytest.mark.parametrize("move", ["gradient", "preset", "box", "click", "padding"])
def test_every_other_control_sends_frames_that_compose_into_the_full_figure(move, monkeypatch):
    """What tests/test_widget_canvas.py checks for the sliders, for the toggles, a box and a
    click: frames only (no full draw; the padding, which resizes the feature map, may draw in
    full), composing into exactly what a full draw gives."""
    app = ConvExplorer()
    canvas = app.fig.canvas
    frames = record_frames(canvas)
    draws = []
    monkeypatch.setattr(canvas, "draw", lambda orig=canvas.draw: (draws.append(1), orig()))
    connect_front_end(canvas)
    if move == "gradient":
        app.controls["gradient"].value = "all"
    elif move == "preset":
        app.controls["preset"].value = "sharpen"
    elif move == "box":
        app.controls["k02"].value = 2.5
    elif move == "click":
        app._on_click(type("Event", (), {"inaxes": app.axes["out"], "xdata": 4.2, "ydata": 0.9})())
        assert (app.controls["row"].value, app.controls["column"].value) == (1, 4)
    else:
        app.controls["padding"].value = "same"
    assert app.last_error is None
    assert len(frames) >= 2
    if move != "padding":
        assert draws == []
    shown = composed(frames)
    monkeypatch.undo()
    canvas.draw()
    np.testing.assert_array_equal(shown, np.asarray(canvas.buffer_rgba()))
    app.close()
