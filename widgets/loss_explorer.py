"""Why cross-entropy, not MSE, for a sigmoid output: the two losses and their slopes.

One output p = sigmoid(z) with a target y (0 or 1). The learner sees, as functions of
the logit z in [-8, 8]:
- panel 1: the mean squared error (p - y)^2 and the binary cross-entropy
  -(y log p + (1 - y) log(1 - p));
- panel 2: their gradients dL/dz, the push that gradient descent gives z.
A "z" slider marks one logit on both panels and prints the values there.

What to see: when the prediction is confidently wrong (z = -6 with y = 1), the sigmoid
is flat, so MSE's gradient (p - y) * 2 p (1 - p) is almost 0 and learning stalls,
while cross-entropy's gradient stays near -1 (it is p - y: the sigmoid's flat slope
cancels). Cross-entropy learns fastest exactly when the model is most wrong.

Every number comes from backprop: ``activations.get("sigmoid").forward``, the loss
objects (``MeanSquaredError``, ``BinaryCrossentropy``) and their ``backward()``,
chained through ``sigmoid.backward``. No derivative is written here.
"""
import ipywidgets as ipw
import numpy as np
from matplotlib.patches import Rectangle

from backprop import activations, losses
from backprop.validation import check_choice, check_number

from .app import App, figure_widget, make_figure

Z_RANGE = (-8.0, 8.0)
N_POINTS = 401                  # z step 0.04: smooth curves, one short loop per target
LOSSES = {                      # control value -> (legend label, colour)
    "mse": ("mean squared error  (p - y)²", "C0"),
    "binary_crossentropy": ("binary cross-entropy  -(y log p + (1 - y) log(1 - p))", "C1"),
}
SHOW = ("mse", "binary_crossentropy", "both")
WRONG_EDGE = 4.0                # |z| beyond which the sigmoid is confidently wrong (p < 0.02)


class LossExplorer(App):
    """MSE and binary cross-entropy of p = sigmoid(z), and their gradients dL/dz.

    Keyword arguments (each opens the app in that state; Reset returns to it):
        z: the marked logit, a number in [-8, 8] (default -6.0: confidently wrong for y = 1)
        target: the label y, 0 or 1 (default 1)
        show: "mse", "binary_crossentropy" or "both" (default "both")
        figsize: the figure's size in inches

    Controls (``app.controls``): "z" (FloatSlider), "target" (ToggleButtons 0/1),
    "show" (ToggleButtons), "reset" (Button).
    """

    def __init__(self, z=-6.0, target=1, show="both", figsize=(11, 5.6)):
        target_value = check_number(target, "target")
        if target_value not in (0.0, 1.0):
            raise ValueError(f"target must be 0 or 1, got {target!r}")
        self._initial = {
            "z": check_number(z, "z", *Z_RANGE),
            "target": int(target_value),
            "show": check_choice(show, "show", SHOW),
        }
        self._init_status()
        # model: the sigmoid and the two loss objects; curves cached per target
        self._sigmoid = activations.get("sigmoid")
        self._losses = {"mse": losses.MeanSquaredError(), "binary_crossentropy": losses.BinaryCrossentropy()}
        self._zs = np.linspace(*Z_RANGE, N_POINTS)
        self._curves = {}
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
        """{loss name: (L over the z grid, dL/dz over the z grid)} for label ``target``."""
        if target not in self._curves:
            table = {}
            for name in LOSSES:
                pairs = [self.loss_and_gradient(name, z, target) for z in self._zs]
                table[name] = (np.array([L for L, _ in pairs]), np.array([g for _, g in pairs]))
            self._curves[target] = table
        return self._curves[target]

    # ---- view -------------------------------------------------------------------
    def _build_view(self, figsize):
        self.fig = fig = make_figure(figsize)
        # fixed positions (figure fractions): legend on top, the values and the caption below
        ax_l = fig.add_axes([0.06, 0.42, 0.41, 0.42])
        ax_g = fig.add_axes([0.56, 0.42, 0.41, 0.42])
        self.axes = {"loss": ax_l, "gradient": ax_g}
        ax_l.set_ylim(-0.3, 8.5)
        ax_g.set_ylim(-1.15, 1.15)
        ax_l.set_title("loss L as a function of the logit z", fontsize=11)
        ax_g.set_title("gradient dL/dz: how hard gradient descent pushes z", fontsize=11)
        ax_l.set_ylabel("L")
        ax_g.set_ylabel("dL/dz")
        self.lines, self.grad_lines, self.markers, self.grad_markers = {}, {}, {}, {}
        self.wrong_spans = []
        for ax in (ax_l, ax_g):
            ax.set_xlim(*Z_RANGE)
            ax.set_xlabel("logit z   (prediction p = sigmoid(z))")
            ax.axhline(0, color="0.6", lw=0.8, zorder=0)
            # the confidently wrong side, moved when the target flips
            span = Rectangle((0, 0), Z_RANGE[1] - WRONG_EDGE, 1, transform=ax.get_xaxis_transform(),
                             color="#d62728", alpha=0.08, lw=0, zorder=0)
            ax.add_patch(span)
            self.wrong_spans.append(span)
        self.wrong_label = ax_l.text(0, 0.5, "confidently\nwrong", transform=ax_l.get_xaxis_transform(),
                                     ha="center", va="center", color="#a31515", fontsize=9,
                                     bbox=dict(boxstyle="round", fc="white", ec="none", alpha=0.8))
        for name, (label, color) in LOSSES.items():
            self.lines[name], = ax_l.plot(self._zs, np.zeros_like(self._zs), color=color, lw=2, label=label)
            self.grad_lines[name], = ax_g.plot(self._zs, np.zeros_like(self._zs), color=color, lw=2)
            self.markers[name], = ax_l.plot([], [], "o", color=color, ms=8, zorder=3)
            self.grad_markers[name], = ax_g.plot([], [], "o", color=color, ms=8, zorder=3)
        fig.legend(handles=list(self.lines.values()), loc="upper center", bbox_to_anchor=(0.5, 0.95),
                   ncol=2, fontsize=10, frameon=False)
        self.z_lines = [ax.axvline(0, color="0.3", lw=1, ls="--") for ax in (ax_l, ax_g)]
        self.loss_text = fig.text(0.06, 0.31, "", va="top", family="monospace", fontsize=9.5)
        self.grad_text = fig.text(0.56, 0.31, "", va="top", family="monospace", fontsize=9.5)
        self.title = fig.suptitle("", fontsize=12, y=0.99)
        self.caption = fig.text(0.06, 0.03, "", fontsize=10.5, va="bottom", wrap=True,
                                bbox=dict(boxstyle="round", fc="#f6f6ff", ec="#8888bb"))

    # ---- controls ---------------------------------------------------------------
    def _build_controls(self):
        init, c = self._initial, self.controls
        c["z"] = ipw.FloatSlider(value=init["z"], min=Z_RANGE[0], max=Z_RANGE[1], step=0.1,
                                 description="z", readout_format=".1f", continuous_update=True,
                                 layout=ipw.Layout(width="420px"))
        c["target"] = ipw.ToggleButtons(options=[("y = 0", 0), ("y = 1", 1)], value=init["target"],
                                        description="target",
                                        style={"button_width": "60px"})
        c["show"] = ipw.ToggleButtons(options=[("MSE", "mse"), ("cross-entropy", "binary_crossentropy"),
                                               ("both", "both")], value=init["show"], description="show",
                                      style={"button_width": "100px"})
        c["reset"] = ipw.Button(description="reset", icon="undo",
                                tooltip="back to the values the app was opened with")
        update = self.throttled(self._on_change)
        for name in init:
            c[name].observe(update, "value")
        c["reset"].on_click(self.guard(self.reset))
        self.ui = ipw.VBox([
            ipw.HBox([c["z"], c["target"]]),
            ipw.HBox([c["show"], c["reset"]]),
            figure_widget(self.fig),
            self.status,
        ])

    # ---- model -> view ----------------------------------------------------------
    def _update(self):
        s = self.state()
        z, y, show = s["z"], s["target"], s["show"]
        curves = self.curves(y)
        at = {name: self.loss_and_gradient(name, z, y) for name in LOSSES}
        p = float(self._sigmoid.forward(np.array([z]))[0])

        for name in LOSSES:
            visible = show in (name, "both")
            value, grad = at[name]
            self.lines[name].set_ydata(curves[name][0])
            self.grad_lines[name].set_ydata(curves[name][1])
            self.markers[name].set_data([z], [value])
            self.grad_markers[name].set_data([z], [grad])
            for artists in (self.lines, self.grad_lines, self.markers, self.grad_markers):
                artists[name].set_visible(visible)
        for line in self.z_lines:
            line.set_xdata([z, z])

        # the confidently wrong side: z < -4 when y = 1, z > 4 when y = 0
        x0 = Z_RANGE[0] if y == 1 else WRONG_EDGE
        for span in self.wrong_spans:
            span.set_x(x0)
        self.wrong_label.set_x(x0 + (Z_RANGE[1] - WRONG_EDGE) / 2)

        shown = [name for name in LOSSES if show in (name, "both")]
        short = {"mse": "MSE", "binary_crossentropy": "cross-entropy"}
        self.loss_text.set_text("\n".join([f"at z = {z:+.2f}:  p = sigmoid(z) = {p:.4f},  y = {y}"] +
                                          [f"{short[n]:<13}  L = {at[n][0]:.4f}" for n in shown]))
        lines = [f"at z = {z:+.2f}:"] + [f"{short[n]:<13}  dL/dz = {at[n][1]:+.4f}" for n in shown]
        if show == "both" and at["mse"][1] != 0:
            ratio = abs(at["binary_crossentropy"][1] / at["mse"][1])
            times = f"{ratio:,.0f}" if ratio >= 10 else f"{ratio:.2g}"
            lines[0] += f"  cross-entropy's push is {times} times MSE's"
        self.grad_text.set_text("\n".join(lines))

        self.title.set_text(f"One sigmoid output p = sigmoid(z), target y = {y}: "
                            "mean squared error against binary cross-entropy")
        wrong = -6.0 if y == 1 else 6.0              # the example the caption points at
        p_wrong = float(self._sigmoid.forward(np.array([wrong]))[0])
        self.caption.set_text(
            f"Look at z = {wrong:+.0f} (shaded: confidently wrong, p = {p_wrong:.4f} while y = {y}). "
            "There the sigmoid is flat, so MSE's gradient is almost 0 and gradient descent "
            f"barely moves z. Cross-entropy's gradient is p - y, close to {'-1' if y == 1 else '+1'}: it pushes z "
            "hard toward the right answer. Cross-entropy learns fastest exactly when the model is most wrong.")
        self.status.value = ""                      # a good update clears an old error
        self.redraw()
