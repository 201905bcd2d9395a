"""What every Backprop Lab app shares: one figure, one root box, controls by name.

An app is built in three parts (the ipywidgets tutorial's split):
- model: backprop objects plus a little state; all math comes from ``backprop``;
- view: one Matplotlib figure made once, updated in place (``set_data``) and
  redrawn with ``draw_idle``; the figure lives on ipympl's canvas, so the app works
  whatever ``%matplotlib`` backend the notebook chose (no pyplot involved);
- controls: ipywidgets built in one place and wired with ``observe(..., "value")``.

``App`` gives the common surface: ``app.fig``, ``app.ui``, ``app.controls``, a status
line where any exception raised in a callback is shown (never lost), and
``throttled`` so a dragged slider redraws at most every ``interval`` seconds and
always ends on its last value (no queue of stale frames).
"""
import asyncio
import base64
import contextlib
import functools
import html
import io
import time
import traceback

import ipywidgets as ipw
import matplotlib
import numpy as np
from matplotlib.figure import Figure
from PIL import Image

# Importing ipympl calls matplotlib.use(ipympl) when matplotlib is loaded, which would turn every
# later plot of the notebook into a widget and drop the inline backend's hooks. The apps use
# ipympl's canvas directly and need no backend switch, so the switch is skipped for this import.
_use, matplotlib.use = matplotlib.use, lambda *args, **kwargs: None
try:        # ipympl's canvas is an ipywidget: the figure sits inside the app's box
    from ipympl.backend_nbagg import Canvas, FigureManager
except ImportError:         # pragma: no cover - ipympl is a dependency; Agg keeps tests alive without it
    Canvas = FigureManager = None
finally:
    matplotlib.use = _use

DATA_URL_PREFIX = "data:image/png;base64,"

if Canvas is not None:
    class _Canvas(Canvas):
        """ipympl's canvas, safe to draw before it is displayed.

        ipympl 0.10 sends every frame to the browser at once, also before the figure's
        view exists, and keeps the frame in the ``_data_url`` trait as bare base64 (no
        ``data:image/png;base64,`` prefix). In JupyterLab either one leaves the figure
        blank ("drawImage ... HTMLImageElement ... broken state" in the browser's
        console) whenever an app draws while it is being built, as the Playground does.
        Here a frame drawn before the view says "initialized" is only kept as a valid
        data URL (what a saved notebook or a reloaded page shows); the view's first
        request ("refresh") brings a full frame anyway.
        """

        def send_binary(self, data):
            if not self.syncing_data_url:       # a view is on the page: send the frame
                super().send_binary(data)
                return
            pixels = self._last_buff.view(dtype=np.uint8).reshape((*self._last_buff.shape, 4))
            with io.BytesIO() as png:
                Image.fromarray(pixels).save(png, format="png")
                self._data_url = DATA_URL_PREFIX + base64.b64encode(png.getvalue()).decode("ascii")


def make_figure(figsize=(8, 4), **kwargs):
    """A Figure on ipympl's canvas (toolbar and header hidden), not registered with pyplot."""
    fig = Figure(figsize=figsize, **kwargs)
    if Canvas is not None:
        canvas = _Canvas(fig)
        FigureManager(canvas, 0)
        canvas.toolbar_visible = False
        canvas.header_visible = False
        canvas.footer_visible = False
        canvas.resizable = False
    return fig


class App:
    """Base class of the apps: subclasses build ``fig``, ``controls`` and ``ui``.

    Subclasses call ``self._init_status()`` before wiring callbacks, wrap every
    callback with ``self.guard`` (or ``self.throttled``), and put ``self.status``
    somewhere in ``self.ui``.
    """

    fig = None
    ui = None
    _initial = {}           # control name -> the value the app was opened with (set by subclasses)
    _quiet = False          # True while several controls change at once: callbacks skip their update

    def _init_status(self):
        self.controls = {}
        self.status = ipw.HTML(value="", layout=ipw.Layout(min_height="1.5em"))
        self.last_error = None

    def guard(self, fn):
        """Wrap a callback so an exception is shown in the app instead of lost in a log."""
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                result = fn(*args, **kwargs)
            except Exception as err:      # noqa: BLE001 - a callback must never die silently
                self.show_error(err)
                return None
            return result
        return wrapper

    def show_error(self, err):
        self.last_error = err
        detail = html.escape("".join(traceback.format_exception_only(type(err), err)).strip())
        self.status.value = (f"<span style='color:#b00020'><b>Error:</b> {detail}</span>")

    def show_message(self, text, color="#333"):
        """Put a short line in the status area (HTML-escaped); an empty text clears it."""
        self.status.value = f"<span style='color:{color}'>{html.escape(text)}</span>" if text else ""

    def throttled(self, fn, interval=0.05):
        """A guarded version of ``fn`` that runs at most once per ``interval`` seconds.

        Calls that come too soon are not queued: one trailing call is scheduled on the
        kernel's event loop, and it runs with whatever the controls hold by then. With
        no running event loop (plain scripts, tests) every call runs at once.
        """
        fn = self.guard(fn)
        state = {"last": 0.0, "pending": None}

        def fire():
            state["pending"] = None
            try:
                fn()
            finally:    # time from the END of a frame, so messages that queued during a slow one merge
                state["last"] = time.monotonic()

        def wrapper(*_):
            wait = interval - (time.monotonic() - state["last"])
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                loop = None
            if wait <= 0 or loop is None:
                if state["pending"] is not None:
                    state["pending"].cancel()
                fire()
            elif state["pending"] is None:
                state["pending"] = loop.call_later(wait, fire)
        return wrapper

    @contextlib.contextmanager
    def quietly(self):
        """Change several controls with one update at the end, not one per control.

        Callbacks check ``self._quiet`` and return at once while it is set.
        """
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False

    def restore_controls(self, values):
        """Set controls back to ``values`` (name -> value), quietly; the caller updates once after."""
        with self.quietly():
            for name, value in values.items():
                self.controls[name].value = value

    def state(self):
        """The current values of the controls named in ``_initial``, by name."""
        return {name: self.controls[name].value for name in self._initial}

    def _on_change(self, *_):
        """A control moved: update the view, unless several controls are being set (``quietly``)."""
        if not self._quiet:
            self._update()

    def _update(self):
        """Recompute from the controls and show the result (each app defines it)."""
        raise NotImplementedError

    def reset(self, *_):
        """Put every control back to the value the app was opened with, and update once."""
        self.restore_controls(self._initial)
        self._update()
        self.show_message("")

    def redraw(self):
        self.fig.canvas.draw_idle()

    def _repr_mimebundle_(self, **kwargs):
        return self.ui._repr_mimebundle_(**kwargs)

    def close(self):
        """Close the widgets (for notebooks that open many apps)."""
        self.ui.close()


def figure_widget(fig):
    """The widget that shows ``fig``: ipympl's canvas, or an Output as a fallback."""
    if isinstance(fig.canvas, ipw.DOMWidget):
        return fig.canvas
    out = ipw.Output()
    with out:
        from IPython.display import display
        display(fig)
    return out
