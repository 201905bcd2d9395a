"""The scalar autograd ``Value``: every operation against calculus and finite differences,
fresh gradients on every backward, deep graphs, and agreement with the vectorized engine."""
import math
import sys

import numpy as np
import pytest
from hypothesis import given, strategies as st

from backprop import Dense, Sequential, Value
from backprop.losses import CategoricalCrossentropy

H = 1e-6


def central(f, x):
    """d f / d x at the float x by a centered difference (f takes and returns floats)."""
    return (f(x + H) - f(x - H)) / (2 * H)


def close(a, b, rel=1e-6, abs_=1e-8):
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


finite = st.floats(-3.0, 3.0, allow_nan=False)
positive = st.floats(0.2, 3.0)


# ---- each operation: value, derivative by calculus, derivative by finite differences ----

UNARY = {
    # name: (build from a Value, the same in floats, the derivative by calculus)
    "neg": (lambda a: -a, lambda x: -x, lambda x: -1.0),
    "exp": (lambda a: a.exp(), math.exp, math.exp),
    "tanh": (lambda a: a.tanh(), math.tanh, lambda x: 1.0 - math.tanh(x) ** 2),
    "sigmoid": (lambda a: a.sigmoid(), lambda x: 1 / (1 + math.exp(-x)),
                lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2),
    "square": (lambda a: a ** 2, lambda x: x * x, lambda x: 2 * x),
    "cube": (lambda a: a ** 3, lambda x: x ** 3, lambda x: 3 * x * x),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(x=finite)
def test_unary_ops_against_calculus_and_finite_differences(name, x):
    build, f, df = UNARY[name]
    a = Value(x)
    out = build(a)
    out.backward()
    assert close(out.data, f(x))
    assert close(a.grad, df(x))
    assert close(a.grad, central(f, x), rel=1e-5, abs_=1e-6)


@given(x=positive)
def test_log_and_fractional_power(x):
    a = Value(x)
    a.log().backward()
    assert close(a.grad, 1 / x) and close(a.grad, central(math.log, x), rel=1e-5)
    b = Value(x)
    out = b ** 0.5
    out.backward()
    assert close(out.data, math.sqrt(x)) and close(b.grad, 0.5 / math.sqrt(x))
    c = Value(x)
    (c ** -1).backward()
    assert close(c.grad, -1 / x ** 2)


@given(x=st.floats(-3, 3).filter(lambda v: abs(v) > 1e-3))
def test_relu(x):
    a = Value(x)
    out = a.relu()
    out.backward()
    assert out.data == max(x, 0.0)
    assert a.grad == (1.0 if x > 0 else 0.0)


def test_sigmoid_of_large_inputs_does_not_overflow():
    for x, expected in [(800.0, 1.0), (-800.0, 0.0)]:
        a = Value(x)
        out = a.sigmoid()
        out.backward()
        assert out.data == expected and a.grad == 0.0


BINARY = {
    "+": (lambda a, b: a + b, lambda x, y: (1.0, 1.0)),
    "-": (lambda a, b: a - b, lambda x, y: (1.0, -1.0)),
    "*": (lambda a, b: a * b, lambda x, y: (y, x)),
    "/": (lambda a, b: a / b, lambda x, y: (1 / y, -x / y ** 2)),
}


@pytest.mark.parametrize("op", sorted(BINARY))
@given(x=finite, y=st.floats(0.3, 3.0))
def test_binary_ops_against_calculus_and_finite_differences(op, x, y):
    build, partials = BINARY[op]
    a, b = Value(x), Value(y)
    out = build(a, b)
    out.backward()
    assert close(out.data, build(x, y))
    da, db = partials(x, y)
    assert close(a.grad, da) and close(b.grad, db)
    assert close(a.grad, central(lambda t: build(t, y), x), rel=1e-5, abs_=1e-6)
    assert close(b.grad, central(lambda t: build(x, t), y), rel=1e-5, abs_=1e-6)


@given(x=finite, c=st.floats(0.5, 4.0))
def test_reflected_ops_with_plain_numbers(x, c):
    cases = [
        # (expression with the Value on the right, value, d/dx)
        (lambda a: c + a, c + x, 1.0),
        (lambda a: c - a, c - x, -1.0),
        (lambda a: c * a, c * x, c),
        (lambda a: c ** a, c ** x, c ** x * math.log(c)),
    ]
    if abs(x) > 0.2:
        cases.append((lambda a: c / a, c / x, -c / x ** 2))
    for build, value, derivative in cases:
        a = Value(x)
        out = build(a)
        assert isinstance(out, Value)
        out.backward()
        assert close(out.data, value) and close(a.grad, derivative)


@given(x=positive, y=st.floats(-2.0, 2.0))
def test_value_exponent(x, y):
    a, b = Value(x), Value(y)
    out = a ** b
    out.backward()
    assert close(out.data, x ** y)
    assert close(a.grad, y * x ** (y - 1))                  # d(a^b)/da = b a^(b-1)
    assert close(b.grad, x ** y * math.log(x))              # d(a^b)/db = a^b ln a
    assert close(b.grad, central(lambda t: x ** t, y), rel=1e-5, abs_=1e-6)


def test_a_node_used_twice_accumulates():
    a = Value(3.0)
    (a * a).backward()
    assert a.grad == 6.0                                     # d(a^2)/da = 2a
    b = Value(-1.5)
    (b + b + b).backward()
    assert b.grad == 3.0
    # a diamond: c = a*b feeds two paths that meet again
    a, b = Value(2.0), Value(5.0)
    c = a * b
    d = c * c + c.tanh()
    d.backward()
    dc = 2 * 10.0 + (1 - math.tanh(10.0) ** 2)
    assert close(c.grad, dc) and close(a.grad, dc * 5.0) and close(b.grad, dc * 2.0)


def test_backward_twice_gives_the_same_gradients():
    a, b = Value(0.7), Value(-1.3)
    out = (a * b + a.exp()) * (b ** 2).tanh()
    out.backward()
    first = (a.grad, b.grad, out.grad)
    out.backward()
    assert (a.grad, b.grad, out.grad) == first
    # a second output sharing the inputs: its backward starts from zero, too
    other = a * 4.0
    other.backward()
    assert a.grad == 4.0


def test_a_chain_of_100000_nodes():
    limit = sys.getrecursionlimit()
    x = Value(1.0)
    y = x
    for _ in range(100_000):
        y = y * 1.00001
    y.backward()
    expected = math.exp(100_000 * math.log(1.00001))        # (1.00001)^100000 = e^(100000 ln 1.00001)
    assert close(y.data, expected, rel=1e-9)
    assert close(x.grad, expected, rel=1e-9)
    assert len(y.topological_order()) == 200_001             # 100,000 products and their constants
    assert sys.getrecursionlimit() == limit                   # no recursion-limit trick


def test_topological_order_puts_inputs_first():
    a, b = Value(1.0, "a"), Value(2.0, "b")
    c = a * b
    d = c + a
    order = d.topological_order()
    pos = {id(v): i for i, v in enumerate(order)}
    assert order[-1] is d and len(order) == 4
    for v in order:
        for child in v._prev:
            assert pos[id(child)] < pos[id(v)]


def test_labels_and_repr():
    v = Value(2.0, label="w")
    assert v.label == "w" and "w" in repr(v) and "2" in repr(v)
    assert Value(Value(3.0)).data == 3.0
    assert Value(np.float64(1.5)).data == 1.5 and Value(2).data == 2.0


# ---- the scalar engine against the vectorized one --------------------------------------

def _value_mlp(X, weights, hidden, output):
    """Outputs (N lists of K Values) of a Dense stack written with Values, plus the leaf Values."""
    leaves = [[[Value(float(v)) for v in row] for row in w] if w.ndim == 2
              else [Value(float(v)) for v in w] for w in weights]
    outputs = []
    for x in X:
        a = [Value(float(v)) for v in x]
        layers = list(zip(leaves[0::2], leaves[1::2]))
        for li, (W, b) in enumerate(layers):
            z = [sum((a[i] * W[i][j] for i in range(len(a))), b[j]) for j in range(len(b))]
            a = [getattr(zj, hidden)() for zj in z] if li < len(layers) - 1 else output(z)
        outputs.append(a)
    return outputs, leaves


def _leaf_grads(leaves):
    return [np.array([[v.grad for v in row] for row in leaf]) if isinstance(leaf[0], list)
            else np.array([v.grad for v in leaf]) for leaf in leaves]


@pytest.mark.parametrize("hidden", ["tanh", "sigmoid", "relu"])
def test_value_mlp_matches_sequential_with_mse(hidden):
    rng = np.random.default_rng(3)
    X = rng.standard_normal((5, 3))
    y = rng.standard_normal((5, 2))
    model = Sequential([Dense(4, activation=hidden, input_shape=(3,)), Dense(2)], seed=5)
    model.compile("sgd", "mse")
    loss = model.compute_gradients(X, y)
    grads = [model.grads[k].copy() for k in ("dense/W", "dense/b", "dense_1/W", "dense_1/b")]

    outputs, leaves = _value_mlp(X, model.get_weights(), hidden, output=lambda z: z)
    terms = [(o - float(t)) ** 2 for row, trow in zip(outputs, y) for o, t in zip(row, trow)]
    L = sum(terms[1:], terms[0]) / len(terms)                 # mean over the batch and outputs
    L.backward()
    assert close(L.data, loss, rel=1e-12)
    for g_model, g_value in zip(grads, _leaf_grads(leaves)):
        np.testing.assert_allclose(g_model, g_value, rtol=1e-10, atol=1e-14)


def test_value_mlp_matches_sequential_with_softmax_cross_entropy():
    rng = np.random.default_rng(4)
    X = rng.standard_normal((6, 3))
    labels = np.array([0, 2, 1, 1, 0, 2])
    Y = np.eye(3)[labels]
    model = Sequential([Dense(5, activation="tanh", input_shape=(3,)),
                        Dense(3, activation="softmax")], seed=9)
    model.compile("adam", CategoricalCrossentropy())
    loss = model.compute_gradients(X, Y)         # the model's fused (p - y)/N path
    grads = [g.copy() for g in model.grads.values()]

    def log_softmax(z):
        m = max(v.data for v in z)               # a constant shift, as log-sum-exp does
        lse = sum(((v - m).exp() for v in z[1:]), (z[0] - m).exp()).log() + m
        return [v - lse for v in z]

    outputs, leaves = _value_mlp(X, model.get_weights(), "tanh", output=log_softmax)
    picked = [row[c] for row, c in zip(outputs, labels)]
    L = -sum(picked[1:], picked[0]) / len(picked)
    L.backward()
    assert close(L.data, loss, rel=1e-10)
    for g_model, g_value in zip(grads, _leaf_grads(leaves)):
        np.testing.assert_allclose(g_model, g_value, rtol=1e-9, atol=1e-13)
