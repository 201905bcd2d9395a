"""What the apps' canvas (widgets/canvas.py) sends a browser, checked without one.

A frame is a PNG of the box of pixels that changed and its offset; the browser paints
it over what it shows. Pinned here: nothing is sent before a view exists, and a view's
"ready" brings the whole picture; every slider of every app, and the Playground's
training steps, send small frames (no full redraw) that compose, in the browser's way,
into exactly the figure a full draw gives; clicks come back as Matplotlib events.
"""
import io
import math

import ipywidgets as ipw
import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

import widgets
from widgets.canvas import WebCanvas, changed_box


def png_pixels(data):
    """RGBA pixels (H, W, 4) of PNG bytes."""
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


def record_frames(canvas):
    """Collect the frames ({"x", "y", "full"}, PNG bytes) the canvas sends its view."""
    frames = []
    send = canvas.view.send

    def recording(content, buffers=None):
        frames.append((content, bytes(buffers[0])))
        return send(content, buffers=buffers)
    canvas.view.send = recording
    return frames


def connect_front_end(canvas):
    """What the view says once it is on the page (widgets/canvas.py's render())."""
    canvas.view._handle_custom_msg({"type": "ready"}, [])


def paint(shown, frame):
    """What the browser shows after painting one frame: the PNG replaces its box."""
    content, data = frame
    pixels = png_pixels(data)
    if content["full"]:
        return pixels.copy()
    shown = shown.copy()
    y, x = content["y"], content["x"]
    shown[y:y + pixels.shape[0], x:x + pixels.shape[1]] = pixels
    return shown


def composed(frames):
    shown = None
    for frame in frames:
        shown = paint(shown, frame)
    return shown


@pytest.mark.parametrize("name", widgets.__all__)
def test_nothing_is_sent_before_a_view_exists_and_ready_brings_the_whole_picture(name):
    app = getattr(widgets, name)()
    canvas = app.fig.canvas
    frames = record_frames(canvas)
    canvas.draw()                                   # e.g. a callback running before the cell's output shows
    assert frames == []                             # no view yet: nobody to paint it
    connect_front_end(canvas)
    assert [content["full"] for content, _ in frames] == [True]
    width, height = canvas.get_width_height(physical=True)
    assert tuple(canvas.view.size) == (width, height)
    np.testing.assert_array_equal(composed(frames), np.asarray(canvas.buffer_rgba()))
    assert canvas.view.alt.strip(), f"{name}'s figure has no text alternative"
    app.close()


def test_playground_training_sends_small_frames_that_compose_into_the_full_figure(monkeypatch):
    app = widgets.Playground()
    canvas = app.fig.canvas
    frames = record_frames(canvas)
    draws = []
    monkeypatch.setattr(canvas, "draw", lambda orig=canvas.draw: (draws.append(1), orig()))
    connect_front_end(canvas)
    for _ in range(3):
        app.controls["step"].click()
    assert draws == []                              # blitted frames only
    assert [content["full"] for content, _ in frames] == [True, False, False, False]
    width, height = canvas.get_width_height(physical=True)
    for content, data in frames[1:]:                # each frame is the changed box, not the figure
        h, w = png_pixels(data).shape[:2]
        assert 0 < w * h < width * height
    shown = composed(frames)
    monkeypatch.undo()
    canvas.draw()                                   # the same state drawn from scratch
    np.testing.assert_array_equal(shown, np.asarray(canvas.buffer_rgba()))
    app.close()


def test_changed_box_is_the_smallest_box_around_the_differences():
    before = np.zeros((6, 8, 4), dtype=np.uint8)
    after = before.copy()
    assert changed_box(before, after) is None
    after[1, 2, 0] = 5                              # one channel of one pixel
    after[4, 6, 3] = 9
    assert changed_box(before, after) == (1, 5, 2, 7)


def test_a_click_in_the_browser_is_a_button_press_event_at_that_point():
    fig = Figure(figsize=(2, 1), dpi=100)           # 200 x 100 px
    canvas = WebCanvas(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 200)
    ax.set_ylim(0, 100)
    assert not canvas.view.clickable                # nothing listens: the browser sends no clicks
    seen = []
    canvas.mpl_connect("button_press_event", lambda event: seen.append((event.xdata, event.ydata, event.button)))
    assert canvas.view.clickable
    canvas.view._handle_custom_msg({"type": "click", "x": 50, "y": 20, "button": 0}, [])
    (x, y, button), = seen
    assert (x, y) == pytest.approx((50, 80)) and button == 1   # the browser counts y from the top


SLIDERS = (ipw.FloatSlider, ipw.IntSlider, ipw.FloatLogSlider, ipw.SelectionSlider)


def one_step(control, up=True):
    """Move a slider by one step, as an arrow key does (down if up is False or at the end)."""
    if isinstance(control, ipw.SelectionSlider):
        last = len(control.options) - 1
        control.index = min(control.index + 1, last) if up and control.index < last else max(control.index - 1, 0)
    elif isinstance(control, ipw.FloatLogSlider):
        exponent = math.log10(control.value) + (control.step if up else -control.step)
        if not control.min <= exponent <= control.max:
            exponent = math.log10(control.value) - (control.step if up else -control.step)
        control.value = 10 ** exponent
    else:
        value = control.value + (control.step if up else -control.step)
        if not control.min <= value <= control.max:
            value = control.value - (control.step if up else -control.step)
        control.value = value


def sliders(app):
    return [name for name, control in app.controls.items() if isinstance(control, SLIDERS)]


SLIDER_CASES = [(name, slider) for name in widgets.__all__ for slider in sliders(getattr(widgets, name)())]


@pytest.mark.parametrize("name, slider", SLIDER_CASES)
def test_a_slider_blits_and_the_browser_composes_the_full_figure(name, slider, monkeypatch):
    """Every slider of every app: after the first picture, each step sends only the box of
    changed pixels, without a full draw, and the frames, painted one over another as the
    browser does, give exactly the figure a full draw gives."""
    app = getattr(widgets, name)()
    canvas = app.fig.canvas
    frames = record_frames(canvas)
    draws = []
    monkeypatch.setattr(canvas, "draw", lambda orig=canvas.draw: (draws.append(1), orig()))
    connect_front_end(canvas)
    for k in range(4):
        one_step(app.controls[slider], up=k % 2 == 0 or k == 3)
    assert app.last_error is None
    assert draws == [], f"{len(draws)} full draws: a slider step should blit"
    full = [content["full"] for content, _ in frames]
    assert full[0] and not any(full[1:])            # a setting for the next run may send none
    shown = composed(frames)
    monkeypatch.undo()
    canvas.draw()
    np.testing.assert_array_equal(shown, np.asarray(canvas.buffer_rgba()))
    app.close()
