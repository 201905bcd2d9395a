"""Optimizers: the first three steps against Keras's published update rules, written out
here by hand; Keras's defaults; clipnorm, global_clipnorm and clipvalue."""
import numpy as np
import pytest

from backprop import optimizers
from backprop.optimizers import SGD, Adam, RMSprop

W0 = np.array([[0.5, -1.0], [2.0, 0.25]])
B0 = np.array([0.1, -0.3])
# a different gradient at each of the three steps (a real run's gradients change too)
GRADS = [
    {"W": np.array([[0.2, -0.4], [1.0, 0.05]]), "b": np.array([-0.3, 0.7])},
    {"W": np.array([[-0.1, -0.2], [0.6, 0.3]]), "b": np.array([0.25, 0.0])},
    {"W": np.array([[0.4, 0.1], [-0.5, -0.05]]), "b": np.array([-0.1, 0.9])},
]


def run(optimizer, steps=3):
    """The parameters after each of ``steps`` steps of ``optimizer`` on GRADS."""
    params = {"W": W0.copy(), "b": B0.copy()}
    history = []
    for g in GRADS[:steps]:
        optimizer.apply(params, {k: v.copy() for k, v in g.items()})
        history.append({k: v.copy() for k, v in params.items()})
    assert optimizer.iterations == steps
    return history


def assert_matches(history, expected):
    for step, (got, want) in enumerate(zip(history, expected), start=1):
        for k in ("W", "b"):
            np.testing.assert_allclose(got[k], want[k], rtol=1e-12, atol=1e-15,
                                       err_msg=f"step {step}, parameter {k}")


# ---- the update rules, by hand -------------------------------------------------------------------

@pytest.mark.parametrize("lr", [0.01, 0.3])
def test_sgd_plain(lr):
    expected, w = [], {"W": W0.copy(), "b": B0.copy()}
    for g in GRADS:
        w = {k: w[k] - lr * g[k] for k in w}                    # w -= lr g
        expected.append(w)
    assert_matches(run(SGD(learning_rate=lr)), expected)


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_momentum_and_nesterov(nesterov):
    lr, m = 0.1, 0.9
    expected, w = [], {"W": W0.copy(), "b": B0.copy()}
    v = {k: np.zeros_like(x) for k, x in w.items()}
    for g in GRADS:
        v = {k: m * v[k] - lr * g[k] for k in w}                # v = m v - lr g
        if nesterov:
            w = {k: w[k] + m * v[k] - lr * g[k] for k in w}     # w += m v - lr g
        else:
            w = {k: w[k] + v[k] for k in w}                     # w += v
        expected.append(w)
    assert_matches(run(SGD(learning_rate=lr, momentum=m, nesterov=nesterov)), expected)


@pytest.mark.parametrize("clipping", [{}, {"clipvalue": 1e9}, {"global_clipnorm": 1e9}])
def test_plain_sgd_loop_equals_the_per_parameter_rule(clipping):
    # plain SGD takes all its steps in one loop; the general rule, one parameter at a time with
    # m = 0 (v = 0 v - lr g; w += v), gives the same numbers bit for bit, with or without a
    # clipping option that never bites
    plain = run(SGD(learning_rate=0.3, **clipping))
    general = SGD(learning_rate=0.3)
    params = {"W": W0.copy(), "b": B0.copy()}
    for step, g in enumerate(GRADS):
        for k in params:
            general.update(k, params[k], g[k])
        for k in params:
            np.testing.assert_array_equal(plain[step][k], params[k], err_msg=f"step {step + 1}, {k}")


def test_momentum_changes_the_second_step_only_by_the_velocity():
    # step 1 of momentum SGD equals plain SGD (v starts at 0); step 2 adds m * v1
    plain = run(SGD(learning_rate=0.1), steps=2)
    heavy = run(SGD(learning_rate=0.1, momentum=0.5), steps=2)
    np.testing.assert_allclose(heavy[0]["W"], plain[0]["W"])
    np.testing.assert_allclose(heavy[1]["W"] - plain[1]["W"], 0.5 * (-0.1 * GRADS[0]["W"]))


@pytest.mark.parametrize("momentum", [0.0, 0.8])
def test_rmsprop(momentum):
    lr, rho, eps = 0.01, 0.9, 1e-7
    expected, w = [], {"W": W0.copy(), "b": B0.copy()}
    s = {k: np.zeros_like(x) for k, x in w.items()}
    v = {k: np.zeros_like(x) for k, x in w.items()}
    for g in GRADS:
        s = {k: rho * s[k] + (1 - rho) * g[k] ** 2 for k in w}          # s = rho s + (1 - rho) g^2
        step = {k: lr * g[k] / np.sqrt(s[k] + eps) for k in w}          # lr g / sqrt(s + eps)
        if momentum:
            v = {k: momentum * v[k] + step[k] for k in w}               # Keras: v = m v + step; w -= v
            step = v
        w = {k: w[k] - step[k] for k in w}
        expected.append(w)
    assert_matches(run(RMSprop(learning_rate=lr, rho=rho, momentum=momentum)), expected)


@pytest.mark.parametrize("lr,b1,b2", [(0.001, 0.9, 0.999), (0.05, 0.8, 0.99)])
def test_adam(lr, b1, b2):
    eps = 1e-7
    expected, w = [], {"W": W0.copy(), "b": B0.copy()}
    m = {k: np.zeros_like(x) for k, x in w.items()}
    v = {k: np.zeros_like(x) for k, x in w.items()}
    for t, g in enumerate(GRADS, start=1):
        m = {k: b1 * m[k] + (1 - b1) * g[k] for k in w}
        v = {k: b2 * v[k] + (1 - b2) * g[k] ** 2 for k in w}
        alpha = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)              # Keras folds both corrections in
        w = {k: w[k] - alpha * m[k] / (np.sqrt(v[k]) + eps) for k in w}
        expected.append(w)
    assert_matches(run(Adam(learning_rate=lr, beta_1=b1, beta_2=b2)), expected)


def test_adams_first_step_is_about_lr_times_the_sign():
    # t = 1: m = (1-b1) g, v = (1-b2) g^2, alpha = lr sqrt(1-b2)/(1-b1), so the step is
    # lr g / (|g| + eps / sqrt(1 - b2)): lr sign(g) up to eps / sqrt(0.001) = 3.2e-6 next to |g|
    g = GRADS[0]["W"]
    history = run(Adam(learning_rate=0.01), steps=1)
    np.testing.assert_allclose(history[0]["W"] - W0, -0.01 * g / (np.abs(g) + 1e-7 / np.sqrt(0.001)), rtol=1e-9)
    np.testing.assert_allclose(history[0]["W"] - W0, -0.01 * np.sign(g), rtol=1e-4)


def test_keras_defaults():
    sgd, rms, adam = SGD(), RMSprop(), Adam()
    assert (sgd.learning_rate, sgd.momentum, sgd.nesterov) == (0.01, 0.0, False)
    assert (rms.learning_rate, rms.rho, rms.momentum, rms.epsilon) == (0.001, 0.9, 0.0, 1e-7)
    assert (adam.learning_rate, adam.beta_1, adam.beta_2, adam.epsilon) == (0.001, 0.9, 0.999, 1e-7)
    for opt in (sgd, rms, adam):
        assert opt.clipnorm is None and opt.clipvalue is None and opt.global_clipnorm is None
    # and the defaults are the ones used: default SGD's first step is w - 0.01 g
    assert_matches(run(SGD(), steps=1), [{k: {"W": W0, "b": B0}[k] - 0.01 * GRADS[0][k] for k in ("W", "b")}])


def test_string_names():
    for name, cls in {"sgd": SGD, "rmsprop": RMSprop, "adam": Adam}.items():
        assert type(optimizers.get(name)) is cls
    opt = Adam(0.1)
    assert optimizers.get(opt) is opt


def test_reset_forgets_the_state():
    opt = Adam(learning_rate=0.05)
    first = run(opt, steps=1)
    opt.reset()
    assert opt.iterations == 0 and opt.state == {}
    assert_matches(run(opt, steps=1), first)


# ---- clipping ------------------------------------------------------------------------------------

def _one_sgd_step(grads, **clipping):
    """The step (new - old) of SGD(lr=1) on zero parameters: minus the clipped gradients."""
    params = {k: np.zeros_like(g) for k, g in grads.items()}
    originals = {k: g.copy() for k, g in grads.items()}
    SGD(learning_rate=1.0, **clipping).apply(params, grads)
    for k in grads:                                              # the caller's arrays are not changed
        np.testing.assert_array_equal(grads[k], originals[k])
    return {k: -p for k, p in params.items()}


def test_clipnorm_rescales_each_gradient_on_its_own():
    g = {"W": np.array([[3.0, 4.0]]), "b": np.array([0.3, 0.4])}       # norms 5 and 0.5
    clipped = _one_sgd_step(g, clipnorm=1.0)
    np.testing.assert_allclose(clipped["W"], [[0.6, 0.8]])              # scaled to norm 1
    np.testing.assert_allclose(clipped["b"], [0.3, 0.4])                # under the limit: unchanged


def test_global_clipnorm_rescales_all_gradients_together():
    g = {"W": np.array([[3.0, 4.0]]), "b": np.array([0.0, 12.0])}      # global norm sqrt(25 + 144) = 13
    clipped = _one_sgd_step(g, global_clipnorm=2.6)
    np.testing.assert_allclose(clipped["W"], [[0.6, 0.8]])              # both times 2.6 / 13 = 0.2
    np.testing.assert_allclose(clipped["b"], [0.0, 2.4])
    np.testing.assert_allclose(_one_sgd_step(g, global_clipnorm=20.0)["b"], [0.0, 12.0])


def test_clipvalue_clips_each_entry():
    g = {"W": np.array([[3.0, -4.0, 0.2]]), "b": np.array([-0.05, 7.0])}
    clipped = _one_sgd_step(g, clipvalue=0.5)
    np.testing.assert_allclose(clipped["W"], [[0.5, -0.5, 0.2]])
    np.testing.assert_allclose(clipped["b"], [-0.05, 0.5])


def test_clipping_happens_before_the_adaptive_update():
    # Adam sees the clipped gradient: with clipvalue the first moment holds (1 - b1) * clip(g)
    opt = Adam(learning_rate=0.1, clipvalue=0.5)
    params = {"w": np.zeros(2)}
    opt.apply(params, {"w": np.array([10.0, -0.2])})
    np.testing.assert_allclose(opt.state[("w", "m")], 0.1 * np.array([0.5, -0.2]))


@pytest.mark.parametrize("name, kind, momentum, nesterov", [
    ("sgd", SGD, 0.0, False), ("momentum", SGD, 0.8, False), ("nesterov", SGD, 0.8, True),
    ("rmsprop", RMSprop, None, None), ("adam", Adam, None, None)])
def test_variant_names_the_optimizers_the_apps_offer(name, kind, momentum, nesterov):
    opt = optimizers.variant(name, 0.05, momentum=0.8)
    assert type(opt) is kind and opt.learning_rate == 0.05
    if kind is SGD:
        assert (opt.momentum, opt.nesterov) == (momentum, nesterov)


def test_variant_refuses_an_unknown_name():
    with pytest.raises(ValueError, match="unknown name .adamw.; expected one of"):
        optimizers.variant("adamw", 0.1)
