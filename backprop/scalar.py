"""Scalar reverse-mode autograd: the chain rule, one number at a time.

A ``Value`` holds a number, remembers which Values produced it and the local
derivative of the result with respect to each of them. ``backward()`` walks the
graph from the output back to the inputs and applies the chain rule:

    dL/dchild += dL/dnode * dnode/dchild

Each operation below computes its result and its local derivatives side by
side, so the calculus of every operation sits on one or two lines.

Three differences from the well-known tiny engines, each a trap for learners:
- ``backward()`` recomputes gradients from zero on every call (no silent
  accumulation across calls);
- the topological sort is iterative, so a chain of 100,000 nodes works;
- an exponent may itself be a Value (d(a**b)/db = a**b * ln a).
"""
import math
import numbers


class Value:
    """One number in a computation graph, with its gradient after ``backward()``."""

    __slots__ = ("data", "grad", "label", "_prev", "_local", "_op")

    def __init__(self, data, label="", _prev=(), _local=(), _op=""):
        if isinstance(data, Value):
            data = data.data
        if isinstance(data, bool) or not isinstance(data, numbers.Real):
            raise TypeError(f"data must be a real number, got {type(data).__name__} {data!r}")
        if not isinstance(label, str):
            raise TypeError(f"label must be a string, got {type(label).__name__} {label!r}")
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self._prev = _prev      # the Values this one was computed from
        self._local = _local    # d(self)/d(each of _prev), in the same order
        self._op = _op          # the operation's name, for graph views

    # ---- arithmetic: result, then local derivatives -------------------------
    def __add__(self, other):
        other = _as_value(other, "other")
        return Value(self.data + other.data, "", (self, other), (1.0, 1.0), "+")

    def __mul__(self, other):
        other = _as_value(other, "other")
        # d(a*b)/da = b, d(a*b)/db = a
        return Value(self.data * other.data, "", (self, other), (other.data, self.data), "*")

    def __pow__(self, other):
        if isinstance(other, Value):
            if self.data <= 0:
                raise ValueError("with a Value exponent the base must be positive "
                                 f"(d(a**b)/db = a**b * ln a), got base {self.data}")
            out = self.data ** other.data
            # d(a**b)/da = b * a**(b-1), d(a**b)/db = a**b * ln a
            return Value(out, "", (self, other),
                         (other.data * self.data ** (other.data - 1), out * math.log(self.data)), "**")
        if isinstance(other, bool) or not isinstance(other, numbers.Real):
            raise TypeError(f"exponent must be a number or a Value, got {type(other).__name__} {other!r}")
        if self.data < 0 and other != int(other):
            raise ValueError(f"a negative base ({self.data}) needs a whole-number exponent, got {other}")
        if self.data == 0 and other < 1:
            raise ValueError(f"0 ** {other} has no derivative (d(a**n)/da = n a**(n-1) is infinite at 0)")
        return Value(self.data ** other, "", (self,), (other * self.data ** (other - 1),), f"**{other:g}")

    def __rpow__(self, other):
        return _as_value(other, "base") ** self

    def __neg__(self):
        return Value(-self.data, "", (self,), (-1.0,), "neg")

    def __sub__(self, other):
        other = _as_value(other, "other")
        return Value(self.data - other.data, "", (self, other), (1.0, -1.0), "-")

    def __truediv__(self, other):
        other = _as_value(other, "other")
        if other.data == 0:
            raise ZeroDivisionError(f"division by a Value equal to 0 ({other.label or 'unlabelled'})")
        # d(a/b)/da = 1/b, d(a/b)/db = -a/b**2
        return Value(self.data / other.data, "", (self, other),
                     (1.0 / other.data, -self.data / other.data ** 2), "/")

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return _as_value(other, "other") - self

    def __rtruediv__(self, other):
        return _as_value(other, "other") / self

    # ---- functions ------------------------------------------------------------
    def exp(self):
        out = math.exp(self.data)
        return Value(out, "", (self,), (out,), "exp")             # (e^a)' = e^a

    def log(self):
        if self.data <= 0:
            raise ValueError(f"log needs a positive Value, got {self.data}")
        return Value(math.log(self.data), "", (self,), (1.0 / self.data,), "log")   # (ln a)' = 1/a

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, "", (self,), (1.0 - t * t,), "tanh")     # tanh' = 1 - tanh^2

    def sigmoid(self):
        # two forms so that exp never overflows
        x = self.data
        s = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
        return Value(s, "", (self,), (s * (1.0 - s),), "sigmoid")  # s' = s(1 - s)

    def relu(self):
        pos = self.data > 0
        return Value(self.data if pos else 0.0, "", (self,), (1.0 if pos else 0.0,), "relu")

    # ---- the backward pass ------------------------------------------------------
    def topological_order(self):
        """Every Value this one depends on (itself included), inputs before results.

        Iterative depth-first search, so deep graphs never hit Python's recursion limit.
        """
        order, seen = [], {id(self)}
        stack = [(self, iter(self._prev))]
        while stack:
            node, children = stack[-1]
            for child in children:
                if id(child) not in seen:
                    seen.add(id(child))
                    stack.append((child, iter(child._prev)))
                    break
            else:
                stack.pop()
                order.append(node)
        return order

    def backward(self):
        """Fill ``.grad`` of every Value in the graph with d(self)/d(that Value).

        Gradients start from zero on every call, so calling it twice gives the same
        answer, not twice the answer.
        """
        order = self.topological_order()
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            g = node.grad
            for child, local in zip(node._prev, node._local):
                child.grad += local * g     # the chain rule, summed over every path
        return self

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}{label})"


def _as_value(x, name):
    if isinstance(x, Value):
        return x
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a number or a Value, got {type(x).__name__} {x!r}")
    return Value(x)
