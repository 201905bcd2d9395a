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
"""
import ipywidgets as ipw
import matplotlib
import numpy as np
from matplotlib.colors import LogNorm

from backprop import datasets
from backprop.initializers import RandomNormal
from backprop.layers import Activation, BatchNormalization, Dense
from backprop.model import Sequential
from backprop.optimizers import SGD
from backprop.validation import check_choice, check_int, check_number, describe

from .app import App, figure_widget, make_figure

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
        figsize: the figure's size in inches

    Controls (``app.controls``): "depth", "units" (IntSliders), "activation",
    "initializer" (Dropdowns), "init_scale" (FloatLogSlider, used by random_normal),
    "batch_norm", "clipnorm" (Checkboxes), "clipnorm_value", "learning_rate"
    (FloatLogSliders), "steps" (IntSlider), "train", "resample" (new initial weights),
    "reset" (Buttons).

    For tests and lessons: ``app.model`` (the Sequential), ``app.X``, ``app.y`` (the batch),
    ``app.grad_norms`` and ``app.clipped_norms`` (||dL/dW|| of every Dense kernel, input
    side first, output layer last; before and after ``optimizer.clip``),
    ``app.activations`` (each hidden layer's output over the batch, input side first),
    ``app.loss`` (the batch loss of the last backward pass).
    """

    def __init__(self, depth=10, units=32, activation="sigmoid", initializer="glorot_uniform",
                 init_scale=0.05, batch_norm=False, clipnorm=None, learning_rate=0.1, steps=10,
                 seed=0, figsize=(10, 7.2)):
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
        self._init_status()
        # the fixed batch: one seeded draw of the spiral, the same whatever the network
        self.X, labels = datasets.spiral(n=N_POINTS, noise=0.1, seed=self.seed)
        self.y = labels.astype(np.float64)[:, None]
        self._resamples = 0           # "resample" draws the weights with seed + 1, + 2, ...
        self._build_view(figsize)
        self._build_controls()
        self._rebuild()

    # ---- model ------------------------------------------------------------------
    def _initializer(self, s):
        if s["initializer"] == "random_normal":
            return RandomNormal(stddev=s["init_scale"])
        return s["initializer"]

    def _optimizer(self, s):
        return SGD(learning_rate=s["learning_rate"], clipnorm=s["clipnorm_value"] if s["clipnorm"] else None)

    def build_model(self):
        """A new Sequential for the controls' current values (not yet stored in the app).

        Hidden layer l is Dense(units, activation) or, with batch_norm,
        Dense(units) -> BatchNormalization -> Activation (normalizing before the
        nonlinearity keeps it out of its flat parts); the output is Dense(1, sigmoid)
        trained with binary cross-entropy.
        """
        s = self.state()
        layers = []
        for i in range(s["depth"]):
            shape = {"input_shape": (2,)} if i == 0 else {}
            if s["batch_norm"]:
                # BN's beta does the bias's job, so the Dense has none
                layers += [Dense(s["units"], use_bias=False, kernel_initializer=self._initializer(s), **shape),
                           BatchNormalization(), Activation(s["activation"])]
            else:
                layers.append(Dense(s["units"], activation=s["activation"],
                                    kernel_initializer=self._initializer(s), **shape))
        layers.append(Dense(1, activation="sigmoid", kernel_initializer=self._initializer(s)))
        model = Sequential(layers, seed=self.seed + self._resamples)
        model.compile(optimizer=self._optimizer(s), loss="binary_crossentropy")
        return model

    def _rebuild(self, *_):
        if self._quiet:
            return
        self.model = self.build_model()
        dense = [layer for layer in self.model.layers if isinstance(layer, Dense)]
        self._kernels = [f"{layer.name}/W" for layer in dense]
        # the output of each hidden layer is its last layer's output (Dense, or the Activation after BN)
        per_layer = 3 if self.controls["batch_norm"].value else 1
        self._hidden_outputs = [self.model.layers[per_layer * (i + 1) - 1].name
                                for i in range(len(dense) - 1)]
        self.steps_done = 0
        self._set_layout()
        self._update()

    def _set_optimizer(self, *_):
        """Clipping and learning rate change the optimizer only: the weights stay."""
        if self._quiet:
            return
        self.model.compile(optimizer=self._optimizer(self.state()), loss="binary_crossentropy")
        self._update()

    def compute(self):
        """One backward pass on the batch: fills ``grad_norms``, ``clipped_norms``, ``activations``."""
        with np.errstate(all="ignore"):          # an exploding net overflows: shown, not warned
            self.loss = self.model.compute_gradients(self.X, self.y)
            grads = self.model.grads
            clipped = self.model.optimizer.clip(grads)
            self.grad_norms = [float(np.linalg.norm(grads[k])) for k in self._kernels]
            self.clipped_norms = [float(np.linalg.norm(clipped[k])) for k in self._kernels]
            # the same forward pass again, layer by layer, to keep each hidden layer's output
            # (training=True: batch norm uses the batch's statistics, as in compute_gradients;
            # its moving averages take one more step, which nothing in this app reads)
            outputs, out = {}, self.X
            for layer in self.model.layers:
                out = layer.forward(out, training=True)
                outputs[layer.name] = out
        self.activations = [outputs[name] for name in self._hidden_outputs]

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

    # ---- view -------------------------------------------------------------------
    def _build_view(self, figsize):
        self.fig = fig = make_figure(figsize)
        gs = fig.add_gridspec(2, 2, width_ratios=[1, 0.025], height_ratios=[1, 1], hspace=0.42,
                              wspace=0.03, left=0.09, right=0.92, top=0.84, bottom=0.09)
        ax_g = fig.add_subplot(gs[0, 0])
        ax_a = fig.add_subplot(gs[1, 0], sharex=ax_g)
        ax_cb = fig.add_subplot(gs[1, 1])
        self.axes = {"gradients": ax_g, "activations": ax_a}
        n_max = DEPTH_RANGE[1] + 1

        # (a) kernel gradient norms: bars for every possible layer, the unused ones hidden
        ax_g.set_yscale("log")
        self.bars = ax_g.bar(np.arange(1, n_max + 1), np.ones(n_max), bottom=TINY, width=0.7,
                             color="C0", label="||dL/dW|| (before clipping)")
        self.after_clip, = ax_g.plot([], [], ls="none", marker="_", ms=22, mew=3, color="k", zorder=4,
                                     label="after clipping")
        self.clip_line = ax_g.axhline(1.0, color="C3", ls="--", lw=1, zorder=3, label="clipnorm")
        ax_g.set_ylabel("||dL/dW||  (log scale)")
        ax_g.grid(axis="y", which="major", color="0.9", lw=0.8)
        ax_g.set_axisbelow(True)
        ax_g.set_title("(a) gradient norm of each layer's weights   "
                       "(backward pass runs right to left ←)", fontsize=11, loc="left")
        self.legend = ax_g.legend(loc="upper left", fontsize=8, framealpha=0.9)   # shown with clipping

        # (b) activations: one column per hidden layer, a histogram over the batch in each
        # colours on a log scale: relu's exact zeros (half of all values) must not hide the rest
        cmap = matplotlib.colormaps["magma"].with_extremes(bad="black", under="black")
        self.image = ax_a.imshow(np.zeros((BINS, 2)), origin="lower", aspect="auto", cmap=cmap,
                                 norm=LogNorm(vmin=SHARE_MIN, vmax=1.0), interpolation="nearest",
                                 extent=(0.5, 2.5, 0, 1))
        ax_a.set_facecolor("0.93")
        self.colorbar = fig.colorbar(self.image, cax=ax_cb)
        self.colorbar.set_label("share of the layer's values in the bin", fontsize=8)
        ax_a.set_ylabel("activation value")
        ax_a.set_xlabel("layer  (input side → output)")
        self.title_a = ax_a.set_title("", fontsize=11, loc="left")

        self.summary = fig.text(0.09, 0.955, "", fontsize=12, weight="bold", va="center")
        self.setup = fig.text(0.09, 0.915, "", fontsize=9.5, color="0.25", va="center")

    def _set_layout(self):
        """Axes that change only with the architecture: layer ticks, value range."""
        s = self.state()
        depth, ax_g, ax_a = s["depth"], self.axes["gradients"], self.axes["activations"]
        for i, bar in enumerate(self.bars):
            bar.set_visible(i <= depth)                 # hidden layers, then the output (grey)
        ax_g.set_xlim(0.4, depth + 1.6)
        ticks = np.arange(1, depth + 2)
        ax_g.set_xticks(ticks, [str(t) for t in ticks[:-1]] + ["out"])
        ax_g.tick_params(labelbottom=True)
        lo, hi = VALUE_RANGES[s["activation"]]
        self.image.set_extent((0.5, depth + 0.5, lo, hi))
        ax_a.set_ylim(lo, hi)
        self.title_a.set_text(f"(b) {s['activation']} activations of each hidden layer over the batch "
                              f"(values beyond [{lo:g}, {hi:g}] counted at the edge)")

    def _update(self):
        self.compute()
        s = self.state()
        norms, clipped = np.array(self.grad_norms), np.array(self.clipped_norms)
        finite = np.isfinite(norms)

        # (a) decades that hold every finite norm; overflowed ones drawn to the top, in red
        shown = np.concatenate([norms[finite & (norms > 0)], clipped[np.isfinite(clipped) & (clipped > 0)]])
        if shown.size == 0:
            shown = np.array([1.0])
        lo = 10.0 ** np.floor(np.log10(shown.min()))
        hi = 10.0 ** np.ceil(np.log10(shown.max()) + 0.3)
        if s["clipnorm"]:
            lo, hi = min(lo, 10.0 ** np.floor(np.log10(s["clipnorm_value"]))), max(hi, 10 * s["clipnorm_value"])
        hi = max(hi, lo * 100)
        for i, (bar, norm, ok) in enumerate(zip(self.bars, norms, finite)):
            bar.set_height(norm if ok else hi)
            bar.set_facecolor("C3" if not ok else "0.55" if i == len(norms) - 1 else "C0")
        self.axes["gradients"].set_ylim(lo, hi)
        x = np.arange(1, len(norms) + 1)
        self.after_clip.set_data(x, clipped)
        self.after_clip.set_visible(s["clipnorm"])
        self.clip_line.set_ydata([s["clipnorm_value"]] * 2)
        self.clip_line.set_visible(s["clipnorm"])
        self.legend.set_visible(s["clipnorm"])

        # (b) per-layer histograms, NaN dropped, values beyond the range clipped to the edge bins
        vlo, vhi = VALUE_RANGES[s["activation"]]
        edges = np.linspace(vlo, vhi, BINS + 1)
        columns = []
        for a in self.activations:
            a = a[~np.isnan(a)]
            counts = np.histogram(np.clip(a, vlo, vhi), bins=edges)[0].astype(float)
            columns.append(counts / max(a.size, 1))
        self.image.set_data(np.column_stack(columns))

        self.summary.set_text(self.verdict())
        clip = "no clipping"
        if s["clipnorm"]:
            n = int(np.sum(clipped < norms * (1 - 1e-12)))
            clip = f"clipnorm {s['clipnorm_value']:.3g} ({n}/{len(norms)} clipped)"
        init = (f"random_normal({s['init_scale']:.3g})" if s["initializer"] == "random_normal"
                else s["initializer"])
        self.setup.set_text(f"{s['depth']} hidden layers × {s['units']} {s['activation']}, {init}, "
                            f"{'batch norm' if s['batch_norm'] else 'no batch norm'}, {clip}   ·   "
                            f"loss {self.loss:.4g} on the batch after {self.steps_done} steps")
        self.status.value = ""
        self.redraw()

    def verdict(self):
        """One line: how much of the output layer's gradient reaches the first layer, and a diagnosis."""
        first, last = self.grad_norms[0], self.grad_norms[-1]
        if not np.all(np.isfinite(self.grad_norms)):
            return "the gradients overflowed to inf or NaN (red bars): exploding"
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
        if max(self.grad_norms) > NORM_HIGH:
            return text + f", but the norms reach {max(self.grad_norms):.0e}: exploding"
        if max(self.grad_norms) < NORM_LOW:
            return text + f", but every norm is below {max(self.grad_norms):.0e}: vanishing"
        return text + ": healthy"

    # ---- controls ---------------------------------------------------------------
    def _build_controls(self):
        init, c = self._initial, self.controls
        style = {"description_width": "85px"}
        layout = ipw.Layout(width="290px")
        c["depth"] = ipw.IntSlider(value=init["depth"], min=DEPTH_RANGE[0], max=DEPTH_RANGE[1],
                                   description="depth", style=style, layout=layout)
        c["units"] = ipw.IntSlider(value=init["units"], min=UNITS_RANGE[0], max=UNITS_RANGE[1],
                                   description="units", style=style, layout=layout)
        c["activation"] = ipw.Dropdown(options=ACTIVATIONS, value=init["activation"],
                                       description="activation", style=style, layout=layout)
        c["initializer"] = ipw.Dropdown(options=INITIALIZERS, value=init["initializer"],
                                        description="initializer", style=style, layout=layout)
        c["init_scale"] = ipw.FloatLogSlider(value=init["init_scale"], base=10,
                                             min=np.log10(INIT_SCALE_RANGE[0]), max=np.log10(INIT_SCALE_RANGE[1]),
                                             step=0.05, readout_format=".3g", description="init scale",
                                             disabled=init["initializer"] != "random_normal",
                                             style=style, layout=layout)
        c["batch_norm"] = ipw.Checkbox(value=init["batch_norm"], description="batch norm",
                                       indent=False, layout=ipw.Layout(width="140px"))
        c["clipnorm"] = ipw.Checkbox(value=init["clipnorm"], description="clipnorm",
                                     indent=False, layout=ipw.Layout(width="140px"))
        c["clipnorm_value"] = ipw.FloatLogSlider(value=init["clipnorm_value"], base=10,
                                                 min=np.log10(CLIPNORM_RANGE[0]), max=np.log10(CLIPNORM_RANGE[1]),
                                                 step=0.1, readout_format=".3g", description="clip at",
                                                 disabled=not init["clipnorm"], style=style, layout=layout)
        c["learning_rate"] = ipw.FloatLogSlider(value=init["learning_rate"], base=10,
                                                min=np.log10(LEARNING_RATE_RANGE[0]),
                                                max=np.log10(LEARNING_RATE_RANGE[1]), step=0.1,
                                                readout_format=".3g", description="learning rate",
                                                style=style, layout=layout)
        c["steps"] = ipw.IntSlider(value=init["steps"], min=STEPS_RANGE[0], max=STEPS_RANGE[1],
                                   description="steps", style=style, layout=layout)
        c["train"] = ipw.Button(description="train", icon="play", tooltip="take `steps` SGD steps on the batch")
        c["resample"] = ipw.Button(description="resample", icon="random",
                                   tooltip="draw new initial weights (next seed)")
        c["reset"] = ipw.Button(description="reset", icon="undo",
                                tooltip="back to the values the app was opened with")

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

        column = lambda title, widgets: ipw.VBox([ipw.HTML(f"<b>{title}</b>")] + widgets)
        self.ui = ipw.VBox([
            ipw.HBox([column("network", [c["depth"], c["units"], c["activation"]]),
                      column("initial weights", [c["initializer"], c["init_scale"], c["batch_norm"]]),
                      column("training", [c["learning_rate"], c["steps"],
                                          ipw.HBox([c["clipnorm"], c["clipnorm_value"]])])]),
            ipw.HBox([c["train"], c["resample"], c["reset"]]),
            figure_widget(self.fig),
            self.status,
        ])

    def _enable_scale(self, change):
        self.controls["init_scale"].disabled = change["new"] != "random_normal"

    def _enable_clip(self, change):
        self.controls["clipnorm_value"].disabled = not change["new"]
