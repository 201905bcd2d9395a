"""Overfitting and its cures: a big net, a few noisy points, and L2 and dropout to tame it.

The learner trains a network far bigger than its data needs (by default 2 hidden
layers of 64 tanh units for 15 noisy samples of y = sin(pi x)) and sees:
(a) the fitted curve over the data: training points, validation points drawn from the
    same function with their own noise, and the true function dashed; in the
    "classification" task, the predicted probability over the plane with the points;
(b) the training and validation loss over the epochs (the History that ``fit``
    returns, with ``validation_data``), and the epoch where validation was lowest.
A line above the figure gives the final training loss, validation loss and the gap
(both from ``model.evaluate``), and says "overfitting" when validation is much worse.

Without regularization the curve threads every noisy training point and wiggles in
between: the training loss keeps falling while the validation loss turns up. An L2
penalty (``kernel_regularizer=L2(l2)`` on every kernel) or dropout between the hidden
layers keeps the curve smooth and closes the gap; too much of either flattens it.
Every number comes from backprop: ``Sequential.fit``, ``predict`` and ``evaluate``.

Model, view, controls: ``build_network(state, seed)`` makes the network for a dict of
control values and ``summarize`` gives the numbers the view shows (the prediction on the
grid, the losses, the verdict); the view only draws them. The data, the grids and the
static parts of both tasks' pictures are made once. A slider that builds a new network
(l2, dropout, units, hidden layers) redraws only the curve or the probability map and
the loss lines (blitting); the loss axes change only when "train" adds epochs, or with
the task. The epochs slider sets the next run's length (shown on the train button). The
verdict and the numbers are HTML above the figure.
"""
import html

import ipywidgets as ipw
import numpy as np
from matplotlib.lines import Line2D

from backprop import datasets
from backprop.callbacks import History
from backprop.layers import Dense, Dropout
from backprop.model import Sequential
from backprop.optimizers import Adam
from backprop.regularizers import L2
from backprop.validation import check_choice, check_int, check_number, describe

from .app import App, figure_widget, make_figure, readout_line

TASKS = ("regression", "classification")
# The data of each task: few noisy training points, many validation points from the same source.
REGRESSION = {"kind": "sine", "n_train": 15, "n_val": 100, "noise": 0.2}
CLASSIFICATION = {"name": "moons", "n_train": 30, "n_val": 100, "noise": 0.2}
L2_STEPS = (0.0, 1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
L2_MAX = 1.0
DROPOUT_RANGE = (0.0, 0.5)
UNITS_RANGE = (1, 128)
HIDDEN_RANGE = (1, 4)
EPOCHS_RANGE = (50, 2000)       # the biggest net (4 x 128) trains 2000 epochs in about 2.5 s
LEARNING_RATE = 0.01            # Adam; full-batch steps, so one epoch is one step
X_RANGE = (-1.1, 1.1)           # the curve's grid: a little beyond the data on [-1, 1]
PLANE = (-1.5, 1.5)             # the classification plane, the 2-D data sets' range
GRID_1D, GRID_2D = 241, 81
LOSS_YLIM = (1e-3, 10.0)        # the loss axis before anything is trained
# "overfitting": validation loss at least twice the training loss, and a gap that matters;
# "some overfitting" from 1.5 times. "underfitting" (regression only, where the noise is
# known): validation loss above twice the noise's own mean squared error, noise^2.
OVERFIT_RATIO, SOME_RATIO, OVERFIT_GAP, UNDERFIT_FACTOR = 2.0, 1.5, 0.01, 2.0
FIGSIZE = (9.0, 3.7)            # inches at dpi 100: 900 x 370 px, a laptop's notebook column
# Okabe-Ito colours, each with a second cue: line style, filled or hollow, marker shape
BLUE, ORANGE, VERMILLION = "#0072B2", "#E69F00", "#D55E00"
ALT = ("Left, panel (a): for regression, the training points (filled blue circles), the validation "
       "points (hollow orange circles), the true function sin(pi x) (dashed black) and the network's "
       "curve (solid vermillion); for classification, the network's probability of class 1 over the "
       "plane (blue near 0, red near 1) with the points, class 0 as blue circles and class 1 as "
       "vermillion triangles, filled for training and hollow for validation. Right, panel (b): the "
       "training loss (solid blue) and the validation loss (dashed orange) by epoch on a log scale, and "
       "a circle at the lowest validation loss. The verdict and the numbers are written above the figure.")


class RegularizationExplorer(App):
    """A too-big net on too little data, and what L2 and dropout do to it.

    Keyword arguments (each opens the app in that state; reset returns to it):
        task: "regression" (15 noisy points of sin(pi x), 100 for validation) or
            "classification" (30 noisy points of the moons, 100 for validation)
        l2: the L2 factor on every kernel, a number in [0, 1] (default 0: none)
        dropout: the dropout rate after each hidden layer, in [0, 0.5] (default 0)
        units: units per hidden layer, an int in [1, 128] (default 64)
        hidden_layers: an int in [1, 4] (default 2); the hidden layers use tanh
        epochs: epochs per click of "train", an int in [50, 2000] (default 1000)
        seed: non-negative int for the data, the weights and the dropout masks (default 0)
        figsize: the figure's (width, height) in inches, width 7 to 12, height 3 to 6
            (default (9, 3.7): 900 px wide, for a laptop's notebook column)

    Controls (``app.controls``): "task" (ToggleButtons), "l2" (SelectionSlider from 0 to
    0.1), "dropout" (FloatSlider), "units", "hidden_layers", "epochs" (IntSliders),
    "train", "reset" (Buttons). Changing task, l2, dropout, units or hidden_layers
    starts again from fresh (seeded) weights; "train" continues training for "epochs"
    more epochs (full batch, Adam with learning rate 0.01). The readouts are HTML
    widgets: ``app.summary`` (the verdict) and ``app.details`` (the network, the epochs
    trained, the best epoch, accuracy).

    For tests and lessons: ``app.model``, ``app.history`` (a History holding every epoch
    trained since the model was built), ``app.X_train``, ``app.y_train``, ``app.X_val``,
    ``app.y_val``, ``app.grid`` (the inputs the curve or the probability map is drawn at).
    """

    def __init__(self, task="regression", l2=0.0, dropout=0.0, units=64, hidden_layers=2, epochs=1000,
                 seed=0, figsize=FIGSIZE):
        l2 = check_number(l2, "l2", low=0.0, high=L2_MAX)
        self._initial = {
            "task": check_choice(task, "task", TASKS),
            "l2": l2,
            "dropout": check_number(dropout, "dropout", *DROPOUT_RANGE),
            "units": check_int(units, "units", *UNITS_RANGE),
            "hidden_layers": check_int(hidden_layers, "hidden_layers", *HIDDEN_RANGE),
            "epochs": check_int(epochs, "epochs", *EPOCHS_RANGE),
        }
        self._l2_options = tuple(sorted(set(L2_STEPS) | {l2}))    # any l2 asked for gets a stop
        self.seed = check_int(seed, "seed", low=0)
        figsize = _check_figsize(figsize)
        self._init_status()
        self._data = make_data(self.seed)
        self._grids = {"regression": np.linspace(*X_RANGE, GRID_1D)[:, None],
                       "classification": _plane_grid()}
        self._loss_limits = None      # the loss axes' (xlim, ylim); None: the untrained default
        self._shown = None            # (task, loss limits) of the static part last drawn in full
        self._build_view(figsize)
        self._build_controls()
        self._rebuild()

    # ---- model ------------------------------------------------------------------
    def build_model(self):
        """A fresh, compiled Sequential for the current controls (seeded: same controls, same weights)."""
        return build_network(self.state(), self.seed)

    def _rebuild(self, *_):
        if self._quiet:
            return
        task = self.controls["task"].value
        self.X_train, self.y_train, self.X_val, self.y_val = self._data[task]
        self.grid = self._grids[task]
        self.model = self.build_model()
        self.history = History()          # every epoch since this model was built, across clicks
        self._update()

    def _on_task(self, *_):
        if not self._quiet:
            self._loss_limits = None      # another loss: the untrained default until trained
            self._rebuild()

    def train(self, *_):
        """``epochs`` more epochs of full-batch training, validated on the validation set each epoch."""
        epochs = self.controls["epochs"].value
        result = self.model.fit(self.X_train, self.y_train, batch_size=len(self.X_train), epochs=epochs,
                                validation_data=(self.X_val, self.y_val), callbacks=[self.history],
                                verbose=0)
        self._update()
        if result.diverged:
            self.show_message(f"diverged in epoch {result.diverged_epoch}: press reset", color="#b00020")

    def reset(self, *_):
        """Back to the values the app was opened with, and untrained weights."""
        self.restore_controls(self._initial)     # one rebuild at the end, not one per control
        self._loss_limits = None
        self._rebuild()

    def compute(self):
        """``summarize``'s dict for the app's model, data and history (see there)."""
        return summarize(self.model, self._data[self.controls["task"].value], self.history.history,
                         self.controls["task"].value, self.grid)

    def evaluate(self):
        """(train loss, validation loss) from ``model.evaluate`` (penalty included, as Keras reports)."""
        r = self.compute()
        return r["train"], r["val"]

    def verdict(self):
        """One line: final training and validation loss, the gap, and whether that is overfitting."""
        return self.compute()["verdict"]

    # ---- view -------------------------------------------------------------------
    def _build_view(self, figsize):
        self.fig = fig = make_figure(figsize, alt=ALT)
        W, H = fig.get_size_inches()
        # positions in inches, then figure fractions: the legends on top (outside the axes, so the
        # moving lines never cross them and they stay in the saved background), axis labels below
        bottom, top = 0.5, 0.5
        height = H - bottom - top
        left_a, width_a = 0.6, (W - 1.65) / 2 - 0.05
        left_b = left_a + width_a + 0.85
        width_b = W - 0.15 - left_b
        box_a = [left_a / W, bottom / H, width_a / W, height / H]
        ax_c = fig.add_axes(box_a)
        ax_p = fig.add_axes(box_a)            # the same place: one of the two is shown
        ax_l = fig.add_axes([left_b / W, bottom / H, width_b / W, height / H])
        self.axes = {"curve": ax_c, "plane": ax_p, "loss": ax_l}
        for ax in self.axes.values():
            ax.tick_params(labelsize=8)
        # the legends' lower left corners, in figure fractions: above each panel's box
        self._legend_at = {"a": (left_a / W, (bottom + height) / H), "b": (left_b / W, (bottom + height) / H)}
        self._build_curve(ax_c)
        self._build_plane(ax_p)
        self._build_loss(ax_l, ncol=3 if width_b >= 3.7 else 2)
        # what a frame redraws, bottom to top (a hidden task's artists are hidden)
        self._task_artists = {
            "regression": [self.curve],
            "classification": [self.image, *self.points, *ax_p.spines.values()],
        }
        self._blit([*self._task_artists["regression"], *self._task_artists["classification"],
                    self.train_line, self.val_line, self.best])

        # the words and numbers, in HTML (read by screen readers, no Agg text per frame)
        tight = dict(min_height="0", margin="0 2px")       # one line each, not the widgets' 28 px
        self.summary = readout_line(**tight)
        self.details = ipw.HTML(layout=ipw.Layout(**tight))

    def _build_curve(self, ax):
        """(a) regression: the true function, the data (static), the network's curve (dynamic)."""
        Xt, yt, Xv, yv = self._data["regression"]
        xs = self._grids["regression"][:, 0]
        # the function the data were drawn from (datasets' own definition)
        ax.plot(xs, datasets.regression_curve(REGRESSION["kind"], xs), color="k", ls="--", lw=1.2,
                label="true function sin(πx)")
        ax.plot(Xv[:, 0], yv[:, 0], ls="none", marker="o", ms=4, mfc="none", mec=ORANGE, mew=1.0,
                label=f"validation ({len(Xv)})")
        ax.plot(Xt[:, 0], yt[:, 0], ls="none", marker="o", ms=6.5, mfc=BLUE, mec="k", mew=0.6, zorder=3,
                label=f"training ({len(Xt)})")
        self.curve, = ax.plot(xs, np.zeros_like(xs), color=VERMILLION, lw=2.2, zorder=4, label="network",
                              animated=True)
        ax.set_xlim(*X_RANGE)
        ax.set_ylim(-2.0, 2.0)
        ax.set_xlabel("x", fontsize=9, labelpad=1)
        ax.set_ylabel("y", fontsize=9)
        self.legends = {"curve": _legend(ax, ax.get_legend_handles_labels()[0], self._legend_at["a"], ncol=2)}

    def _build_plane(self, ax):
        """(a') classification: P(class 1) over the plane (dynamic), with the points over it."""
        Xt, yt, Xv, yv = self._data["classification"]
        half = (PLANE[1] - PLANE[0]) / (GRID_2D - 1) / 2
        self.image = ax.imshow(np.full((GRID_2D, GRID_2D), 0.5), origin="lower", cmap="RdBu_r",
                               vmin=0, vmax=1, alpha=0.45, interpolation="bilinear", animated=True,
                               extent=(PLANE[0] - half, PLANE[1] + half, PLANE[0] - half, PLANE[1] + half))
        # one marker line per split and class: class by colour and shape, split by fill and size
        self.points = []
        for X, y, split in ((Xv, yv, "validation"), (Xt, yt, "training")):
            for label, color, marker in ((0, BLUE, "o"), (1, VERMILLION, "^")):
                mine = y[:, 0] == label
                style = (dict(ms=4.5, mfc="none", mec=color, mew=1.1) if split == "validation"
                         else dict(ms=7, mfc=color, mec="w", mew=0.9))
                line, = ax.plot(X[mine, 0], X[mine, 1], ls="none", marker=marker, animated=True, **style)
                self.points.append(line)
        ax.set_xlim(*PLANE)
        ax.set_ylim(*PLANE)
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel("x1", fontsize=9, labelpad=1)
        ax.set_ylabel("x2", fontsize=9)
        handles = [Line2D([], [], ls="none", marker="o", ms=6, mfc=BLUE, mec="w", label="class 0 (map: blue, P → 0)"),
                   Line2D([], [], ls="none", marker="^", ms=6, mfc=VERMILLION, mec="w",
                          label="class 1 (map: red, P → 1)"),
                   Line2D([], [], ls="none", marker="o", ms=6, mfc="0.4", mec="w", label=f"training ({len(Xt)})"),
                   Line2D([], [], ls="none", marker="o", ms=4.5, mfc="none", mec="0.4", mew=1.1,
                          label=f"validation ({len(Xv)})")]
        self.legends["plane"] = _legend(ax, handles, self._legend_at["a"], ncol=2)

    def _build_loss(self, ax, ncol):
        """(b) the training and validation losses over the epochs (dynamic), on a log axis."""
        self.train_line, = ax.plot([], [], color=BLUE, lw=1.8, label="training loss", animated=True)
        self.val_line, = ax.plot([], [], color=ORANGE, lw=1.8, ls="--", label="validation loss", animated=True)
        self.best, = ax.plot([], [], ls="none", marker="o", color=ORANGE, mec="k", ms=7, zorder=4,
                             label="lowest validation loss", animated=True)
        ax.set_yscale("log")
        ax.set_xlabel("epoch", fontsize=9, labelpad=1)
        ax.set_ylabel("loss (log scale)", fontsize=9)
        ax.grid(which="major", color="0.9", lw=0.8)
        self.legends["loss"] = _legend(ax, ax.get_legend_handles_labels()[0], self._legend_at["b"], ncol)

    def _update(self):
        """Compute the numbers for the app's model and history, and show them."""
        self._show(self.state(), self.compute())

    def _show(self, s, r):
        """Put state ``s`` and its numbers ``r`` (``summarize``'s dict) into the figure and the readouts."""
        task = s["task"]
        if len(r["loss"]):                       # the axes hold the run; kept while a new net is untrained
            self._loss_limits = loss_limits(r["loss"], r["val_loss"])
        elif self._loss_limits is None:
            self._loss_limits = ((0, s["epochs"]), LOSS_YLIM)
        config = (task, self._loss_limits)
        full = config != self._shown
        if full:                                 # the task's axes, the loss limits: a full draw
            self._show_static(task)
            self._shown = config
        if task == "regression":
            self.curve.set_ydata(r["prediction"][:, 0])
        else:
            self.image.set_data(r["prediction"].reshape(GRID_2D, GRID_2D))
        epochs = np.arange(1, len(r["loss"]) + 1)
        self.train_line.set_data(epochs, r["loss"])
        self.val_line.set_data(epochs[:len(r["val_loss"])], r["val_loss"])
        if r["best"] is None:
            self.best.set_data([], [])
        else:
            self.best.set_data([r["best"] + 1], [r["val_loss"][r["best"]]])
        self._show_text(s, r)
        self.status.value = ""
        self.redraw(full=full)

    def _show_static(self, task):
        """The parts fixed between runs: which task's axes, the loss axes' limits."""
        for name, artists in self._task_artists.items():
            shown = name == task
            self.axes["curve" if name == "regression" else "plane"].set_visible(shown)
            self.legends["curve" if name == "regression" else "plane"].set_visible(shown)
            for artist in artists:
                artist.set_visible(shown)
        xlim, ylim = self._loss_limits
        self.axes["loss"].set_xlim(*xlim)
        self.axes["loss"].set_ylim(*ylim)

    def _show_text(self, s, r):
        """The verdict and the details, in HTML."""
        self.summary.value = (f"<div style='font-size:14px;font-weight:bold;line-height:1.4'>"
                              f"{html.escape(r['verdict'])}</div>")
        text = (f"{s['hidden_layers']} × {s['units']} tanh units, l2 {s['l2']:g}, dropout {s['dropout']:g}"
                f"   ·   {len(r['loss'])} epochs trained")
        if r["best"] is not None:
            text += f", lowest validation loss at epoch {r['best'] + 1}"
        if r["accuracy"] is not None:
            text += f"   ·   accuracy: train {r['accuracy'][0]:.0%}, validation {r['accuracy'][1]:.0%}"
        if s["l2"] > 0:
            text += "   ·   both losses include the L2 penalty"
        if s["dropout"] > 0:
            text += "   ·   training with dropout on"
        self.details.value = f"<div style='font-size:12.5px;color:#444;line-height:1.4'>{html.escape(text)}</div>"

    # ---- controls ---------------------------------------------------------------
    def _build_controls(self):
        init, c = self._initial, self.controls
        style = {"description_width": "110px"}      # "epochs per run" whole
        layout = ipw.Layout(width="285px")
        c["task"] = ipw.ToggleButtons(options=TASKS, value=init["task"], description="task",
                                      tooltips=["fit a curve to 15 noisy points",
                                                "separate two noisy moons (30 points)"],
                                      style={"description_width": "110px", "button_width": "105px"})
        c["l2"] = ipw.SelectionSlider(options=[(f"{v:g}", v) for v in self._l2_options], value=init["l2"],
                                      description="l2", style=style, layout=layout)
        c["dropout"] = ipw.FloatSlider(value=init["dropout"], min=DROPOUT_RANGE[0], max=DROPOUT_RANGE[1],
                                       step=0.05, description="dropout", readout_format=".2f",
                                       style=style, layout=layout)
        c["units"] = ipw.IntSlider(value=init["units"], min=UNITS_RANGE[0], max=UNITS_RANGE[1],
                                   description="units", style=style, layout=layout)
        c["hidden_layers"] = ipw.IntSlider(value=init["hidden_layers"], min=HIDDEN_RANGE[0],
                                           max=HIDDEN_RANGE[1], description="hidden layers",
                                           style=style, layout=layout)
        c["epochs"] = ipw.IntSlider(value=init["epochs"], min=EPOCHS_RANGE[0], max=EPOCHS_RANGE[1], step=50,
                                    description="epochs per run", style=style, layout=layout)
        button = ipw.Layout(width="auto", margin="2px 4px 2px 8px")
        c["train"] = ipw.Button(description=_train_label(init["epochs"]), icon="play", button_style="primary",
                                tooltip="train for `epochs` more epochs", layout=button)
        c["reset"] = ipw.Button(description="reset", icon="undo",
                                tooltip="back to the values the app was opened with", layout=button)

        rebuild = self.throttled(self._rebuild)
        for name in ("l2", "dropout", "units", "hidden_layers"):
            c[name].observe(rebuild, "value")
        c["task"].observe(self.guard(self._on_task), "value")
        c["epochs"].observe(self.guard(self._on_epochs), "value")
        c["train"].on_click(self.guard(self.train))
        c["reset"].on_click(self.guard(self.reset))

        def column(title, rows):
            return ipw.VBox([ipw.HTML(f"<b>{title}</b>")] + rows, layout=ipw.Layout(width="295px"))

        wrap = ipw.Layout(flex_flow="row wrap")           # columns wrap on a narrow page
        self.ui = ipw.VBox([
            c["task"],
            ipw.HBox([column("regularization", [c["l2"], c["dropout"]]),
                      column("capacity", [c["units"], c["hidden_layers"]]),
                      column("training", [c["epochs"], ipw.HBox([c["train"], c["reset"]])])], layout=wrap),
            self.summary,
            self.details,
            figure_widget(self.fig),
            self.status,
        ])

    def _on_epochs(self, change):
        """The next run's length: said on the train button (the figure waits for the run)."""
        self.controls["train"].description = _train_label(change["new"])


# ---- the numbers: pure functions of a state ---------------------------------------
def make_data(seed):
    """Both tasks' data, drawn once: {task: (X_train, y_train, X_val, y_val)}, y as (N, 1) columns.

    Training and validation sets come from independent streams of ``seed``.
    """
    train_rng, val_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    r, c = REGRESSION, CLASSIFICATION
    data = {"regression": (
        *datasets.regression(r["kind"], n=r["n_train"], noise=r["noise"], seed=train_rng),
        *datasets.regression(r["kind"], n=r["n_val"], noise=r["noise"], seed=val_rng))}
    Xt, yt = datasets.make_2d(c["name"], n=c["n_train"], noise=c["noise"], seed=train_rng)
    Xv, yv = datasets.make_2d(c["name"], n=c["n_val"], noise=c["noise"], seed=val_rng)
    data["classification"] = (Xt, yt[:, None].astype(float), Xv, yv[:, None].astype(float))
    return data


def build_network(state, seed):
    """A fresh, compiled Sequential for ``state`` (a dict of the app's control values).

    [Dense(units, tanh, L2) -> Dropout] x hidden_layers -> Dense(1) (linear, MSE) for
    regression, Dense(1, sigmoid) with binary cross-entropy for classification.
    """
    classify = state["task"] == "classification"
    reg = (lambda: L2(state["l2"])) if state["l2"] > 0 else (lambda: None)
    layers = []
    for i in range(state["hidden_layers"]):
        layers.append(Dense(state["units"], activation="tanh", kernel_regularizer=reg(),
                            input_shape=(2 if classify else 1,) if i == 0 else None))
        if state["dropout"] > 0:
            layers.append(Dropout(state["dropout"]))
    layers.append(Dense(1, activation="sigmoid" if classify else None, kernel_regularizer=reg()))
    model = Sequential(layers, seed=seed)
    model.compile(optimizer=Adam(learning_rate=LEARNING_RATE),
                  loss="binary_crossentropy" if classify else "mse",
                  metrics=["accuracy"] if classify else None)
    return model


def summarize(model, data, history, task, grid):
    """What the view shows for a model, its data (X_train, y_train, X_val, y_val) and its history.

    history: {"loss": [...], "val_loss": [...]} (a History's dict; empty before training);
    grid: (G, 1) or (G, 2), the inputs the curve or the map is drawn at.
    Returns a dict: "prediction" (G, 1); "loss", "val_loss" (arrays, one entry per epoch);
    "train", "val" (the losses now, from ``model.evaluate``, penalty included); "accuracy"
    ((train, validation) for classification, else None); "best" (the epoch index of the
    lowest validation loss, None before training); "verdict" (one line, see ``judge``).
    """
    X_train, y_train, X_val, y_val = data
    train, val = model.evaluate(X_train, y_train), model.evaluate(X_val, y_val)
    accuracy = None
    if isinstance(train, list):                   # [loss, accuracy] when the model has the metric
        (train, acc_train), (val, acc_val) = train, val
        accuracy = (acc_train, acc_val)
    loss, val_loss = np.array(history.get("loss", [])), np.array(history.get("val_loss", []))
    finite = np.where(np.isfinite(val_loss), val_loss, np.inf)
    return {"prediction": model.predict(grid), "loss": loss, "val_loss": val_loss, "train": train,
            "val": val, "accuracy": accuracy,
            "best": int(np.argmin(finite)) if val_loss.size and np.isfinite(finite).any() else None,
            "verdict": judge(train, val, len(loss), task)}


def judge(train, val, trained, task):
    """One line: final training and validation loss, the gap, and whether that is overfitting."""
    text = f"train loss {train:.4f}, validation loss {val:.4f}, gap {val - train:+.4f}"
    if not trained:
        return text + ": untrained, press train"
    if val - train > OVERFIT_GAP and val > OVERFIT_RATIO * train:
        return text + f" (validation {val / train:.0f}× train): overfitting"
    if task == "regression" and val > UNDERFIT_FACTOR * REGRESSION["noise"] ** 2:
        return text + ": underfitting, the curve misses the function"
    if val - train > OVERFIT_GAP and val > SOME_RATIO * train:
        return text + f" (validation {val / train:.1f}× train): some overfitting"
    return text + ": a good fit, no sign of overfitting"


def loss_limits(loss, val_loss):
    """((0, epochs), (low, high)): every epoch, and whole decades that hold every finite loss."""
    values = np.concatenate([loss, val_loss])
    values = values[np.isfinite(values) & (values > 0)]
    ylim = (10.0 ** np.floor(np.log10(values.min())), 10.0 ** np.ceil(np.log10(values.max()))) \
        if values.size else LOSS_YLIM
    if ylim[0] == ylim[1]:
        ylim = (ylim[0], ylim[1] * 10)
    return (0, len(loss)), tuple(float(v) for v in ylim)


def _legend(ax, handles, corner, ncol):
    """``ax``'s legend with its lower left corner at ``corner`` (figure fractions), ``ncol`` entries a row."""
    return ax.legend(handles=handles, loc="lower left", bbox_to_anchor=corner, bbox_transform=ax.figure.transFigure,
                     ncol=ncol, fontsize=8, frameon=False, handlelength=1.6, columnspacing=0.9,
                     borderaxespad=0.1, borderpad=0.1, labelspacing=0.3)


def _plane_grid():
    """The classification map's pixel centres, row by row from the bottom: (GRID_2D**2, 2)."""
    g = np.linspace(*PLANE, GRID_2D)
    return np.column_stack([a.ravel() for a in np.meshgrid(g, g)])


def _train_label(epochs):
    return f"train {epochs} epochs"


def _check_figsize(figsize):
    """(width, height) in inches, width in [7, 12] and height in [3, 6] (room for both panels)."""
    try:
        width, height = figsize
    except (TypeError, ValueError):
        raise TypeError(f"figsize must be a (width, height) pair of numbers, got {describe(figsize)}") from None
    return (check_number(width, "figsize width", 7.0, 12.0), check_number(height, "figsize height", 3.0, 6.0))
