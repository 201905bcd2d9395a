"""RegularizationExplorer driven without a browser: controls in, artists' data out.

Every expected number is computed here from backprop itself (the same seeded data,
the same seeded Sequential trained with the same fit call, model.evaluate and
model.predict), never read back from the app.
"""
import html
import re

import numpy as np
import pytest

from backprop import datasets
from backprop.layers import Dense, Dropout
from backprop.model import Sequential
from backprop.optimizers import Adam
from backprop.regularizers import L2
from widgets.regularization import RegularizationExplorer, build_network, judge, make_data, summarize

CONTROLS = {"task", "l2", "dropout", "units", "hidden_layers", "epochs", "train", "reset"}


def reference_data(task="regression", seed=0):
    """Training and validation sets, drawn independently from the documented recipe."""
    train_rng, val_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    if task == "regression":
        return (*datasets.regression("sine", n=15, noise=0.2, seed=train_rng),
                *datasets.regression("sine", n=100, noise=0.2, seed=val_rng))
    # both tasks' sets come from the same two streams, regression first
    datasets.regression("sine", n=15, noise=0.2, seed=train_rng)
    datasets.regression("sine", n=100, noise=0.2, seed=val_rng)
    Xt, yt = datasets.make_2d("moons", n=30, noise=0.2, seed=train_rng)
    Xv, yv = datasets.make_2d("moons", n=100, noise=0.2, seed=val_rng)
    return Xt, yt[:, None].astype(float), Xv, yv[:, None].astype(float)


def reference_model(task="regression", l2=0.0, dropout=0.0, units=64, hidden_layers=2, seed=0):
    classify = task == "classification"
    reg = (lambda: L2(l2)) if l2 else (lambda: None)
    layers = []
    for _ in range(hidden_layers):
        layers.append(Dense(units, activation="tanh", kernel_regularizer=reg()))
        if dropout:
            layers.append(Dropout(dropout))
    layers.append(Dense(1, activation="sigmoid" if classify else None, kernel_regularizer=reg()))
    layers[0].input_shape = (2 if classify else 1,)
    model = Sequential(layers, seed=seed)
    model.compile(optimizer=Adam(0.01), loss="binary_crossentropy" if classify else "mse",
                  metrics=["accuracy"] if classify else None)
    model.build()
    return model


def fit(model, data, epochs):
    Xt, yt, Xv, yv = data
    return model.fit(Xt, yt, batch_size=len(Xt), epochs=epochs, validation_data=(Xv, yv), verbose=0)


def loss_of(model, X, y):
    value = model.evaluate(X, y)
    return value[0] if isinstance(value, list) else value


def text(widget):
    """The words an HTML readout shows: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", widget.value))


def assert_same_weights(model, expected):
    for got, want in zip(model.get_weights(), expected.get_weights()):
        np.testing.assert_array_equal(got, want)


def test_builds_with_no_arguments_and_displays_an_untrained_fit():
    app = RegularizationExplorer()
    assert set(app.controls) >= CONTROLS
    assert "application/vnd.jupyter.widget-view+json" in app._repr_mimebundle_()
    for got, want in zip((app.X_train, app.y_train, app.X_val, app.y_val), reference_data()):
        np.testing.assert_array_equal(got, want)
    model = reference_model()
    assert_same_weights(app.model, model)
    x, y = app.curve.get_data()
    np.testing.assert_array_equal(x, app.grid[:, 0])
    np.testing.assert_allclose(y, model.predict(app.grid)[:, 0], rtol=1e-12)
    assert len(app.train_line.get_xdata()) == 0
    assert "untrained" in text(app.summary)
    assert app.axes["curve"].get_visible() and not app.axes["plane"].get_visible()


def test_without_regularization_the_net_overfits_and_l2_closes_the_gap():
    app = RegularizationExplorer()
    data = reference_data()
    app.controls["train"].click()
    model = reference_model()
    history = fit(model, data, 1000)
    Xt, yt, Xv, yv = app.X_train, app.y_train, app.X_val, app.y_val
    # the app's model is the one trained here, epoch for epoch
    np.testing.assert_allclose(app.history.history["loss"], history.history["loss"], rtol=1e-9)
    np.testing.assert_allclose(app.train_line.get_ydata(), history.history["loss"], rtol=1e-9)
    np.testing.assert_allclose(app.val_line.get_ydata(), history.history["val_loss"], rtol=1e-9)
    np.testing.assert_array_equal(app.train_line.get_xdata(), np.arange(1, 1001))
    best = int(np.argmin(history.history["val_loss"]))
    assert app.best.get_xdata()[0] == best + 1
    # the curve is the trained model's prediction on the plotted grid
    np.testing.assert_allclose(app.curve.get_ydata(), model.predict(app.grid)[:, 0], rtol=1e-9, atol=1e-12)
    train, val = loss_of(app.model, Xt, yt), loss_of(app.model, Xv, yv)
    assert val > 10 * train                               # overfitting, clearly
    assert train == pytest.approx(loss_of(model, Xt, yt), rel=1e-9)
    verdict = text(app.summary)
    assert verdict == app.verdict()
    assert verdict.endswith("overfitting") and f"train loss {train:.4f}" in verdict
    assert f"gap {val - train:+.4f}" in verdict
    gap = val - train

    app.controls["l2"].value = 1e-3                       # a fresh model, with the penalty
    assert len(app.history.history) == 0
    assert all(layer.kernel_regularizer.l2 == 1e-3 for layer in app.model.layers)
    app.controls["train"].click()
    np.testing.assert_array_equal(app.curve.get_ydata(), app.model.predict(app.grid)[:, 0])
    train, val = loss_of(app.model, Xt, yt), loss_of(app.model, Xv, yv)
    assert val - train < gap / 5 and val < 2 * train
    assert val < loss_of(model, Xv, yv) / 2                # and it predicts new points better
    assert "no sign of overfitting" in text(app.summary)
    assert "include the L2 penalty" in text(app.details)


def test_dropout_adds_dropout_layers_and_trains_the_same_way():
    app = RegularizationExplorer(epochs=100)
    app.controls["dropout"].value = 0.25
    assert sum(isinstance(layer, Dropout) and layer.rate == 0.25 for layer in app.model.layers) == 2
    app.controls["train"].click()
    model = reference_model(dropout=0.25)
    history = fit(model, reference_data(), 100)
    np.testing.assert_allclose(app.history.history["val_loss"], history.history["val_loss"], rtol=1e-9)
    np.testing.assert_allclose(app.curve.get_ydata(), model.predict(app.grid)[:, 0], rtol=1e-9, atol=1e-12)
    assert "training with dropout on" in text(app.details)


def test_train_continues_and_the_history_accumulates():
    app = RegularizationExplorer(epochs=50, units=8, hidden_layers=1)
    app.controls["train"].click()
    app.controls["epochs"].value = 100
    app.controls["train"].click()
    model = reference_model(units=8, hidden_layers=1)
    data = reference_data()
    first, second = fit(model, data, 50), fit(model, data, 100)
    np.testing.assert_allclose(app.history.history["loss"], first.history["loss"] + second.history["loss"],
                               rtol=1e-9)
    assert len(app.train_line.get_xdata()) == 150
    assert app.axes["loss"].get_xlim() == (0, 150)
    assert "150 epochs trained" in text(app.details)


def test_capacity_controls_rebuild_the_model():
    app = RegularizationExplorer()
    app.controls["units"].value = 5
    app.controls["hidden_layers"].value = 3
    assert_same_weights(app.model, reference_model(units=5, hidden_layers=3))
    assert [layer.units for layer in app.model.layers] == [5, 5, 5, 1]


def test_classification_task_shows_the_probability_map():
    app = RegularizationExplorer(epochs=300)
    app.controls["task"].value = "classification"
    assert app.axes["plane"].get_visible() and not app.axes["curve"].get_visible()
    data = reference_data("classification")
    for got, want in zip((app.X_train, app.y_train, app.X_val, app.y_val), data):
        np.testing.assert_array_equal(got, want)
    model = reference_model("classification")
    np.testing.assert_allclose(app.image.get_array(), model.predict(app.grid).reshape(81, 81), rtol=1e-12)
    app.controls["train"].click()
    fit(model, data, 300)
    np.testing.assert_allclose(app.image.get_array(), model.predict(app.grid).reshape(81, 81),
                               rtol=1e-9, atol=1e-12)
    Xt, yt, Xv, yv = data
    train, val = loss_of(model, Xt, yt), loss_of(model, Xv, yv)
    assert val > 10 * train and text(app.summary).endswith("overfitting")
    acc = model.evaluate(Xv, yv)[1]
    assert f"validation {acc:.0%}" in text(app.details)


def test_reset_restores_the_initial_state():
    app = RegularizationExplorer(l2=3e-4, epochs=50)
    initial = {name: app.controls[name].value for name in CONTROLS - {"train", "reset"}}
    curve, verdict = app.curve.get_ydata().copy(), text(app.summary)
    app.controls["train"].click()
    app.controls["task"].value = "classification"
    app.controls["dropout"].value = 0.5
    app.controls["units"].value = 10
    app.controls["train"].click()
    app.controls["reset"].click()
    assert {name: app.controls[name].value for name in initial} == initial
    assert len(app.history.history) == 0 and len(app.train_line.get_xdata()) == 0
    np.testing.assert_array_equal(app.curve.get_ydata(), curve)
    assert text(app.summary) == verdict
    assert app.axes["curve"].get_visible()
    assert_same_weights(app.model, reference_model(l2=3e-4))


def test_an_l2_between_the_slider_stops_gets_its_own_stop():
    app = RegularizationExplorer(l2=0.002)
    assert app.controls["l2"].value == 0.002
    assert 0.0 in [v for _, v in app.controls["l2"].options]


def test_an_error_in_a_callback_is_shown(monkeypatch):
    app = RegularizationExplorer()

    def broken(*args, **kwargs):
        raise RuntimeError("boom in fit")

    monkeypatch.setattr(app.model, "fit", broken)
    app.controls["train"].click()
    assert "boom in fit" in app.status.value
    assert isinstance(app.last_error, RuntimeError)


@pytest.mark.parametrize("kwargs, error, name", [
    ({"task": "clustering"}, ValueError, "task"),
    ({"l2": -0.1}, ValueError, "l2"),
    ({"l2": 2.0}, ValueError, "l2"),
    ({"l2": "big"}, TypeError, "l2"),
    ({"dropout": 0.6}, ValueError, "dropout"),
    ({"units": 0}, ValueError, "units"),
    ({"hidden_layers": 5}, ValueError, "hidden_layers"),
    ({"epochs": 10}, ValueError, "epochs"),
    ({"epochs": 100.0}, TypeError, "epochs"),
    ({"seed": -3}, ValueError, "seed"),
])
def test_bad_arguments_name_the_argument(kwargs, error, name):
    with pytest.raises(error, match=name):
        RegularizationExplorer(**kwargs)


def test_the_numbers_are_pure_functions_of_the_state():
    """make_data, build_network, summarize and judge work without any widget."""
    data = make_data(0)
    for got, want in zip(data["regression"], reference_data()):
        np.testing.assert_array_equal(got, want)
    state = {"task": "regression", "l2": 0.0, "dropout": 0.0, "units": 8, "hidden_layers": 1}
    model = build_network(state, seed=0)
    assert_same_weights(model, reference_model(units=8, hidden_layers=1))
    grid = np.linspace(-1, 1, 5)[:, None]
    r = summarize(model, data["regression"], {}, "regression", grid)
    np.testing.assert_array_equal(r["prediction"], model.predict(grid))
    assert r["best"] is None and r["accuracy"] is None and len(r["loss"]) == 0
    assert r["train"] == loss_of(model, *data["regression"][:2])
    assert r["verdict"].endswith("untrained, press train")
    assert judge(0.01, 0.5, 100, "regression").endswith("overfitting")
    assert judge(0.03, 0.04, 100, "regression").endswith("a good fit, no sign of overfitting")


def test_a_new_network_keeps_the_axes_and_train_sets_them():
    """Sliders that build a new network only redraw the curve and the lines (so they can blit);
    the loss axes follow the run when train adds epochs."""
    app = RegularizationExplorer(epochs=100, units=8)
    limits = {name: (ax.get_xlim(), ax.get_ylim()) for name, ax in app.axes.items()}
    for name, value in (("l2", 1e-3), ("dropout", 0.2), ("units", 16), ("hidden_layers", 3), ("epochs", 500)):
        app.controls[name].value = value
        assert {name: (ax.get_xlim(), ax.get_ylim()) for name, ax in app.axes.items()} == limits
    assert app.controls["train"].description == "train 500 epochs"
    app.controls["epochs"].value = 50
    app.controls["train"].click()
    assert app.axes["loss"].get_xlim() == (0, 50)
    low, high = app.axes["loss"].get_ylim()
    losses = np.concatenate([app.train_line.get_ydata(), app.val_line.get_ydata()])
    assert low <= losses.min() and losses.max() <= high
    app.controls["units"].value = 4                          # untrained again: the run's axes stay
    assert app.axes["loss"].get_xlim() == (0, 50) and len(app.train_line.get_xdata()) == 0


def test_the_hidden_tasks_artists_are_not_drawn():
    app = RegularizationExplorer()
    assert app.curve.get_visible() and not app.image.get_visible()
    assert not any(line.get_visible() for line in app.points)
    app.controls["task"].value = "classification"
    assert not app.curve.get_visible() and app.image.get_visible()
    assert all(line.get_visible() for line in app.points)
    # the points: class 0 circles, class 1 triangles (a cue besides the colour)
    assert {line.get_marker() for line in app.points} == {"o", "^"}
    shown = sum(len(line.get_xdata()) for line in app.points)
    assert shown == len(app.X_train) + len(app.X_val)


def test_the_app_fits_a_laptops_notebook_column():
    app = RegularizationExplorer()
    width, height = app.fig.get_size_inches() * app.fig.dpi
    assert width <= 900 and height <= 420
    assert app.fig.canvas.view.alt.strip()
    with pytest.raises(ValueError, match="figsize"):
        RegularizationExplorer(figsize=(11, 2))
    with pytest.raises(TypeError, match="figsize"):
        RegularizationExplorer(figsize="big")
