"""``backprop.graph``: a Value graph as plain data, and the seed-001-style network builder."""
import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

from backprop import Value
from backprop.graph import gradients_as_arrays, network_expression, trace


def _expression(x=0.8, y=-1.7):
    """L = tanh(a*b + a) * b, with a used twice: the leaves and the root."""
    a, b = Value(x, "a"), Value(y, "b")
    c = a * b
    c.label = "c"
    d = c + a
    d.label = "d"
    e = d.tanh()
    e.label = "e"
    L = e * b
    L.label = "L"
    return a, b, L


def test_nodes_are_in_topological_order_with_their_data():
    a, b, L = _expression()
    g = trace(L)
    nodes = g["nodes"]
    assert [n["id"] for n in nodes] == list(range(len(nodes)))
    assert len(nodes) == 6 and g["output"] == nodes[-1]["id"]
    by_label = {n["label"]: n for n in nodes}
    assert set(by_label) == {"a", "b", "c", "d", "e", "L"}
    for n in nodes:
        assert all(i < n["id"] for i in n["inputs"])         # inputs come first
    assert by_label["c"]["op"] == "*" and by_label["d"]["op"] == "+" and by_label["e"]["op"] == "tanh"
    assert by_label["a"]["inputs"] == [] and by_label["a"]["op"] == ""
    x, y = 0.8, -1.7
    assert math.isclose(by_label["L"]["data"], math.tanh(x * y + x) * y)
    assert by_label["c"]["inputs"] == [by_label["a"]["id"], by_label["b"]["id"]]


def test_edges_match_the_inputs():
    _, _, L = _expression()
    g = trace(L)
    expected = {(i, n["id"]) for n in g["nodes"] for i in n["inputs"]}
    assert set(g["edges"]) == expected and len(g["edges"]) == len(expected) == 7   # c: 2, d: 2, e: 1, L: 2


def test_grads_are_the_chain_rule():
    a, b, L = _expression()
    g = trace(L)
    by_label = {n["label"]: n for n in g["nodes"]}
    x, y = 0.8, -1.7
    t = math.tanh(x * y + x)
    dd = y * (1 - t * t)                        # dL/dd = b * tanh'(d)
    assert math.isclose(by_label["L"]["grad"], 1.0)
    assert math.isclose(by_label["e"]["grad"], y)
    assert math.isclose(by_label["d"]["grad"], dd)
    assert math.isclose(by_label["a"]["grad"], dd * (y + 1))          # through c = a b and d = c + a
    assert math.isclose(by_label["b"]["grad"], t + dd * x)            # directly and through c
    assert by_label["a"]["grad"] == a.grad and by_label["b"]["grad"] == b.grad


def test_steps_run_in_backward_order_with_contributions():
    _, _, L = _expression()
    g = trace(L)
    nodes = g["nodes"]
    steps = g["steps"]
    # one step per node with inputs, the output's first, in reverse topological order
    assert [s["node"] for s in steps] == sorted((n["id"] for n in nodes if n["inputs"]), reverse=True)
    assert steps[0]["node"] == g["output"]
    x, y = 0.8, -1.7
    t = math.tanh(x * y + x)
    local_by_op = {   # d(node)/d(each input) written by hand
        "*": lambda ins: [nodes[ins[1]]["data"], nodes[ins[0]]["data"]],
        "+": lambda ins: [1.0, 1.0],
        "tanh": lambda ins: [1 - t * t],
    }
    for s in steps:
        node = nodes[s["node"]]
        assert s["upstream"] == node["grad"]
        assert [c["input"] for c in s["contributions"]] == node["inputs"]
        expected_local = local_by_op[node["op"]](node["inputs"])
        for c, local in zip(s["contributions"], expected_local):
            assert math.isclose(c["local"], local)
            assert c["contribution"] == c["local"] * s["upstream"]     # local * upstream


def _random_expression(draw_ops, values):
    """A random graph over three leaves; each op uses earlier nodes (so nodes get reused)."""
    leaves = [Value(v, f"x{i}") for i, v in enumerate(values)]
    pool = list(leaves)
    for op, i, j in draw_ops:
        u, v = pool[i % len(pool)], pool[j % len(pool)]
        if op == 0:
            pool.append(u + v)
        elif op == 1:
            pool.append(u * v)
        elif op == 2:
            pool.append(u.tanh())
        else:
            pool.append(u - v.sigmoid())
    return pool[-1]


@given(ops=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 50), st.integers(0, 50)),
                    min_size=1, max_size=12),
       values=st.lists(st.floats(-1.5, 1.5), min_size=3, max_size=3))
def test_contributions_into_each_node_sum_to_its_grad(ops, values):
    root = _random_expression(ops, values)
    g = trace(root)
    received = {n["id"]: 0.0 for n in g["nodes"]}
    for s in g["steps"]:
        for c in s["contributions"]:
            received[c["input"]] += c["contribution"]
    for n in g["nodes"]:
        if n["id"] == g["output"]:
            assert n["grad"] == 1.0 and received[n["id"]] == 0.0
        else:
            assert math.isclose(received[n["id"]], n["grad"], rel_tol=1e-12, abs_tol=1e-15)
    # every step's upstream is final when it runs: all its contributors ran before it
    done = set()
    for s in g["steps"]:
        consumers = [t["node"] for t in g["steps"] if any(c["input"] == s["node"] for c in t["contributions"])]
        assert all(c in done for c in consumers)
        done.add(s["node"])


def test_trace_of_a_leaf_and_of_a_non_value():
    g = trace(Value(2.0, "w"))
    assert g["nodes"] == [{"id": 0, "label": "w", "op": "", "data": 2.0, "grad": 1.0, "inputs": []}]
    assert g["edges"] == [] and g["steps"] == [] and g["output"] == 0
    with pytest.raises(TypeError, match="root"):
        trace(3.0)


def test_network_expression_builds_the_hidden_and_output_sums():
    rng = np.random.default_rng(0)
    x, W1, b1 = rng.standard_normal(3), rng.standard_normal((3, 2)), rng.standard_normal(2)
    W2, b2, y = rng.standard_normal((2, 1)), rng.standard_normal(1), 0.7
    for activation, f in [("linear", lambda z: z), ("tanh", np.tanh), ("sigmoid", lambda z: 1 / (1 + np.exp(-z))),
                          ("relu", lambda z: np.maximum(z, 0))]:
        loss, params = network_expression(x, y, W1, b1, W2, b2, activation=activation)
        h = f(x @ W1 + b1)
        out = h @ W2 + b2
        assert math.isclose(loss.data, 0.5 * (out[0] - y) ** 2, rel_tol=1e-12)
        assert set(params) == {"W1[0,0]", "W1[0,1]", "W1[1,0]", "W1[1,1]", "W1[2,0]", "W1[2,1]",
                               "b1[0]", "b1[1]", "W2[0,0]", "W2[1,0]", "b2[0]"}
        loss.backward()
        grads = gradients_as_arrays(params, {"W1": (3, 2), "b1": (2,), "W2": (2, 1), "b2": (1,)})
        dout = out[0] - y                                  # half squared error
        np.testing.assert_allclose(grads["b2"], [dout])
        np.testing.assert_allclose(grads["W2"][:, 0], h * dout)
        labels = {n["label"] for n in trace(loss)["nodes"]}
        assert {"x1", "x2", "x3", "h1", "h2", "out", "L"} <= labels


def test_network_expression_checks_shapes_and_activation():
    ok = dict(x=[1.0, 2.0, 3.0], y=4.0, W1=np.zeros((3, 2)), b1=np.zeros(2), W2=np.zeros((2, 1)), b2=[0.0])
    network_expression(**ok)
    with pytest.raises(ValueError, match="shapes"):
        network_expression(**{**ok, "W2": np.zeros((3, 1))})
    with pytest.raises(ValueError, match="W1 must have 2 dimensions"):
        network_expression(**{**ok, "W1": np.zeros(3)})
    with pytest.raises(ValueError, match="activation.*'linear'.*'relu'.*'sigmoid'.*'tanh'"):
        network_expression(**ok, activation="softplus")
