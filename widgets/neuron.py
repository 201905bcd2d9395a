"""One neuron, two inputs: what a weight does, and what its gradient says.

The learner sees a single neuron  z = w1 x1 + w2 x2 + b,  a = f(z)  in three panels:
(a) the activation curve f(z), with the neuron's current z and a marked on it;
(b) the neuron's output a over the whole input plane, with the line z = 0 and the
    training point (x1, x2) coloured by its target;
(c) the gradients dL/dw1, dL/dw2, dL/db of the loss on that one point, as bars.

Moving the sliders shows that (w1, w2) sets the direction of the line (the weights
are its normal, drawn as an arrow toward z > 0) and b shifts it; that a point far on
the flat part of a sigmoid or tanh gets tiny gradients; that a relu with z < 0 gets
none at all; and that each weight's gradient is dL/dz times its input (the chain rule,
written out under the figure). "gradient step" takes one step of gradient descent on the
point (backprop's SGD with the chosen learning rate) and moves the sliders: the loss
drops and the line turns toward the point. Every number comes from backprop: a ``Dense(1)`` layer's
forward pass, the loss's ``backward()`` and the layer's ``backward()`` (for sigmoid with
cross-entropy, ``losses.output_gradient`` and ``Dense.backward_from_logits``, as ``Sequential`` does).

Model, view, controls: ``compute(state)`` is the model (the numbers for a dict of
control values, no widgets read); ``_show`` puts a result into the figure's artists and
the HTML readouts. The figure is drawn in full only when the activation or the scale of
the gradient bars changes; a slider step redraws just the artists that move (blitting),
and the numbers (the forward and backward chain, the state in one line) are HTML.
"""
import html

import ipywidgets as ipw
import numpy as np

from backprop import losses
from backprop.losses import EPSILON
from backprop.layers import Dense
from backprop.optimizers import SGD
from backprop.validation import check_choice, check_number, describe

from .app import App, figure_widget, html_block, html_line, make_figure, readout_line

ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear", "leaky_relu", "elu")
LOSSES = ("mse", "binary_crossentropy")
WEIGHT_RANGE = (-4.0, 4.0)      # w1, w2, b sliders
INPUT_RANGE = (-3.0, 3.0)       # x1, x2 sliders and the plane of panel (b)
Z_RANGE = (-6.0, 6.0)           # the activation curve of panel (a)
GRID = 121                      # pixels per side of the output image
GRAD_SCALES = (0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500)   # bar-axis limits, in steps
LEARNING_RATE_RANGE = (0.01, 10.0)
FIGSIZE = (9.0, 3.2)            # inches at dpi 100: 900 x 320 px, a laptop's notebook column

# Okabe-Ito colours (readable with every common colour-vision deficiency)
BLUE, ORANGE, GREEN, VERMILLION = "#0072B2", "#E69F00", "#009E73", "#D55E00"
WARN = "#8a4b00"                # the warning's text: dark orange, 7:1 on its light background
ALT = ("Three panels. (a) the activation curve a = f(z), with the neuron's pre-activation z marked "
       "by a dashed line and a dot. (b) the neuron's output over the input plane (x1, x2) as colours "
       "from blue (low) to red (high), the line z = 0 in black, an arrow along the weights toward "
       "z > 0, and the training point as a star coloured by its target. (c) three bars: the "
       "gradients dL/dw1, dL/dw2 and dL/db of the loss on the training point. The numbers are "
       "written out under the figure.")


class NeuronExplorer(App):
    """A single neuron with two inputs, its output over the plane and its gradients.

    Keyword arguments (each opens the app in that state; Reset returns to it):
        w1, w2, b: weights and bias, numbers in [-4, 4] (defaults 1.5, -1.0, 0.5)
        activation: one of "sigmoid", "tanh", "relu", "linear", "leaky_relu", "elu"
        x1, x2: the training point, numbers in [-3, 3] (defaults -1.0, 1.0)
        target: the point's label, a number in [0, 1] (default 1.0)
        loss: "mse" or "binary_crossentropy"
        learning_rate: the gradient step's size, a number in [0.01, 10] (default 0.5)
        figsize: the figure's (width, height) in inches, width 7 to 12, height 2.8 to 6
            (default (9, 3.2): 900 px wide, for a laptop's notebook column)

    Controls (``app.controls``): "w1", "w2", "b", "x1", "x2", "target" (FloatSliders),
    "activation", "loss" (Dropdowns), "learning_rate" (FloatLogSlider), "step", "reset"
    (Buttons). ``app.result`` holds the last ``compute(app.state())``; ``app.steps`` counts the
    gradient steps taken since the app opened or was reset. The readouts under the
    figure are HTML widgets: ``app.readout`` (the state in one line), ``app.forward_html``
    and ``app.backward_html`` (the chain rule with numbers), ``app.key`` (what the marks
    mean, with f(0) and the learning rate) and ``app.note`` (a warning, or empty).
    """

    def __init__(self, w1=1.5, w2=-1.0, b=0.5, activation="sigmoid", x1=-1.0, x2=1.0,
                 target=1.0, loss="mse", learning_rate=0.5, figsize=FIGSIZE):
        self._initial = {
            "w1": check_number(w1, "w1", *WEIGHT_RANGE),
            "w2": check_number(w2, "w2", *WEIGHT_RANGE),
            "b": check_number(b, "b", *WEIGHT_RANGE),
            "activation": check_choice(activation, "activation", ACTIVATIONS),
            "x1": check_number(x1, "x1", *INPUT_RANGE),
            "x2": check_number(x2, "x2", *INPUT_RANGE),
            "target": check_number(target, "target", 0.0, 1.0),
            "loss": check_choice(loss, "loss", LOSSES),
            "learning_rate": check_number(learning_rate, "learning_rate", *LEARNING_RATE_RANGE),
        }
        figsize = _check_figsize(figsize)
        self.steps = 0
        self._init_status()
        # model: one Dense(1) layer per activation (each built for 2 inputs), one loss
        # object per name; compute() copies a state's weights into them. A linear Dense
        # with the same weights reports z itself.
        self._layers = {name: Dense(1, activation=name, seed=0) for name in ACTIVATIONS}
        self._linear = Dense(1, activation="linear", seed=0)
        for layer in (*self._layers.values(), self._linear):
            layer.build(2)
        self._losses = {name: losses.get(name) for name in LOSSES}
        xs = np.linspace(*INPUT_RANGE, GRID)
        self._grid = np.column_stack([g.ravel() for g in np.meshgrid(xs, xs)])   # (GRID^2, 2)
        self._zs = np.linspace(*Z_RANGE, 301)
        # what only the activation decides, once per activation: f over Z_RANGE (301,) and f(0)
        self._curves = {name: self._layers[name].activation.forward(self._zs) for name in ACTIVATIONS}
        self._f0 = {name: float(self._layers[name].activation.forward(np.zeros(1))[0]) for name in ACTIVATIONS}
        self._shown = None          # (activation, bar limit) of the last full draw's static part
        self._drawn = None          # the state the figure shows (a change of learning rate alone: no frame)
        self._build_view(figsize)
        self._build_controls()
        self._update()

    # ---- view -------------------------------------------------------------------
    def _build_view(self, figsize):
        self.fig = fig = make_figure(figsize, alt=ALT)
        W, H = figsize
        # positions in inches, then figure fractions: margins for tick labels and axis labels
        bottom, top = 0.55, 0.3
        side = H - bottom - top                       # panel heights; (b) is a square plane
        left_a, gap, cbar, right = 0.55, 0.62, 0.12, 0.08
        cbar_room = 0.95                              # the colour bar's ticks and label, then (c)'s ticks
        panel = (W - left_a - gap - side - 0.08 - cbar - cbar_room - right) / 2   # (a) and (c) widths
        left_b = left_a + panel + gap
        left_c = left_b + side + 0.08 + cbar + cbar_room

        def axes(left, width):
            return fig.add_axes([left / W, bottom / H, width / W, side / H])

        ax_f, ax_p = axes(left_a, panel), axes(left_b, side)
        ax_cb, ax_g = axes(left_b + side + 0.08, cbar), axes(left_c, panel)
        self.axes = {"activation": ax_f, "plane": ax_p, "gradients": ax_g}
        for ax in (ax_f, ax_p, ax_cb, ax_g):
            ax.tick_params(labelsize=8.5)

        # (a) the activation curve (static per activation), the neuron's (z, a) on it
        ax_f.set_xlim(*Z_RANGE)
        ax_f.set_xlabel("pre-activation z", fontsize=9)
        ax_f.set_ylabel("a = f(z)", fontsize=9, labelpad=2)
        ax_f.axhline(0, color="0.8", lw=0.8, zorder=0)
        ax_f.axvline(0, color="0.8", lw=0.8, zorder=0)
        self.curve, = ax_f.plot([], [], color=BLUE, lw=2)
        self.z_line = ax_f.axvline(0, color=VERMILLION, lw=1, ls="--")
        self.z_point, = ax_f.plot([], [], "o", color=VERMILLION, mec="k", mew=0.8, ms=7, zorder=3)
        self.title_f = ax_f.set_title("", fontsize=9.5)

        # (b) the output over the input plane: one image, updated with set_data
        lo, hi = INPUT_RANGE
        half = (hi - lo) / (GRID - 1) / 2          # pixel centres sit on the grid points
        self.image = ax_p.imshow(np.zeros((GRID, GRID)), origin="lower", cmap="coolwarm",
                                 extent=(lo - half, hi + half, lo - half, hi + half),
                                 interpolation="nearest")
        ax_p.set_xlim(lo, hi)
        ax_p.set_ylim(lo, hi)
        ax_p.set_xlabel("x1", fontsize=9)
        ax_p.set_ylabel("x2", fontsize=9, labelpad=0)
        self.colorbar = fig.colorbar(self.image, cax=ax_cb)
        self.colorbar.set_label("output a", fontsize=9)
        self.boundary, = ax_p.plot([], [], color="k", lw=2)
        # the weight vector (w1, w2) is normal to the line and points to where z > 0
        self.normal = ax_p.annotate("z > 0", xy=(0, 0), xytext=(0, 0), fontsize=8.5,
                                    ha="center", va="center",
                                    arrowprops=dict(arrowstyle="<-", color="k", lw=1.5))
        self.point, = ax_p.plot([], [], marker="*", ms=16, mec="k", mew=1.2, ls="none",
                                clip_on=False)      # whole, even on the plane's edge
        self.title_p = ax_p.set_title("(b) output a over the plane", fontsize=9.5)

        # (c) the three gradients of the loss on the training point; labelled below the axis
        self.bars = ax_g.bar([0, 1, 2], [0, 0, 0], color=[BLUE, ORANGE, GREEN], width=0.6,
                             edgecolor="k", linewidth=0.6)
        ax_g.set_xticks([0, 1, 2], ["dL/dw1", "dL/dw2", "dL/db"], fontsize=8.5)
        ax_g.set_xlim(-0.6, 2.6)
        self.zero_line = ax_g.axhline(0, color="k", lw=0.8)
        self.title_g = ax_g.set_title("(c) gradients of the loss", fontsize=9.5)

        # what a slider moves, bottom to top: the plane's spines go over its image
        self._blit([self.image, *ax_p.spines.values(), self.boundary, self.normal, self.point,
                    self.z_line, self.z_point, *self.bars, self.zero_line])

        # the numbers, in HTML under the figure (read by screen readers, no Agg text per frame)
        self.readout = readout_line(margin="2px 0 0 0")
        self.key = ipw.HTML()
        self.forward_html = ipw.HTML(layout=ipw.Layout(margin="0 28px 0 0"))
        self.backward_html = ipw.HTML()
        self.note = ipw.HTML()

    # ---- controls ---------------------------------------------------------------
    def _build_controls(self):
        init, c = self._initial, self.controls
        style = {"description_width": "92px"}          # "learning rate" whole, not "learning..."
        layout = ipw.Layout(width="285px")

        def slider(name, low, high, step):
            return ipw.FloatSlider(value=init[name], min=low, max=high, step=step,
                                   description=name, continuous_update=True, readout_format=".2f",
                                   style=style, layout=layout)

        for name in ("w1", "w2", "b"):
            c[name] = slider(name, *WEIGHT_RANGE, 0.05)
        c["activation"] = ipw.Dropdown(options=ACTIVATIONS, value=init["activation"],
                                       description="activation", style=style, layout=layout)
        for name in ("x1", "x2"):
            c[name] = slider(name, *INPUT_RANGE, 0.05)
        c["target"] = slider("target", 0.0, 1.0, 0.05)
        c["loss"] = ipw.Dropdown(options=LOSSES, value=init["loss"], description="loss",
                                 style=style, layout=layout)
        c["learning_rate"] = ipw.FloatLogSlider(value=init["learning_rate"], base=10,
                                                min=np.log10(LEARNING_RATE_RANGE[0]),
                                                max=np.log10(LEARNING_RATE_RANGE[1]), step=0.05,
                                                readout_format=".3g", description="learning rate",
                                                style=style, layout=layout)
        c["step"] = ipw.Button(description="gradient step", icon="step-forward",
                               tooltip="w <- w - learning rate * dL/dw for w1, w2 and b",
                               layout=ipw.Layout(width="140px"))
        c["reset"] = ipw.Button(description="reset", icon="undo",
                                tooltip="back to the values the app was opened with",
                                layout=ipw.Layout(width="100px"))

        update = self.throttled(self._on_change)
        for name in init:
            c[name].observe(update, "value")
        c["step"].on_click(self.guard(self.step))
        c["reset"].on_click(self.guard(self.reset))

        def column(title, rows):
            return ipw.VBox([ipw.HTML(f"<b>{title}</b>")] + rows, layout=ipw.Layout(margin="0 8px 4px 0"))

        wrap = ipw.Layout(flex_flow="row wrap")     # columns stack on a narrow page, no scroll bar
        self.ui = ipw.VBox([
            ipw.HTML("<b>One neuron:</b> z = w1·x1 + w2·x2 + b, &nbsp; a = f(z), &nbsp; loss L(a, target)"),
            ipw.HBox([column("neuron", [c[n] for n in ("w1", "w2", "b", "activation")]),
                      column("training point", [c[n] for n in ("x1", "x2", "target")]),
                      column("loss and descent", [c["loss"], c["learning_rate"],
                                                  ipw.HBox([c["step"], c["reset"]])])], layout=wrap),
            figure_widget(self.fig),
            self.readout,
            self.key,
            self.note,
            ipw.HBox([self.forward_html, self.backward_html], layout=wrap),
            self.status,
        ])

    def step(self, *_):
        """One gradient-descent step on the training point, w <- w - lr dL/dw, by backprop's SGD.

        The new weights go to the sliders (held to their range, said in the status line);
        the status line gives the loss before and after.
        """
        s = self.state()
        before = self.compute(s)
        g = before["grads"]                                         # (3,): dL/dw1, dL/dw2, dL/db
        params = {"W": np.array([[s["w1"]], [s["w2"]]]), "b": np.array([s["b"]])}   # W (2, 1), b (1,)
        SGD(learning_rate=s["learning_rate"]).apply(params, {"W": g[:2].reshape(2, 1), "b": g[2:]})
        new = {"w1": float(params["W"][0, 0]), "w2": float(params["W"][1, 0]), "b": float(params["b"][0])}
        held = [name for name, value in new.items() if not WEIGHT_RANGE[0] <= value <= WEIGHT_RANGE[1]]
        self.restore_controls({name: float(np.clip(value, *WEIGHT_RANGE)) for name, value in new.items()})
        self.steps += 1
        self._update()
        text = f"step {self.steps}: loss {before['loss']:.4f} → {self.result['loss']:.4f}"
        if held:
            text += f"; {', '.join(held)} held at the slider's end ({WEIGHT_RANGE[0]:g} to {WEIGHT_RANGE[1]:g})"
        rose = self.result["loss"] > before["loss"]
        if rose:
            text += "; the loss rose: the step overshot, try a smaller learning rate"
        self.show_message(text, color=WARN if rose else "#333")

    def reset(self, *_):
        self.steps = 0
        super().reset()

    # ---- model ------------------------------------------------------------------
    def compute(self, state):
        """Forward and backward through backprop for one state.

        state: a dict with the controls' names and values (``app.state()`` gives the current
        one); no control is read, so ``compute`` answers for any state without moving one.
        Returns a dict: z, a, loss, da (dL/da), dz (dL/dz), fused (True when the loss gave dL/dz
        directly), grads (3,) dL/dw1, dL/dw2, dL/db, plane (GRID, GRID) outputs over the input
        plane (row i: x2 = the i-th grid value), curve (301,) f over Z_RANGE, f0 = f(0).
        """
        s = state
        layer, loss = self._layers[s["activation"]], self._losses[s["loss"]]
        weights = [[[s["w1"]], [s["w2"]]], [s["b"]]]                # W (2, 1), b (1,)
        layer.set_weights(weights)
        self._linear.set_weights(weights)
        plane = layer.forward(self._grid).reshape(GRID, GRID)
        x = np.array([[s["x1"], s["x2"]]])                         # (1, 2)
        z = self._linear.forward(x)                                # (1, 1)
        # the training point last, so the layer's cache holds it for backward
        a = layer.forward(x)                                       # (1, 1)
        y = np.array([[s["target"]]])
        value = loss(y, a)
        da = loss.backward()                                       # dL/da (1, 1)
        # as Sequential does for sigmoid + cross-entropy: dL/dz = (a - y) / N straight from the
        # loss, which stays right where a is so close to 0 or 1 that the loss clips it
        dz = losses.output_gradient(loss, layer, y, a)
        fused = dz is not None
        if fused:
            layer.backward_from_logits(dz)                         # fills grads["W"], grads["b"]
        else:
            layer.backward(da)                                     # fills grads["W"], grads["b"]
            dz = layer.activation.backward(z, a, da)               # dL/dz, shown in the chain rule
        return {
            "z": float(z[0, 0]), "a": float(a[0, 0]), "loss": value,
            "da": float(da[0, 0]), "dz": float(dz[0, 0]), "fused": fused,
            "grads": np.array([layer.grads["W"][0, 0], layer.grads["W"][1, 0], layer.grads["b"][0]]),
            "plane": plane,
            "curve": self._curves[s["activation"]],
            "f0": self._f0[s["activation"]],
        }

    # ---- model -> view ----------------------------------------------------------
    def _update(self):
        s = self.state()
        self.result = r = self.compute(s)
        self._show(s, r)
        self.status.value = ""                      # a good update clears an old error

    def _show(self, s, r):
        """Put state ``s`` and its result ``r`` into the artists and the readouts, then redraw."""
        self._show_text(s, r)
        drawn = {k: v for k, v in s.items() if k != "learning_rate"}   # the figure does not show it
        limit = grad_limit(float(np.max(np.abs(r["grads"]))),
                           None if self._shown is None else self._shown[1])
        static = (s["activation"], limit)
        if drawn == self._drawn and static == self._shown:
            return                                  # the same picture: no frame to send
        self._drawn = drawn
        z, a = r["z"], r["a"]

        # (a) the curve and its limits change only with the activation (a full draw)
        if static != self._shown:
            ax_f = self.axes["activation"]
            self.curve.set_data(self._zs, r["curve"])
            low, high = float(r["curve"].min()), float(r["curve"].max())
            pad = 0.08 * (high - low)
            ax_f.set_ylim(low - pad, high + pad)
            self.title_f.set_text(f"(a) activation f = {s['activation']}")
            self.image.set_clim(low, high)          # colours span f over z in [-6, 6], as in (a)
            self.axes["gradients"].set_ylim(-limit, limit)   # in steps: small moves keep the scale
        self.z_line.set_xdata([z, z])
        self.z_point.set_data([z], [a])

        # (b)
        self.image.set_data(r["plane"])
        self.point.set_data([s["x1"]], [s["x2"]])
        self.point.set_markerfacecolor(self.image.cmap(self.image.norm(s["target"])))
        self._draw_boundary(s["w1"], s["w2"], s["b"])

        # (c)
        for bar, value in zip(self.bars, r["grads"]):
            bar.set_height(value)

        full = static != self._shown
        self._shown = static
        self.redraw(full=full)

    def _show_text(self, s, r):
        """The HTML readouts: the state in a line, the key to the marks, the chain rule, a warning."""
        self.readout.value = html_line(self._summary(s, r))
        self.key.value = html_line(
            f"(b) black line: z = 0, where a = f(0) = {r['f0']:.2f}; arrow: the weights (w1, w2), "
            "pointing to z > 0; ★ the training point, coloured by its target. "
            f"(c) a gradient step moves each parameter by −{s['learning_rate']:.3g} × its bar.",
            color="#444", size="12px")
        self.forward_html.value = html_block("forward", self._forward_text(s, r))
        self.backward_html.value = html_block("backward (the chain rule)", self._backward_text(r))
        note = self._note(s, r)
        self.note.value = (f"<div style='color:{WARN};background:#fff4e0;border:1px solid {WARN};"
                           f"border-radius:4px;padding:2px 6px;margin:2px 0'>{html.escape(note)}</div>"
                           if note else "")

    @staticmethod
    def _summary(s, r):
        """The figure's state in one sentence (what a screen reader says)."""
        g = r["grads"]
        off = "" if Z_RANGE[0] <= r["z"] <= Z_RANGE[1] else " (off the chart in (a))"
        return (f"Now: {s['activation']} neuron, point ({s['x1']:.2f}, {s['x2']:.2f}) with target "
                f"{s['target']:.2f}: z = {r['z']:.3f}{off}, a = {r['a']:.4g}, {s['loss']} loss "
                f"{r['loss']:.4f}; dL/dw1 = {_fmt(g[0])}, dL/dw2 = {_fmt(g[1])}, dL/db = {_fmt(g[2])}.")

    def _draw_boundary(self, w1, w2, b):
        """The line w1 x1 + w2 x2 + b = 0 across the plane, and the normal arrow (w1, w2)."""
        norm = np.hypot(w1, w2)
        if norm == 0:                               # no weights: z = b everywhere, no line
            self.boundary.set_data([], [])
            self.normal.set_visible(False)
            return
        t = np.linspace(*INPUT_RANGE, 2) * 3        # long enough to cross the whole plane
        # closest point of the line to the origin, and the line's direction (-w2, w1)
        p0 = -b * np.array([w1, w2]) / norm ** 2
        along, normal = np.array([-w2, w1]) / norm, np.array([w1, w2]) / norm
        self.boundary.set_data(p0[0] + t * along[0], p0[1] + t * along[1])
        self.normal.xy = tuple(p0)
        self.normal.set_position(tuple(p0 + 1.0 * normal))
        self.normal.set_visible(bool(np.all(np.abs(p0) <= INPUT_RANGE[1])))

    @staticmethod
    def _forward_text(s, r):
        return ("z = w1·x1 + w2·x2 + b\n"
                f"  = {_p(s['w1'])}·{_p(s['x1'])} + {_p(s['w2'])}·{_p(s['x2'])}"
                f" + {_p(s['b'])} = {r['z']:.4f}\n"
                f"a = {s['activation']}(z) = {r['a']:.4g}\n"
                f"L = {s['loss']}(target {s['target']:.2f}, a) = {r['loss']:.4f}")

    @staticmethod
    def _backward_text(r):
        g = r["grads"]
        if r["fused"]:
            dz_lines = f"dL/dz = a - target = {_fmt(r['dz'])}   (sigmoid + cross-entropy)"
        else:
            dz_lines = f"dL/da = {_fmt(r['da'])}\ndL/dz = dL/da·f'(z) = {_fmt(r['dz'])}"
        return (dz_lines + "\n"
                f"dL/dw1 = dL/dz·x1 = {_fmt(g[0])}\n"
                f"dL/dw2 = dL/dz·x2 = {_fmt(g[1])}\n"
                f"dL/db  = dL/dz    = {_fmt(g[2])}")

    @staticmethod
    def _note(s, r):
        """A warning when binary cross-entropy is fed outputs that are not probabilities."""
        if s["loss"] == "binary_crossentropy" and not r["fused"] and not EPSILON < r["a"] < 1.0 - EPSILON:
            return (f"Binary cross-entropy needs 0 < a < 1, but {s['activation']} gave a = {r['a']:.3f}: "
                    "the loss clips a, so every gradient is 0. Use sigmoid with this loss.")
        return ""


def grad_limit(gmax, current=None):
    """The half-height of the bar axis for bars up to ``gmax`` tall: one of GRAD_SCALES.

    The smallest scale with 10 % room above the tallest bar; but a ``current`` scale is
    kept while the bars still fit it and would not fill 70 % of the next smaller one,
    so a slider dragged to and fro across a threshold does not change the scale (a full
    draw) on every step.
    """
    fits = [v for v in GRAD_SCALES if gmax <= 0.9 * v] or [GRAD_SCALES[-1]]
    roomy = [v for v in GRAD_SCALES if gmax <= 0.7 * v] or [GRAD_SCALES[-1]]
    if current is not None and fits[0] <= current <= roomy[0]:
        return current
    return fits[0]


def _check_figsize(figsize):
    """(width, height) in inches, width in [7, 12] and height in [2.8, 6] (room for three panels)."""
    try:
        width, height = figsize
    except (TypeError, ValueError):
        raise TypeError(f"figsize must be a (width, height) pair of numbers, got {describe(figsize)}") from None
    return (check_number(width, "figsize width", 7.0, 12.0), check_number(height, "figsize height", 2.8, 6.0))


def _fmt(value):
    """+0.1234, 0, or +1.2e-05 for the tiny gradients of a saturated unit (not a flat +0.0000)."""
    value = float(value)
    if value == 0:
        return "0"
    return f"{value:+.4f}" if abs(value) >= 1e-3 else f"{value:+.1e}"


def _p(value):
    """A number for a sum written out: 1.50, or (-1.00) in brackets."""
    return f"({value:.2f})" if value < 0 else f"{value:.2f}"
