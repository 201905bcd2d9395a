"""Computation graphs as plain data, for the views that draw them.

``trace(root)`` runs ``root.backward()`` and returns what a picture of the graph
needs: the nodes (inputs first), the edges, and the backward pass as an ordered
list of steps. Each step is one node handing its gradient to its inputs:

    contribution to dL/dchild = (local derivative dnode/dchild) * (upstream dL/dnode)

``network_expression`` builds the graph of a small dense network with Values, so
the same views can show a whole network (for example the 3-2-1 network of the
published worked example) one multiplication at a time.
"""
import numpy as np

from .scalar import Value
from .validation import check_array, check_choice

ACTIVATIONS = ("linear", "sigmoid", "tanh", "relu")


def trace(root):
    """Run the backward pass from ``root`` and describe it as plain data.

    Returns a dict:
      nodes: list of {"id", "label", "op", "data", "grad", "inputs"} in topological
             order (inputs first); "id" is the index in this list, "inputs" the ids
             the node was computed from.
      edges: list of (input id, node id) pairs.
      steps: the backward pass in the order it runs, one per node with inputs:
             {"node", "upstream", "contributions": [{"input", "local", "contribution"}]}.
      output: the id of ``root``.
    """
    if not isinstance(root, Value):
        raise TypeError(f"root must be a Value, got {type(root).__name__} {root!r}")
    root.backward()
    order = root.topological_order()
    ids = {id(v): i for i, v in enumerate(order)}
    nodes = [{"id": i, "label": v.label, "op": v._op, "data": v.data, "grad": v.grad,
              "inputs": [ids[id(c)] for c in v._prev]} for i, v in enumerate(order)]
    edges = [(ids[id(c)], i) for i, v in enumerate(order) for c in v._prev]
    steps = [{"node": ids[id(v)], "upstream": v.grad,
              "contributions": [{"input": ids[id(c)], "local": local, "contribution": local * v.grad}
                                for c, local in zip(v._prev, v._local)]}
             for v in reversed(order) if v._prev]
    return {"nodes": nodes, "edges": edges, "steps": steps, "output": ids[id(root)]}


def network_expression(x, y, W1, b1, W2, b2, activation="linear"):
    """The half squared error of a one-hidden-layer network, built from Values.

    x: (D,) inputs, y: target (scalar or (1,)), W1: (D, H), b1: (H,), W2: (H, 1),
    b2: (1,); the hidden layer applies ``activation``, the output is linear.
    Returns (loss, params) where params maps names ("W1[0,1]", "b2[0]", ...) to
    the leaf Values, so their ``.grad`` can be read after ``loss.backward()``.
    """
    activation = check_choice(activation, "activation", ACTIVATIONS)
    x = check_array(x, "x").reshape(-1)
    W1 = check_array(W1, "W1", ndim=2)
    b1 = check_array(b1, "b1", ndim=1)
    W2 = check_array(W2, "W2", ndim=2)
    b2 = check_array(b2, "b2").reshape(-1)
    y = check_array(y, "y").reshape(-1)
    D, H = W1.shape
    if x.shape != (D,) or b1.shape != (H,) or W2.shape != (H, 1) or b2.shape != (1,) or y.shape != (1,):
        raise ValueError(f"shapes must be x (D,), W1 (D, H), b1 (H,), W2 (H, 1), b2 (1,), y (1,); got "
                         f"x {x.shape}, W1 {W1.shape}, b1 {b1.shape}, W2 {W2.shape}, b2 {b2.shape}, y {y.shape}")
    params = {}

    def leaf(name, value):
        params[name] = Value(float(value), name)
        return params[name]

    xs = [Value(float(v), f"x{i + 1}") for i, v in enumerate(x)]
    hidden = []
    for j in range(H):
        z = leaf(f"b1[{j}]", b1[j])
        for i in range(D):
            z = z + xs[i] * leaf(f"W1[{i},{j}]", W1[i, j])
        z.label = f"z{j + 1}"
        h = z if activation == "linear" else getattr(z, activation)()
        h.label = f"h{j + 1}"
        hidden.append(h)
    out = leaf("b2[0]", b2[0])
    for j in range(H):
        out = out + hidden[j] * leaf(f"W2[{j},0]", W2[j, 0])
    out.label = "out"
    err = out - Value(float(y[0]), "y")
    err.label = "out - y"
    loss = Value(0.5, "1/2") * err ** 2          # half squared error: dL/dout = out - y
    loss.label = "L"
    return loss, params


def gradients_as_arrays(params, shapes):
    """Collect the leaf gradients of ``network_expression`` back into arrays.

    params: the dict it returned; shapes: {"W1": (D, H), "b1": (H,), ...}.
    Returns {"W1": array (D, H), ...} of ``.grad`` values.
    """
    out = {name: np.zeros(shape) for name, shape in shapes.items()}
    for key, v in params.items():
        name, index = key.split("[")
        idx = tuple(int(i) for i in index.rstrip("]").split(","))
        out[name][idx] = v.grad
    return out
