"""The apps' figure in the browser: drawn by Agg in the kernel, painted on a <canvas>.

Why not ipympl: its view makes every redraw a round trip (the kernel asks the browser
to ask for a draw), keeps Tab, Shift+Tab and Escape once it has the focus (a keyboard
user cannot leave the app), has no text alternative, and frames drawn before its view
exists needed its private attributes to survive. This canvas is the small part of it
the apps need, on public APIs only (Matplotlib's Agg canvas, anywidget):

- ``draw()`` renders with Agg and sends the changed pixels at once; ``blit()`` (after
  an app restored a background and drew its dynamic artists) sends them too;
- a frame is the bounding box of the pixels that differ from what the browser shows,
  as a PNG with its offset: a slider that moves one line sends a small image;
- before a view exists nothing is sent; a view, once on the page, asks for a full frame;
- the <canvas> is an image with a text alternative (``alt``), and not focusable, so Tab
  goes past it; once a ``button_press_event`` handler is connected, clicks come back as
  Matplotlib events (such apps offer the same through their controls, for keyboards);
- in the page, the view also names the app's slider handles and icon-only buttons and
  keeps a dropdown's or slider's keys from JupyterLab's notebook shortcuts (what
  ipywidgets 8 leaves out: ``improveControls`` in the script below).
"""
import asyncio
import io

import anywidget
import numpy as np
import traitlets
from matplotlib.backend_bases import MouseButton, MouseEvent
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

_ESM = """
function render({ model, el }) {
  const canvas = document.createElement("canvas");
  canvas.className = "backprop-figure";
  canvas.setAttribute("role", "img");
  const ctx = canvas.getContext("2d");
  const fit = () => {
    const [w, h] = model.get("size");
    if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
  };
  const describe = () => canvas.setAttribute("aria-label", model.get("alt"));
  fit();
  describe();
  let painting = Promise.resolve();
  const onFrame = (msg, buffers) => {
    if (msg.type !== "frame") return;
    const png = new Blob([buffers[0]], { type: "image/png" });
    // frames are painted in the order they came: each waits for the one before
    painting = painting.then(() => createImageBitmap(png)).then((bitmap) => {
      fit();
      ctx.clearRect(msg.x, msg.y, bitmap.width, bitmap.height);
      ctx.drawImage(bitmap, msg.x, msg.y);
      bitmap.close();
    }).catch((error) => console.warn("backprop figure: a frame was not painted", error));
  };
  const onClick = (event) => {
    if (!model.get("clickable")) return;
    const box = canvas.getBoundingClientRect();
    model.send({ type: "click", button: event.button,
                 x: (event.clientX - box.left) * canvas.width / box.width,
                 y: (event.clientY - box.top) * canvas.height / box.height });
  };
  model.on("change:size", fit);
  model.on("change:alt", describe);
  model.on("msg:custom", onFrame);
  canvas.addEventListener("click", onClick);
  el.appendChild(canvas);
  model.send({ type: "ready" });
  // the app's controls sit in the same output: make them usable from the keyboard and by name
  // (the view is rendered before it is put in the page: look for the output once it is)
  const observer = new MutationObserver(() => improveControls(app));
  let app = null, tries = 0, waiting = 0;
  const attach = () => {
    app = el.isConnected ? el.closest(".jp-OutputArea-output, .output_subarea") || el.parentElement : null;
    if (app) {
      improveControls(app);
      observer.observe(app, { childList: true, subtree: true });
    } else if (tries++ < 600) {                      // about 10 s
      waiting = requestAnimationFrame(attach);
    }
  };
  attach();
  return () => {
    cancelAnimationFrame(waiting);
    observer.disconnect();
    model.off("msg:custom", onFrame);
    model.off("change:size", fit);
    model.off("change:alt", describe);
  };
}

const ICON_NAMES = { "fa-play": "play", "fa-pause": "pause", "fa-stop": "stop", "fa-repeat": "repeat",
                     "fa-retweet": "repeat" };

// What ipywidgets 8 leaves out, added to the app's controls in the page:
// - a slider's handle (role=slider) gets its description as its name (aria-label); the
//   description's label loses the title "null" it is given;
// - a button with only an icon (the Play widget's) gets a name from its tooltip or icon;
// - in a dropdown, a slider or its readout, keys stay with the control: JupyterLab's
//   notebook shortcuts (ArrowDown moves to the next cell) skip elements marked
//   data-lm-suppress-shortcuts;
// - the app's readout (class backprop-readout: what the figure shows now, in words) is a
//   polite live region, so a screen reader says the new state after a control moved, and
//   its status line (class backprop-status, where errors show) is a status region.
function improveControls(root) {
  for (const readout of root.querySelectorAll(".backprop-readout")) {
    if (readout.getAttribute("aria-live") !== "polite") readout.setAttribute("aria-live", "polite");
  }
  for (const status of root.querySelectorAll(".backprop-status")) {
    if (status.getAttribute("role") !== "status") status.setAttribute("role", "status");
  }
  for (const slider of root.querySelectorAll(".widget-slider, .widget-hslider, .widget-vslider")) {
    const label = slider.querySelector(".widget-label");
    const name = label ? label.textContent.trim() : "";
    if (label && label.getAttribute("title") === "null") label.removeAttribute("title");
    for (const handle of slider.querySelectorAll("[role=slider], .noUi-handle")) {
      if (name && handle.getAttribute("aria-label") !== name) handle.setAttribute("aria-label", name);
    }
  }
  for (const label of root.querySelectorAll(".widget-label[title=null]")) label.removeAttribute("title");
  for (const button of root.querySelectorAll("button")) {
    if (button.textContent.trim() || button.hasAttribute("aria-label")) continue;
    const icon = [...button.querySelectorAll("i")].flatMap((i) => [...i.classList]).find((c) => ICON_NAMES[c]);
    const name = button.title || (icon && ICON_NAMES[icon]);
    if (name) button.setAttribute("aria-label", name);
  }
  for (const control of root.querySelectorAll("select, [role=slider], .widget-readout")) {
    if (!control.hasAttribute("data-lm-suppress-shortcuts")) control.setAttribute("data-lm-suppress-shortcuts", "true");
  }
}
export default { render };
"""

_CSS = """
.backprop-figure { display: block; max-width: 100%; height: auto; }
"""

_BUTTONS = {0: MouseButton.LEFT, 1: MouseButton.MIDDLE, 2: MouseButton.RIGHT}


class FigureView(anywidget.AnyWidget):
    """The browser's side of a WebCanvas: a <canvas> that paints the PNG frames it is sent.

    size: (width, height) in pixels; alt: the text a screen reader says for the figure;
    clickable: whether clicks go back to the kernel.
    """
    _esm = _ESM
    _css = _CSS
    size = traitlets.Tuple(traitlets.Int(), traitlets.Int(), default_value=(0, 0)).tag(sync=True)
    alt = traitlets.Unicode("").tag(sync=True)
    clickable = traitlets.Bool(False).tag(sync=True)


class WebCanvas(FigureCanvasAgg):
    """An Agg canvas whose pictures go to a FigureView (``canvas.view``, the widget to show).

    ``shown`` is what the browser's canvas holds, (H, W, 4) uint8 RGBA, or None while no
    view has asked for a frame; ``frames`` counts the frames sent, ``full_frames`` those
    that were the whole figure.
    """

    def __init__(self, figure=None):
        super().__init__(figure)
        width, height = self.get_width_height(physical=True)
        self.view = FigureView(size=(width, height))
        self.view.on_msg(self._on_message)
        self.shown = None
        self.frames = self.full_frames = 0
        self._idle_pending = False
        self._has_drawn = False

    # ---- drawing ----------------------------------------------------------------------
    def draw(self):
        """Render the whole figure (draw_event handlers run inside), then send what changed."""
        super().draw()
        self._has_drawn = True
        self.send_frame()

    def draw_idle(self, *args, **kwargs):
        """Draw once the current callback is over (several requests in one callback: one
        draw); at once when no event loop runs (scripts, tests)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.draw()
            return
        if not self._idle_pending:
            self._idle_pending = True
            loop.call_soon(self._draw_now)

    def _draw_now(self):
        self._idle_pending = False
        self.draw()

    def mpl_connect(self, s, func):
        """Matplotlib's event connection; a handler of button presses makes the view send clicks."""
        if s == "button_press_event":
            self.view.clickable = True
        return super().mpl_connect(s, func)

    def blit(self, bbox=None):
        """Send what an app drew over a restored background (the frame finds the changed box)."""
        self.send_frame()

    # ---- frames -----------------------------------------------------------------------
    def send_frame(self, full=False):
        """Send the browser the pixels that differ from what it shows (all of them if full)."""
        if self.shown is None and not full:
            return                      # no view yet: its "ready" brings a full frame
        pixels = np.asarray(self.buffer_rgba())                         # (H, W, 4)
        height, width = pixels.shape[:2]
        if full or self.shown is None or self.shown.shape != pixels.shape:
            box = (0, height, 0, width)
            if tuple(self.view.size) != (width, height):
                self.view.size = (width, height)
            self.shown = np.empty_like(pixels)
            full = True
        else:
            box = changed_box(self.shown, pixels)
            if box is None:
                return
        top, bottom, left, right = box
        crop = pixels[top:bottom, left:right]
        self.view.send({"type": "frame", "x": int(left), "y": int(top), "full": full}, [encode_png(crop)])
        self.shown[top:bottom, left:right] = crop
        self.frames += 1
        self.full_frames += full

    def _on_message(self, _widget, content, _buffers):
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ready":             # a view is on the page: it needs the whole picture
            if not self._has_drawn:
                super().draw()
            self.send_frame(full=True)
        elif kind == "click" and self.view.clickable:
            self._click(content)

    def _click(self, content):
        """A click at (x, y) canvas pixels from the top left, as Matplotlib's event."""
        height = self.get_width_height(physical=True)[1]
        x, y = float(content.get("x", 0)), float(content.get("y", 0))
        button = _BUTTONS.get(content.get("button"), MouseButton.LEFT)
        event = MouseEvent("button_press_event", self, x, height - y, button=button)
        self.callbacks.process("button_press_event", event)


def changed_box(before, after):
    """(top, bottom, left, right) of the pixels that differ between two (H, W, 4) arrays, or None."""
    differs = (before.view(np.uint32) != after.view(np.uint32))[..., 0]     # (H, W): one compare per pixel
    rows = np.flatnonzero(differs.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(differs[rows[0]:rows[-1] + 1].any(axis=0))
    return rows[0], rows[-1] + 1, cols[0], cols[-1] + 1


def encode_png(pixels):
    """PNG bytes of (h, w, 4) uint8 RGBA pixels; fast compression (frames are short-lived)."""
    with io.BytesIO() as out:
        Image.fromarray(np.ascontiguousarray(pixels), "RGBA").save(out, format="png", compress_level=1)
        return out.getvalue()
