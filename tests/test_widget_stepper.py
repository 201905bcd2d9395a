"""BackpropStepper: the graph view shows the numbers of the chain rule, step by step.

Expected numbers are worked out here by hand (the chain rule on small
expressions) or with the vectorized engine (the seed 001 network), never read
from the widget.
"""
import math

import numpy as np
import pytest

from backprop import Dense, Sequential, Value, datasets
from backprop.losses import MeanSquaredError
from widgets.stepper import BackpropStepper


def texts(app):
    return [t.get_text() for t in app.header_texts + app.data_texts + app.grad_texts + app.edge_texts]


def grad_text(app, label):
    i = next(n["id"] for n in app.trace["nodes"] if n["label"] == label)
    return app.grad_texts[i].get_text()


def node_id(app, label):
    return next(n["id"] for n in app.trace["nodes"] if n["label"] == label)


def shared_input():
    """y = x*x + tanh(x) with x = 3: x gets three contributions (2 from *, 1 from tanh)."""
    x = Value(3.0, "x")
    y = x * x + x.tanh()
    y.label = "y"
    return y


def click(app, name, times=1):
    for _ in range(times):
        app.controls[name].click()


def test_builds_with_no_arguments_and_starts_before_the_forward_pass():
    app = BackpropStepper()
    app._repr_mimebundle_()
    assert set(app.controls) >= {"forward", "back", "next", "reset", "hide_numbers", "explanation"}
    assert app.explanation is app.controls["explanation"]
    labels = {n["label"] for n in app.trace["nodes"]}
    assert labels == {"a", "b", "c", "d", "e", "f", "L"}
    assert app.step_index == 0 and not app.forward_done and app.shown_grads == {}
    for n in app.trace["nodes"]:
        if n["inputs"]:          # results are not computed yet; inputs show their values
            assert app.data_texts[n["id"]].get_text() == "data \u2014"
        else:
            assert app.data_texts[n["id"]].get_text() == f"data {n['data']:.4g}"
        assert app.grad_texts[n["id"]].get_text() == "grad \u2014"


def test_forward_shows_every_value_and_no_grad():
    app = BackpropStepper()
    leaf = {n["label"]: n["data"] for n in app.trace["nodes"] if not n["inputs"]}
    a, b, c, f = (Value(leaf[k]) for k in "abcf")
    e = a * b
    d = e + c
    L = d * f
    click(app, "forward")
    assert app.forward_done and app.step_index == 0
    for label, v in {"e": e, "d": d, "L": L}.items():
        assert app.data_texts[node_id(app, label)].get_text() == f"data {v.data:.4g}"
    assert all(t.get_text() == "grad \u2014" for t in app.grad_texts)
    assert not any(t.get_visible() for t in app.edge_texts)


def test_classic_steps_match_the_chain_rule_by_hand():
    app = BackpropStepper()
    leaf = {n["label"]: n["data"] for n in app.trace["nodes"] if not n["inputs"]}
    a, b, c, f = (leaf[k] for k in "abcf")
    d = a * b + c
    # L = d*f: dL/dd = f, dL/df = d; d = e + c: dL/de = dL/dc = f; e = a*b: dL/da = b*f, dL/db = a*f
    expected = [{"L": 1.0, "d": f, "f": d},
                {"L": 1.0, "d": f, "f": d, "e": f, "c": f},
                {"L": 1.0, "d": f, "f": d, "e": f, "c": f, "a": b * f, "b": a * f}]
    click(app, "next")                          # the forward pass
    for k, want in enumerate(expected, start=1):
        click(app, "next")
        assert app.step_index == k
        got = {app.trace["nodes"][i]["label"]: g for i, g in app.shown_grads.items()}
        assert got == pytest.approx(want)
        for label, g in want.items():
            assert grad_text(app, label) == f"grad {g:.4g}"
    # the last step: e = a*b passes f to a (local b) and to b (local a)
    e_id = node_id(app, "e")
    assert app.boxes[e_id].get_edgecolor()[:3] != app.boxes[node_id(app, "d")].get_edgecolor()[:3]
    shown = [t.get_text() for t in app.edge_texts if t.get_visible()]
    assert shown == [f"local {b:.4g}\nadds {b * f:.4g}", f"local {a:.4g}\nadds {a * f:.4g}"]
    assert f"d(*)/da = b = {b:.4g}" in app.explanation.value
    assert f"= <b>{b * f:.4g}</b>" in app.explanation.value
    assert "Backward pass complete" in app.explanation.value
    click(app, "next")                          # nothing left: a message, no change
    assert app.step_index == 3 and "complete" in app.status.value


def test_a_shared_input_accumulates_its_contributions():
    app = BackpropStepper(shared_input())
    x = 3.0
    from_tanh, from_mul = 1 - math.tanh(x) ** 2, x
    click(app, "next", 2)               # forward, then y = + passes 1 to both terms
    x_id = node_id(app, "x")
    assert x_id not in app.shown_grads
    received = []
    while app.step_index < len(app.steps):
        click(app, "next")
        op = app.trace["nodes"][app.steps[app.step_index - 1]["node"]]["op"]
        if op == "tanh":
            received.append(from_tanh)
        elif op == "*":
            received += [from_mul, from_mul]       # x*x: one contribution per use
        assert app.shown_grads.get(x_id, 0.0) == pytest.approx(sum(received))
        if 0 < len(received) < 3:
            assert grad_text(app, "x") == f"grad {sum(received):.4g} ({len(received)}/3)"
    assert grad_text(app, "x") == f"grad {2 * x + from_tanh:.4g}"
    assert "already had" in app.explanation.value       # the second use of x adds to the first


def test_seed001_graph_matches_the_vectorized_engine():
    net = datasets.worked_example_network()
    model = Sequential([Dense(2, input_shape=(3,)), Dense(1)])
    model.compile(optimizer="sgd", loss=MeanSquaredError())
    model.set_weights([net["W1"], net["b1"], net["W2"], net["b2"]])
    loss = model.compute_gradients(net["x"], net["y"]) / 2      # half squared error: MSE / 2
    app = BackpropStepper("worked_example")
    assert len(app.trace["nodes"]) == 35
    click(app, "next", 1 + len(app.steps))
    assert app.step_index == len(app.steps) == 19
    assert app.data_texts[app.trace["output"]].get_text() == f"data {loss:.4g}"
    names = {"W1": "dense/W", "b1": "dense/b", "W2": "dense_1/W", "b2": "dense_1/b"}
    for n in app.trace["nodes"]:
        if "[" in n["label"]:
            name, idx = n["label"].split("[")
            idx = tuple(int(i) for i in idx.rstrip("]").split(","))
            want = model.grads[names[name]][idx] / 2
            assert app.shown_grads[n["id"]] == pytest.approx(want, abs=1e-12)


def test_seed001_layout_is_readable():
    app = BackpropStepper("worked_example")
    boxes = np.array([[b.get_x(), b.get_y(), b.get_x() + b.get_width(), b.get_y() + b.get_height()]
                      for b in app.boxes])
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            apart = (boxes[i, 2] <= boxes[j, 0] or boxes[j, 2] <= boxes[i, 0]
                     or boxes[i, 3] <= boxes[j, 1] or boxes[j, 3] <= boxes[i, 1])
            assert apart, f"boxes {i} and {j} overlap"
    # every line of every box fits inside it: all lines once every number is in, and each
    # grad line whenever it changes (partial sums "(1/2)" are the longest)
    renderer = app.fig.canvas.get_renderer()

    def fits(i, lines):
        outer = app.boxes[i].get_window_extent(renderer)
        for t in lines:
            inner = t.get_window_extent(renderer)
            assert outer.x0 <= inner.x0 and inner.x1 <= outer.x1, t.get_text()
    click(app, "next")
    for step in app.steps:
        click(app, "next")
        for c in step["contributions"]:
            fits(c["input"], [app.grad_texts[c["input"]]])
    for i in range(len(app.boxes)):
        fits(i, [app.header_texts[i], app.data_texts[i], app.grad_texts[i]])


def test_hide_numbers_asks_first_then_reveals():
    app = BackpropStepper(hide_numbers=True)
    click(app, "next", 2)
    step = app.steps[0]
    inputs = [c["input"] for c in step["contributions"]]
    assert app.step_index == 1 and not app.revealed
    assert all(app.shown_grads[i] is None for i in inputs)
    assert all(app.grad_texts[i].get_text() == "grad ?" for i in inputs)
    assert [t.get_text() for t in app.edge_texts if t.get_visible()] == ["local ?\nadds ?"] * 2
    assert "?" in app.explanation.value and "d(*)/dd = f" not in app.explanation.value
    click(app, "next")                   # reveal, same step
    assert app.step_index == 1 and app.revealed
    assert all(app.shown_grads[i] is not None for i in inputs)
    assert "?" not in "".join(app.grad_texts[i].get_text() for i in inputs)
    click(app, "next")                   # the next step, hidden again
    assert app.step_index == 2 and not app.revealed
    app.controls["hide_numbers"].value = False
    assert app.revealed and None not in app.shown_grads.values()
    app.controls["hide_numbers"].value = True
    assert not app.revealed and None in app.shown_grads.values()


def test_back_forward_and_reset():
    app = BackpropStepper(shared_input())
    initial = texts(app)
    click(app, "next", 2)               # forward, step 1
    after_one = dict(app.shown_grads)
    click(app, "next")
    assert app.step_index == 2
    click(app, "back")
    assert app.step_index == 1 and app.shown_grads == after_one
    click(app, "back")
    assert app.step_index == 0 and app.forward_done and app.shown_grads == {}
    click(app, "back")
    assert not app.forward_done and texts(app) == initial
    click(app, "back")                   # already at the start: a message only
    assert "start" in app.status.value
    click(app, "next", 3)
    click(app, "forward")                # the forward state again: values, no grads
    assert app.forward_done and app.step_index == 0 and app.shown_grads == {}
    click(app, "next", 2)
    app.controls["hide_numbers"].value = True
    click(app, "reset")
    assert texts(app) == initial and app.step_index == 0 and not app.forward_done
    assert app.controls["hide_numbers"].value is False


def test_an_error_in_a_callback_is_shown_in_the_app(monkeypatch):
    app = BackpropStepper()

    def broken(k):
        raise RuntimeError("boom")
    monkeypatch.setattr(app, "_grads_after", broken)
    click(app, "next")
    assert "boom" in app.status.value and "Error" in app.status.value


@pytest.mark.parametrize("kwargs, error, name", [
    ({"expression": 3.0}, TypeError, "expression"),
    ({"expression": "seed002"}, ValueError, "expression"),
    ({"expression": [Value(1.0)]}, TypeError, "expression"),
    ({"hide_numbers": "yes"}, TypeError, "hide_numbers"),
    ({"expression": sum((Value(float(i)) for i in range(100)), Value(0.0))}, ValueError, "expression"),
])
def test_bad_arguments_name_the_argument(kwargs, error, name):
    with pytest.raises(error, match=name):
        BackpropStepper(**kwargs)


def test_a_single_value_has_nothing_to_backpropagate():
    app = BackpropStepper(Value(2.0, "w"))
    click(app, "next", 2)
    assert app.step_index == 0 and "nothing to backpropagate" in app.explanation.value
