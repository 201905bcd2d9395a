"""The Playground app driven without a browser: controls in, artists' data out.

Every expected number is computed here from backprop itself (the same data, the
same seeded Sequential trained the same way), never read back from the app.
"""
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

import widgets.playground as playground
from backprop import datasets
from backprop.layers import Dense, Dropout
from backprop.optimizers import SGD, Adam, RMSprop
from backprop.regularizers import L1, L2
from backprop.model import Sequential
from widgets.playground import Playground

CONTROLS = {"dataset", "noise", "train_fraction", "hidden_layers", "units", "activation", "learning_rate",
            "optimizer", "regularization", "reg_rate", "dropout", "batch_size", "play", "step", "reset"}


def reference(dataset="circles", noise=0.1, train_fraction=0.5, hidden=(4, 4), activation="tanh",
              optimizer=None, reg=None, dropout=0.0, n=500, seed=0):
    """The data split and the untrained network the app should hold, built independently."""
    X, y = datasets.make_2d(dataset, n=n, noise=noise, seed=seed)
    split = datasets.train_test_split(X, y, test_fraction=1 - train_fraction, seed=seed)
    layers = []
    for units in hidden:
        layers.append(Dense(units, activation=activation, kernel_regularizer=reg))
        if dropout:
            layers.append(Dropout(dropout))
    layers.append(Dense(1, activation="sigmoid", kernel_regularizer=reg))
    model = Sequential(layers, seed=seed)
    model.compile(optimizer=optimizer or SGD(0.03), loss="binary_crossentropy")
    model.build(2)
    return model, split


def image_grid(image):
    """The centres of the image's pixels, row by row from the bottom (origin='lower')."""
    x0, x1, y0, y1 = image.get_extent()
    rows, cols = image.get_array().shape
    xs = x0 + (np.arange(cols) + 0.5) * (x1 - x0) / cols
    ys = y0 + (np.arange(rows) + 0.5) * (y1 - y0) / rows
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def assert_same_weights(model, expected):
    got, want = model.get_weights(), expected.get_weights()
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


def test_builds_with_no_arguments_and_displays():
    app = Playground()
    assert set(app.controls) >= CONTROLS
    assert app.epoch == 0 and len(app.history["loss"]) == len(app.history["val_loss"]) == 1
    assert "application/vnd.jupyter.widget-view+json" in app._repr_mimebundle_()
    model, (X_tr, X_te, y_tr, y_te) = reference()
    assert_same_weights(app.model, model)
    np.testing.assert_allclose(app.history["loss"][0], model.evaluate(X_tr, y_tr), rtol=1e-12)
    # nothing trains by itself: building and displaying leaves the network untouched
    assert_same_weights(app.model, model)


def test_step_trains_one_epoch_and_the_view_shows_it():
    app = Playground(dataset="moons", noise=0.2, train_fraction=0.7, hidden_layers=3, units=6,
                     activation="relu", learning_rate=0.1, optimizer="adam", batch_size=16, seed=3)
    model, (X_tr, X_te, y_tr, y_te) = reference("moons", 0.2, 0.7, (6, 6, 6), "relu", Adam(0.1), seed=3)
    app.controls["step"].click()
    app.controls["step"].click()
    model.fit(X_tr, y_tr, batch_size=16, epochs=2, verbose=0)
    assert app.epoch == 2
    assert_same_weights(app.model, model)
    # the image is the model's probability on the grid of its own pixels
    expected = model.predict(image_grid(app.image))[:, 0].reshape(app.image.get_array().shape)
    np.testing.assert_allclose(app.image.get_array(), expected, rtol=1e-12)
    assert app.image.get_clim() == (0.0, 1.0)
    # the loss curves end on the losses of the whole train and test sets
    train, test = model.evaluate(X_tr, y_tr), model.evaluate(X_te, y_te)
    np.testing.assert_array_equal(app.line_train.get_xdata(), [0, 1, 2])
    np.testing.assert_allclose(app.line_train.get_ydata()[-1], train, rtol=1e-12)
    np.testing.assert_allclose(app.line_test.get_ydata()[-1], test, rtol=1e-12)
    assert app.info["epoch"].get_text() == "2"
    assert app.info["loss"].get_text() == f"{train:.4f}"
    assert app.info["val_loss"].get_text() == f"{test:.4f}"


def test_data_controls_change_the_points_and_rebuild_the_network():
    app = Playground()
    app.controls["step"].click()
    app.controls["dataset"].value = "xor"
    app.controls["noise"].value = 0.3
    app.controls["train_fraction"].value = 0.8
    model, (X_tr, X_te, y_tr, y_te) = reference("xor", 0.3, 0.8)
    for (split, label), line in app.points.items():        # a marker line per split and class
        X, y = (X_tr, y_tr) if split == "train" else (X_te, y_te)
        np.testing.assert_array_equal(np.column_stack(line.get_data()), X[y == label])
        assert line.get_markerfacecolor() == (playground.BLUE if label else playground.ORANGE)
    assert sum(len(line.get_xdata()) for line in app.points.values()) == 500
    assert app.epoch == 0 and len(app.line_train.get_xdata()) == 1
    assert_same_weights(app.model, model)


def test_architecture_controls_rebuild_the_network():
    app = Playground()
    app.controls["hidden_layers"].value = 2
    app.controls["units"].value = 5
    dense = [layer for layer in app.model.layers if isinstance(layer, Dense)]
    assert [layer.units for layer in dense] == [5, 5, 1]
    assert_same_weights(app.model, reference(hidden=(5, 5))[0])

    app.controls["activation"].value = "elu"
    assert [layer.activation.name for layer in app.model.layers] == ["elu", "elu", "sigmoid"]
    app.controls["dropout"].value = 0.25
    kinds = [type(layer) for layer in app.model.layers]
    assert kinds == [Dense, Dropout, Dense, Dropout, Dense]
    assert all(layer.rate == 0.25 for layer in app.model.layers if isinstance(layer, Dropout))
    assert_same_weights(app.model, reference(hidden=(5, 5), activation="elu", dropout=0.25)[0])

    app.controls["hidden_layers"].value = 0          # logistic regression: no hidden layer
    assert [type(layer) for layer in app.model.layers] == [Dense]
    assert app.controls["units"].disabled and app.controls["activation"].disabled


def test_regularization_and_live_training_settings():
    app = Playground(regularization="l2", reg_rate=0.01)
    model, (X_tr, X_te, y_tr, y_te) = reference(reg=L2(0.01))
    np.testing.assert_allclose(app.history["loss"][0], model.evaluate(X_tr, y_tr), rtol=1e-12)
    app.controls["regularization"].value = "l1"
    model, _ = reference(reg=L1(0.01))
    np.testing.assert_allclose(app.history["loss"][0], model.evaluate(X_tr, y_tr), rtol=1e-12)

    app.controls["step"].click()
    # the rate, the optimizer, the penalty and the batch size apply from the next epoch on
    app.controls["reg_rate"].value = 0.1
    app.controls["learning_rate"].value = 0.3
    app.controls["optimizer"].value = "momentum"
    app.controls["batch_size"].value = 25
    assert app.epoch == 1
    assert all(layer.kernel_regularizer.l1 == 0.1 for layer in app.model.layers)
    assert isinstance(app.model.optimizer, SGD) and app.model.optimizer.momentum == 0.9
    assert app.model.optimizer.learning_rate == 0.3
    model.fit(X_tr, y_tr, batch_size=10, epochs=1, verbose=0)
    for layer in model.layers:
        layer.kernel_regularizer = L1(0.1)
    model.compile(optimizer=SGD(0.3, momentum=0.9), loss="binary_crossentropy")
    app.controls["step"].click()
    model.fit(X_tr, y_tr, batch_size=25, epochs=1, verbose=0)
    assert_same_weights(app.model, model)
    np.testing.assert_allclose(app.line_train.get_ydata()[-1], model.evaluate(X_tr, y_tr), rtol=1e-12)
    app.controls["optimizer"].value = "rmsprop"
    assert isinstance(app.model.optimizer, RMSprop) and app.model.optimizer.learning_rate == 0.3


def test_play_trains_only_on_the_front_ends_ticks():
    app = Playground()
    play = app.controls["play"]
    play.value = 1                   # what the front end does on each tick
    play.value = 2
    assert app.epoch == 2
    play.value = 0                   # stop: the value falls back, no epoch
    assert app.epoch == 2
    play.interval = playground.TICK_MS   # the real ticks above may have paced it already (load)
    app._pace(0.1)                   # slow frames slow the ticks down, fast ones speed them up
    assert play.interval == 125
    app._pace(0.01)
    assert play.interval == playground.TICK_MS


def test_while_playing_the_readout_speaks_seldom_and_says_where_play_stopped():
    """A polite live region read out 20 times a second would queue words for minutes: while
    playing the readout changes at most every READOUT_EVERY_S, and pausing says the last epoch."""
    app = Playground()
    play = app.controls["play"]
    assert app.readout.value.startswith("Epoch 0:")
    play.playing = True
    for tick in range(1, 5):         # four ticks within a second or so of the last words
        play.value = tick
    assert app.epoch == 4 and app.readout.value.startswith("Epoch 0:")
    app._readout_at -= playground.READOUT_EVERY_S          # as if that much time had gone by
    play.value = 5
    assert app.readout.value.startswith("Epoch 5:")
    play.value = 6
    assert app.readout.value.startswith("Epoch 5:")
    play.playing = False
    assert app.readout.value.startswith("Epoch 6:")
    app.controls["step"].click()     # not playing: every step speaks
    assert app.readout.value.startswith("Epoch 7:")


def test_reset_restores_epoch_zero_and_the_initial_weights():
    app = Playground(hidden_layers=3, units=7)
    initial = app.model.get_weights()
    app.controls["play"].playing = True
    for _ in range(3):
        app.controls["step"].click()
    assert app.epoch == 3
    app.controls["reset"].click()
    assert app.epoch == 0 and not app.controls["play"].playing
    assert len(app.history["loss"]) == 1 and len(app.line_train.get_xdata()) == 1
    for got, want in zip(app.model.get_weights(), initial):
        np.testing.assert_array_equal(got, want)
    assert_same_weights(app.model, reference(hidden=(7, 7, 7))[0])


def test_a_large_learning_rate_diverges_and_reset_recovers():
    app = Playground(dataset="spiral", learning_rate=10, optimizer="sgd")
    app.controls["play"].playing = True
    for _ in range(30):
        app.controls["step"].click()
        if app.diverged:
            break
    assert app.diverged
    assert "diverged" in app.status.value and "learning rate is too large" in app.status.value
    assert app.diverged_text.get_visible() and "diverged" in app.diverged_text.get_text()
    assert not app.controls["play"].playing
    stopped_at = app.epoch
    app.controls["step"].click()                 # no more training until Reset
    assert app.epoch == stopped_at

    app.controls["learning_rate"].value = 0.3
    app.controls["reset"].click()
    assert not app.diverged and app.status.value == "" and not app.diverged_text.get_visible()
    for _ in range(5):
        app.controls["step"].click()
    loss = app.history["loss"]
    assert not app.diverged and np.all(np.isfinite(loss)) and loss[-1] < loss[0]


def test_an_error_in_a_callback_is_shown_in_the_app(monkeypatch):
    app = Playground()

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(app.model, "fit", broken)
    app.controls["step"].click()
    assert "RuntimeError" in app.status.value and "boom" in app.status.value
    assert app.epoch == 0

    monkeypatch.setattr(playground.datasets, "make_2d", broken)    # a slider's callback fails too
    app.status.value = ""
    app.controls["noise"].value = 0.25
    assert "boom" in app.status.value


def test_redraws_blit_the_changed_artists_and_match_a_full_draw(monkeypatch):
    monkeypatch.setattr(playground, "EPOCHS_SHOWN", 2)
    app = Playground()
    canvas = FigureCanvasAgg(app.fig)          # plain Agg: its pixels can be compared
    calls = []
    monkeypatch.setattr(canvas, "draw", lambda orig=canvas.draw: (calls.append("draw"), orig()))
    monkeypatch.setattr(canvas, "blit", lambda bbox=None: calls.append("blit"))
    app.redraw(full=True)
    app.controls["step"].click()
    app.controls["step"].click()
    assert calls == ["draw", "blit", "blit"]            # axes untouched: only the changed artists
    blitted = np.asarray(canvas.buffer_rgba()).copy()
    canvas.draw()
    np.testing.assert_array_equal(blitted, np.asarray(canvas.buffer_rgba()))
    app.controls["step"].click()                        # epoch 3 leaves the x-limits: a full draw
    assert calls[-1] == "draw" and app.ax_loss.get_xlim() == (0, 4)
    assert app.ax_data.get_xlim() == (-2.0, 2.0)        # the data plane never moves


def test_learning_rate_outside_the_menu_is_added():
    app = Playground(learning_rate=0.05)
    assert app.controls["learning_rate"].value == 0.05
    assert app.model.optimizer.learning_rate == 0.05


@pytest.mark.parametrize("kwargs, error, name", [
    ({"dataset": "banana"}, ValueError, "dataset"),
    ({"noise": -0.1}, ValueError, "noise"),
    ({"train_fraction": 1.0}, ValueError, "train_fraction"),
    ({"hidden_layers": 7}, ValueError, "hidden_layers"),
    ({"hidden_layers": 2.5}, TypeError, "hidden_layers"),
    ({"units": 0}, ValueError, "units"),
    ({"activation": "softmax"}, ValueError, "activation"),
    ({"learning_rate": 0}, ValueError, "learning_rate"),
    ({"learning_rate": 100}, ValueError, "learning_rate"),
    ({"learning_rate": "fast"}, TypeError, "learning_rate"),
    ({"optimizer": "lbfgs"}, ValueError, "optimizer"),
    ({"regularization": "l3"}, ValueError, "regularization"),
    ({"reg_rate": -1}, ValueError, "reg_rate"),
    ({"dropout": 0.9}, ValueError, "dropout"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"n_samples": 5}, ValueError, "n_samples"),
    ({"seed": -1}, ValueError, "seed"),
    ({"colour": "red"}, TypeError, "colour"),
])
def test_bad_arguments_raise_naming_the_argument(kwargs, error, name):
    with pytest.raises(error, match=name):
        Playground(**kwargs)
