"""``Sequential``: Keras's semantics (shapes, names, compile/fit/evaluate/predict/summary,
batches, validation, callbacks, weights, dtype, seeds) and divergence reporting."""
import math
import re
import warnings

import numpy as np
import pytest

from backprop import (Activation, BatchNormalization, Dense, DivergenceWarning, Dropout, EarlyStopping,
                      History, Sequential)
from backprop import metrics
from backprop.callbacks import LambdaCallback
from backprop.losses import BinaryCrossentropy, MeanSquaredError
from backprop.optimizers import SGD, Adam, RMSprop


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def mlp(seed=0, dtype="float64", D=3, out=1, out_activation=None, hidden="tanh"):
    return Sequential([Dense(8, activation=hidden, input_shape=(D,)), Dense(out, activation=out_activation)],
                      seed=seed, dtype=dtype)


def weights_equal(a, b):
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


# ---- building ----------------------------------------------------------------------------------

def test_kernel_shapes_names_and_forward():
    model = Sequential([Dense(4, activation="relu", input_shape=(3,)), Dense(2, activation="sigmoid")], seed=0)
    W1, b1, W2, b2 = model.get_weights()                 # Keras's order
    assert (W1.shape, b1.shape, W2.shape, b2.shape) == ((3, 4), (4,), (4, 2), (2,))
    assert list(model.params) == ["dense/W", "dense/b", "dense_1/W", "dense_1/b"]
    assert model.params.keys() == model.grads.keys()
    X = np.random.default_rng(0).standard_normal((5, 3))
    expected = _sigmoid(np.maximum(X @ W1 + b1, 0) @ W2 + b2)
    np.testing.assert_allclose(model.predict(X), expected, rtol=1e-12)
    np.testing.assert_allclose(model.forward(X), expected, rtol=1e-12)


def test_lazy_build_from_the_data():
    model = Sequential([Dense(2)], seed=0)
    assert not model.built
    with pytest.raises(RuntimeError, match="no weights yet"):
        model.get_weights()
    model.predict(np.zeros((1, 6)))
    assert model.built and model.get_weights()[0].shape == (6, 2)


def test_add_names_layers_like_keras():
    model = Sequential(seed=0)
    for layer in (Dense(3, input_shape=(2,)), Dense(3), Dropout(0.2), BatchNormalization(), Activation("relu")):
        model.add(layer)
    assert [l.name for l in model.layers] == ["dense", "dense_1", "dropout", "batch_normalization", "activation"]


def test_summary_counts_parameters(capsys):
    model = Sequential([Dense(64, activation="relu", input_shape=(10,)), Dense(32, activation="relu"),
                        Dense(1, activation="sigmoid"), BatchNormalization()], seed=0)
    model.summary()
    text = capsys.readouterr().out
    # by hand: 10*64 + 64 = 704, 64*32 + 32 = 2080, 32*1 + 1 = 33, batch norm 4 * 1 (2 trainable)
    for piece in ["dense (Dense)", "(None, 64)", "704", "dense_1 (Dense)", "(None, 32)", "2,080",
                  "dense_2 (Dense)", "(None, 1)", "33", "batch_normalization (BatchNormalization)",
                  "Total params: 2,821", "Trainable params: 2,819", "Non-trainable params: 2"]:
        assert piece in text, piece
    assert model.count_params() == 2821
    lines = []
    model.summary(print_fn=lines.append)
    assert lines and "Total params: 2,821" in lines[0]


# ---- compile: string names ----------------------------------------------------------------------

def test_compile_takes_keras_names():
    model = mlp()
    for name, cls in [("sgd", SGD), ("rmsprop", RMSprop), ("adam", Adam)]:
        model.compile(optimizer=name, loss="mse")
        assert type(model.optimizer) is cls
    model.compile(loss="mean_squared_error")
    assert type(model.optimizer) is RMSprop            # Keras's default optimizer
    model.compile("adam", "binary_crossentropy", metrics=["accuracy", "mae", "mse"])
    assert type(model.loss) is BinaryCrossentropy
    assert [name for name, _ in model.metrics] == ["accuracy", "mae", "mse"]
    opt = SGD(0.5)
    model.compile(optimizer=opt, loss=MeanSquaredError())
    assert model.optimizer is opt


def test_accuracy_follows_the_loss_as_in_keras():
    y_bin, p_bin = np.array([[1.0], [0.0], [1.0]]), np.array([[0.7], [0.6], [0.2]])
    assert metrics.get("accuracy", "binary_crossentropy")[1](y_bin, p_bin) == pytest.approx(1 / 3)
    Y, P = np.eye(3)[[0, 1, 2]], np.array([[0.8, 0.1, 0.1], [0.5, 0.4, 0.1], [0.1, 0.2, 0.7]])
    assert metrics.get("accuracy", "categorical_crossentropy")[1](Y, P) == pytest.approx(2 / 3)
    assert metrics.get("acc", "sparse_categorical_crossentropy")[1](np.array([0, 1, 2]), P) == pytest.approx(2 / 3)


# ---- fit -------------------------------------------------------------------------------------------

def test_fit_includes_the_last_partial_batch(regression_data):
    X, y = regression_data[0][:10], regression_data[1][:10]
    model = mlp()
    model.compile(SGD(), "mse")
    model.fit(X, y, epochs=1, batch_size=4, verbose=0)      # batches of 4, 4 and 2
    assert model.optimizer.iterations == 3
    model.fit(X, y, epochs=2, batch_size=4, verbose=0)
    assert model.optimizer.iterations == 3 + 6
    model.compile(SGD(), "mse")
    model.fit(regression_data[0], regression_data[1], epochs=1, verbose=0)   # 40 samples, default batch 32
    assert model.optimizer.iterations == 2


def test_one_epoch_one_batch_is_one_gradient_step(regression_data):
    X, y = regression_data
    a, b = mlp(seed=4), mlp(seed=4)
    for m in (a, b):
        m.compile(SGD(learning_rate=0.1), "mse")
    history = a.fit(X, y, epochs=1, batch_size=len(X), verbose=0)
    loss = b.compute_gradients(X, y)
    expected = [w - 0.1 * b.grads[k] for k, w in b.params.items()]        # w -= lr dL/dw
    for got, want in zip(a.get_weights(), expected):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    assert history.history["loss"] == [pytest.approx(loss, rel=1e-12)]   # the loss before the step


def test_train_step_returns_the_loss_before_the_step(regression_data):
    X, y = regression_data
    model = mlp()
    model.compile(SGD(learning_rate=0.05), "mse")
    W1, b1, W2, b2 = model.get_weights()
    by_hand = np.mean((np.tanh(X @ W1 + b1) @ W2 + b2 - y) ** 2)
    assert model.train_step(X, y) == pytest.approx(by_hand, rel=1e-12)
    assert model.train_step(X, y) < by_hand


def test_validation_split_takes_the_last_fraction(regression_data):
    X, y = regression_data[0][:10], regression_data[1][:10]
    a, b = mlp(seed=1), mlp(seed=1)
    for m in (a, b):
        m.compile(SGD(learning_rate=0.1), "mse")
    history = a.fit(X, y, epochs=1, batch_size=8, validation_split=0.2, shuffle=False, verbose=0)
    b.train_step(X[:8], y[:8])                           # trains on the first 8 only
    assert weights_equal(a.get_weights(), b.get_weights())
    assert history.history["val_loss"] == [pytest.approx(b.evaluate(X[8:], y[8:]), rel=1e-12)]


def test_validation_data_and_history_keys(blobs3):
    X, y = blobs3
    model = Sequential([Dense(8, activation="tanh", input_shape=(4,)), Dense(3, activation="softmax")], seed=0)
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(X[:45], y[:45], epochs=3, batch_size=16, validation_data=(X[45:], y[45:]), verbose=0)
    assert isinstance(history, History)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 3 for v in history.history.values()) and history.epoch == [0, 1, 2]
    assert not history.diverged and history.diverged_epoch is None
    # the last val_ numbers are evaluate's on the validation data
    p = model.predict(X[45:])
    by_hand_loss = -np.mean(np.log(p[np.arange(15), y[45:]]))
    by_hand_acc = np.mean(p.argmax(axis=1) == y[45:])
    assert history.history["val_loss"][-1] == pytest.approx(by_hand_loss, rel=1e-9)
    assert history.history["val_accuracy"][-1] == pytest.approx(by_hand_acc)
    assert model.evaluate(X[45:], y[45:]) == [pytest.approx(by_hand_loss, rel=1e-9), pytest.approx(by_hand_acc)]
    assert model.evaluate(X[45:], y[45:], return_dict=True)["accuracy"] == pytest.approx(by_hand_acc)


def test_training_accuracy_with_sparse_labels_is_the_argmax_match(blobs3):
    X, y = blobs3
    model = Sequential([Dense(3, activation="softmax", input_shape=(4,))], seed=0)   # one layer: fused output
    model.compile(SGD(learning_rate=1e-12), "sparse_categorical_crossentropy", metrics=["accuracy"])
    p = model.predict(X)
    history = model.fit(X, y, epochs=1, batch_size=len(X), verbose=0)
    assert history.history["accuracy"] == [pytest.approx(np.mean(p.argmax(axis=1) == y))]


@pytest.mark.parametrize("loss", ["binary_crossentropy", "sparse_categorical_crossentropy"])
def test_train_step_equals_compute_gradients_then_apply(blobs3, loss):
    # train_step hands the model's own dicts to the optimizer without re-checking them;
    # the public route, compute_gradients then optimizer.apply, must give the same bits
    X, y = blobs3
    if loss == "binary_crossentropy":
        y, out, activation = (y == 0).astype(float), 1, "sigmoid"
    else:
        out, activation = 3, "softmax"
    a, b = (Sequential([Dense(8, activation="tanh", input_shape=(4,)), Dense(out, activation=activation)], seed=3)
            for _ in range(2))
    for m in (a, b):
        m.compile(SGD(learning_rate=0.5), loss)
    for _ in range(3):
        value = b.compute_gradients(X, y)
        b.optimizer.apply(b.params, b.grads)
        assert a.train_step(X, y) == value
    assert weights_equal(a.get_weights(), b.get_weights())
    assert a.optimizer.iterations == b.optimizer.iterations == 3


def test_sparse_labels_train_as_one_hot_rows_do(blobs3):
    X, y = blobs3

    def model(loss):
        m = Sequential([Dense(8, activation="relu", input_shape=(4,)), Dense(3, activation="softmax")], seed=5)
        m.compile(SGD(learning_rate=0.5), loss)
        return m

    dense = model("categorical_crossentropy")
    sparse = {dtype: model("sparse_categorical_crossentropy") for dtype in (np.int64, np.int8, np.float64)}
    for _ in range(5):
        expected = dense.train_step(X, np.eye(3)[y])
        for dtype, m in sparse.items():
            assert m.train_step(X, y.astype(dtype)) == pytest.approx(expected, rel=1e-12)
    for m in sparse.values():
        assert weights_equal(m.get_weights(), sparse[np.int64].get_weights())    # any label dtype, same bits
        for got, want in zip(m.get_weights(), dense.get_weights()):
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_single_sigmoid_layer_gradient(regression_data):
    # logistic regression: dL/dW = X^T (p - y) / N, dL/db = mean(p - y)
    X = regression_data[0]
    y = (X[:, :1] > 0).astype(float)
    model = Sequential([Dense(1, activation="sigmoid", input_shape=(3,))], seed=0)
    model.compile("sgd", "binary_crossentropy")
    W, b = model.get_weights()
    p = _sigmoid(X @ W + b)
    loss = model.compute_gradients(X, y)
    assert loss == pytest.approx(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)), rel=1e-12)
    np.testing.assert_allclose(model.grads["dense/W"], X.T @ (p - y) / len(X), rtol=1e-12)
    np.testing.assert_allclose(model.grads["dense/b"], [np.mean(p - y)], rtol=1e-12)


def test_verbose(capsys, regression_data):
    X, y = regression_data
    model = mlp()
    model.compile("sgd", "mse", metrics=["mae"])
    model.fit(X, y, epochs=3, verbose=1)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    for i, line in enumerate(lines, start=1):
        assert line.startswith(f"Epoch {i}/3") and "loss: " in line and "mae: " in line
    model.fit(X, y, epochs=2, verbose=0)
    model.evaluate(X, y)
    model.predict(X)
    assert capsys.readouterr().out == ""
    model.fit(X, y, epochs=2)                                  # "auto", as in Keras, is 1
    assert len(capsys.readouterr().out.strip().splitlines()) == 2


def test_predict_is_inference_mode(regression_data):
    X, y = regression_data
    model = Sequential([Dense(16, activation="tanh", input_shape=(3,)), Dropout(0.5), BatchNormalization(),
                        Dense(1)], seed=3)
    model.compile("adam", "mse")
    model.fit(X, y, epochs=2, batch_size=8, verbose=0)
    p1, p2 = model.predict(X), model.predict(X)
    np.testing.assert_array_equal(p1, p2)                       # no dropout, no statistics update
    np.testing.assert_allclose(model.predict(X, batch_size=7), p1, rtol=1e-12)
    W1, b1, gamma, beta, mm, mv, W2, b2 = model.get_weights()
    h = np.tanh(X @ W1 + b1)
    expected = (gamma * (h - mm) / np.sqrt(mv + 1e-3) + beta) @ W2 + b2
    np.testing.assert_allclose(p1, expected, rtol=1e-10)
    assert model.evaluate(X, y) == pytest.approx(np.mean((expected - y) ** 2), rel=1e-9)


def test_shuffle_changes_the_batches_but_not_what_one_full_batch_learns(regression_data):
    X, y = regression_data
    runs = {}
    for shuffle in (True, False):
        for bs in (8, len(X)):
            m = mlp(seed=2)
            m.compile(SGD(0.1), "mse")
            m.fit(X, y, epochs=1, batch_size=bs, shuffle=shuffle, verbose=0)
            runs[shuffle, bs] = m.get_weights()
    assert not weights_equal(runs[True, 8], runs[False, 8])
    for a, b in zip(runs[True, len(X)], runs[False, len(X)]):   # same gradient, summed in another order
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-14)


# ---- callbacks ----------------------------------------------------------------------------------------

class _FakeModel:
    stop_training = False


@pytest.mark.parametrize("patience", [0, 1, 2, 3])
def test_early_stopping_waits_patience_epochs_without_improvement(patience):
    # Keras: "Number of epochs with no improvement after which training will be stopped"
    es = EarlyStopping(monitor="loss", patience=patience)
    es.set_model(_FakeModel())
    es.on_train_begin()
    losses = [1.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1]         # best at epoch 1, then no improvement
    for epoch, value in enumerate(losses):
        es.on_epoch_end(epoch, {"loss": value})
        if es.model.stop_training:
            break
    assert es.stopped_epoch == 1 + max(patience, 1)           # patience 0 and 1 both stop at the first


def test_early_stopping_in_fit_and_restore_best_weights(regression_data):
    X, y = regression_data
    # min_delta so large that only the first epoch counts as an improvement
    for patience, restore in [(0, False), (3, True)]:
        model = mlp()
        model.compile(SGD(0.05), "mse")
        seen = []
        record = LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(model.get_weights()))
        es = EarlyStopping(monitor="loss", min_delta=1e9, patience=patience, restore_best_weights=restore)
        history = model.fit(X, y, epochs=20, callbacks=[record, es], verbose=0)
        assert len(history.history["loss"]) == 1 + max(patience, 1)   # Keras's docs: patience 3 -> 4 epochs
        final = model.get_weights()
        if restore:
            assert weights_equal(final, seen[0]) and not weights_equal(final, seen[-1])
        else:
            assert weights_equal(final, seen[-1])


def test_early_stopping_monitors_accuracy_upwards():
    es = EarlyStopping(monitor="val_accuracy", patience=0)
    es.set_model(_FakeModel())
    es.on_train_begin()
    for epoch, acc in enumerate([0.5, 0.7, 0.6]):
        es.on_epoch_end(epoch, {"val_accuracy": acc})
    assert es.stopped_epoch == 2


# ---- weights -----------------------------------------------------------------------------------------

def test_get_and_set_weights():
    model = mlp(D=2)
    weights = model.get_weights()
    assert [w.shape for w in weights] == [(2, 8), (8,), (8, 1), (1,)]
    weights[0][...] = 7.0
    assert not np.any(model.get_weights()[0] == 7.0)          # copies, not the live arrays
    new = [np.full((2, 8), 0.1), np.full(8, -0.2), np.full((8, 1), 0.3), np.array([0.5])]
    model.set_weights(new)
    assert weights_equal(model.get_weights(), new)
    X = np.array([[1.0, 2.0]])
    assert model.predict(X)[0, 0] == pytest.approx(8 * 0.3 * np.tanh(0.1 + 0.2 - 0.2) + 0.5)
    with pytest.raises(ValueError, match=r"weights\[2\] must have shape \(8, 1\)"):
        model.set_weights([new[0], new[1], np.zeros((1, 8)), new[3]])
    with pytest.raises(ValueError, match="list of 4 arrays"):
        model.set_weights(new[:3])
    assert weights_equal(model.get_weights(), new)            # failed calls changed nothing


def test_set_weights_checks_every_array_before_changing_any():
    model = mlp(D=2)
    before = model.get_weights()
    bad = [w + 1.0 for w in before]
    bad[3] = np.array([np.nan])
    with pytest.raises(ValueError, match=r"weights\[3\].*finite"):
        model.set_weights(bad)
    assert weights_equal(model.get_weights(), before)


# ---- dtype and seeds -------------------------------------------------------------------------------------

def test_float32_on_request(regression_data):
    X, y = regression_data
    model = Sequential([Dense(8, activation="relu", input_shape=(3,)), BatchNormalization(), Dropout(0.1),
                        Dense(1)], seed=0, dtype="float32")
    model.compile("adam", "mse")
    assert all(w.dtype == np.float32 for w in model.get_weights())
    history = model.fit(X, y, epochs=3, batch_size=8, verbose=0)     # X and y are float64: converted
    assert all(w.dtype == np.float32 for w in model.get_weights())
    assert all(g.dtype == np.float32 for g in model.grads.values())
    assert model.predict(X).dtype == np.float32
    assert np.isfinite(history.history["loss"]).all() and history.history["loss"][-1] < history.history["loss"][0]
    assert Sequential([Dense(2)], seed=0, dtype=np.float32).dtype == np.float32
    assert mlp().get_weights()[0].dtype == np.float64                # the default


def _train(seed, X, y):
    model = Sequential([Dense(8, activation="relu", input_shape=(3,)), Dropout(0.3), Dense(1)], seed=seed)
    model.compile("adam", "mse")
    initial = model.get_weights()
    history = model.fit(X, y, epochs=3, batch_size=8, verbose=0)
    return initial, model.get_weights(), history.history["loss"], model.predict(X)


def test_same_seed_same_numbers_bit_for_bit(regression_data):
    X, y = regression_data
    a, b = _train(123, X, y), _train(123, X, y)
    assert weights_equal(a[0], b[0]) and weights_equal(a[1], b[1])
    assert a[2] == b[2] and np.array_equal(a[3], b[3])
    c = _train(124, X, y)
    assert not weights_equal(a[0], c[0]) and not weights_equal(a[1], c[1]) and a[2] != c[2]


def test_layer_seeds_override_the_model_seed():
    a = Sequential([Dense(3, input_shape=(2,), seed=5), Dense(1)], seed=0).get_weights()
    b = Sequential([Dense(3, input_shape=(2,), seed=5), Dense(1)], seed=1).get_weights()
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[2], b[2])


# ---- divergence ----------------------------------------------------------------------------------------

def test_divergence_epoch_worked_by_hand():
    # one weight, no bias, x = 1, y = 1, MSE, one batch per epoch: w' = w - lr 2 (w - 1), so the
    # error d = w - 1 becomes (1 - 2 lr) d per epoch. From w = 0 (d = -1) with lr = 1e30, epoch e
    # reports d^2 = (2e30 - 1)^(2(e - 1)): 1.0e303 in epoch 6, above the float maximum 1.8e308 in
    # epoch 7.
    model = Sequential([Dense(1, use_bias=False, input_shape=(1,))], seed=0)
    model.set_weights([np.zeros((1, 1))])
    model.compile(SGD(learning_rate=1e30), "mse")
    with pytest.warns(DivergenceWarning, match=r"epoch 7/10.*learning rate \(1e\+30\)") as record:
        history = model.fit(np.ones((3, 1)), np.ones(3), epochs=10, batch_size=3, verbose=0)
    assert history.diverged and history.diverged_epoch == 7
    assert len(history.history["loss"]) == 6                  # the epochs before it are kept
    assert history.history["loss"][5] == pytest.approx((2e30 - 1) ** 10, rel=1e-9)
    assert len(record) == 1


@pytest.mark.parametrize("lr,batch_size", [(100.0, 8), (1000.0, 16), (1e4, 40)])
def test_a_huge_learning_rate_stops_fit_with_a_warning(regression_data, lr, batch_size):
    X, y = regression_data
    model = mlp()
    model.compile(SGD(learning_rate=lr), "mse", metrics=["mae"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(X, y, epochs=50, batch_size=batch_size, validation_data=(X, y), verbose=0)
    # one warning and nothing else: no "overflow encountered" from the validation pass either
    assert [w.category for w in caught] == [DivergenceWarning]
    message = str(caught[0].message)
    epoch = int(re.search(r"epoch (\d+)/50", message).group(1))
    assert f"learning rate ({lr:g})" in message and "diverged" in message
    assert history.diverged and history.diverged_epoch == epoch < 50
    assert all(len(v) == epoch - 1 for v in history.history.values())
    assert all(math.isfinite(v) for v in history.history["loss"])
    assert "diverged" in repr(history)


def test_set_random_seed_makes_unseeded_models_reproducible(regression_data):
    import backprop
    X, y = regression_data

    def unseeded_run():
        model = Sequential([Dense(8, activation="tanh", input_shape=(3,)), Dropout(0.2), Dense(1)])
        model.compile(SGD(0.05), "mse")
        model.fit(X, y, epochs=2, batch_size=4, verbose=0)
        return model.get_weights()

    try:
        backprop.set_random_seed(3)
        first = unseeded_run()
        backprop.set_random_seed(3)
        assert weights_equal(unseeded_run(), first)
        backprop.set_random_seed(4)
        assert not weights_equal(unseeded_run(), first)
    finally:
        backprop.set_random_seed(None)
    assert not weights_equal(unseeded_run(), unseeded_run())     # back to fresh randomness


def test_restore_best_weights_also_when_training_ends_without_stopping(regression_data):
    X, y = regression_data
    model = mlp()
    model.compile(SGD(0.05), "mse")
    seen = []
    record = LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(model.get_weights()))
    es = EarlyStopping(monitor="loss", min_delta=1e9, patience=10, restore_best_weights=True)
    model.fit(X, y, epochs=3, callbacks=[record, es], verbose=0)     # 3 epochs: never stops early
    assert es.stopped_epoch is None and len(seen) == 3
    assert weights_equal(model.get_weights(), seen[0])                # as Keras 3: the best epoch comes back
