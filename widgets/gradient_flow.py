"""Gradient flow in a deep network: where gradients vanish, where they explode, and the fixes.

The learner builds a deep MLP (2 to 20 hidden layers) on a fixed batch of the spiral
data set and sees, for one backward pass:
(a) the norm of each layer's kernel gradient ||dL/dW_l|| as bars on a log scale, input
    layer on the left, output layer on the right: the backward pass runs right to left,
    so a gradient that shrinks at every layer shows as bars falling by orders of
    magnitude toward the input (vanishing), and one that grows as bars rising (exploding);
(b) the distribution of each hidden layer's activations over the batch, one column per
    layer: saturated sigmoids pile up at 0 and 1, tiny weights squeeze every unit to the
    same value, huge weights push them to the edges.
A line above the figure sums it up: how much of the last layer's gradient reaches the
first layer, and whether that is vanishing, exploding or healthy.

The fixes are all one click away: relu with He initialization, batch normalization
(Dense -> BatchNormalization -> activation in each hidden layer), and gradient clipping
(the optimizer's ``clipnorm``: the bars show the norms before clipping, the black
ticks after it). "train" takes a few SGD steps with that optimizer, so the learner can
also watch what clipping does to a run that would otherwise blow up.

Every number comes from backprop: ``model.compute_gradients`` fills ``model.grads``,
``optimizer.clip`` gives the clipped gradients, ``model.train_step`` trains, and the
layers' own ``forward`` gives the activations.

Model, view, controls: ``build_network(state, seed)`` makes the network for a dict of
control values, ``flow(model, X, y)`` gives its numbers for one backward pass and
``diagnose(norms)`` the verdict; the view only draws them. Every axis is fixed for a
configuration (the activation sets the value axis, the initializer the decades shown,
clipping the legend): a slider, even one that builds a new network (depth, units, init
scale), redraws only the bars, the markers and the histogram image (blitting). The
verdict, the setup and the norms are HTML beside the figure.
"""
import html

import ipywidgets as ipw
import matplotlib
import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, NullFormatter

from backprop import datasets
from backprop.initializers import RandomNormal
from backprop.layers import Activation, BatchNormalization, Dense
from backprop.model import Sequential
from backprop.optimizers import SGD
from backprop.validation import check_choice, check_int, check_number, describe

from .app import App, figure_widget, make_figure, readout_line

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu")
INITIALIZERS = ("random_normal", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal")
DEPTH_RANGE = (2, 20)             # hidden layers
UNITS_RANGE = (2, 128)
INIT_SCALE_RANGE = (1e-3, 10.0)   # stddev of random_normal
CLIPNORM_RANGE = (1e-3, 1e3)
LEARNING_RATE_RANGE = (1e-4, 10.0)
STEPS_RANGE = (1, 100)
N_POINTS = 200                    # the fixed batch
BINS = 41
SHARE_MIN = 1e-3                  # the colour scale of panel (b) starts at 0.1% of a layer's values
# Activation values binned in panel (b); values beyond the range count in the edge bins.
VALUE_RANGES = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "relu": (0.0, 3.0),
                "leaky_relu": (-1.0, 3.0), "elu": (-1.0, 3.0)}
# Verdict thresholds: a factor 100 between the first and last layer is a problem either way.
# A healthy net here has norms between about 0.01 and 1: above 10, steps wreck the weights;
# below 1e-4 everywhere (tiny weights with tanh or relu: the signal fades on the way forward
# and the gradient on the way back, so the ratio looks fine) nothing learns.
RATIO_LOW, RATIO_HIGH, NORM_LOW, NORM_HIGH = 1e-2, 1e2, 1e-4, 10.0
TINY = 1e-300                     # bar bottoms on the log axis
# The decades panel (a) shows, fixed per initializer so that no slider moves the axis. Measured
# over depth 2-20 and units 2-128: Glorot and He weights give norms from about 1e-17 (20 sigmoid
# layers) to 30 (batch norm); random_normal's init scale, from 0.001 to 10, from 1e-70 to
# overflow. Norms beyond the decades are drawn at the edge with a triangle.
NORM_LIMITS = {"random_normal": (1e-40, 1e20)}
NORM_LIMITS_DEFAULT = (1e-20, 1e5)
# x positions in panel (a): hidden layer l at l (1..20), the output layer in its own slot
SLOTS = DEPTH_RANGE[1]
OUT_X = SLOTS + 2
FIGSIZE = (9.0, 3.8)              # inches at dpi 100: 900 x 380 px, a laptop's notebook column
# Okabe-Ito colours; each meaning has a second cue besides the colour (see the legend)
BLUE, VERMILLION, GREY = "#0072B2", "#D55E00", "#9a9a9a"
ALT = ("Left, panel (a): a bar for each layer's gradient norm on a log scale, hidden layers numbered "
       "from the input side, the output layer in grey at the right; overflowed norms are hatched "
       "vermillion bars to the top, norms off the scale are marked with triangles; with clipping on, "
       "black ticks show the norms after clipping and a dashed line the clipnorm. Right, panel (b): "
       "for each hidden layer, a column coloured by how many of its activations fall at each value "
       "(dark: few, bright: many). The verdict and the numbers are written beside the figure.")


class GradientFlow(App):
    """A deep MLP's per-layer gradient norms and activations, for one backward pass.

    Keyword arguments (each opens the app in that state; reset returns to it):
        depth: hidden layers, an int in [2, 20] (default 10)
        units: units per hidden layer, an int in [2, 128] (default 32)
        activation: the hidden layers' activation, one of "sigmoid", "tanh", "relu",
            "leaky_relu", "elu" (default "sigmoid"; the output is one sigmoid unit)
        initializer: every kernel's initializer, one of "random_normal", "glorot_uniform",
            "glorot_normal", "he_uniform", "he_normal" (default "glorot_uniform", Keras's)
        init_scale: stddev of "random_normal", a number in [0.001, 10] (default 0.05)
        batch_norm: True puts BatchNormalization between each hidden Dense and its
            activation (default False)
        clipnorm: None (no clipping) or the optimizer's clipnorm, a number in [0.001, 1000]
        learning_rate: SGD's learning rate for "train", in [0.0001, 10] (default 0.1)
        steps: SGD steps per click of "train", an int in [1, 100] (default 10)
        seed: non-negative int for the weights and the batch (default 0)
        figsize: the figure's (width, height) in inches, width 7.5 to 12, height 3.2 to 6
            (default (9, 3.8): 900 px wide, for a laptop's notebook column)

    Controls (``app.controls``): "depth", "units" (IntSliders), "activation",
    "initializer" (Dropdowns), "init_scale" (FloatLogSlider, used by random_normal),
    "batch_norm", "clipnorm" (Checkboxes), "clipnorm_value", "learning_rate"
    (FloatLogSliders), "steps" (IntSlider), "train", "resample" (new initial weights),
    "reset" (Buttons). The readouts are HTML widgets: ``app.summary`` (the verdict),
    ``app.setup`` (the network, the clipping, the loss) and ``app.readout`` (every
    layer's norm: what the figure shows, in words).

    For tests and lessons: ``app.model`` (the Sequential), ``app.X``, ``app.y`` (the batch),
    ``app.grad_norms`` and ``app.clipped_norms`` (||dL/dW|| of every Dense kernel, input
    side first, output layer last; before and after ``optimizer.clip``),
    ``app.activations`` (each hidden layer's output over the batch, input side first),
    ``app.loss`` (the batch loss of the last backward pass).
    """

    def __init__(self, depth=10, units=32, activation="sigmoid", initializer="glorot_uniform",
                 init_scale=0.05, batch_norm=False, clipnorm=None, learning_rate=0.1, steps=10,
                 seed=0, figsize=FIGSIZE):
        if not isinstance(batch_norm, bool):
            raise TypeError(f"batch_norm must be True or False, got {describe(batch_norm)}")
        self._initial = {
            "depth": check_int(depth, "depth", *DEPTH_RANGE),
            "units": check_int(units, "units", *UNITS_RANGE),
            "activation": check_choice(activation, "activation", ACTIVATIONS),
            "initializer": check_choice(initializer, "initializer", INITIALIZERS),
            "init_scale": check_number(init_scale, "init_scale", *INIT_SCALE_RANGE),
            "batch_norm": batch_norm,
            "clipnorm": clipnorm is not None,
            "clipnorm_value": 1.0 if clipnorm is None else check_number(clipnorm, "clipnorm", *CLIPNORM_RANGE),
            "learning_rate": check_number(learning_rate, "learning_rate", *LEARNING_RATE_RANGE),
            "steps": check_int(steps, "steps", *STEPS_RANGE),
        }
        self.seed = check_int(seed, "seed", low=0)
        figsize = _check_figsize(figsize)
        self._init_status()
        # the fixed batch: one seeded draw of the spiral, the same whatever the network
        self.X, labels = datasets.spiral(n=N_POINTS, noise=0.1, seed=self.seed)
        self.y = labels.astype(np.float64)[:, None]
        self._resamples = 0           # "resample" draws the weights with seed + 1, + 2, ...
        self._shown = None            # the configuration whose static parts were last drawn in full
        self._build_view(figsize)
        self._build_controls()
        self._rebuild()

    # ---- model ------------------------------------------------------------------
    def build_model(self):
        """A new Sequential for the controls' current values (not yet stored in the app)."""
        return build_network(self.state(), self.seed + self._resamples)

    def _rebuild(self, *_):
        if self._quiet:
            return
        self.model = self.build_model()
        self.steps_done = 0
        self._update()

    def _set_optimizer(self, *_):
        """Clipping and learning rate change the optimizer only: the weights and their gradients
        stay, so only the clipped norms are computed again (the learning rate shows nowhere)."""
        if self._quiet:
            return
        s = self.state()
        self.model.compile(optimizer=make_optimizer(s), loss="binary_crossentropy")
        self._result["clipped_norms"] = self.clipped_norms = clip_norms(self.model.optimizer,
                                                                        self._result["grads"])
        self._show(s, self._result)

    def compute(self):
        """One backward pass on the batch: sets ``loss``, ``grad_norms``, ``clipped_norms``,
        ``activations`` and returns ``flow``'s dict, with "histograms" (BINS, depth) added."""
        result = flow(self.model, self.X, self.y)
        result["histograms"] = histograms(result["activations"], self.controls["activation"].value)
        self.loss = result["loss"]
        self.grad_norms, self.clipped_norms = result["grad_norms"], result["clipped_norms"]
        self.activations = result["activations"]
        self._result = result
        return result

    def train(self, *_):
        """``steps`` SGD steps on the batch with the app's optimizer (clipping included)."""
        steps, before = self.controls["steps"].value, self.loss
        with np.errstate(all="ignore"):
            for _ in range(steps):
                loss = self.model.train_step(self.X, self.y)
                self.steps_done += 1
                if not (np.isfinite(loss) and all(np.all(np.isfinite(w)) for w in self.model.params.values())):
                    self._update()
                    self.show_message(f"diverged after {self.steps_done} steps: the loss or a weight is no "
                                      "longer a finite number. Press reset, then lower learning_rate or "
                                      "turn on clipnorm.", color="#b00020")
                    return
        self._update()
        self.show_message(f"trained {steps} steps (total {self.steps_done}): batch loss "
                          f"{before:.4f} -> {self.loss:.4f}")

    def resample(self, *_):
        """Draw new initial weights (the next seed): the picture is a property of the setup, not luck."""
        self._resamples += 1
        self._rebuild()

    def reset(self, *_):
        """Back to the values the app was opened with, and the first seed's weights."""
        self.restore_controls(self._initial)     # one rebuild at the end, not one per control
        self._resamples = 0
        self._rebuild()

    def verdict(self):
        """One line: how much of the output layer's gradient reaches the first layer, and a diagnosis."""
        return diagnose(self.grad_norms)

    # ---- view -------------------------------------------------------------------
    def _build_view(self, figsize):
        self.fig = fig = make_figure(figsize, alt=ALT)
        W, H = fig.get_size_inches()
        # positions in inches, then figure fractions: a legend row and the titles on top, the
        # axis labels below; panel (b) and its colour bar take a fixed width on the right
        bottom, top = 0.5, 0.62
        height = H - bottom - top
        left_a, left_b, width_b = 0.75, W - 3.45, 2.45
        width_a = left_b - 0.72 - left_a
        ax_g = fig.add_axes([left_a / W, bottom / H, width_a / W, height / H])
        ax_a = fig.add_axes([left_b / W, bottom / H, width_b / W, height / H])
        ax_cb = fig.add_axes([(left_b + width_b + 0.1) / W, bottom / H, 0.12 / W, height / H])
        self.axes = {"gradients": ax_g, "activations": ax_a}

        # (a) kernel gradient norms: a bar for every possible layer, the unused ones hidden
        ax_g.set_yscale("log")
        x = np.append(np.arange(1, SLOTS + 1), OUT_X)
        self.bars = ax_g.bar(x, np.ones(len(x)), bottom=TINY, width=0.7, color=BLUE, lw=0.5, animated=True)
        self.bars[-1].set_facecolor(GREY)
        # norms beyond the decades shown: a triangle at the edge (the bar runs to the top)
        self.off_top, = ax_g.plot([], [], ls="none", marker="^", ms=6, color="k", clip_on=False,
                                  zorder=5, animated=True)
        self.off_bottom, = ax_g.plot([], [], ls="none", marker="v", ms=6, color="k", clip_on=False,
                                     zorder=5, animated=True)
        self.after_clip, = ax_g.plot([], [], ls="none", marker="_", ms=10, mew=2.5, color="k", zorder=4,
                                     animated=True)
        self.clip_line = ax_g.axhline(1.0, color=VERMILLION, ls="--", lw=1.2, zorder=3, animated=True)
        ax_g.axvline((SLOTS + OUT_X) / 2, color="0.75", lw=0.8, ls=":")      # hidden layers | output
        ax_g.set_xlim(0.3, OUT_X + 0.7)
        ax_g.xaxis.set_major_locator(FixedLocator([1, 5, 10, 15, 20, OUT_X]))
        ax_g.set_xticklabels(["1", "5", "10", "15", "20", "out"])
        ax_g.xaxis.set_minor_locator(FixedLocator(np.arange(1, SLOTS + 1)))
        ax_g.set_ylabel("||dL/dW||  (log scale)", fontsize=9)
        ax_g.set_xlabel("layer  (input side → output;  the backward pass runs ←)", fontsize=9)
        ax_g.tick_params(labelsize=8)
        ax_g.set_axisbelow(True)
        ax_g.set_title("(a) gradient norm of each layer's weights", fontsize=10, loc="left")

        # (b) activations: one column per hidden layer, a histogram over the batch in each;
        # colours on a log scale: relu's exact zeros (half of all values) must not hide the rest
        cmap = matplotlib.colormaps["magma"].with_extremes(bad="black", under="black")
        self.image = ax_a.imshow(np.zeros((BINS, 2)), origin="lower", aspect="auto", cmap=cmap,
                                 norm=LogNorm(vmin=SHARE_MIN, vmax=1.0), interpolation="nearest",
                                 extent=(0.5, 2.5, 0, 1), animated=True)
        ax_a.set_facecolor("0.93")            # no layer there
        ax_a.set_xlim(0.5, SLOTS + 0.5)
        ax_a.set_xticks([1, 5, 10, 15, 20])
        ax_a.tick_params(labelsize=8)
        ax_a.set_xlabel("hidden layer  (input side →)", fontsize=9)
        ax_a.set_title("(b) activations over the batch", fontsize=10, loc="left")
        self.colorbar = fig.colorbar(self.image, cax=ax_cb)
        self.colorbar.set_label("share of the layer's values", fontsize=8)
        self.colorbar.ax.tick_params(labelsize=7)
        self.legend = None
        # what a frame redraws, bottom to top (the spines go over the bars' and the image's edges)
        self._blit([*self.bars, self.clip_line, self.after_clip, self.off_top, self.off_bottom,
                    *ax_g.spines.values(), self.image, *ax_a.spines.values()])

        # the words and numbers, in HTML (read by screen readers, no Agg text per frame)
        tight = dict(min_height="0", margin="0 2px")       # one line each, not the widgets' 28 px
        self.summary = readout_line(**tight)
        self.setup = ipw.HTML(layout=ipw.Layout(**tight))
        self.readout = ipw.HTML(layout=ipw.Layout(**tight))

    def _show_static(self, s):
        """The parts fixed for a configuration: the decades of (a), the value axis of (b), the legend."""
        ax_g, ax_a = self.axes["gradients"], self.axes["activations"]
        lo, hi = norm_limits(s["initializer"])
        ax_g.set_ylim(lo, hi)
        step = 10 if hi / lo > 1e40 else 5
        decades = np.arange(round(np.log10(lo)), round(np.log10(hi)) + 1)
        ax_g.yaxis.set_major_locator(FixedLocator(10.0 ** decades[::step]))
        ax_g.yaxis.set_minor_locator(FixedLocator(10.0 ** decades))
        ax_g.yaxis.set_minor_formatter(NullFormatter())
        ax_g.grid(axis="y", which="major", color="0.9", lw=0.8)
        vlo, vhi = VALUE_RANGES[s["activation"]]
        ax_a.set_ylim(vlo, vhi)
        ax_a.set_ylabel(f"{s['activation']} output", fontsize=9)
        handles = [Patch(color=BLUE, label="||dL/dW||, hidden layer"), Patch(color=GREY, label="output layer"),
                   Patch(facecolor=VERMILLION, hatch="xxx", edgecolor="k", lw=0.5, label="inf or NaN"),
                   Line2D([], [], ls="none", marker="^", color="k", ms=5, label="off the scale")]
        if s["clipnorm"]:
            handles += [Line2D([], [], ls="none", marker="_", ms=9, mew=2.5, color="k", label="after clipping"),
                        Line2D([], [], color=VERMILLION, ls="--", lw=1.2, label="clipnorm")]
        if self.legend is not None:
            self.legend.remove()
        W, H = self.fig.get_size_inches()
        self.legend = self.fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.2 / W, 1.0),
                                      ncol=len(handles), fontsize=8, frameon=False, handlelength=1.6,
                                      columnspacing=1.2, borderaxespad=0.3)

    def _update(self):
        """A new backward pass of the app's network, shown."""
        self._show(self.state(), self.compute())

    def _show(self, s, r):
        """Put state ``s`` and its numbers ``r`` (``compute``'s dict) into the figure and the readouts."""
        config = (norm_limits(s["initializer"]), s["activation"], s["clipnorm"])
        full = config != self._shown
        if full:                    # the axes and the legend: a full draw, which saves a new background
            self._show_static(s)
            self._shown = config
        self._show_norms(s, r)
        self._show_activations(s, r)
        self._show_text(s, r)
        self.status.value = ""
        self.redraw(full=full)

    def _show_norms(self, s, r):
        """Panel (a): the bars of the layers in use, the off-scale marks, the clipped norms."""
        norms, clipped = np.array(r["grad_norms"]), np.array(r["clipped_norms"])
        lo, hi = norm_limits(s["initializer"])
        x = np.append(np.arange(1, len(norms)), OUT_X)            # the hidden layers, then the output
        finite = np.isfinite(norms)
        for bar in self.bars[len(norms) - 1:-1]:
            bar.set_visible(False)
        used = [*self.bars[:len(norms) - 1], self.bars[-1]]
        colors = [BLUE] * (len(norms) - 1) + [GREY]
        for bar, norm, ok, color in zip(used, norms, finite, colors):
            bar.set_visible(True)
            bar.set_height(norm if ok else hi)                  # overflowed: hatched, to the top
            bar.set_facecolor(color if ok else VERMILLION)
            bar.set_hatch(None if ok else "xxx")
            bar.set_edgecolor("none" if ok else "k")
        above, below = finite & (norms > hi), finite & (norms < lo)
        self.off_top.set_data(x[above], np.full(above.sum(), hi))
        self.off_bottom.set_data(x[below], np.full(below.sum(), lo))
        self.after_clip.set_data(x, clipped)
        self.after_clip.set_visible(s["clipnorm"])
        self.clip_line.set_ydata([s["clipnorm_value"]] * 2)
        self.clip_line.set_visible(s["clipnorm"])

    def _show_activations(self, s, r):
        """Panel (b): the histograms, one column per hidden layer."""
        vlo, vhi = VALUE_RANGES[s["activation"]]
        self.image.set_data(r["histograms"])
        self.image.set_extent((0.5, s["depth"] + 0.5, vlo, vhi))

    def _show_text(self, s, r):
        """The verdict, the setup and every layer's norm, in HTML."""
        norms, clipped = np.array(r["grad_norms"]), np.array(r["clipped_norms"])
        self.summary.value = (f"<div style='font-size:14px;font-weight:bold;line-height:1.4'>"
                              f"{html.escape(diagnose(r['grad_norms']))}</div>")
        clip = "no clipping"
        if s["clipnorm"]:
            n = int(np.sum(clipped < norms * (1 - 1e-12)))
            clip = f"clipnorm {s['clipnorm_value']:.3g} ({n}/{len(norms)} clipped)"
        init = (f"random_normal({s['init_scale']:.3g})" if s["initializer"] == "random_normal"
                else s["initializer"])
        text = (f"{s['depth']} hidden layers × {s['units']} {s['activation']}, {init}, "
                f"{'batch norm' if s['batch_norm'] else 'no batch norm'}, {clip}   ·   "
                f"loss {r['loss']:.4g} on the batch after {self.steps_done} steps")
        self.setup.value = f"<div style='font-size:12.5px;color:#444;line-height:1.4'>{html.escape(text)}</div>"
        names = [str(i) for i in range(1, len(norms))] + ["out"]
        listed = "   ".join(f"{name}: {norm:.2g}" for name, norm in zip(names, norms))
        after = ""
        if s["clipnorm"]:
            after = "<br>after clipping: " + html.escape("   ".join(
                f"{name}: {norm:.2g}" for name, norm in zip(names, clipped)))
        self.readout.value = ("<details style='font-size:12px;color:#444;line-height:1.4'><summary>the norms "
                              "||dL/dW||, layer by layer (input side first)</summary>"
                              f"<div style='font-family:monospace'>{html.escape(listed)}{after}</div></details>")

    # ---- controls ---------------------------------------------------------------
    def _build_controls(self):
        init, c = self._initial, self.controls
        style = {"description_width": "100px"}      # "learning rate" whole, never "learning..."
        layout = ipw.Layout(width="285px")
        c["depth"] = ipw.IntSlider(value=init["depth"], min=DEPTH_RANGE[0], max=DEPTH_RANGE[1],
                                   description="depth", style=style, layout=layout)
        c["units"] = ipw.IntSlider(value=init["units"], min=UNITS_RANGE[0], max=UNITS_RANGE[1],
                                   description="units", style=style, layout=layout)
        c["activation"] = ipw.Dropdown(options=ACTIVATIONS, value=init["activation"],
                                       description="activation", style=style, layout=layout)
        c["batch_norm"] = ipw.Checkbox(value=init["batch_norm"], description="batch norm", indent=False,
                                       layout=ipw.Layout(width="150px", margin="2px 0 2px 8px"))
        c["initializer"] = ipw.Dropdown(options=INITIALIZERS, value=init["initializer"],
                                        description="initializer", style=style, layout=layout)
        c["init_scale"] = ipw.FloatLogSlider(value=init["init_scale"], base=10,
                                             min=np.log10(INIT_SCALE_RANGE[0]), max=np.log10(INIT_SCALE_RANGE[1]),
                                             step=0.05, readout_format=".3g", description="init scale",
                                             disabled=init["initializer"] != "random_normal",
                                             style=style, layout=layout)
        c["learning_rate"] = ipw.FloatLogSlider(value=init["learning_rate"], base=10,
                                                min=np.log10(LEARNING_RATE_RANGE[0]),
                                                max=np.log10(LEARNING_RATE_RANGE[1]), step=0.1,
                                                readout_format=".3g", description="learning rate",
                                                style=style, layout=layout)
        c["steps"] = ipw.IntSlider(value=init["steps"], min=STEPS_RANGE[0], max=STEPS_RANGE[1],
                                   description="steps", style=style, layout=layout)
        c["clipnorm"] = ipw.Checkbox(value=init["clipnorm"], description="clip", indent=False,
                                     tooltip="clip each gradient's norm (the optimizer's clipnorm)",
                                     layout=ipw.Layout(width="62px", margin="2px 0 2px 8px"))
        c["clipnorm_value"] = ipw.FloatLogSlider(value=init["clipnorm_value"], base=10,
                                                 min=np.log10(CLIPNORM_RANGE[0]), max=np.log10(CLIPNORM_RANGE[1]),
                                                 step=0.1, readout_format=".3g", description="clipnorm",
                                                 disabled=not init["clipnorm"],
                                                 style={"description_width": "62px"},
                                                 layout=ipw.Layout(width="215px"))
        button = ipw.Layout(width="auto", margin="2px 4px 2px 8px")
        c["train"] = ipw.Button(description="train", icon="play", button_style="primary",
                                tooltip="take `steps` SGD steps on the batch", layout=button)
        c["resample"] = ipw.Button(description="new weights", icon="random",
                                   tooltip="draw new initial weights (the next seed)", layout=button)
        c["reset"] = ipw.Button(description="reset", icon="undo",
                                tooltip="back to the values the app was opened with", layout=button)

        rebuild = self.throttled(self._rebuild)
        for name in ("depth", "units", "activation", "initializer", "init_scale", "batch_norm"):
            c[name].observe(rebuild, "value")
        c["initializer"].observe(self.guard(self._enable_scale), "value")
        c["clipnorm"].observe(self.guard(self._enable_clip), "value")
        optimizer = self.throttled(self._set_optimizer)
        for name in ("clipnorm", "clipnorm_value", "learning_rate"):
            c[name].observe(optimizer, "value")
        for name in ("train", "resample", "reset"):
            c[name].on_click(self.guard(getattr(self, name)))

        def column(title, rows):
            return ipw.VBox([ipw.HTML(f"<b>{title}</b>")] + rows, layout=ipw.Layout(width="295px"))

        wrap = ipw.Layout(flex_flow="row wrap")           # columns wrap on a narrow page
        self.ui = ipw.VBox([
            ipw.HBox([column("network", [c["depth"], c["units"], c["activation"], c["batch_norm"]]),
                      column("initial weights", [c["initializer"], c["init_scale"],
                                                 ipw.HBox([c["resample"], c["reset"]])]),
                      column("training", [c["learning_rate"], c["steps"],
                                          ipw.HBox([c["clipnorm"], c["clipnorm_value"]]), c["train"]])],
                     layout=wrap),
            self.summary,
            self.setup,
            figure_widget(self.fig),
            self.readout,
            self.status,
        ])

    def _enable_scale(self, change):
        self.controls["init_scale"].disabled = change["new"] != "random_normal"

    def _enable_clip(self, change):
        self.controls["clipnorm_value"].disabled = not change["new"]


# ---- the numbers: pure functions of a state ---------------------------------------
def make_optimizer(state):
    """SGD with the state's learning rate, and its clipnorm when clipping is on."""
    return SGD(learning_rate=state["learning_rate"],
               clipnorm=state["clipnorm_value"] if state["clipnorm"] else None)


def build_network(state, seed):
    """A new compiled Sequential for ``state`` (a dict of the app's control values).

    Hidden layer l is Dense(units, activation) or, with batch_norm,
    Dense(units) -> BatchNormalization -> Activation (normalizing before the
    nonlinearity keeps it out of its flat parts); the output is Dense(1, sigmoid)
    trained with binary cross-entropy. ``seed`` draws the weights.
    """
    def initializer():
        if state["initializer"] == "random_normal":
            return RandomNormal(stddev=state["init_scale"])
        return state["initializer"]

    layers = []
    for i in range(state["depth"]):
        shape = {"input_shape": (2,)} if i == 0 else {}
        if state["batch_norm"]:
            # BN's beta does the bias's job, so the Dense has none
            layers += [Dense(state["units"], use_bias=False, kernel_initializer=initializer(), **shape),
                       BatchNormalization(), Activation(state["activation"])]
        else:
            layers.append(Dense(state["units"], activation=state["activation"],
                                kernel_initializer=initializer(), **shape))
    layers.append(Dense(1, activation="sigmoid", kernel_initializer=initializer()))
    model = Sequential(layers, seed=seed)
    model.compile(optimizer=make_optimizer(state), loss="binary_crossentropy")
    return model


def flow(model, X, y):
    """One backward pass of ``model`` on the batch X (N, 2), y (N, 1); the weights stay as they are.

    Returns a dict: "loss" (float); "grads" ({kernel name: dL/dW}, every Dense kernel, input
    side first); "grad_norms" and "clipped_norms" (lists of L + 1 floats, ||dL/dW|| of those
    kernels before and after the optimizer's clip); "activations" (L arrays (N, units): each
    hidden layer's output, input side first).
    """
    dense = [i for i, layer in enumerate(model.layers) if isinstance(layer, Dense)]
    # a hidden layer's output is its last layer's: the Dense, or the Activation after batch norm
    hidden = [model.layers[i - 1].name for i in dense[1:]]
    with np.errstate(all="ignore"):          # an exploding net overflows: shown, not warned
        loss = model.compute_gradients(X, y)
        grads = {f"{model.layers[i].name}/W": model.grads[f"{model.layers[i].name}/W"].copy() for i in dense}
        # the same forward pass again, layer by layer, to keep each hidden layer's output
        # (training=True: batch norm uses the batch's statistics, as in compute_gradients;
        # its moving averages take one more step, which nothing in this app reads)
        outputs, out = {}, X
        for layer in model.layers:
            out = layer.forward(out, training=True)
            outputs[layer.name] = out
        norms = [float(np.linalg.norm(g)) for g in grads.values()]
    return {"loss": loss, "grads": grads, "grad_norms": norms,
            "clipped_norms": clip_norms(model.optimizer, grads),
            "activations": [outputs[name] for name in hidden]}


def clip_norms(optimizer, grads):
    """||g|| of each gradient in ``grads`` ({name: array}, in order) after ``optimizer.clip``."""
    with np.errstate(all="ignore"):
        return [float(np.linalg.norm(g)) for g in optimizer.clip(grads).values()]


def histograms(activations, activation):
    """Each hidden layer's share of values per bin: (BINS, L) for L arrays of activations.

    NaN is dropped; values beyond the activation's VALUE_RANGES count in the edge bins.
    """
    lo, hi = VALUE_RANGES[activation]
    columns = []
    for a in activations:
        a = a[~np.isnan(a)]
        # equal bins given by number and range: numpy's fast path, no sort of the values
        counts = np.histogram(np.clip(a, lo, hi), bins=BINS, range=(lo, hi))[0].astype(float)
        columns.append(counts / max(a.size, 1))
    return np.column_stack(columns)


def norm_limits(initializer):
    """The decades (low, high) panel (a) shows for an initializer."""
    return NORM_LIMITS.get(initializer, NORM_LIMITS_DEFAULT)


def diagnose(grad_norms):
    """One line: how much of the output layer's gradient reaches the first layer, and a diagnosis."""
    first, last = grad_norms[0], grad_norms[-1]
    if not np.all(np.isfinite(grad_norms)):
        return "the gradients overflowed to inf or NaN (hatched bars): exploding"
    if last == 0:
        return "the output layer gets no gradient at all (its inputs are all zero)"
    ratio = first / last
    if ratio == 0:
        return "the first layer gets no gradient at all: every path back to it is dead"
    share = f"{ratio:.0e}" if ratio < 0.1 or ratio >= 100 else f"{ratio:.2g}"
    text = f"the first layer gets {share} × the output layer's gradient"
    if ratio < RATIO_LOW:
        return text + ": vanishing"
    if ratio > RATIO_HIGH:
        return text + ": exploding"
    if max(grad_norms) > NORM_HIGH:
        return text + f", but the norms reach {max(grad_norms):.0e}: exploding"
    if max(grad_norms) < NORM_LOW:
        return text + f", but every norm is below {max(grad_norms):.0e}: vanishing"
    return text + ": healthy"


def _check_figsize(figsize):
    """(width, height) in inches, width in [7.5, 12] and height in [3.2, 6] (room for both panels and the legend)."""
    try:
        width, height = figsize
    except (TypeError, ValueError):
        raise TypeError(f"figsize must be a (width, height) pair of numbers, got {describe(figsize)}") from None
    return (check_number(width, "figsize width", 7.5, 12.0), check_number(height, "figsize height", 3.2, 6.0))
