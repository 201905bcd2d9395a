"""Activations: values against their formulas, backward against numerical gradients
(softmax's Jacobian-vector product included), Keras's names and defaults."""
import numpy as np
import pytest
from hypothesis import assume, given, strategies as st

from backprop import activations
from backprop.gradcheck import numerical_gradient

# the formulas, written independently of the engine
FORMULAS = {
    "linear": lambda z: z,
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "tanh": lambda z: (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z)),
    "relu": lambda z: np.where(z > 0, z, 0.0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.2 * z),       # keras.activations.leaky_relu: slope 0.2
    "elu": lambda z: np.where(z > 0, z, np.exp(z) - 1.0),     # alpha 1
    "softmax": lambda z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True),
}
KINKED = {"relu", "leaky_relu", "elu"}

shapes = st.tuples(st.integers(1, 6), st.integers(1, 6))
seeds = st.integers(0, 2 ** 32 - 1)


def test_names_are_keras_names():
    assert set(activations.NAMES) == set(FORMULAS)
    for name in FORMULAS:
        act = activations.get(name)
        assert isinstance(act, activations.Activation) and act.name == name
    assert activations.get(None).name == "linear"
    obj = activations.LeakyReLU(0.1)
    assert activations.get(obj) is obj


@pytest.mark.parametrize("name", sorted(FORMULAS))
@given(shape=shapes, seed=seeds)
def test_forward_matches_the_formula(name, shape, seed):
    z = 2.0 * np.random.default_rng(seed).standard_normal(shape)
    np.testing.assert_allclose(activations.get(name).forward(z), FORMULAS[name](z), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", sorted(FORMULAS))
@given(shape=shapes, seed=seeds)
def test_backward_matches_numerical_gradient(name, shape, seed, assert_grad_close):
    rng = np.random.default_rng(seed)
    z = 2.0 * rng.standard_normal(shape)
    if name in KINKED:
        assume(np.abs(z).min() > 1e-3)          # centered differences straddling the kink are wrong
    da = rng.standard_normal(shape)
    act = activations.get(name)
    a = act.forward(z)
    dz = act.backward(z, a, da)
    numeric = numerical_gradient(lambda: act.forward(z), z, dout=da)
    assert_grad_close(dz, numeric, f"{name} backward")


@pytest.mark.parametrize("name", sorted(set(FORMULAS) - {"softmax"}))
def test_derivative_is_elementwise(name):
    z = np.array([[-2.0, -0.5, 0.3, 1.7]])
    act = activations.get(name)
    a = act.forward(z)
    np.testing.assert_allclose(act.backward(z, a, np.ones_like(z)), act.derivative(z, a))
    np.testing.assert_allclose(act.backward(z, a, 3.0 * np.ones_like(z)), 3.0 * act.derivative(z, a))


@given(shape=shapes, seed=seeds)
def test_softmax_backward_is_the_jacobian_vector_product(shape, seed):
    rng = np.random.default_rng(seed)
    z, da = rng.standard_normal(shape), rng.standard_normal(shape)
    sm = activations.get("softmax")
    a = sm.forward(z)
    dz = sm.backward(z, a, da)
    for n in range(shape[0]):
        J = np.diag(a[n]) - np.outer(a[n], a[n])       # da_i/dz_j = a_i (delta_ij - a_j), symmetric
        np.testing.assert_allclose(dz[n], J.T @ da[n], rtol=1e-10, atol=1e-14)
    with pytest.raises(TypeError, match="backward"):
        sm.derivative(z, a)


def test_softmax_and_sigmoid_are_stable_for_huge_inputs():
    z = np.array([[1000.0, 0.0, -1000.0], [-1000.0, -1000.0, -1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):   # underflow to 0 is fine
        p = activations.get("softmax").forward(z)
        s = activations.get("sigmoid").forward(z)
    np.testing.assert_allclose(p, [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3]])
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(s, [[1, 0.5, 0], [0, 0, 0]])


def test_sigmoid_matches_its_formula_from_end_to_end():
    # the engine's overflow-safe form against 1/(1 + e^-z): the error stays below 2.3e-16
    # everywhere, and the far tails come out as exact 0 and 1 with no warning
    z = np.concatenate([np.linspace(-800.0, 800.0, 100001), [-1e300, -745.2, 709.8, 1e300]])
    with np.errstate(over="ignore"):                    # the formula's e^-z overflows for z < -709
        expected = 1.0 / (1.0 + np.exp(-z))
    with np.errstate(over="raise", invalid="raise", divide="raise"):   # underflow to 0 is fine
        s = activations.get("sigmoid").forward(z)
    np.testing.assert_allclose(s, expected, rtol=0, atol=2.3e-16)
    moderate = np.abs(z) <= 10                          # relative precision where s(z) is not tiny
    np.testing.assert_allclose(s[moderate], expected[moderate], rtol=1e-12)
    assert s[z == 0.0] == 0.5 and s[-1] == 1.0 and s[-4] == 0.0
    finite32 = np.abs(z) < 1e3
    s32 = activations.get("sigmoid").forward(z[finite32].astype(np.float32))
    assert s32.dtype == np.float32
    np.testing.assert_allclose(s32, expected[finite32], rtol=0, atol=1.2e-7)


def test_softmax_is_shift_invariant():
    z = np.random.default_rng(0).standard_normal((4, 5))
    sm = activations.get("softmax")
    np.testing.assert_allclose(sm.forward(z), sm.forward(z + 123.0), rtol=1e-12)


def test_relu_derivative_at_zero_is_zero_and_leaky_elu_parameters():
    z = np.array([[-1.0, 0.0, 2.0]])
    relu = activations.get("relu")
    np.testing.assert_array_equal(relu.backward(z, relu.forward(z), np.ones_like(z)), [[0.0, 0.0, 1.0]])
    leaky = activations.LeakyReLU(negative_slope=0.5)
    np.testing.assert_allclose(leaky.forward(z), [[-0.5, 0.0, 2.0]])
    elu = activations.ELU(alpha=2.0)
    np.testing.assert_allclose(elu.forward(z), [[2.0 * (np.exp(-1.0) - 1.0), 0.0, 2.0]])
    np.testing.assert_allclose(elu.derivative(z, elu.forward(z))[0, [0, 2]], [2.0 * np.exp(-1.0), 1.0])


def test_activations_keep_float32():
    z = np.linspace(-2, 2, 12, dtype=np.float32).reshape(3, 4)
    for name in FORMULAS:
        act = activations.get(name)
        a = act.forward(z)
        assert a.dtype == np.float32, name
        assert act.backward(z, a, np.ones_like(z)).dtype == np.float32, name
