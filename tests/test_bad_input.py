"""Bad input: each mistake raises a ValueError or TypeError whose message names the
argument (and, for names, lists the valid ones), before any work is done."""
import numpy as np
import pytest

from backprop import (Activation, BatchNormalization, Dense, Dropout, EarlyStopping, Sequential, Value,
                      activations, initializers, losses, optimizers, regularizers)
from backprop.gradcheck import numerical_gradient
from backprop.graph import trace
from backprop.layers import Layer
from backprop.losses import BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy
from backprop.optimizers import SGD, Adam, RMSprop


def compiled(loss="mse", out=1, out_activation=None, metrics=None, seed=0):
    model = Sequential([Dense(4, activation="tanh", input_shape=(3,)), Dense(out, activation=out_activation)],
                       seed=seed)
    model.compile(SGD(0.1), loss, metrics=metrics)
    return model


def assert_untouched(model, before):
    after = model.get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(before, after))
    assert model.optimizer.iterations == 0


X = np.random.default_rng(0).standard_normal((12, 3))
Y = np.random.default_rng(1).standard_normal((12, 1))


# ---- unknown names: the message lists the valid ones --------------------------------------------

@pytest.mark.parametrize("make,arg,valid", [
    (lambda: Dense(3, activation="sigmoidd"), "activation", activations.NAMES),
    (lambda: Activation("swish"), "activation", activations.NAMES),
    (lambda: Dense(3, kernel_initializer="xavier"), "initializer", initializers.NAMES),
    (lambda: Dense(3, kernel_regularizer="l3"), "regularizer", regularizers.NAMES),
    (lambda: compiled().compile(optimizer="adamw", loss="mse"), "optimizer", optimizers.NAMES),
    (lambda: compiled().compile(optimizer="sgd", loss="mean_cubic_error"), "loss", losses.NAMES),
    (lambda: compiled().compile(optimizer="sgd", loss="mse", metrics=["f1"]), "metric", ("accuracy", "mae")),
    (lambda: EarlyStopping(mode="up"), "mode", ("auto", "min", "max")),
    (lambda: Sequential(dtype="float16"), "dtype", ("float32", "float64")),
])
def test_unknown_names_list_the_valid_ones(make, arg, valid):
    with pytest.raises(ValueError, match=f"unknown {arg}") as info:
        make()
    for name in valid:
        assert repr(name) in str(info.value), name


@pytest.mark.parametrize("make,arg", [
    (lambda: Dense(3, activation=3), "activation"),
    (lambda: compiled().compile(optimizer=0.1, loss="mse"), "optimizer"),
    (lambda: compiled().compile(optimizer="sgd", loss=len), "loss"),
    (lambda: compiled().compile(optimizer="sgd", loss="mse", metrics="accuracy"), "metrics"),
])
def test_names_of_the_wrong_type(make, arg):
    with pytest.raises(TypeError, match=arg):
        make()


def test_compile_needs_a_loss():
    with pytest.raises(ValueError, match="loss must be given.*'mse'"):
        Sequential([Dense(1)]).compile("sgd")


# ---- numbers out of range ---------------------------------------------------------------------

@pytest.mark.parametrize("make,arg", [
    (lambda: SGD(learning_rate=0.0), "learning_rate"),
    (lambda: SGD(learning_rate=-0.1), "learning_rate"),
    (lambda: Adam(learning_rate=-1e-3), "learning_rate"),
    (lambda: RMSprop(learning_rate=float("nan")), "learning_rate"),
    (lambda: SGD(momentum=-0.5), "momentum"),
    (lambda: SGD(momentum=1.5), "momentum"),
    (lambda: Adam(beta_1=1.0), "beta_1"),
    (lambda: Adam(beta_2=-0.1), "beta_2"),
    (lambda: Adam(epsilon=0.0), "epsilon"),
    (lambda: RMSprop(rho=2.0), "rho"),
    (lambda: SGD(clipnorm=0.0), "clipnorm"),
    (lambda: SGD(clipvalue=-1.0), "clipvalue"),
    (lambda: SGD(global_clipnorm=-1.0), "global_clipnorm"),
    (lambda: Dense(0), "units"),
    (lambda: Dense(-3), "units"),
    (lambda: Dropout(1.0), "rate"),
    (lambda: Dropout(-0.1), "rate"),
    (lambda: BatchNormalization(momentum=1.5), "momentum"),
    (lambda: BatchNormalization(epsilon=0.0), "epsilon"),
    (lambda: regularizers.L2(-0.01), "l2"),
    (lambda: regularizers.L1(-0.01), "l1"),
    (lambda: activations.LeakyReLU(-0.2), "negative_slope"),
    (lambda: Dense(3, input_shape=(0,)), r"input_shape\[0\]"),
    (lambda: Dense(3, input_shape=(2, 2)), "input_shape"),
    (lambda: EarlyStopping(patience=-1), "patience"),
    (lambda: numerical_gradient(lambda: 0.0, np.zeros(2), h=0.0), "h"),
])
def test_numbers_out_of_range(make, arg):
    with pytest.raises(ValueError, match=arg):
        make()


@pytest.mark.parametrize("make,arg", [
    (lambda: SGD(learning_rate="fast"), "learning_rate"),
    (lambda: SGD(learning_rate=True), "learning_rate"),
    (lambda: SGD(nesterov=1), "nesterov"),
    (lambda: Dense(2.5), "units"),
    (lambda: Dense("3"), "units"),
    (lambda: Dense(3, use_bias="yes"), "use_bias"),
    (lambda: Dense(3, name=7), "name"),
    (lambda: Dense(3, seed=1.5), "seed"),
    (lambda: Sequential(seed="zero"), "seed"),
    (lambda: Sequential(layers=Dense(3)), "layers"),
    (lambda: Sequential().add("dense"), "layer"),
    (lambda: BinaryCrossentropy(from_logits="no"), "from_logits"),
    (lambda: CategoricalCrossentropy(from_logits=None), "from_logits"),
    (lambda: EarlyStopping(monitor=3), "monitor"),
    (lambda: numerical_gradient(3.0, np.zeros(2)), "f"),
    (lambda: numerical_gradient(lambda: 0.0, [1.0, 2.0]), "x"),
    (lambda: numerical_gradient(lambda: 0.0, np.zeros(2, dtype=int)), "x"),
    (lambda: trace(1.0), "root"),
])
def test_wrong_types(make, arg):
    with pytest.raises(TypeError, match=arg):
        make()


# ---- Value ---------------------------------------------------------------------------------------

def test_value_bad_input():
    with pytest.raises(TypeError, match="data"):
        Value("1.0")
    with pytest.raises(TypeError, match="data"):
        Value(True)
    with pytest.raises(TypeError, match="data"):
        Value([1.0])
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)
    with pytest.raises(TypeError, match="other"):
        Value(1.0) + "a"
    with pytest.raises(TypeError, match="other"):
        "a" * Value(1.0)
    with pytest.raises(TypeError, match="exponent"):
        Value(2.0) ** "2"
    with pytest.raises(ValueError, match="base must be positive"):
        Value(-2.0) ** Value(2.0)
    with pytest.raises(ValueError, match="positive"):
        Value(0.0).log()
    with pytest.raises(ZeroDivisionError, match="0"):
        Value(1.0) / Value(0.0)


# ---- data: shapes, lengths, NaN, types, labels ------------------------------------------------------

@pytest.mark.parametrize("call,exc,match", [
    (lambda m: m.fit(X[:, :2], Y, verbose=0), ValueError, r"x must have 3 features.*\(12, 2\)"),
    (lambda m: m.fit(X[0], Y, verbose=0), ValueError, r"x must have 2 dimensions.*\(3,\)"),
    (lambda m: m.fit(X, Y[:10], verbose=0), ValueError, "x and y must have the same number of samples, got 12 and 10"),
    (lambda m: m.fit(X, np.ones((12, 2)), verbose=0), ValueError, r"y_true must have the shape of y_pred \(12, 1\)"),
    (lambda m: m.fit(X, Y[:, :, None], verbose=0), ValueError, "y must have 1 or 2 dimensions"),
    (lambda m: m.fit(np.where(np.eye(12, 3) > 0, np.nan, X), Y, verbose=0), ValueError, "x must contain only finite"),
    (lambda m: m.fit(X, np.where(np.arange(12)[:, None] == 5, np.inf, Y), verbose=0), ValueError,
     "y must contain only finite"),
    (lambda m: m.fit("data.csv", Y, verbose=0), TypeError, "x must be an array of numbers"),
    (lambda m: m.fit(X, None, verbose=0), TypeError, "y must be an array of numbers"),
    (lambda m: m.fit(X, [["a"]] * 12, verbose=0), TypeError, "y must be an array of numbers"),
    (lambda m: m.fit(X, Y, batch_size=0, verbose=0), ValueError, "batch_size"),
    (lambda m: m.fit(X, Y, batch_size=2.5, verbose=0), TypeError, "batch_size"),
    (lambda m: m.fit(X, Y, epochs=-1, verbose=0), ValueError, "epochs"),
    (lambda m: m.fit(X, Y, verbose=3), ValueError, "verbose"),
    (lambda m: m.fit(X, Y, shuffle="yes", verbose=0), TypeError, "shuffle"),
    (lambda m: m.fit(X, Y, validation_split=1.0, verbose=0), ValueError, "validation_split"),
    (lambda m: m.fit(X, Y, validation_split=0.01, verbose=0), ValueError, "validation_split.*no samples"),
    (lambda m: m.fit(X, Y, validation_data=X, verbose=0), TypeError, "validation_data"),
    (lambda m: m.fit(X, Y, validation_data=(X[:, :2], Y), verbose=0), ValueError, r"validation_data\[0\]"),
    (lambda m: m.fit(X, Y, validation_data=(X, Y[:3]), verbose=0), ValueError,
     r"validation_data\[0\] and validation_data\[1\] must have the same number"),
    (lambda m: m.fit(X, Y, validation_data=(X, Y * np.nan), verbose=0), ValueError, r"validation_data\[1\]"),
    (lambda m: m.fit(X, Y, callbacks=[print], verbose=0), TypeError, "callbacks"),
])
def test_fit_rejects_bad_input_before_any_work(call, exc, match):
    model = compiled()
    before = model.get_weights()
    with pytest.raises(exc, match=match):
        call(model)
    assert_untouched(model, before)


def test_sparse_labels_out_of_range_are_caught_before_the_first_batch():
    # only the last sample is wrong: no batch may be trained before the error
    y = np.random.default_rng(2).integers(0, 3, 12)
    for bad in (3, -1, 1.5):
        labels = y.astype(float)
        labels[-1] = bad
        model = compiled("sparse_categorical_crossentropy", out=3, out_activation="softmax", metrics=["accuracy"])
        before = model.get_weights()
        with pytest.raises(ValueError, match=r"y_true must be integer labels in \[0, 3\)"):
            model.fit(X, labels, batch_size=2, shuffle=False, verbose=0)
        assert_untouched(model, before)
        with pytest.raises(ValueError, match=r"integer labels in \[0, 3\)"):
            model.evaluate(X, labels)
        with pytest.raises(ValueError, match=r"integer labels in \[0, 3\)"):
            model.fit(X, y, validation_data=(X, labels), verbose=0)
        assert_untouched(model, before)
    with pytest.raises(ValueError, match="one integer label per row"):
        SparseCategoricalCrossentropy()(np.array([0, 1]), np.full((3, 2), 0.5))


def test_binary_labels_out_of_range():
    model = compiled("binary_crossentropy", out_activation="sigmoid")
    before = model.get_weights()
    y = (Y > 0).astype(float)
    y[-1] = 2.0
    with pytest.raises(ValueError, match=r"y_true must be labels in \[0, 1\].*binary_crossentropy"):
        model.fit(X, y, batch_size=4, shuffle=False, verbose=0)
    assert_untouched(model, before)
    with pytest.raises(ValueError, match=r"labels in \[0, 1\]"):
        BinaryCrossentropy()([-1.0], [0.5])


def test_a_batch_normalization_model_is_untouched_by_a_failed_fit():
    # batch normalization's moving statistics change in every training forward: none may run
    model = Sequential([Dense(4, input_shape=(3,)), BatchNormalization(), Dense(2, activation="softmax")], seed=0)
    model.compile("adam", "sparse_categorical_crossentropy")
    before = model.get_weights()
    labels = np.zeros(12)
    labels[-1] = 2
    with pytest.raises(ValueError, match="y_true"):
        model.fit(X, labels, batch_size=4, shuffle=False, verbose=0)
    assert_untouched(model, before)


@pytest.mark.parametrize("call,exc,match", [
    (lambda m: m.predict(X[:, :1]), ValueError, "x must have 3 features"),
    (lambda m: m.predict(np.full((2, 3), np.nan)), ValueError, "x must contain only finite"),
    (lambda m: m.predict(X, batch_size=0), ValueError, "batch_size"),
    (lambda m: m.evaluate(X, Y[:5]), ValueError, "same number of samples"),
    (lambda m: m.evaluate(X, Y + np.inf), ValueError, "y must contain only finite"),
    (lambda m: m.compute_gradients(X, Y[:4]), ValueError, "same number of samples"),
    (lambda m: m.train_step(X, {"y": 1}), TypeError, "y must be an array"),
    (lambda m: m.forward([[1.0, 2.0]]), ValueError, "3 features"),
    (lambda m: m.backward(np.ones((12, 1))), RuntimeError, "before backward"),
])
def test_other_model_calls(call, exc, match):
    model = compiled()
    before = model.get_weights()
    with pytest.raises(exc, match=match):
        call(model)
    assert_untouched(model, before)


def test_fit_before_compile_and_duplicate_layers():
    with pytest.raises(RuntimeError, match="compile"):
        Sequential([Dense(1, input_shape=(3,))], seed=0).fit(X, Y)
    layer = Dense(2)
    model = Sequential([layer])
    with pytest.raises(ValueError, match="already in this model"):
        model.add(layer)
    with pytest.raises(ValueError, match="name 'x' is already used"):
        Sequential([Dense(2, name="x"), Dense(2, name="x")])


def test_layer_calls():
    layer = Dense(2, seed=0)
    layer.forward(np.ones((3, 4)))
    with pytest.raises(ValueError, match=r"x must have 4 features.*\(3, 5\)"):
        layer.forward(np.ones((3, 5)))
    with pytest.raises(ValueError, match="x must be 2-D"):
        layer.forward(np.ones(4))
    with pytest.raises(ValueError, match=r"dout must have the shape of the last output \(3, 2\)"):
        layer.backward(np.ones((3, 3)))
    with pytest.raises(ValueError, match="dout must contain only finite"):
        layer.backward([[np.nan] * 2] * 3)        # (an ndarray of the right shape is taken as it is)
    with pytest.raises(TypeError, match="x must be an array"):
        layer.forward("x")
    with pytest.raises(ValueError, match=r"input_shape\[0\] must be >= 1, got 0"):
        Layer().build(0)


@pytest.mark.parametrize("loss,y_true,y_pred,exc,match", [
    (losses.MeanSquaredError(), [1.0, 2.0], [[1.0], [2.0], [3.0]], ValueError, "y_true must have the shape"),
    (losses.MeanSquaredError(), [1.0], [[[1.0]]], ValueError, "y_pred must have 1 or 2 dimensions"),
    (losses.MeanSquaredError(), [np.nan], [1.0], ValueError, "y_true must contain only finite"),
    (losses.MeanSquaredError(), [1.0], "1.0", TypeError, "y_pred"),
    (CategoricalCrossentropy(), [1.0, 0.0], [0.5, 0.5], ValueError, r"y_pred must be 2-D \(N, C\)"),
])
def test_loss_calls(loss, y_true, y_pred, exc, match):
    with pytest.raises(exc, match=match):
        loss(y_true, y_pred)


def test_optimizer_apply_checks_its_dicts():
    opt = SGD()
    with pytest.raises(ValueError, match="params and grads must be dicts with the same keys"):
        opt.apply({"w": np.zeros(2)}, {"v": np.zeros(2)})
    with pytest.raises(ValueError, match="params and grads"):
        opt.apply([np.zeros(2)], [np.zeros(2)])
    assert opt.iterations == 0


def test_clipnorm_and_global_clipnorm_together_are_refused():
    with pytest.raises(ValueError, match="clipnorm"):
        SGD(clipnorm=1.0, global_clipnorm=1.0)


@pytest.mark.parametrize("make,words", [
    (lambda: Value(0.0) ** 0.5, "no derivative"),
    (lambda: Value(-8.0) ** (1 / 3), "whole-number exponent"),
    (lambda: Sequential(seed=-1), "seed"),
    (lambda: Dense(3, seed=-1), "seed"),
])
def test_value_powers_and_negative_seeds_say_what_is_wrong(make, words):
    with pytest.raises(ValueError, match=words):
        make()
