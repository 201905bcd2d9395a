"""Playground: train a small network on a 2-D data set and watch it learn (after TensorFlow Playground).

The learner picks a data set (xor, circles, two gaussians, spiral, moons), its noise
and how much of it is kept for training; a network (hidden layers, neurons per layer,
activation, dropout); and how it is trained (learning rate, optimizer, L1/L2
regularization, batch size). Then they press play, or step one epoch at a time.

The figure shows, on the left, the network's predicted probability of class 1 over
the whole plane (the decision boundary is where the colour turns), with the training
points (circles) and the test points (squares); on the right, the loss on the
training set and on the test set after every epoch. The learner sees that a linear
model cannot draw a circle, that more neurons bend the boundary, that a test loss
rising while the training loss falls is overfitting and that regularization or
dropout holds it back, and that a learning rate too large makes training diverge
(the app stops and says so; Reset starts again).

All the learning is backprop's: ``Sequential.fit`` for each epoch, ``evaluate`` for
the losses and ``predict`` for the picture. The figure is drawn once; each frame
redraws only the artists that change (blitting), so the view keeps up with training.
"""
import html
import math
import time
import warnings

import ipywidgets as ipw
import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.lines import Line2D

from backprop import datasets, optimizers, regularizers
from backprop.layers import Dense, Dropout
from backprop.model import DivergenceWarning, Sequential
from backprop.validation import check_choice, check_int, check_number

from .app import App, figure_widget, make_figure, readout_line

ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear", "leaky_relu", "elu")
OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")
REGULARIZATIONS = ("none", "l1", "l2")
# TensorFlow Playground's menus of rates
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REG_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
MOMENTUM = 0.9                  # the "momentum" optimizer: SGD(momentum=0.9)
LIMIT = 2.0                     # the plane shown is [-2, 2]^2: the data sit in about [-1.5, 1.5]
GRID = 100                      # pixels per side of the probability image
EPOCHS_SHOWN = 50               # first x-limit of the loss plot; doubled when training passes it
EXPLODE_FACTOR = 5.0            # see _exploded
TICK_MS = 33                    # the Play widget's fastest tick: about 30 frames per second
READOUT_EVERY_S = 2.0           # while playing, the readout in words changes at most this often: a
                                # screen reader queues every change of a live region, and each one
                                # costs the page a layout (frames come 20-30 times a second)
DIVERGED = "diverged: the learning rate is too large \u2014 lower it and press Reset"

ORANGE, BLUE = "#e8710a", "#1f6fb4"         # class 0, class 1 (TF Playground's colours)
# grey where a diverged network's probability is NaN
CMAP = LinearSegmentedColormap.from_list("playground", [ORANGE, "#f7f7f7", BLUE]).with_extremes(bad="#bbbbbb")


class Playground(App):
    """Train a network on a 2-D data set; see the decision boundary and the losses live.

    Keyword arguments (each opens the app in that state):
        dataset: "xor", "circles", "gaussians", "spiral" or "moons" (default "circles")
        noise: standard deviation of the jitter added to the points, in [0, 0.5] (0.1)
        train_fraction: share of the points used for training, in [0.1, 0.9] (0.5);
            the rest is the test set
        hidden_layers: number of hidden Dense layers, 0..6 (2)
        units: neurons per hidden layer, 1..16 (4)
        activation: of the hidden layers, one of ACTIVATIONS (default "tanh");
            the output is one sigmoid unit trained with binary cross-entropy
        learning_rate: a positive number up to 10 (0.03); rates that are not in
            LEARNING_RATES are added to the menu
        optimizer: "sgd", "momentum" (SGD with momentum 0.9), "rmsprop" or "adam"
        regularization: "none", "l1" or "l2": a penalty on every kernel
        reg_rate: the penalty's factor, in [0, 10] (0.001)
        dropout: rate of a Dropout layer after each hidden layer, in [0, 0.5] (0)
        batch_size: mini-batch size, 1..64 (10)
        n_samples: points in the data set, 20..2000 (500)
        seed: the seed of the data, the split and the network (0)

    Controls (``app.controls``): "dataset", "activation", "optimizer",
    "regularization", "learning_rate" (Dropdowns); "noise", "train_fraction",
    "dropout" (FloatSliders); "hidden_layers", "units", "batch_size" (IntSliders);
    "reg_rate" (SelectionSlider); "play" (ipw.Play: one epoch per tick of the front
    end); "step" (Button: one epoch); "reset" (Button).

    Changing the data set, noise, split, layers, units, activation, regularization
    or dropout builds a new network (seeded: the same settings always start from the
    same weights). The learning rate, optimizer, reg_rate and batch size apply from
    the next epoch on, as in TensorFlow Playground. Reset builds the network again
    from the current settings (epoch 0, the seed's initial weights) and stops play.

    For tests and lessons: ``app.model`` (the Sequential), ``app.epoch``,
    ``app.history`` ({"loss": [...], "val_loss": [...]}, entry k after k epochs,
    entry 0 the untrained network), ``app.diverged``, and the data
    ``app.X_train, app.y_train, app.X_test, app.y_test``.
    """

    # public for lessons that draw in the app's colours or state its rule
    CLASS_COLORS = (ORANGE, BLUE)       # class 0, class 1
    CMAP = CMAP                         # P(class 1): orange (0) to white to blue (1)
    EXPLODE_FACTOR = EXPLODE_FACTOR     # a training loss above this times its start: diverged

    def __init__(self, dataset="circles", noise=0.1, train_fraction=0.5, hidden_layers=2, units=4,
                 activation="tanh", learning_rate=0.03, optimizer="sgd", regularization="none",
                 reg_rate=0.001, dropout=0.0, batch_size=10, n_samples=500, seed=0):
        settings = {
            "dataset": check_choice(dataset, "dataset", datasets.NAMES_2D),
            "noise": check_number(noise, "noise", 0.0, 0.5),
            "train_fraction": check_number(train_fraction, "train_fraction", 0.1, 0.9),
            "hidden_layers": check_int(hidden_layers, "hidden_layers", 0, 6),
            "units": check_int(units, "units", 1, 16),
            "activation": check_choice(activation, "activation", ACTIVATIONS),
            "learning_rate": check_number(learning_rate, "learning_rate", 0.0, 10.0, low_open=True),
            "optimizer": check_choice(optimizer, "optimizer", OPTIMIZERS),
            "regularization": check_choice(regularization, "regularization", REGULARIZATIONS),
            "reg_rate": check_number(reg_rate, "reg_rate", 0.0, 10.0),
            "dropout": check_number(dropout, "dropout", 0.0, 0.5),
            "batch_size": check_int(batch_size, "batch_size", 1, 64),
        }
        self.n_samples = check_int(n_samples, "n_samples", 20, 2000)
        self.seed = check_int(seed, "seed", low=0)
        self._init_status()
        self.readout = readout_line()
        self._readout_at = -math.inf        # time.monotonic() of the readout's last change
        self._build_controls(settings)
        self._build_view()
        self._new_data()
        self._new_model()
        self._show()
        self._wire()

    # ---- controls --------------------------------------------------------------------
    def _build_controls(self, s):
        style = {"description_width": "105px"}
        wide = ipw.Layout(width="290px")
        c = self.controls
        c["dataset"] = ipw.Dropdown(options=datasets.NAMES_2D, value=s["dataset"],
                                    description="data set", style=style, layout=wide)
        c["noise"] = ipw.FloatSlider(value=s["noise"], min=0.0, max=0.5, step=0.05,
                                     description="noise", style=style, layout=wide)
        c["train_fraction"] = ipw.FloatSlider(value=s["train_fraction"], min=0.1, max=0.9, step=0.1,
                                              description="train fraction", style=style, layout=wide)
        c["batch_size"] = ipw.IntSlider(value=s["batch_size"], min=1, max=64,
                                        description="batch size", style=style, layout=wide)
        c["hidden_layers"] = ipw.IntSlider(value=s["hidden_layers"], min=0, max=6,
                                           description="hidden layers", style=style, layout=wide)
        c["units"] = ipw.IntSlider(value=s["units"], min=1, max=16,
                                   description="neurons / layer", style=style, layout=wide)
        c["activation"] = ipw.Dropdown(options=ACTIVATIONS, value=s["activation"],
                                       description="activation", style=style, layout=wide)
        c["dropout"] = ipw.FloatSlider(value=s["dropout"], min=0.0, max=0.5, step=0.05,
                                       description="dropout", style=style, layout=wide)
        c["learning_rate"] = ipw.Dropdown(options=_menu(LEARNING_RATES, s["learning_rate"]),
                                          value=s["learning_rate"], description="learning rate",
                                          style=style, layout=wide)
        c["optimizer"] = ipw.Dropdown(options=OPTIMIZERS, value=s["optimizer"],
                                      description="optimizer", style=style, layout=wide)
        c["regularization"] = ipw.Dropdown(options=REGULARIZATIONS, value=s["regularization"],
                                           description="regularization", style=style, layout=wide)
        c["reg_rate"] = ipw.SelectionSlider(options=_menu(REG_RATES, s["reg_rate"]), value=s["reg_rate"],
                                            description="reg. rate", style=style, layout=wide)
        # The front end ticks the Play widget; each tick trains one epoch. Nothing runs
        # in the kernel between ticks, so a notebook executed headless never trains.
        c["play"] = ipw.Play(value=0, min=0, max=10**6, step=1, interval=TICK_MS, repeat=True,
                             show_repeat=False, description="play", layout=ipw.Layout(width="auto"))
        c["step"] = ipw.Button(description="step 1 epoch", icon="step-forward",
                               tooltip="train one epoch", layout=ipw.Layout(width="130px"))
        c["reset"] = ipw.Button(description="reset", icon="undo",
                                tooltip="a fresh network (same seed), epoch 0",
                                layout=ipw.Layout(width="100px"))
        self._tick = 0
        self._sync_disabled()

        def group(title, names):
            return ipw.VBox([ipw.HTML(f"<b>{title}</b>")] + [c[n] for n in names])

        self._controls_box = ipw.VBox([
            ipw.HBox([c["play"], c["step"], c["reset"]]),
            ipw.HBox([group("Data", ["dataset", "noise", "train_fraction", "batch_size"]),
                      group("Network", ["hidden_layers", "units", "activation", "dropout"]),
                      group("Training", ["learning_rate", "optimizer", "regularization", "reg_rate"])]),
        ])

    def _wire(self):
        c = self.controls
        c["dataset"].observe(self.guard(self._on_data), "value")
        for name in ("noise", "train_fraction"):
            c[name].observe(self.throttled(self._on_data), "value")
        for name in ("hidden_layers", "units", "dropout"):
            c[name].observe(self.throttled(self._on_architecture), "value")
        for name in ("activation", "regularization"):
            c[name].observe(self.guard(self._on_architecture), "value")
        c["learning_rate"].observe(self.guard(self._on_learning_rate), "value")
        c["optimizer"].observe(self.guard(self._on_optimizer), "value")
        c["reg_rate"].observe(self.throttled(self._on_reg_rate), "value")
        # batch_size needs no callback: each epoch reads it
        # Ticks closer than 30 ms merge into one frame; _pace slows the ticks when frames are slow.
        c["play"].observe(self.throttled(self._on_tick, interval=0.03), "value")
        c["play"].observe(self.guard(self._on_playing), "playing")
        c["step"].on_click(self.guard(lambda _: self._advance()))
        c["reset"].on_click(self.guard(lambda _: self.reset()))
        self.ui = ipw.VBox([self._controls_box, figure_widget(self.fig), self.readout, self.status])

    def _sync_disabled(self):
        c = self.controls
        c["units"].disabled = c["activation"].disabled = c["dropout"].disabled = c["hidden_layers"].value == 0
        c["reg_rate"].disabled = c["regularization"].value == "none"

    # ---- callbacks -------------------------------------------------------------------
    def _on_data(self, _change=None):
        self._new_data()
        self._new_model()
        self._show()

    def _on_architecture(self, _change=None):
        self._sync_disabled()
        self._new_model()
        self._show()

    def _on_learning_rate(self, _change=None):
        self.model.optimizer.learning_rate = self.controls["learning_rate"].value

    def _on_optimizer(self, _change=None):
        # a fresh optimizer (no velocities or moments yet) for the weights trained so far
        self.model.compile(optimizer=self._make_optimizer(), loss="binary_crossentropy")

    def _on_reg_rate(self, _change=None):
        regularizer = self._make_regularizer()
        for layer in self.model.layers:
            if isinstance(layer, Dense):
                layer.kernel_regularizer = regularizer

    def _on_tick(self):
        value = self.controls["play"].value
        ticked, self._tick = value > self._tick, value
        if ticked:              # the value falls back to 0 when play stops or wraps: no epoch
            start = time.perf_counter()
            self._advance()
            self._pace(time.perf_counter() - start)

    def _pace(self, seconds):
        """Make the front end tick no faster than the kernel makes frames, so ticks never pile up.

        The Play widget reads its interval before each tick; it changes only when the
        frame time moves by more than a fifth, so a steady run sends no updates.
        """
        play = self.controls["play"]
        wanted = max(TICK_MS, math.ceil(1250 * seconds))     # 25 % of idle time per tick
        if abs(wanted - play.interval) > 0.2 * play.interval:
            play.interval = wanted

    def reset(self):
        """A fresh network from the current settings: epoch 0, the seed's weights, stopped."""
        self.controls["play"].playing = False
        self._new_model()
        self._show()

    # ---- model -----------------------------------------------------------------------
    def _new_data(self):
        c = self.controls
        X, y = datasets.make_2d(c["dataset"].value, n=self.n_samples, noise=c["noise"].value, seed=self.seed)
        test_fraction = round(1.0 - c["train_fraction"].value, 6)
        self.X_train, self.X_test, self.y_train, self.y_test = datasets.train_test_split(
            X, y, test_fraction=test_fraction, seed=self.seed)
        for (split, label), line in self.points.items():
            X, y = (self.X_train, self.y_train) if split == "train" else (self.X_test, self.y_test)
            line.set_data(X[y == label, 0], X[y == label, 1])

    def _make_regularizer(self):
        kind = self.controls["regularization"].value
        if kind == "none":
            return None
        return {"l1": regularizers.L1, "l2": regularizers.L2}[kind](self.controls["reg_rate"].value)

    def _make_optimizer(self):
        return optimizers.variant(self.controls["optimizer"].value, self.controls["learning_rate"].value,
                                  momentum=MOMENTUM)

    def _new_model(self):
        """Build, compile and evaluate a fresh network from the controls (epoch 0)."""
        c = self.controls
        reg = self._make_regularizer()
        layers = []
        for _ in range(c["hidden_layers"].value):
            layers.append(Dense(c["units"].value, activation=c["activation"].value, kernel_regularizer=reg))
            if c["dropout"].value > 0:
                layers.append(Dropout(c["dropout"].value))
        layers.append(Dense(1, activation="sigmoid", kernel_regularizer=reg))
        self.model = Sequential(layers, seed=self.seed)
        self.model.compile(optimizer=self._make_optimizer(), loss="binary_crossentropy")
        self.model.build(2)                     # two inputs: the point's coordinates
        self.epoch = 0
        self.diverged = False
        self.history = {"loss": [], "val_loss": []}
        self._record()
        self.status.value = ""

    def _record(self):
        """Append the losses of the network as it is now (with the penalty, as fit reports it)."""
        with np.errstate(all="ignore"):      # a diverged network gives NaN: reported, not raised
            self.history["loss"].append(self.model.evaluate(self.X_train, self.y_train))
            self.history["val_loss"].append(self.model.evaluate(self.X_test, self.y_test))

    def _advance(self):
        """One epoch of training (one frame of the live view)."""
        if self.diverged:
            self._stop_diverged()
            return
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DivergenceWarning)   # reported in the app instead
            fit = self.model.fit(self.X_train, self.y_train, batch_size=self.controls["batch_size"].value,
                                 epochs=1, verbose=0)
        self.epoch += 1
        self._record()
        self.diverged = fit.diverged or self._exploded()
        if self.diverged:
            self._stop_diverged()
        self._show()

    def _exploded(self):
        """The divergence rule beyond fit's own (a loss or a weight that is NaN or infinite).

        Cross-entropy is clipped, so a network whose weights run away saturates at a
        loss of 8 to 16 instead of overflowing. Training that is working never climbs
        far above where it started, so a training loss above EXPLODE_FACTOR times the
        untrained network's loss (about 0.7 for these sets) counts as diverged.
        """
        loss = self.history["loss"][-1]
        return not math.isfinite(loss) or loss > EXPLODE_FACTOR * self.history["loss"][0]

    def _stop_diverged(self):
        self.controls["play"].playing = False
        self.show_message(DIVERGED, color="#b00020")

    # ---- view ------------------------------------------------------------------------
    def _build_view(self):
        self.fig = make_figure((9.0, 4.4), alt=(
            "Left: the data set's points in the plane, class 0 orange, class 1 blue, training points as "
            "circles and test points as squares, over a map of the network's probability of class 1 "
            "(orange near 0, blue near 1). Right: the training loss (solid) and the test loss (dashed) "
            "by epoch."))
        W, H = self.fig.get_size_inches()
        side = 3.2                                       # inches: the square plane
        left, bottom = 0.6 / W, 0.75 / H
        self.ax_data = self.fig.add_axes((left, bottom, side / W, side / H))
        cax = self.fig.add_axes((left + (side + 0.12) / W, bottom, 0.12 / W, side / H))
        self.ax_loss = self.fig.add_axes((5.05 / W, bottom, 3.8 / W, side / H))

        ax = self.ax_data
        ax.set_xlim(-LIMIT, LIMIT)
        ax.set_ylim(-LIMIT, LIMIT)
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$", labelpad=0)
        ax.set_title("the network's P(class 1) over the plane", fontsize=10)
        norm = Normalize(0.0, 1.0)
        # animated: left out of full draws, drawn on top of the saved background instead
        self.image = ax.imshow(np.full((GRID, GRID), 0.5), origin="lower",
                               extent=(-LIMIT, LIMIT, -LIMIT, LIMIT), cmap=CMAP, norm=norm,
                               interpolation="nearest", animated=True)
        # One marker line per split and class: Agg renders its marker once and stamps it
        # at every point, several times faster than a scatter with a colour per point.
        self.points = {}
        for split, marker, size, edge in (("train", "o", 4.3, "white"), ("test", "s", 4.0, "black")):
            for label, color in ((0, ORANGE), (1, BLUE)):
                self.points[split, label], = ax.plot([], [], ls="", marker=marker, ms=size, mfc=color,
                                                     mec=edge, mew=0.6, animated=True)
        cbar = self.fig.colorbar(ScalarMappable(norm=norm, cmap=CMAP), cax=cax)
        cbar.set_ticks([0, 0.5, 1])
        cbar.ax.tick_params(labelsize=8)

        ax = self.ax_loss
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss (binary cross-entropy)")
        ax.grid(alpha=0.3)
        ax.set_xlim(0, EPOCHS_SHOWN)
        ax.set_ylim(0, 1)
        self.line_train, = ax.plot([], [], color="#222222", lw=1.6, animated=True)
        self.line_test, = ax.plot([], [], color="#7a3db8", lw=1.6, ls="--", animated=True)
        # Static labels, and beside each the number that changes: text is drawn glyph by
        # glyph, so a frame redraws only the digits.
        self.info = {}
        for key, x, label in (("epoch", 0.0, "epoch"), ("loss", 0.24, "training loss"),
                              ("val_loss", 0.67, "test loss")):
            anchor = ax.text(x, 1.03, label, transform=ax.transAxes, fontsize=9, va="bottom")
            self.info[key] = ax.annotate("", xy=(1, 0), xycoords=anchor, xytext=(4, 0),
                                         textcoords="offset points", fontsize=9, va="bottom",
                                         fontweight="bold", animated=True)
        # an Axes' child (figure-level animated artists are left out of savefig)
        self.diverged_text = ax.text(0.5, 0.55, DIVERGED, transform=self.fig.transFigure, ha="center",
                                     va="center", fontsize=12, color="#b00020", visible=False, animated=True,
                                     bbox=dict(boxstyle="round", fc="white", ec="#b00020"))
        self.fig.legend(handles=[
            Line2D([], [], ls="", marker="o", ms=6, mfc="#999999", mec="white", label="training points"),
            Line2D([], [], ls="", marker="s", ms=5, mfc="#999999", mec="black", label="test points"),
            Line2D([], [], color="#222222", lw=1.6, label="training loss"),
            Line2D([], [], color="#7a3db8", lw=1.6, ls="--", label="test loss"),
        ], loc="lower center", ncol=4, frameon=False, fontsize=9, bbox_to_anchor=(0.5, 0.0))
        # what each frame redraws, bottom to top (the spines go over the image's edge)
        self._blit([self.image, *self.points.values(), *self.ax_data.spines.values(),
                    self.line_train, self.line_test, *self.info.values(), self.diverged_text])
        self.grid = _grid()

    def _update_artists(self):
        """Put the model's current state into the artists; True if the axes limits changed."""
        with np.errstate(all="ignore"):
            prob = self.model.predict(self.grid)[:, 0]
        self.image.set_data(prob.reshape(GRID, GRID))
        loss, val = (np.array(self.history[k], dtype=float) for k in ("loss", "val_loss"))
        epochs = np.arange(len(loss))
        self.line_train.set_data(epochs, np.where(np.isfinite(loss), loss, np.nan))
        self.line_test.set_data(epochs, np.where(np.isfinite(val), val, np.nan))
        self.info["epoch"].set_text(f"{self.epoch}")
        self.info["loss"].set_text(f"{loss[-1]:.4f}")
        self.info["val_loss"].set_text(f"{val[-1]:.4f}")
        self.diverged_text.set_visible(self.diverged)
        self._say()
        return self._fit_limits(len(loss) - 1, np.concatenate([loss, val]))

    def _say(self, now=False):
        """Put the state in words into the readout: at once, but every READOUT_EVERY_S while playing."""
        playing = self.controls["play"].playing
        if playing and not now and time.monotonic() - self._readout_at < READOUT_EVERY_S:
            return
        self._readout_at = time.monotonic()
        self.readout.value = html.escape(self._describe(self.history["loss"][-1], self.history["val_loss"][-1]))

    def _on_playing(self, change):
        if not change["new"]:               # paused or stopped: the readout says where it stopped
            self._say(now=True)

    def _describe(self, loss, val_loss):
        """The state in words, for the readout (what a screen reader says after a change)."""
        c = self.controls
        layers = c["hidden_layers"].value
        network = (f"{layers} hidden layer{'s' if layers != 1 else ''} of {c['units'].value} "
                   f"{c['activation'].value} units" if layers else "no hidden layer")
        state = ("diverged: the learning rate is too large" if self.diverged
                 else f"training loss {loss:.4f}, test loss {val_loss:.4f}")
        return (f"Epoch {self.epoch}: {state}. {c['dataset'].value} data (noise {c['noise'].value:.2f}), "
                f"{network}; the map shows the network's P(class 1) over the plane.")

    def _fit_limits(self, last_epoch, values):
        """Loss-plot limits that hold all the data; changed only when the data leave them."""
        right = EPOCHS_SHOWN
        while right < last_epoch:
            right *= 2
        finite = values[np.isfinite(values)]
        top = _ceil_nice(max(1.1 * finite.max(), 0.1)) if finite.size else 1.0
        if (0, right) == self.ax_loss.get_xlim() and (0, top) == self.ax_loss.get_ylim():
            return False
        self.ax_loss.set_xlim(0, right)
        self.ax_loss.set_ylim(0, top)
        return True

    def _show(self):
        self.redraw(full=self._update_artists())


def _menu(values, chosen):
    """Dropdown/SelectionSlider options (label, value) of ``values``, with ``chosen`` added in order."""
    return [(f"{v:g}", v) for v in sorted(set(values) | {chosen})]


def _grid():
    """The pixel centres of the probability image, row by row from the bottom: (GRID*GRID, 2)."""
    edges = np.linspace(-LIMIT, LIMIT, GRID + 1)
    centres = (edges[:-1] + edges[1:]) / 2
    gx, gy = np.meshgrid(centres, centres)
    return np.column_stack([gx.ravel(), gy.ravel()])


def _ceil_nice(value):
    """The smallest of 1, 2, 5 times a power of ten that is >= value."""
    power = 10.0 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= value)
