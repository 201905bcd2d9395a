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
printed under the figure). "gradient step" takes one step of gradient descent on the
point (backprop's SGD with the chosen learning rate) and moves the sliders: the loss
drops and the line turns toward the point. Every number comes from backprop: a ``Dense(1)`` layer's
forward pass, the loss's ``backward()`` and the layer's ``backward()`` (for sigmoid with
cross-entropy, the loss's dL/dz and ``Dense.backward_from_logits``, as ``Sequential`` does).
"""
import ipywidgets as ipw
import numpy as np

from backprop import losses
from backprop.losses import EPSILON
from backprop.layers import Dense
from backprop.optimizers import SGD
from backprop.validation import check_choice, check_number

from .app import App, figure_widget, make_figure

ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear", "leaky_relu", "elu")
LOSSES = ("mse", "binary_crossentropy")
WEIGHT_RANGE = (-4.0, 4.0)      # w1, w2, b sliders
INPUT_RANGE = (-3.0, 3.0)       # x1, x2 sliders and the plane of panel (b)
Z_RANGE = (-6.0, 6.0)           # the activation curve of panel (a)
GRID = 121                      # pixels per side of the output image
GRAD_SCALES = (0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500)   # bar-axis limits, in steps
LEARNING_RATE_RANGE = (0.01, 10.0)


class NeuronExplorer(App):
    """A single neuron with two inputs, its output over the plane and its gradients.

    Keyword arguments (each opens the app in that state; Reset returns to it):
        w1, w2, b: weights and bias, numbers in [-4, 4] (defaults 1.5, -1.0, 0.5)
        activation: one of "sigmoid", "tanh", "relu", "linear", "leaky_relu", "elu"
        x1, x2: the training point, numbers in [-3, 3] (defaults -1.0, 1.0)
        target: the point's label, a number in [0, 1] (default 1.0)
        loss: "mse" or "binary_crossentropy"
        learning_rate: the gradient step's size, a number in [0.01, 10] (default 0.5)
        figsize: the figure's size in inches

    Controls (``app.controls``): "w1", "w2", "b", "x1", "x2", "target" (FloatSliders),
    "activation", "loss" (Dropdowns), "learning_rate" (FloatLogSlider), "step", "reset"
    (Buttons). ``app.result`` holds the last ``compute()``; ``app.steps`` counts the
    gradient steps taken since the app opened or was reset.
    """

    def __init__(self, w1=1.5, w2=-1.0, b=0.5, activation="sigmoid", x1=-1.0, x2=1.0,
                 target=1.0, loss="mse", learning_rate=0.5, figsize=(10.4, 5.6)):
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
        self.steps = 0
        self._init_status()
        # model: one Dense(1) layer per activation (each built for 2 inputs), one loss
        # object per name; the sliders' values are copied into them on every update.
        # A linear Dense with the same weights reports z itself.
        self._layers = {name: Dense(1, activation=name, seed=0) for name in ACTIVATIONS}
        self._linear = Dense(1, activation="linear", seed=0)
        for layer in (*self._layers.values(), self._linear):
            layer.build(2)
        self._losses = {name: losses.get(name) for name in LOSSES}
        xs = np.linspace(*INPUT_RANGE, GRID)
        self._grid = np.column_stack([g.ravel() for g in np.meshgrid(xs, xs)])   # (GRID^2, 2)
        self._zs = np.linspace(*Z_RANGE, 301)
        self._build_view(figsize)
        self._build_controls()
        self._update()

    # ---- view -------------------------------------------------------------------
    def _build_view(self, figsize):
        self.fig = fig = make_figure(figsize)
        # fixed positions (figure fractions): room above for 3-line titles, below for the numbers
        bottom, height = 0.34, 0.46
        side = height * figsize[1] / figsize[0]            # a square input plane
        ax_f = fig.add_axes([0.065, bottom, 0.24, height])
        ax_p = fig.add_axes([0.37, bottom, side, height])
        ax_cb = fig.add_axes([0.37 + side + 0.012, bottom, 0.012, height])
        ax_g = fig.add_axes([0.755, bottom, 0.225, height])
        self.axes = {"activation": ax_f, "plane": ax_p, "gradients": ax_g}

        # (a) the activation curve, the neuron's (z, a) on it
        ax_f.set_xlim(*Z_RANGE)
        ax_f.set_xlabel("pre-activation z")
        ax_f.set_ylabel("a = f(z)")
        ax_f.axhline(0, color="0.8", lw=0.8, zorder=0)
        ax_f.axvline(0, color="0.8", lw=0.8, zorder=0)
        self.curve, = ax_f.plot([], [], color="C0", lw=2)
        self.z_line = ax_f.axvline(0, color="C3", lw=1, ls="--")
        self.z_point, = ax_f.plot([], [], "o", color="C3", ms=8, zorder=3)
        self.z_text = ax_f.text(0.03, 0.97, "", transform=ax_f.transAxes, va="top", fontsize=10,
                                bbox=dict(boxstyle="round", fc="white", ec="0.7", alpha=0.9))
        self.title_f = ax_f.set_title("", fontsize=10)

        # (b) the output over the input plane: one image, updated with set_data
        lo, hi = INPUT_RANGE
        half = (hi - lo) / (GRID - 1) / 2          # pixel centres sit on the grid points
        self.image = ax_p.imshow(np.zeros((GRID, GRID)), origin="lower", cmap="coolwarm",
                                 extent=(lo - half, hi + half, lo - half, hi + half),
                                 interpolation="nearest")
        ax_p.set_xlim(lo, hi)
        ax_p.set_ylim(lo, hi)
        ax_p.set_xlabel("x1")
        ax_p.set_ylabel("x2")
        self.colorbar = fig.colorbar(self.image, cax=ax_cb)
        self.colorbar.set_label("output a")
        self.boundary, = ax_p.plot([], [], color="k", lw=2)
        # the weight vector (w1, w2) is normal to the line and points to where z > 0
        self.normal = ax_p.annotate("z > 0", xy=(0, 0), xytext=(0, 0), fontsize=9,
                                    ha="center", va="center",
                                    arrowprops=dict(arrowstyle="<-", color="k", lw=1.5))
        self.point, = ax_p.plot([], [], marker="*", ms=18, mec="k", mew=1.2, ls="none",
                               clip_on=False)      # whole, even on the plane's edge
        self.title_p = ax_p.set_title("", fontsize=10)

        # (c) the three gradients of the loss on the training point
        self.bars = ax_g.bar([0, 1, 2], [0, 0, 0], color=["C0", "C1", "C2"], width=0.6)
        ax_g.set_xticks([0, 1, 2], ["dL/dw1", "dL/dw2", "dL/db"])
        ax_g.set_xlim(-0.6, 2.6)
        ax_g.axhline(0, color="k", lw=0.8)
        self.bar_texts = [ax_g.text(i, 0, "", ha="center", fontsize=10) for i in range(3)]
        self.title_g = ax_g.set_title("", fontsize=10)
        self.note = ax_g.text(0.5, 0.5, "", transform=ax_g.transAxes, ha="center", va="center",
                              fontsize=9, color="#a35f00",
                              bbox=dict(boxstyle="round", fc="#fff4e0", ec="#a35f00"))
        ax_g.set_ylabel("dL/d(parameter)")

        # the numbers, spelled out as the chain rule
        self.forward_text = fig.text(0.02, 0.015, "", family="monospace", fontsize=9.5, va="bottom")
        self.backward_text = fig.text(0.6, 0.015, "", family="monospace", fontsize=9.5, va="bottom")
        fig.suptitle("One neuron:  z = w1·x1 + w2·x2 + b,   a = f(z),   loss L(a, target)",
                     fontsize=12, y=0.985)

    # ---- controls ---------------------------------------------------------------
    def _build_controls(self):
        init, c = self._initial, self.controls
        style = {"description_width": "70px"}
        layout = ipw.Layout(width="300px")

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
                               tooltip="w <- w - learning rate * dL/dw for w1, w2 and b")
        c["reset"] = ipw.Button(description="reset", icon="undo",
                                tooltip="back to the values the app was opened with")

        update = self.throttled(self._on_change)
        for name in init:
            c[name].observe(update, "value")
        c["step"].on_click(self.guard(self.step))
        c["reset"].on_click(self.guard(self.reset))

        column = lambda title, names: ipw.VBox([ipw.HTML(f"<b>{title}</b>")] + [c[n] for n in names])
        self.ui = ipw.VBox([
            ipw.HBox([column("neuron", ["w1", "w2", "b", "activation"]),
                      column("training point", ["x1", "x2", "target"]),
                      column("loss and descent", ["loss", "learning_rate", "step", "reset"])]),
            figure_widget(self.fig),
            self.status,
        ])

    def step(self, *_):
        """One gradient-descent step on the training point, w <- w - lr dL/dw, by backprop's SGD.

        The new weights go to the sliders (held to their range, said in the status line);
        the status line gives the loss before and after.
        """
        s, before = self.state(), self.compute()      # compute() leaves dL/dW, dL/db in the layer
        layer = self._layers[s["activation"]]
        params = {name: value.copy() for name, value in layer.params.items()}   # W (2, 1), b (1,)
        SGD(learning_rate=s["learning_rate"]).apply(params, layer.grads)
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
        self.show_message(text, color="#a35f00" if rose else "#333")

    def reset(self, *_):
        self.steps = 0
        super().reset()

    # ---- model -> view ----------------------------------------------------------
    def compute(self):
        """Forward and backward through backprop for the current controls.

        Returns a dict: z, a, loss, da (dL/da), dz (dL/dz), fused (True when the loss gave dL/dz
        directly), grads (dL/dw1, dL/dw2, dL/db),
        plane (GRID, GRID) outputs over the input plane, curve (f over Z_RANGE).
        """
        s = self.state()
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
        fused = loss.pairs_with == layer.activation.name
        if fused:
            # as Sequential does for sigmoid + cross-entropy: dL/dz = (a - y) / N straight from the
            # loss, which stays right where a is so close to 0 or 1 that the loss clips it
            dz = loss.logits_gradient(y, z)
            layer.backward_from_logits(dz)                         # fills grads["W"], grads["b"]
        else:
            layer.backward(da)                                     # fills grads["W"], grads["b"]
            dz = layer.activation.backward(z, a, da)               # dL/dz, shown in the chain rule
        act = layer.activation
        return {
            "z": float(z[0, 0]), "a": float(a[0, 0]), "loss": value,
            "da": float(da[0, 0]), "dz": float(dz[0, 0]), "fused": fused,
            "grads": np.array([layer.grads["W"][0, 0], layer.grads["W"][1, 0], layer.grads["b"][0]]),
            "plane": plane,
            "curve": act.forward(self._zs),
            "f0": float(act.forward(np.zeros(1))[0]),
        }

    def _update(self):
        s, r = self.state(), self.compute()
        self.result = r
        z, a, g = r["z"], r["a"], r["grads"]

        # (a)
        ax_f = self.axes["activation"]
        self.curve.set_data(self._zs, r["curve"])
        low, high = float(r["curve"].min()), float(r["curve"].max())
        pad = 0.08 * (high - low)
        ax_f.set_ylim(low - pad, high + pad)        # changes only with the activation
        self.z_line.set_xdata([z, z])
        self.z_point.set_data([z], [a])
        off = "" if Z_RANGE[0] <= z <= Z_RANGE[1] else "\n(off the chart)"
        self.z_text.set_text(f"z = {z:.3f}\na = {a:.4g}{off}")
        self.title_f.set_text(f"(a) activation f = {s['activation']}")

        # (b)
        self.image.set_data(r["plane"])
        self.image.set_clim(low, high)              # colours span f over z in [-6, 6], as in (a)
        self.point.set_data([s["x1"]], [s["x2"]])
        self.point.set_markerfacecolor(self.image.cmap(self.image.norm(s["target"])))
        self._draw_boundary(s["w1"], s["w2"], s["b"])
        self.title_p.set_text("(b) output a over the input plane\n"
                              f"black line: z = 0, where a = f(0) = {r['f0']:.2f}\n"
                              "★ training point, coloured by its target")

        # (c)
        ax_g = self.axes["gradients"]
        self.title_g.set_text("(c) gradients at the training point\n"
                              f"(backprop); a gradient step moves\neach parameter by "
                              f"-{s['learning_rate']:.3g} × its bar")
        limit = next((v for v in GRAD_SCALES if np.max(np.abs(g)) <= 0.9 * v), GRAD_SCALES[-1])
        ax_g.set_ylim(-limit, limit)                # steps, so small moves keep the same scale
        for bar, text, value in zip(self.bars, self.bar_texts, g):
            bar.set_height(value)
            shown = float(np.clip(value, -limit, limit))
            offset = (0.04 if value >= 0 else -0.04) * limit    # the label sits just past the bar's end
            text.set_position((bar.get_x() + bar.get_width() / 2, shown + offset))
            text.set_verticalalignment("bottom" if value >= 0 else "top")
            text.set_text(_fmt(value))

        self.forward_text.set_text(self._forward_text(s, r))
        self.backward_text.set_text(self._backward_text(r))
        note = self._note(s, r)
        self.note.set_text(note)
        self.note.set_visible(bool(note))
        self.status.value = ""                      # a good update clears an old error
        self.redraw()

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
        return ("forward\n"
                "z = w1·x1 + w2·x2 + b\n"
                f"  = {_p(s['w1'])}·{_p(s['x1'])} + {_p(s['w2'])}·{_p(s['x2'])}"
                f" + {_p(s['b'])} = {r['z']:.4f}\n"
                f"a = {s['activation']}(z) = {r['a']:.4g}\n"
                f"L = {s['loss']}(target {s['target']:.2f}, a) = {r['loss']:.4f}")

    @staticmethod
    def _backward_text(r):
        g = r["grads"]
        if r["fused"]:
            dz_lines = f"(sigmoid + cross-entropy)\ndL/dz = a - target = {_fmt(r['dz'])}"
        else:
            dz_lines = f"dL/da = {_fmt(r['da'])}\ndL/dz = dL/da·f'(z) = {_fmt(r['dz'])}"
        return ("backward (the chain rule)\n" + dz_lines + "\n"
                f"dL/dw1 = dL/dz·x1 = {_fmt(g[0])}\n"
                f"dL/dw2 = dL/dz·x2 = {_fmt(g[1])}\n"
                f"dL/db  = dL/dz    = {_fmt(g[2])}")

    @staticmethod
    def _note(s, r):
        """A warning when binary cross-entropy is fed outputs that are not probabilities."""
        if s["loss"] == "binary_crossentropy" and not r["fused"] and not EPSILON < r["a"] < 1.0 - EPSILON:
            return (f"binary cross-entropy needs 0 < a < 1,\nbut {s['activation']} gave a = {r['a']:.3f}:"
                    "\nthe loss clips a, so every gradient is 0.\nUse sigmoid with this loss.")
        return ""


def _fmt(value):
    """+0.1234, 0, or +1.2e-05 for the tiny gradients of a saturated unit (not a flat +0.0000)."""
    value = float(value)
    if value == 0:
        return "0"
    return f"{value:+.4f}" if abs(value) >= 1e-3 else f"{value:+.1e}"


def _p(value):
    """A number for a sum written out: 1.50, or (-1.00) in brackets."""
    return f"({value:.2f})" if value < 0 else f"{value:.2f}"
