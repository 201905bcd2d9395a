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
    lit = [i for i, box in enumerate(app.highlights) if box.get_visible()]
    assert sorted(lit) == sorted([e_id, node_id(app, "a"), node_id(app, "b")])
    assert app.highlights[e_id].get_edgecolor()[:3] != app.highlights[node_id(app, "a")].get_edgecolor()[:3]
    assert app.highlights[e_id].get_linestyle() != app.highlights[node_id(app, "a")].get_linestyle()
    assert f"e passes its gradient {f:.4g}" in app.readout.value
    assert f"to a: local derivative {b:.4g}, {b:.4g} \u00d7 {f:.4g} = {b * f:.4g}" in app.readout.value
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


@pytest.mark.parametrize("expression", [None, "worked_example", "shared"])
def test_arrows_end_on_the_boxes_and_pass_through_none(expression):
    """Each arrow runs from the middle of its input's bottom edge to the middle of its result's
    top edge, and no straight arrow crosses a third box (highlighted arrows are drawn over
    the boxes, so one that did would show through it)."""
    app = BackpropStepper(shared_input() if expression == "shared" else expression)
    boxes = [(b.get_x(), b.get_y(), b.get_x() + b.get_width(), b.get_y() + b.get_height()) for b in app.boxes]
    for node in app.trace["nodes"]:
        for k, src in enumerate(node["inputs"]):
            dst = node["id"]
            start, end = app.edge_ends(src, dst)
            x0, y0, x1, y1 = boxes[src]
            assert start == pytest.approx(((x0 + x1) / 2, y1))          # levels grow downwards
            x0, y0, x1, y1 = boxes[dst]
            assert end == pytest.approx(((x0 + x1) / 2, y0))
            arrow = app.arrows[app._edge_of[(dst, k)]]
            assert arrow.shrinkA == arrow.shrinkB == 0
            if node["inputs"].count(src) > 1:
                continue                                                  # curved: between its own two boxes
            t = np.linspace(0, 1, 200)[:, None]
            points = np.array(start) + t * (np.array(end) - np.array(start))
            for other, (x0, y0, x1, y1) in enumerate(boxes):
                if other in (src, dst):
                    continue
                inside = (points[:, 0] > x0) & (points[:, 0] < x1) & (points[:, 1] > y0) & (points[:, 1] < y1)
                assert not inside.any(), f"the arrow {src} -> {dst} crosses box {other}"


def test_a_step_blits_and_fits_a_laptop(monkeypatch):
    """After the forward pass (drawn in full: every value changes), a backward step sends
    only changed pixels (no full draw), and the frames painted one over another give
    exactly the figure a full draw gives."""
    import io

    from PIL import Image
    app = BackpropStepper("worked_example")
    width, height = app.fig.get_size_inches() * app.fig.dpi
    assert width <= 900 and app.fig.canvas.view.alt.strip()
    canvas = app.fig.canvas
    frames, draws = [], []
    send = canvas.view.send
    monkeypatch.setattr(canvas.view, "send", lambda content, buffers=None: (
        frames.append((content, bytes(buffers[0]))), send(content, buffers=buffers)))
    monkeypatch.setattr(canvas, "draw", lambda orig=canvas.draw: (draws.append(1), orig()))
    canvas.view._handle_custom_msg({"type": "ready"}, [])
    click(app, "forward")
    assert len(draws) == 1
    draws.clear()
    click(app, "next", 4)
    click(app, "back")
    app.controls["hide_numbers"].value = True
    click(app, "next")
    assert draws == [] and frames[0][0]["full"] and not any(c["full"] for c, _ in frames[1:])
    assert len(frames) == 9             # the picture, the forward pass, 4 next, back, hide, next
    shown = None
    for content, data in frames:
        pixels = np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))
        if shown is None:
            shown = pixels.copy()
        else:
            y, x = content["y"], content["x"]
            shown[y:y + pixels.shape[0], x:x + pixels.shape[1]] = pixels
    monkeypatch.undo()
    canvas.draw()
    np.testing.assert_array_equal(shown, np.asarray(canvas.buffer_rgba()))


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
