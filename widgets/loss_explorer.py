"""Why cross-entropy, not MSE, for a sigmoid output: the two losses and their slopes.

One output p = sigmoid(z) with a target y (0 or 1). The learner sees, as functions of
the logit z in [-8, 8]:
- panel 1: the mean squared error (p - y)^2 and the binary cross-entropy
  -(y log p + (1 - y) log(1 - p));
- panel 2: their gradients dL/dz, the push that gradient descent gives z.
A "z" slider marks one logit on both panels; the values there are written under the figure.

What to see: when the prediction is confidently wrong (z = -6 with y = 1), the sigmoid
is flat, so MSE's gradient (p - y) * 2 p (1 - p) is almost 0 and learning stalls,
while cross-entropy's gradient stays near -1 (it is p - y: the sigmoid's flat slope
cancels). Cross-entropy learns fastest exactly when the model is most wrong.

Every number comes from backprop: ``activations.get("sigmoid").forward``, the loss
objects (``MeanSquaredError``, ``BinaryCrossentropy``) and their ``backward()``,
chained through ``sigmoid.backward``. No derivative is written here.

Model, view, controls: ``compute(state)`` gives the numbers for a dict of control
values (the curves are computed once per target); ``_show`` puts them into the figure
and the HTML readouts. The curves, the shading and the legend change only with the
target or the "show" choice (a full draw); the z slider redraws only its markers and
dashed lines (blitting), and the numbers at z are HTML.
"""
import html

import ipywidgets as ipw
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from backprop import activations, losses
from backprop.validation import check_choice, check_number, describe

from .app import App, figure_widget, make_figure, readout_line

Z_RANGE = (-8.0, 8.0)
N_POINTS = 401                  # z step 0.04: smooth curves, one short loop per target
# control value -> (legend label, short name, colour, line style, marker): Okabe-Ito blue and
# orange, and a second cue besides the colour (solid/circle against dashed/square)
LOSSES = {
    "mse": ("mean squared error  (p - y)²", "MSE", "#0072B2", "-", "o"),
    "binary_crossentropy": ("binary cross-entropy  -(y log p + (1 - y) log(1 - p))", "cross-entropy",
                            "#E69F00", "--", "s"),
}
SHOW = ("mse", "binary_crossentropy", "both")
WRONG_EDGE = 4.0                # |z| beyond which the sigmoid is confidently wrong (p < 0.02)
WRONG_COLOR = "#D55E00"         # Okabe-Ito vermillion: the shaded side, and its label (darker)
FIGSIZE = (9.0, 3.6)            # inches at dpi 100: 900 x 360 px, a laptop's notebook column
ALT = ("Two panels over the logit z from -8 to 8. Left: the loss L of the prediction p = sigmoid(z), "
       "mean squared error as a solid blue line and binary cross-entropy as a dashed orange line. "
       "Right: their gradients dL/dz in the same styles. A shaded band marks where the prediction is "
       "confidently wrong; a dotted vertical line and a marker on each curve mark the chosen z. The "
       "numbers at z are written under the figure.")


class LossExplorer(App):
    """MSE and binary cross-entropy of p = sigmoid(z), and their gradients dL/dz.

    Keyword arguments (each opens the app in that state; Reset returns to it):
        z: the marked logit, a number in [-8, 8] (default -6.0: confidently wrong for y = 1)
        target: the label y, 0 or 1 (default 1)
        show: "mse", "binary_crossentropy" or "both" (default "both")
        figsize: the figure's (width, height) in inches, width 6 to 12, height 2.8 to 6
            (default (9, 3.6): 900 px wide, for a laptop's notebook column)

    Controls (``app.controls``): "z" (FloatSlider), "target" (ToggleButtons 0/1),
    "show" (ToggleButtons), "reset" (Button). The readouts are HTML widgets:
    ``app.heading`` (what is compared, for which target), ``app.readout`` (the values at
    z: what the figure shows now, in words) and ``app.caption`` (what to look at).
    """

    def __init__(self, z=-6.0, target=1, show="both", figsize=FIGSIZE):
        target_value = check_number(target, "target")
        if target_value not in (0.0, 1.0):
            raise ValueError(f"target must be 0 or 1, got {target!r}")
        self._initial = {
            "z": check_number(z, "z", *Z_RANGE),
            "target": int(target_value),
            "show": check_choice(show, "show", SHOW),
        }
        figsize = _check_figsize(figsize)
        self._init_status()
        # model: the sigmoid and the two loss objects; curves cached per target
        self._sigmoid = activations.get("sigmoid")
        self._losses = {"mse": losses.MeanSquaredError(), "binary_crossentropy": losses.BinaryCrossentropy()}
        self._zs = np.linspace(*Z_RANGE, N_POINTS)
        self._curves = {}
        self._shown = None          # (target, show) of the static part last drawn in full
        self._build_view(figsize)
        self._build_controls()
        self._update()

    # ---- model ------------------------------------------------------------------
    def loss_and_gradient(self, name, z, y):
        """L and dL/dz for one logit ``z`` and label ``y``, through backprop.

        p = sigmoid(z); L = loss(y, p); dL/dp from the loss's backward(); dL/dz from
        sigmoid.backward (the chain rule: dL/dz = dL/dp * dp/dz).
        """
        zz = np.array([[float(z)]])                             # one sample, one output: (1, 1)
        p = self._sigmoid.forward(zz)
        loss = self._losses[name]
        value = loss(np.array([[float(y)]]), p)
        dz = self._sigmoid.backward(zz, p, loss.backward())
        return value, float(dz[0, 0])

    def curves(self, target):
        """{loss name: (L over the z grid, dL/dz over the z grid)}, each (N_POINTS,), for label ``target``."""
        if target not in self._curves:
            table = {}
            for name in LOSSES:
                pairs = [self.loss_and_gradient(name, z, target) for z in self._zs]
                table[name] = (np.array([L for L, _ in pairs]), np.array([g for _, g in pairs]))
            self._curves[target] = table
        return self._curves[target]

    def compute(self, state):
        """The numbers for one state (a dict with "z", "target", "show"; no control is read).

        Returns a dict: p = sigmoid(z); at: {loss name: (L, dL/dz) at z}; shown: the loss
        names on display; ratio: |cross-entropy's dL/dz / MSE's| (None unless both are
        shown and MSE's is not 0); curves: as ``curves(target)``.
        """
        z, y, show = state["z"], state["target"], state["show"]
        at = {name: self.loss_and_gradient(name, z, y) for name in LOSSES}
        mse_push = at["mse"][1]
        return {
            "p": float(self._sigmoid.forward(np.array([float(z)]))[0]),
            "at": at,
            "shown": [name for name in LOSSES if show in (name, "both")],
            "ratio": abs(at["binary_crossentropy"][1] / mse_push) if show == "both" and mse_push != 0 else None,
            "curves": self.curves(y),
        }

    # ---- view -------------------------------------------------------------------
    def _build_view(self, figsize):
        self.fig = fig = make_figure(figsize, alt=ALT)
        W, H = fig.get_size_inches()
        # positions in inches, then figure fractions: the legend on top, axis labels below
        left, gap, right, bottom, top = 0.6, 0.8, 0.15, 0.52, 0.72
        width, height = (W - left - gap - right) / 2, H - bottom - top
        ax_l = fig.add_axes([left / W, bottom / H, width / W, height / H])
        ax_g = fig.add_axes([(left + width + gap) / W, bottom / H, width / W, height / H])
        self.axes = {"loss": ax_l, "gradient": ax_g}
        ax_l.set_ylim(-0.3, 8.5)
        ax_g.set_ylim(-1.15, 1.15)
        ax_l.set_title("loss L as a function of the logit z", fontsize=10)
        ax_g.set_title("gradient dL/dz: how hard gradient descent pushes z", fontsize=10)
        ax_l.set_ylabel("L", fontsize=9.5)
        ax_g.set_ylabel("dL/dz", fontsize=9.5, labelpad=2)
        self.lines, self.grad_lines, self.markers, self.grad_markers = {}, {}, {}, {}
        self.wrong_spans = []
        for ax in (ax_l, ax_g):
            ax.set_xlim(*Z_RANGE)
            ax.set_xlabel("logit z   (prediction p = sigmoid(z))", fontsize=9.5)
            ax.tick_params(labelsize=8.5)
            ax.axhline(0, color="0.6", lw=0.8, zorder=0)
            # the confidently wrong side, moved when the target flips
            span = Rectangle((0, 0), Z_RANGE[1] - WRONG_EDGE, 1, transform=ax.get_xaxis_transform(),
                             color=WRONG_COLOR, alpha=0.1, lw=0, zorder=0)
            ax.add_patch(span)
            self.wrong_spans.append(span)
        self.wrong_label = ax_l.text(0, 0.5, "confidently\nwrong", transform=ax_l.get_xaxis_transform(),
                                     ha="center", va="center", color="#9c3f00", fontsize=9,
                                     bbox=dict(boxstyle="round", fc="white", ec="none", alpha=0.8))
        handles = []
        for name, (label, _, color, style, marker) in LOSSES.items():
            self.lines[name], = ax_l.plot(self._zs, np.zeros_like(self._zs), color=color, ls=style, lw=2)
            self.grad_lines[name], = ax_g.plot(self._zs, np.zeros_like(self._zs), color=color, ls=style, lw=2)
            self.markers[name], = ax_l.plot([], [], marker, color=color, mec="k", mew=0.8, ms=7, zorder=3)
            self.grad_markers[name], = ax_g.plot([], [], marker, color=color, mec="k", mew=0.8, ms=7, zorder=3)
            handles.append(Line2D([], [], color=color, ls=style, lw=2, marker=marker, mec="k", mew=0.8,
                                  ms=6, label=label))
        fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=9.5,
                   frameon=False, handlelength=3)
        self.z_lines = [ax.axvline(0, color="0.3", lw=1, ls=":") for ax in (ax_l, ax_g)]
        # what the z slider moves, bottom to top
        self._blit([*self.z_lines, *self.markers.values(), *self.grad_markers.values()])

        # the words and numbers, in HTML (read by screen readers, no Agg text per frame)
        self.heading = ipw.HTML()
        self.readout = readout_line(margin="2px 0 0 0")
        self.caption = ipw.HTML()

    # ---- controls ---------------------------------------------------------------
    def _build_controls(self):
        init, c = self._initial, self.controls
        c["z"] = ipw.FloatSlider(value=init["z"], min=Z_RANGE[0], max=Z_RANGE[1], step=0.1,
                                 description="logit z", readout_format=".1f", continuous_update=True,
                                 style={"description_width": "55px"}, layout=ipw.Layout(width="400px"))
        c["target"] = ipw.ToggleButtons(options=[("y = 0", 0), ("y = 1", 1)], value=init["target"],
                                        description="target", tooltips=["label 0", "label 1"],
                                        style={"button_width": "60px", "description_width": "50px"})
        c["show"] = ipw.ToggleButtons(options=[("MSE", "mse"), ("cross-entropy", "binary_crossentropy"),
                                               ("both", "both")], value=init["show"], description="show",
                                      tooltips=["mean squared error only", "binary cross-entropy only",
                                                "both losses"],
                                      style={"button_width": "100px", "description_width": "50px"})
        c["reset"] = ipw.Button(description="reset", icon="undo",
                                tooltip="back to the values the app was opened with",
                                layout=ipw.Layout(width="90px"))
        update = self.throttled(self._on_change)
        for name in init:
            c[name].observe(update, "value")
        c["reset"].on_click(self.guard(self.reset))
        wrap = ipw.Layout(flex_flow="row wrap", align_items="center")   # wraps on a narrow page
        self.ui = ipw.VBox([
            self.heading,
            ipw.HBox([c["z"], c["target"], c["show"], c["reset"]], layout=wrap),
            figure_widget(self.fig),
            self.readout,
            self.caption,
            self.status,
        ])

    # ---- model -> view ----------------------------------------------------------
    def _update(self):
        s = self.state()
        r = self.compute(s)
        self._show(s, r)
        self.status.value = ""                      # a good update clears an old error

    def _show(self, s, r):
        """Put state ``s`` and its result ``r`` into the artists and the readouts, then redraw."""
        z, y, show = s["z"], s["target"], s["show"]
        static = (y, show)
        full = static != self._shown
        if full:                                    # curves, visibility and shading: a full draw
            self._show_static(y, show, r["curves"])
            self._shown = static
        for name in LOSSES:
            value, grad = r["at"][name]
            self.markers[name].set_data([z], [value])
            self.grad_markers[name].set_data([z], [grad])
        for line in self.z_lines:
            line.set_xdata([z, z])
        self._show_text(s, r)
        self.redraw(full=full)

    def _show_static(self, y, show, curves):
        """The parts that change only with the target or the choice of losses."""
        for name in LOSSES:
            visible = show in (name, "both")
            self.lines[name].set_ydata(curves[name][0])
            self.grad_lines[name].set_ydata(curves[name][1])
            for artists in (self.lines, self.grad_lines, self.markers, self.grad_markers):
                artists[name].set_visible(visible)
        # the confidently wrong side: z < -4 when y = 1, z > 4 when y = 0
        x0 = Z_RANGE[0] if y == 1 else WRONG_EDGE
        for span in self.wrong_spans:
            span.set_x(x0)
        self.wrong_label.set_x(x0 + (Z_RANGE[1] - WRONG_EDGE) / 2)

    def _show_text(self, s, r):
        """The heading, the values at z (the state in words) and the caption, as HTML."""
        z, y = s["z"], s["target"]
        self.heading.value = (f"<b>One sigmoid output p = sigmoid(z), target y = {y}:</b> "
                              "mean squared error against binary cross-entropy")
        rows = [f"{LOSSES[n][1]:<13}  L = {r['at'][n][0]:.4f}   dL/dz = {r['at'][n][1]:+.4f}" for n in r["shown"]]
        if r["ratio"] is not None:
            times = f"{r['ratio']:,.0f}" if r["ratio"] >= 10 else f"{r['ratio']:.2g}"
            rows.append(f"cross-entropy's push is {times} times MSE's")
        self.readout.value = (
            f"<div style='font-size:13px'>At z = {z:+.2f}: p = sigmoid(z) = {r['p']:.4f}, y = {y}."
            "<div style='font-family:var(--jp-code-font-family, monospace);font-size:12.5px;"
            f"white-space:pre;line-height:1.35'>{html.escape(chr(10).join(rows))}</div></div>")
        wrong = -6.0 if y == 1 else 6.0              # the example the caption points at
        p_wrong = float(self._sigmoid.forward(np.array([wrong]))[0])
        text = (f"Look at z = {wrong:+.0f} (shaded: confidently wrong, p = {p_wrong:.4f} while y = {y}). "
                "There the sigmoid is flat, so MSE's gradient is almost 0 and gradient descent "
                f"barely moves z. Cross-entropy's gradient is p - y, close to {'-1' if y == 1 else '+1'}: it "
                "pushes z hard toward the right answer. Cross-entropy learns fastest exactly when the "
                "model is most wrong.")
        self.caption.value = (f"<div style='font-size:12.5px;line-height:1.4;background:#f6f6ff;"
                              f"border:1px solid #8888bb;border-radius:4px;padding:3px 7px;margin:3px 0'>"
                              f"{html.escape(text)}</div>")


def _check_figsize(figsize):
    """(width, height) in inches, width in [6, 12] and height in [2.8, 6] (room for the two panels)."""
    try:
        width, height = figsize
    except (TypeError, ValueError):
        raise TypeError(f"figsize must be a (width, height) pair of numbers, got {describe(figsize)}") from None
    return (check_number(width, "figsize width", 6.0, 12.0), check_number(height, "figsize height", 2.8, 6.0))
