"""What every Backprop Lab app shares: one figure, one root box, controls by name.

An app is built in three parts (the ipywidgets tutorial's split):
- model: backprop objects plus a little state; all math comes from ``backprop``;
- view: one Matplotlib figure made once, updated in place (``set_data``); the
  artists that move are ``animated`` and listed in ``_dynamic``: a frame restores the
  saved static background and draws only them (blitting, ``redraw``), so a slider
  costs a few artists, not a full draw. The figure lives on a ``canvas.WebCanvas``
  (Agg in the kernel, a <canvas> in the browser), so the app works whatever
  ``%matplotlib`` backend the notebook chose (no pyplot involved);
- controls: ipywidgets built in one place and wired with ``observe(..., "value")``.

``App`` gives the common surface: ``app.fig``, ``app.ui``, ``app.controls``, a status
line where any exception raised in a callback is shown (never lost), and
``throttled`` so a dragged slider redraws at most every ``interval`` seconds and
always ends on its last value (no queue of stale frames).
"""
import asyncio
import contextlib
import functools
import html
import time
import traceback

import ipywidgets as ipw
from matplotlib.figure import Figure

from .canvas import WebCanvas


def make_figure(figsize=(8, 4), alt="", **kwargs):
    """A Figure on a WebCanvas (its widget: ``figure_widget(fig)``), not registered with pyplot.

    alt: what a screen reader says for the figure: what it shows, in a sentence or two.
    """
    fig = Figure(figsize=figsize, **kwargs)
    WebCanvas(fig).view.alt = alt
    return fig


def readout_line(**layout):
    """The app's readout: an HTML widget that says in words what the figure shows now.

    In the page it is a polite live region (canvas.py's improveControls finds it by its
    class), so a screen reader says the new state after a control moves the figure.
    """
    widget = ipw.HTML(layout=ipw.Layout(**layout))
    widget.add_class("backprop-readout")
    return widget


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
    _dynamic = ()           # the animated artists a frame draws over the background, bottom to top
    _background = None      # (canvas, size, pixels) of the figure without its dynamic artists

    def _init_status(self):
        self.controls = {}
        self.status = ipw.HTML(value="", layout=ipw.Layout(min_height="1.5em"))
        self.status.add_class("backprop-status")        # a status region in the page (canvas.py)
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

    # ---- the view: blitting ------------------------------------------------------------
    def _blit(self, dynamic):
        """Draw ``dynamic`` (artists made with ``animated=True``) over a saved background.

        Call once, after the figure is built. Every full draw (the first one, or one
        that ``redraw(full=True)`` asks for when something static changed: limits,
        ticks, a title) saves the static part; later frames restore it and draw only
        these artists. Bottom to top: an artist listed later is drawn over earlier ones.
        """
        self._dynamic = list(dynamic)
        for artist in self._dynamic:
            artist.set_animated(True)
        self.fig.canvas.mpl_connect("draw_event", self._on_draw)

    def redraw(self, full=False):
        """Show the artists' new state: blit the dynamic ones, or draw everything if needed.

        A frame restores the saved background (axes, ticks, labels: most of a full
        draw's time) and draws only the dynamic artists on it; the canvas then sends the
        browser a PNG of the box of pixels that changed. tests/test_widget_canvas.py
        checks that the frames compose into exactly a full draw, and the browser test
        watches them. Apps without dynamic artists, and canvases without saved regions
        (vector backends), get a plain ``draw_idle``.
        """
        canvas = self.fig.canvas
        if not self._dynamic or not hasattr(canvas, "copy_from_bbox"):
            canvas.draw_idle()
            return
        bg = self._background
        if full or bg is None or bg[0] is not canvas or bg[1] != canvas.get_width_height(physical=True):
            canvas.draw()       # _on_draw saves the new background and draws the dynamic artists
            return
        canvas.restore_region(bg[2])
        self._draw_dynamic()
        canvas.blit(self.fig.bbox)

    def _on_draw(self, _event):
        canvas = self.fig.canvas
        if canvas.is_saving():      # savefig draws the animated artists too: not a background
            self._background = None
            return
        self._background = (canvas, canvas.get_width_height(physical=True),
                            canvas.copy_from_bbox(self.fig.bbox))
        self._draw_dynamic()

    def _draw_dynamic(self):
        for artist in self._dynamic:
            if artist.get_visible():
                self.fig.draw_artist(artist)

    def _repr_mimebundle_(self, **kwargs):
        return self.ui._repr_mimebundle_(**kwargs)

    def close(self):
        """Close the widgets (for notebooks that open many apps)."""
        self.ui.close()


def html_line(text, color="#222", size="13px"):
    """One line (or paragraph) of escaped text as HTML, for a readout beside a figure."""
    return f"<div style='color:{color};font-size:{size};line-height:1.35'>{html.escape(text)}</div>"


def html_block(title, text, size="12.5px"):
    """A heading and a computation in monospace, each line kept whole (escaped)."""
    return (f"<div style='font-size:13px'><b>{html.escape(title)}</b>"
            "<div style='font-family:var(--jp-code-font-family, monospace);"
            f"font-size:{size};white-space:pre;line-height:1.35'>{html.escape(text)}</div></div>")


def figure_widget(fig):
    """The widget that shows ``fig`` (made by ``make_figure``): its canvas's view."""
    return fig.canvas.view
