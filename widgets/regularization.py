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
"""
import ipywidgets as ipw
import numpy as np

from backprop import datasets
from backprop.callbacks import History
from backprop.layers import Dense, Dropout
from backprop.model import Sequential
from backprop.optimizers import Adam
from backprop.regularizers import L2
from backprop.validation import check_choice, check_int, check_number

from .app import App, figure_widget, make_figure

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
# "overfitting": validation loss at least twice the training loss, and a gap that matters;
# "some overfitting" from 1.5 times. "underfitting" (regression only, where the noise is
# known): validation loss above twice the noise's own mean squared error, noise^2.
OVERFIT_RATIO, SOME_RATIO, OVERFIT_GAP, UNDERFIT_FACTOR = 2.0, 1.5, 0.01, 2.0


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
        figsize: the figure's size in inches

    Controls (``app.controls``): "task" (ToggleButtons), "l2" (SelectionSlider from 0 to
    0.1), "dropout" (FloatSlider), "units", "hidden_layers", "epochs" (IntSliders),
    "train", "reset" (Buttons). Changing task, l2, dropout, units or hidden_layers
    starts again from fresh (seeded) weights; "train" continues training for "epochs"
    more epochs (full batch, Adam with learning rate 0.01).

    For tests and lessons: ``app.model``, ``app.history`` (a History holding every epoch
    trained since the model was built), ``app.X_train``, ``app.y_train``, ``app.X_val``,
    ``app.y_val``, ``app.grid`` (the inputs the curve or the probability map is drawn at).
    """

    def __init__(self, task="regression", l2=0.0, dropout=0.0, units=64, hidden_layers=2, epochs=1000,
                 seed=0, figsize=(11, 4.9)):
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
        self._init_status()
        self._data = self._make_data()
        self._build_view(figsize)
        self._build_controls()
        self._rebuild()

    # ---- model ------------------------------------------------------------------
    def _make_data(self):
        """Both tasks' data, drawn once: training and validation sets from independent streams."""
        train_rng, val_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(self.seed).spawn(2))
        r, c = REGRESSION, CLASSIFICATION
        data = {}
        data["regression"] = (
            *datasets.regression(r["kind"], n=r["n_train"], noise=r["noise"], seed=train_rng),
            *datasets.regression(r["kind"], n=r["n_val"], noise=r["noise"], seed=val_rng))
        Xt, yt = datasets.make_2d(c["name"], n=c["n_train"], noise=c["noise"], seed=train_rng)
        Xv, yv = datasets.make_2d(c["name"], n=c["n_val"], noise=c["noise"], seed=val_rng)
        data["classification"] = (Xt, yt[:, None].astype(float), Xv, yv[:, None].astype(float))
        return data

    def build_model(self):
        """A fresh, compiled Sequential for the current controls (seeded: same controls, same weights).

        [Dense(units, tanh, L2) -> Dropout] x hidden_layers -> Dense(1) (linear, MSE) for
        regression, Dense(1, sigmoid) with binary cross-entropy for classification.
        """
        s = self.state()
        classify = s["task"] == "classification"
        reg = (lambda: L2(s["l2"])) if s["l2"] > 0 else (lambda: None)
        layers = []
        for i in range(s["hidden_layers"]):
            layers.append(Dense(s["units"], activation="tanh", kernel_regularizer=reg(),
                                input_shape=(2 if classify else 1,) if i == 0 else None))
            if s["dropout"] > 0:
                layers.append(Dropout(s["dropout"]))
        layers.append(Dense(1, activation="sigmoid" if classify else None, kernel_regularizer=reg()))
        model = Sequential(layers, seed=self.seed)
        model.compile(optimizer=Adam(learning_rate=LEARNING_RATE),
                      loss="binary_crossentropy" if classify else "mse",
                      metrics=["accuracy"] if classify else None)
        return model

    def _rebuild(self, *_):
        if self._quiet:
            return
        task = self.controls["task"].value
        self.X_train, self.y_train, self.X_val, self.y_val = self._data[task]
        self.model = self.build_model()
        self.history = History()          # every epoch since this model was built, across clicks
        self._show_task(task)
        self._update()

    def train(self, *_):
        """``epochs`` more epochs of full-batch training, validated on the validation set each epoch."""
        epochs = self.controls["epochs"].value
        result = self.model.fit(self.X_train, self.y_train, batch_size=len(self.X_train), epochs=epochs,
                                validation_data=(self.X_val, self.y_val), callbacks=[self.history],
                                verbose=0)
        self._update()
        if result.diverged:
            self.show_message(f"diverged in epoch {result.diverged_epoch}: press reset", color="#b00020")

    def _on_epochs(self, *_):
        if not self._quiet:
            self._update()              # the loss axis spans at least the epochs of one click

    def reset(self, *_):
        """Back to the values the app was opened with, and untrained weights."""
        self.restore_controls(self._initial)     # one rebuild at the end, not one per control
        self._rebuild()

    def evaluate(self):
        """(train loss, validation loss) from ``model.evaluate`` (penalty included, as Keras reports)."""
        def loss(X, y):
            value = self.model.evaluate(X, y)
            return value[0] if isinstance(value, list) else value
        return loss(self.X_train, self.y_train), loss(self.X_val, self.y_val)

    # ---- view -------------------------------------------------------------------
    def _build_view(self, figsize):
        self.fig = fig = make_figure(figsize)
        gs = fig.add_gridspec(1, 2, width_ratios=[1, 1], wspace=0.25,
                              left=0.065, right=0.98, top=0.8, bottom=0.12)
        ax_c = fig.add_subplot(gs[0, 0])
        ax_p = fig.add_subplot(gs[0, 0])       # the same place: one of the two is shown
        ax_l = fig.add_subplot(gs[0, 1])
        self.axes = {"curve": ax_c, "plane": ax_p, "loss": ax_l}

        # (a) regression: the true function, the data, the fitted curve
        Xt, yt, Xv, yv = self._data["regression"]
        xs = np.linspace(*X_RANGE, GRID_1D)
        self._grid_1d = xs[:, None]
        # the function the data were drawn from (datasets' own definition)
        ax_c.plot(xs, datasets.regression_curve(REGRESSION["kind"], xs), "k--", lw=1.2, label="true function sin(πx)")
        ax_c.scatter(Xv[:, 0], yv[:, 0], s=14, facecolors="none", edgecolors="C1", lw=0.9,
                     label=f"validation ({len(Xv)})")
        ax_c.scatter(Xt[:, 0], yt[:, 0], s=40, color="C0", edgecolors="k", lw=0.6, zorder=3,
                     label=f"training ({len(Xt)})")
        self.curve, = ax_c.plot([], [], color="C3", lw=2.2, zorder=4, label="network")
        ax_c.set_xlim(*X_RANGE)
        ax_c.set_ylim(-2.0, 2.0)
        ax_c.set_xlabel("x")
        ax_c.set_ylabel("y")
        ax_c.legend(loc="lower left", fontsize=8, ncol=2, framealpha=0.9)
        ax_c.set_title("(a) the fitted curve", fontsize=11, loc="left")

        # (a') classification: P(class 1) over the plane, with the points
        Xt, yt, Xv, yv = self._data["classification"]
        g = np.linspace(*PLANE, GRID_2D)
        self._grid_2d = np.column_stack([a.ravel() for a in np.meshgrid(g, g)])
        half = (PLANE[1] - PLANE[0]) / (GRID_2D - 1) / 2
        self.image = ax_p.imshow(np.full((GRID_2D, GRID_2D), 0.5), origin="lower", cmap="RdBu_r",
                                 vmin=0, vmax=1, alpha=0.45, interpolation="bilinear",
                                 extent=(PLANE[0] - half, PLANE[1] + half, PLANE[0] - half, PLANE[1] + half))
        colors = np.array(["#1f4e9c", "#b2182b"])       # the two ends of the colour map, darker
        ax_p.scatter(Xv[:, 0], Xv[:, 1], s=16, marker="x", c=colors[yv[:, 0].astype(int)], lw=1.0,
                     label=f"validation ({len(Xv)})")
        ax_p.scatter(Xt[:, 0], Xt[:, 1], s=50, c=colors[yt[:, 0].astype(int)], edgecolors="w", lw=1.0,
                     zorder=3, label=f"training ({len(Xt)})")
        ax_p.set_xlim(*PLANE)
        ax_p.set_ylim(*PLANE)
        ax_p.set_aspect("equal", adjustable="box")
        ax_p.set_xlabel("x1")
        ax_p.set_ylabel("x2")
        ax_p.legend(loc="lower left", fontsize=8, framealpha=0.9)
        ax_p.set_title("(a) predicted P(red class): blue 0 … red 1", fontsize=11, loc="left")

        # (b) the losses over the epochs
        self.train_line, = ax_l.plot([], [], color="C0", lw=1.8, label="training loss")
        self.val_line, = ax_l.plot([], [], color="C1", lw=1.8, label="validation loss")
        self.best, = ax_l.plot([], [], "o", color="C1", mec="k", ms=7, zorder=4,
                               label="lowest validation loss")
        ax_l.set_yscale("log")
        ax_l.set_xlabel("epoch")
        ax_l.set_ylabel("loss (log scale)")
        ax_l.grid(which="major", color="0.9", lw=0.8)
        ax_l.legend(loc="upper right", fontsize=8, framealpha=0.9)
        self.title_l = ax_l.set_title("", fontsize=11, loc="left")

        self.summary = fig.text(0.065, 0.95, "", fontsize=12, weight="bold", va="center")
        self.details = fig.text(0.065, 0.895, "", fontsize=9.5, color="0.25", va="center")

    def _show_task(self, task):
        regression = task == "regression"
        self.axes["curve"].set_visible(regression)
        self.axes["plane"].set_visible(not regression)
        self.grid = self._grid_1d if regression else self._grid_2d

    def _update(self):
        s = self.state()
        out = self.model.predict(self.grid)
        if s["task"] == "regression":
            self.curve.set_data(self.grid[:, 0], out[:, 0])
        else:
            self.image.set_data(out.reshape(GRID_2D, GRID_2D))

        h = self.history.history
        loss, val = np.array(h.get("loss", [])), np.array(h.get("val_loss", []))
        epochs = np.arange(1, len(loss) + 1)
        self.train_line.set_data(epochs, loss)
        self.val_line.set_data(epochs[:len(val)], val)
        ax = self.axes["loss"]
        ax.set_xlim(0, max(len(loss), s["epochs"]))
        values = np.concatenate([loss, val])
        values = values[np.isfinite(values) & (values > 0)]
        if values.size:
            ax.set_ylim(10 ** np.floor(np.log10(values.min())), 10 ** np.ceil(np.log10(values.max())))
            best = int(np.argmin(val))
            self.best.set_data([best + 1], [val[best]])
        else:
            self.best.set_data([], [])
        penalty = ", both with the L2 penalty" if s["l2"] > 0 else ""
        dropout = "; training with dropout on" if s["dropout"] > 0 else ""
        self.title_l.set_text(f"(b) loss over the epochs{penalty}{dropout}")

        self.summary.set_text(self.verdict())
        self.details.set_text(self._details(s, len(loss), val))
        self.status.value = ""
        self.redraw()

    def verdict(self):
        """One line: final training and validation loss, the gap, and whether that is overfitting."""
        trained = len(self.history.history.get("loss", []))
        train, val = self.evaluate()
        text = f"train loss {train:.4f}, validation loss {val:.4f}, gap {val - train:+.4f}"
        if not trained:
            return text + ": untrained, press train"
        if val - train > OVERFIT_GAP and val > OVERFIT_RATIO * train:
            return text + f" (validation {val / train:.0f}× train): overfitting"
        if self.controls["task"].value == "regression" and val > UNDERFIT_FACTOR * REGRESSION["noise"] ** 2:
            return text + ": underfitting, the curve misses the function"
        if val - train > OVERFIT_GAP and val > SOME_RATIO * train:
            return text + f" (validation {val / train:.1f}× train): some overfitting"
        return text + ": a good fit, no sign of overfitting"

    def _details(self, s, trained, val):
        classify = s["task"] == "classification"
        net = (f"{s['hidden_layers']} × {s['units']} tanh units, l2 {s['l2']:g}, dropout {s['dropout']:g}"
               f"   ·   {trained} epochs trained")
        if trained:
            net += f", lowest validation loss at epoch {int(np.argmin(val)) + 1}"
        if classify:
            acc = [self.model.evaluate(X, y)[1] for X, y in
                   ((self.X_train, self.y_train), (self.X_val, self.y_val))]
            net += f"   ·   accuracy: train {acc[0]:.0%}, validation {acc[1]:.0%}"
        return net

    # ---- controls ---------------------------------------------------------------
    def _build_controls(self):
        init, c = self._initial, self.controls
        style = {"description_width": "95px"}
        layout = ipw.Layout(width="320px")
        c["task"] = ipw.ToggleButtons(options=TASKS, value=init["task"], description="task",
                                      style={"description_width": "95px", "button_width": "105px"})
        c["l2"] = ipw.SelectionSlider(options=[(f"{v:g}", v) for v in self._l2_options], value=init["l2"],
                                      description="l2", style=style, layout=layout)
        c["dropout"] = ipw.FloatSlider(value=init["dropout"], min=DROPOUT_RANGE[0], max=DROPOUT_RANGE[1],
                                       step=0.05, description="dropout", readout_format=".2f",
                                       style=style, layout=layout)
        c["units"] = ipw.IntSlider(value=init["units"], min=UNITS_RANGE[0], max=UNITS_RANGE[1],
                                   description="units", style=style, layout=layout)
        c["hidden_layers"] = ipw.IntSlider(value=init["hidden_layers"], min=HIDDEN_RANGE[0],
                                           max=HIDDEN_RANGE[1], description="hidden_layers",
                                           style=style, layout=layout)
        c["epochs"] = ipw.IntSlider(value=init["epochs"], min=EPOCHS_RANGE[0], max=EPOCHS_RANGE[1], step=50,
                                    description="epochs", style=style, layout=layout)
        c["train"] = ipw.Button(description="train", icon="play", button_style="primary",
                                tooltip="train for `epochs` more epochs")
        c["reset"] = ipw.Button(description="reset", icon="undo",
                                tooltip="back to the values the app was opened with")

        rebuild = self.throttled(self._rebuild)
        for name in ("task", "l2", "dropout", "units", "hidden_layers"):
            c[name].observe(rebuild, "value")
        c["epochs"].observe(self.throttled(self._on_epochs), "value")
        c["train"].on_click(self.guard(self.train))
        c["reset"].on_click(self.guard(self.reset))

        column = lambda title, widgets: ipw.VBox([ipw.HTML(f"<b>{title}</b>")] + widgets)
        self.ui = ipw.VBox([
            c["task"],
            ipw.HBox([column("regularization", [c["l2"], c["dropout"]]),
                      column("capacity", [c["units"], c["hidden_layers"]]),
                      column("training", [c["epochs"], ipw.HBox([c["train"], c["reset"]])])]),
            figure_widget(self.fig),
            self.status,
        ])
