"""What the apps' ipympl canvas sends a browser, checked without one.

Two things behind blank figures in JupyterLab (caught by the browser test) are pinned
here: a frame drawn before the app is displayed must not be sent (the view does not
exist yet) but kept as a valid image URL, and the Playground's blitted frames (PNGs
of the changed pixels) must compose, in the browser's way, into exactly the figure a
full draw gives.
"""
import base64
import io
import json

import numpy as np
import pytest
from PIL import Image

import widgets
from widgets.app import DATA_URL_PREFIX



def png_pixels(data):
    """RGBA pixels (H, W, 4) of PNG bytes."""
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


def record_frames(canvas):
    """Collect the (image mode, PNG bytes) frames the canvas sends to the front end."""
    frames = []
    send = canvas.send

    def recording(content, buffers=None):
        if buffers and json.loads(content["data"])["type"] == "binary":
            frames.append((canvas._current_image_mode, bytes(buffers[0])))
        return send(content, buffers=buffers)
    canvas.send = recording
    return frames


def connect_front_end(canvas):
    """What JupyterLab's ipympl view says once it is on the page (its first messages).

    ``refresh`` asks for a full frame next and sends the view a "draw" event; the view
    answers with a "draw" message, which draws the figure.
    """
    for message in ("refresh", "send_image_mode", "initialized", "draw"):
        canvas._handle_message(canvas, {"type": message}, [])


@pytest.mark.parametrize("name", widgets.__all__)
def test_a_frame_drawn_before_display_is_kept_as_a_valid_image_url_not_sent(name):
    app = getattr(widgets, name)()
    canvas = app.fig.canvas
    frames = record_frames(canvas)
    canvas.draw()                                   # e.g. a callback running before the cell's output shows
    assert frames == []                             # a frame sent before the view exists blanks it
    url = canvas._data_url
    assert isinstance(url, str) and url.startswith(DATA_URL_PREFIX)
    pixels = png_pixels(base64.b64decode(url[len(DATA_URL_PREFIX):]))
    width, height = canvas.get_width_height(physical=True)
    assert pixels.shape == (height, width, 4)
    np.testing.assert_array_equal(pixels, np.asarray(canvas.buffer_rgba()))
    app.close()


def test_playground_blits_on_ipympl_and_the_browser_composes_the_full_figure(monkeypatch):
    app = widgets.Playground()
    canvas = app.fig.canvas
    frames = record_frames(canvas)
    draws = []
    monkeypatch.setattr(canvas, "draw", lambda orig=canvas.draw: (draws.append(1), orig()))
    connect_front_end(canvas)
    for _ in range(3):
        app.controls["step"].click()
    assert len(draws) == 1                          # one full draw, then blitted frames only
    modes = [mode for mode, _ in frames]
    assert modes == ["full", "diff", "diff", "diff"]

    shown = png_pixels(frames[0][1])
    for _, data in frames[1:]:                      # the front end paints a diff over what it shows
        diff = png_pixels(data)
        assert diff[..., 3].any()                   # each frame changed something
        shown = np.where(diff[..., 3:] > 0, diff, shown)
    monkeypatch.undo()
    canvas.draw()                                   # the same state drawn from scratch
    np.testing.assert_array_equal(shown, np.asarray(canvas.buffer_rgba()))
    app.close()
