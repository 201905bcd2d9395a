"""DigitsViewer: the confusion matrix, the mistakes and the probabilities it draws
are those of model.predict on the test split, counted here independently."""
from types import SimpleNamespace

import numpy as np
import pytest

from backprop import Dense, Sequential, datasets
from widgets.digits import DigitsViewer


@pytest.fixture(scope="module")
def split():
    return datasets.load_digits(test_fraction=0.25, seed=0)


@pytest.fixture(scope="module")
def app():
    return DigitsViewer()


def thumbs_shown(app):
    """(test index, title) of every small image visible on the current page."""
    return [(int(title.get_text().split("\n")[0][1:]), title.get_text())
            for _, image, title in app.thumbs if image.get_visible()]


def test_builds_with_no_arguments_and_uses_the_test_split(app, split):
    app._repr_mimebundle_()
    (_, _), (X_test, y_test) = split
    assert set(app.controls) >= {"page", "index", "reset"}
    np.testing.assert_array_equal(app.X_test, X_test)
    np.testing.assert_array_equal(app.y_test, y_test)


def test_default_model_is_the_small_relu_softmax_network_fitted_with_the_seed(app, split):
    (X_train, y_train), (X_test, _) = split
    model = Sequential([Dense(64, activation="relu", input_shape=(64,)),
                        Dense(10, activation="softmax")], seed=0)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(X_train, y_train, epochs=30, batch_size=32, verbose=0)
    np.testing.assert_allclose(app.model.predict(X_test), model.predict(X_test))


def test_confusion_matrix_counts_the_predictions(app, split):
    (_, _), (X_test, y_test) = split
    predicted = app.model.predict(X_test).argmax(axis=1)
    counts = np.zeros((10, 10), dtype=int)
    for true, pred in zip(y_test, predicted):
        counts[true, pred] += 1
    np.testing.assert_array_equal(app.confusion_image.get_array(), counts)
    for i in range(10):
        for j in range(10):
            assert app.confusion_texts[i][j].get_text() == (str(counts[i, j]) if counts[i, j] else "")
    accuracy = np.trace(counts) / len(y_test)
    assert f"test accuracy {100 * accuracy:.1f}%" in app.ax_confusion.get_title()
    assert counts.sum() == len(y_test) and accuracy > 0.9


def test_grid_shows_exactly_the_misclassified_images(app, split):
    (_, _), (X_test, y_test) = split
    probs = app.model.predict(X_test)
    wrong = set(np.flatnonzero(probs.argmax(axis=1) != y_test))
    seen = []
    for page in range(1, app.controls["page"].max + 1):
        app.controls["page"].value = page
        for (tax, image, title), (i, text) in zip(app.thumbs, thumbs_shown(app)):
            assert i in wrong
            pred = probs[i].argmax()
            assert text == f"#{i}\n{y_test[i]} \u2192 {pred} ({probs[i, pred]:.2f})"
            np.testing.assert_array_equal(image.get_array(), X_test[i].reshape(8, 8))
            seen.append(i)
    assert sorted(seen) == sorted(wrong) and len(seen) == len(wrong)


@pytest.mark.parametrize("index", [0, 7, 449])
def test_probability_bars_are_model_predict(app, split, index):
    (_, _), (X_test, y_test) = split
    app.controls["index"].value = index
    want = app.model.predict(X_test[index:index + 1])[0]
    heights = np.array([bar.get_height() for bar in app.bars])
    np.testing.assert_allclose(heights, want, atol=1e-12)
    assert heights.sum() == pytest.approx(1.0)
    np.testing.assert_array_equal(app.big_image.get_array(), X_test[index].reshape(8, 8))
    pred = want.argmax()
    assert f"true {y_test[index]}" in app.big_title.get_text()
    assert f"predicted {pred}" in app.big_title.get_text()
    # the orange frame marks the (true, predicted) cell of the confusion matrix
    assert app.confusion_marker.get_xy() == pytest.approx((pred - 0.5, y_test[index] - 0.5))


def test_clicking_a_misclassified_image_shows_it_large(app):
    app.controls["page"].value = 1
    tax = app.thumb_axes[2]
    i = thumbs_shown(app)[2][0]
    app._on_click_figure(SimpleNamespace(inaxes=tax))
    assert app.controls["index"].value == i and app.index == i


def test_a_click_in_the_browser_on_a_small_image_selects_it(app):
    """The figure's view sends clicks (canvas pixels from the top left) as Matplotlib events."""
    app.controls["page"].value = 1
    canvas = app.fig.canvas
    assert canvas.view.clickable
    tax = app.thumb_axes[5]
    i = thumbs_shown(app)[5][0]
    x, y = tax.transAxes.transform((0.5, 0.5))          # display pixels, y up
    height = canvas.get_width_height(physical=True)[1]
    canvas.view._handle_custom_msg({"type": "click", "x": float(x), "y": float(height - y), "button": 0}, [])
    assert app.controls["index"].value == i and app.index == i
    assert [frame.get_visible() for frame in app.thumb_frames] == [slot == 5 for slot in range(12)]
    assert f"Test image #{i}:" in app.readout.value


def test_the_readout_says_what_the_figure_shows(app, split):
    (_, _), (_, y_test) = split
    app.controls["page"].value = 1
    app.controls["index"].value = 7
    r = app.compute({"page": 1, "index": 7})
    assert r["true"] == y_test[7] and r["predicted"] == app.probs[7].argmax()
    text = app.readout.value
    assert f"true {r['true']}, predicted {r['predicted']}" in text
    assert f"page 1 of {app.n_pages}" in text
    first = int(r["slots"][0])
    assert f"#{first} {y_test[first]}" in text
    assert app.fig.canvas.view.alt.strip()
    width, height = app.fig.get_size_inches() * app.fig.dpi
    assert width <= 900 and height <= 420


def test_reset_restores_the_first_page_and_image():
    app = DigitsViewer(page=1, index=5)
    bars0 = [bar.get_height() for bar in app.bars]
    titles0 = [t.get_text() for _, _, t in app.thumbs]
    app.controls["page"].value = app.controls["page"].max
    app.controls["index"].value = 100
    app.controls["reset"].click()
    assert app.controls["page"].value == 1 and app.controls["index"].value == 5
    assert [bar.get_height() for bar in app.bars] == bars0
    assert [t.get_text() for _, _, t in app.thumbs] == titles0


def test_a_given_model_is_used_as_it_is(app):
    weights = [w.copy() for w in app.model.get_weights()]
    other = DigitsViewer(model=app.model, epochs=0)
    assert other.model is app.model
    for a, b in zip(weights, app.model.get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(other.confusion, app.confusion)


def test_an_error_in_a_callback_is_shown_in_the_app(monkeypatch, app):
    def broken(index):
        raise RuntimeError("boom")
    monkeypatch.setattr(app, "_show_index", broken)
    app.controls["index"].value = (app.controls["index"].value + 1) % 450
    assert "boom" in app.status.value and "Error" in app.status.value


def untrained(layers):
    model = Sequential(layers, seed=0)
    model.compile(optimizer="adam", loss="mse")
    return model


@pytest.mark.parametrize("kwargs, error, name", [
    ({"seed": -1}, ValueError, "seed"),
    ({"seed": 1.5}, TypeError, "seed"),
    ({"epochs": "many"}, TypeError, "epochs"),
    ({"model": "mlp"}, TypeError, "model"),
    ({"model": untrained([Dense(10, activation="softmax", input_shape=(32,))])}, ValueError, "model"),
    ({"model": untrained([Dense(3, activation="softmax", input_shape=(64,))])}, ValueError, "model"),
    ({"model": untrained([Dense(10, activation="relu", input_shape=(64,))])}, ValueError, "model"),
    ({"page": 0}, ValueError, "page"),
    ({"index": 450}, ValueError, "index"),
])
def test_bad_arguments_name_the_argument(kwargs, error, name):
    with pytest.raises(error, match=name):
        DigitsViewer(**kwargs)
