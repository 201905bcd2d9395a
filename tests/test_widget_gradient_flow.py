"""GradientFlow driven without a browser: controls in, artists' data out.

Every expected number is computed here from backprop itself (the same spiral batch,
the same seeded Sequential, its compute_gradients and the optimizer's clip), never
read back from the app.
"""
import html
import re

import numpy as np
import pytest

from backprop import datasets
from backprop.initializers import RandomNormal
from backprop.layers import Activation, BatchNormalization, Dense
from backprop.model import Sequential
from backprop.optimizers import SGD
from widgets.gradient_flow import BINS, OUT_X, VALUE_RANGES, GradientFlow, build_network, diagnose, flow

CONTROLS = {"depth", "units", "activation", "initializer", "init_scale", "batch_norm", "clipnorm",
            "clipnorm_value", "learning_rate", "steps", "train", "resample", "reset"}


def reference(depth=10, units=32, activation="sigmoid", initializer="glorot_uniform", init_scale=0.05,
              batch_norm=False, clipnorm=None, learning_rate=0.1, seed=0):
    """The batch and the network the app should hold, built independently."""
    X, labels = datasets.spiral(n=200, noise=0.1, seed=0)
    y = labels[:, None].astype(float)
    init = (lambda: RandomNormal(stddev=init_scale)) if initializer == "random_normal" else (lambda: initializer)
    layers = []
    for _ in range(depth):
        if batch_norm:
            layers += [Dense(units, use_bias=False, kernel_initializer=init()), BatchNormalization(),
                       Activation(activation)]
        else:
            layers.append(Dense(units, activation=activation, kernel_initializer=init()))
    layers.append(Dense(1, activation="sigmoid", kernel_initializer=init()))
    layers[0].input_shape = (2,)
    model = Sequential(layers, seed=seed)
    model.compile(optimizer=SGD(learning_rate, clipnorm=clipnorm), loss="binary_crossentropy")
    model.build()              # the model's seed draws the weights (a layer's own forward would not)
    return model, X, y


def kernel_norms(model, grads):
    return [float(np.linalg.norm(grads[f"{layer.name}/W"])) for layer in model.layers if isinstance(layer, Dense)]


def expected_norms(model, X, y):
    model.compute_gradients(X, y)
    return kernel_norms(model, model.grads)


def bar_heights(app):
    return [bar.get_height() for bar in app.bars if bar.get_visible()]


def text(widget):
    """The words an HTML readout shows: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", widget.value))


def test_builds_with_no_arguments_and_displays():
    app = GradientFlow()
    assert set(app.controls) >= CONTROLS
    assert "application/vnd.jupyter.widget-view+json" in app._repr_mimebundle_()
    assert app.status.value == ""


def test_default_shows_vanishing_gradients_of_the_same_network():
    app = GradientFlow()
    model, X, y = reference()
    np.testing.assert_array_equal(app.X, X)
    for got, want in zip(app.model.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(got, want)
    norms = expected_norms(model, X, y)
    assert len(app.grad_norms) == 11                      # 10 hidden layers and the output
    np.testing.assert_allclose(app.grad_norms, norms, rtol=1e-12)
    np.testing.assert_allclose(bar_heights(app), norms, rtol=1e-12)
    assert norms[0] / norms[-1] < 1e-4                    # orders of magnitude toward the input
    verdict = text(app.summary)
    assert "vanishing" in verdict and f"{norms[0] / norms[-1]:.0e}" in verdict
    assert verdict == app.verdict()
    assert app.axes["gradients"].get_yscale() == "log"
    assert not app.after_clip.get_visible() and not app.clip_line.get_visible()


def test_activation_histograms_are_the_hidden_layers_outputs():
    app = GradientFlow(depth=4, units=16, activation="tanh")
    model, X, y = reference(depth=4, units=16, activation="tanh")
    image = app.image.get_array()
    assert image.shape == (BINS, 4)
    lo, hi = VALUE_RANGES["tanh"]
    out = X
    for i, layer in enumerate(model.layers[:-1]):
        out = layer.forward(out, training=True)
        counts = np.histogram(np.clip(out, lo, hi), bins=np.linspace(lo, hi, BINS + 1))[0]
        np.testing.assert_allclose(image[:, i], counts / out.size)
        np.testing.assert_allclose(app.activations[i], out)
    assert app.image.get_extent() == [0.5, 4.5, lo, hi]
    assert app.axes["activations"].get_ylim() == (lo, hi)


def test_relu_with_he_initialization_is_healthy():
    app = GradientFlow()
    app.controls["activation"].value = "relu"
    app.controls["initializer"].value = "he_normal"
    model, X, y = reference(activation="relu", initializer="he_normal")
    norms = expected_norms(model, X, y)
    np.testing.assert_allclose(app.grad_norms, norms, rtol=1e-12)
    assert 1e-2 < norms[0] / norms[-1] < 1e2
    assert text(app.summary).endswith("healthy")
    assert app.controls["init_scale"].disabled


def test_batch_norm_fixes_the_deep_sigmoid():
    app = GradientFlow(depth=20)
    assert "vanishing" in text(app.summary)
    app.controls["batch_norm"].value = True
    model, X, y = reference(depth=20, batch_norm=True)
    norms = expected_norms(model, X, y)
    np.testing.assert_allclose(app.grad_norms, norms, rtol=1e-10)
    assert len(app.grad_norms) == 21
    assert sum(isinstance(layer, BatchNormalization) for layer in app.model.layers) == 20
    assert "vanishing" not in text(app.summary)
    assert 1e-2 < norms[0] / norms[-1] < 1e2


def test_large_initial_weights_explode():
    app = GradientFlow(activation="tanh", initializer="random_normal", init_scale=1.0, depth=20)
    model, X, y = reference(activation="tanh", initializer="random_normal", init_scale=1.0, depth=20)
    norms = expected_norms(model, X, y)
    np.testing.assert_allclose(app.grad_norms, norms, rtol=1e-12)
    assert norms[0] / norms[-1] > 1e2
    assert text(app.summary).endswith("exploding")
    assert not app.controls["init_scale"].disabled
    # the init_scale slider redraws the weights: small weights make every gradient vanish
    # (evenly: the signal fades forward as the gradient fades backward, so the ratio is near 1)
    app.controls["init_scale"].value = 0.01
    model, X, y = reference(activation="tanh", initializer="random_normal", init_scale=0.01, depth=20)
    norms = expected_norms(model, X, y)
    np.testing.assert_allclose(app.grad_norms, norms, rtol=1e-12)
    assert max(norms) < 1e-20
    assert text(app.summary).endswith(f"every norm is below {max(norms):.0e}: vanishing")


def test_clipping_shows_the_norms_after_the_optimizers_clip():
    app = GradientFlow(activation="relu", initializer="random_normal", init_scale=0.5)
    assert "exploding" in text(app.summary)
    assert app.controls["clipnorm_value"].disabled          # "clip at" means nothing without clipping
    app.controls["clipnorm_value"].value = 1.0
    app.controls["clipnorm"].value = True
    assert not app.controls["clipnorm_value"].disabled
    model, X, y = reference(activation="relu", initializer="random_normal", init_scale=0.5, clipnorm=1.0)
    model.compute_gradients(X, y)
    before = kernel_norms(model, model.grads)
    after = kernel_norms(model, model.optimizer.clip(model.grads))
    np.testing.assert_allclose(app.grad_norms, before, rtol=1e-12)
    np.testing.assert_allclose(app.clipped_norms, after, rtol=1e-12)
    np.testing.assert_allclose(app.after_clip.get_ydata(), after, rtol=1e-12)
    np.testing.assert_allclose(bar_heights(app), before, rtol=1e-12)   # the bars stay "before"
    assert max(after) <= 1.0 + 1e-12 and min(before) > 1.0
    assert app.after_clip.get_visible() and app.clip_line.get_visible()
    assert {"after clipping", "clipnorm"} <= {t.get_text() for t in app.legend.get_texts()}
    assert list(app.clip_line.get_ydata()) == [1.0, 1.0]
    assert f"({len(before)}/{len(before)} clipped)" in text(app.setup)
    assert app.model.optimizer.clipnorm == 1.0
    app.controls["clipnorm"].value = False
    assert app.model.optimizer.clipnorm is None
    assert not app.after_clip.get_visible()
    assert "after clipping" not in {t.get_text() for t in app.legend.get_texts()}
    assert app.controls["clipnorm_value"].disabled


def test_train_takes_the_same_sgd_steps_with_clipping():
    app = GradientFlow(depth=3, units=8, activation="relu", initializer="random_normal", init_scale=0.8,
                       clipnorm=0.5, learning_rate=0.05, steps=7)
    model, X, y = reference(depth=3, units=8, activation="relu", initializer="random_normal", init_scale=0.8,
                            clipnorm=0.5, learning_rate=0.05)
    app.controls["train"].click()
    for _ in range(7):
        model.train_step(X, y)
    for got, want in zip(app.model.get_weights(), model.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    loss = model.compute_gradients(X, y)
    assert app.loss == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose(app.grad_norms, kernel_norms(model, model.grads), rtol=1e-10)
    assert app.steps_done == 7 and "after 7 steps" in text(app.setup)
    assert "trained 7 steps" in app.status.value


def test_divergence_is_reported():
    app = GradientFlow(activation="relu", initializer="random_normal", init_scale=2.0, learning_rate=10.0,
                       steps=50)
    app.controls["train"].click()
    assert "diverged" in app.status.value


def test_depth_changes_the_number_of_bars():
    app = GradientFlow()
    app.controls["depth"].value = 3
    assert len(bar_heights(app)) == 4 and len(app.grad_norms) == 4
    # hidden layers at 1, 2, 3, the output in its own slot: the axis does not move with depth
    assert [bar.get_x() + bar.get_width() / 2 for bar in app.bars if bar.get_visible()] == [1, 2, 3, OUT_X]
    labels = [t.get_text() for t in app.axes["gradients"].get_xticklabels()]
    assert labels == ["1", "5", "10", "15", "20", "out"]
    assert app.image.get_array().shape == (BINS, 3)
    model, X, y = reference(depth=3)
    np.testing.assert_allclose(app.grad_norms, expected_norms(model, X, y), rtol=1e-12)
    app.controls["units"].value = 5
    assert app.model.layers[0].params["W"].shape == (2, 5)


def test_resample_draws_the_next_seeds_weights():
    app = GradientFlow(depth=3)
    app.controls["resample"].click()
    model, X, y = reference(depth=3, seed=1)
    for got, want in zip(app.model.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(app.X, X)                  # the batch stays fixed
    np.testing.assert_allclose(app.grad_norms, expected_norms(model, X, y), rtol=1e-12)


def test_reset_restores_the_initial_state():
    app = GradientFlow(depth=5, units=16)
    initial = {name: app.controls[name].value for name in CONTROLS - {"train", "resample", "reset"}}
    norms, verdict = list(app.grad_norms), text(app.summary)
    app.controls["resample"].click()
    app.controls["activation"].value = "elu"
    app.controls["batch_norm"].value = True
    app.controls["clipnorm"].value = True
    app.controls["depth"].value = 12
    app.controls["train"].click()
    app.controls["reset"].click()
    assert {name: app.controls[name].value for name in initial} == initial
    assert app.grad_norms == norms and text(app.summary) == verdict
    assert app.steps_done == 0
    model, X, y = reference(depth=5, units=16)
    for got, want in zip(app.model.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(got, want)


def test_an_error_in_a_callback_is_shown(monkeypatch):
    app = GradientFlow(depth=3)

    def broken(*args, **kwargs):
        raise RuntimeError("boom in compute_gradients")

    monkeypatch.setattr(app.model, "compute_gradients", broken)
    app.controls["train"].click()                           # keeps the model, steps it
    assert "boom in compute_gradients" in app.status.value
    assert isinstance(app.last_error, RuntimeError)
    app.controls["depth"].value = 4                         # a new model: the app works again
    assert app.status.value == ""


@pytest.mark.parametrize("kwargs, error, name", [
    ({"depth": 1}, ValueError, "depth"),
    ({"depth": 21}, ValueError, "depth"),
    ({"depth": 3.5}, TypeError, "depth"),
    ({"units": 0}, ValueError, "units"),
    ({"activation": "softmax"}, ValueError, "activation"),
    ({"initializer": "zeros"}, ValueError, "initializer"),
    ({"init_scale": 0.0}, ValueError, "init_scale"),
    ({"init_scale": "big"}, TypeError, "init_scale"),
    ({"batch_norm": 1}, TypeError, "batch_norm"),
    ({"clipnorm": -1.0}, ValueError, "clipnorm"),
    ({"learning_rate": 0.0}, ValueError, "learning_rate"),
    ({"steps": 0}, ValueError, "steps"),
    ({"seed": -1}, ValueError, "seed"),
])
def test_bad_arguments_name_the_argument(kwargs, error, name):
    with pytest.raises(error, match=name):
        GradientFlow(**kwargs)


def test_keyword_arguments_open_the_app_in_that_state():
    app = GradientFlow(depth=4, units=8, activation="elu", initializer="he_uniform", batch_norm=True,
                       clipnorm=0.3, learning_rate=0.5, steps=3, seed=2)
    c = app.controls
    assert (c["depth"].value, c["units"].value, c["activation"].value, c["initializer"].value) == \
        (4, 8, "elu", "he_uniform")
    assert c["batch_norm"].value and c["clipnorm"].value
    assert c["clipnorm_value"].value == pytest.approx(0.3) and c["learning_rate"].value == pytest.approx(0.5)
    model, X, y = reference(depth=4, units=8, activation="elu", initializer="he_uniform", batch_norm=True,
                            clipnorm=0.3, seed=2)
    # the trainable arrays (BatchNormalization's moving statistics moved with the app's forward passes)
    assert app.model.params.keys() == model.params.keys()
    for key, value in model.params.items():
        np.testing.assert_array_equal(app.model.params[key], value)


def test_the_numbers_are_pure_functions_of_the_state():
    """build_network, flow and diagnose work without any widget."""
    state = {"depth": 4, "units": 8, "activation": "tanh", "initializer": "glorot_uniform", "init_scale": 0.05,
             "batch_norm": False, "clipnorm": False, "clipnorm_value": 1.0, "learning_rate": 0.1}
    model, X, y = reference(depth=4, units=8, activation="tanh")
    built = build_network(state, seed=0)
    for got, want in zip(built.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(got, want)
    result = flow(built, X, y)
    np.testing.assert_allclose(result["grad_norms"], expected_norms(model, X, y), rtol=1e-12)
    assert result["clipped_norms"] == result["grad_norms"]              # no clipping
    assert [a.shape for a in result["activations"]] == [(200, 8)] * 4
    assert diagnose(result["grad_norms"]) == GradientFlow(depth=4, units=8, activation="tanh").verdict()


def test_sliders_keep_the_axes_and_a_configuration_sets_them():
    """A slider only moves the bars and the image (so it can blit); the initializer sets the decades."""
    app = GradientFlow()
    ax_g, ax_a = app.axes["gradients"], app.axes["activations"]
    limits = (ax_g.get_xlim(), ax_g.get_ylim(), ax_a.get_xlim(), ax_a.get_ylim())
    for name, value in (("depth", 20), ("depth", 2), ("units", 128), ("learning_rate", 1.0)):
        app.controls[name].value = value
        assert (ax_g.get_xlim(), ax_g.get_ylim(), ax_a.get_xlim(), ax_a.get_ylim()) == limits
    app.controls["initializer"].value = "random_normal"
    assert ax_g.get_ylim() == pytest.approx((1e-40, 1e20))
    app.controls["init_scale"].value = 3.0
    assert ax_g.get_ylim() == pytest.approx((1e-40, 1e20))


def test_overflow_and_norms_off_the_scale_are_marked():
    app = GradientFlow(activation="relu", initializer="random_normal", init_scale=10.0, depth=20, units=128)
    norms = np.array(app.grad_norms)
    lo, hi = app.axes["gradients"].get_ylim()
    assert np.all(np.isfinite(norms)) and np.all(norms > hi)           # about 1e37: above the decades
    np.testing.assert_array_equal(app.off_top.get_xdata(), [*range(1, 21), OUT_X])
    assert len(app.off_bottom.get_xdata()) == 0
    app = GradientFlow(activation="tanh", initializer="random_normal", init_scale=0.001, depth=20)
    below = np.array(app.grad_norms) < app.axes["gradients"].get_ylim()[0]
    assert below.any() and len(app.off_bottom.get_xdata()) == below.sum()
    # a run that diverges: every norm is NaN, drawn as a hatched bar to the top
    app = GradientFlow(activation="relu", initializer="random_normal", init_scale=2.0, learning_rate=10.0,
                       steps=50)
    app.controls["train"].click()
    assert not np.any(np.isfinite(app.grad_norms))
    for bar in (bar for bar in app.bars if bar.get_visible()):
        assert bar.get_hatch() and bar.get_height() == pytest.approx(hi)
    assert text(app.summary).endswith("exploding")


def test_the_readout_says_every_layers_norm():
    app = GradientFlow(depth=3, clipnorm=0.01)
    said = text(app.readout)
    for name, norm in zip(["1", "2", "3", "out"], app.grad_norms):
        assert f"{name}: {norm:.2g}" in said
    assert "after clipping" in said
    assert app.fig.canvas.view.alt.strip()


def test_the_app_fits_a_laptops_notebook_column():
    app = GradientFlow()
    width, height = app.fig.get_size_inches() * app.fig.dpi
    assert width <= 900 and height <= 420
    with pytest.raises(ValueError, match="figsize"):
        GradientFlow(figsize=(20, 4))
    with pytest.raises(TypeError, match="figsize"):
        GradientFlow(figsize=9)
