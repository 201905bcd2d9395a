"""Engine benchmark: one training step of three nets, and the scalar autograd.

Run from the repository root:

    python benchmarks/engine.py            # full run (about a minute)
    python benchmarks/engine.py --quick    # smoke check (well under 20 s)

Every contender does the same work from the same weights: forward, loss,
backward and an SGD update (learning rate 0.1) for the nets; graph building and
backward for the scalar engines. Machines are noisy, so the contenders are
interleaved in rounds (the order rotates each round) and the script reports
medians and, above all, RATIOS of times measured side by side in the same
round. It never asserts on time: the goals are printed as PASS/MISS for
information. See benchmarks/README.md for how to read the table.
"""
import argparse
import gc
import importlib.metadata
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from a checkout without installing

torch = None  # imported by import_torch(), only in the process that times the nets

try:
    import backprop
    from backprop import Sequential, Value
    from backprop.layers import Dense
    from backprop.optimizers import SGD
    ENGINE_ERROR = None
except Exception as err:  # the engine may not exist yet, or be broken
    backprop = None
    ENGINE_ERROR = f"{type(err).__name__}: {err}"

LR = 0.1

NETS = {
    "a": dict(title="2-8-8-1 tanh, sigmoid + binary cross-entropy, full batch N=500",
              sizes=(2, 8, 8, 1), hidden="tanh", output="sigmoid",
              loss="binary_crossentropy", N=500, dtypes=("float64",), threaded=False),
    "b": dict(title="64-128-10 relu, softmax + cross-entropy, batch 64",
              sizes=(64, 128, 10), hidden="relu", output="softmax",
              loss="sparse_categorical_crossentropy", N=64, dtypes=("float64",), threaded=False),
    "c": dict(title="784-256-256-10 relu, softmax + cross-entropy, batch 256, 2 threads",
              sizes=(784, 256, 256, 10), hidden="relu", output="softmax",
              loss="sparse_categorical_crossentropy", N=256, dtypes=("float64", "float32"),
              threaded=True),
}

# Repeats: (rounds, timed seconds per block, untimed settling seconds per block) for the
# small nets and for the threaded one (whose settling must outlast OpenBLAS's spinning
# threads), and (rounds, timed steps per round) for the scalar engines. On a busy machine
# a measurement stops early, after at least MIN_ROUNDS rounds, once it has used
# its budget of seconds.
SETTINGS = {
    "full": {"small": (150, 0.005, 0.005), "threaded": (25, 0.03, 0.15), "scalar": (7, 4),
             "budget": 25.0},
    "quick": {"small": (20, 0.003, 0.005), "threaded": (5, 0.015, 0.15), "scalar": (2, 3),
              "budget": 3.0},
}
MIN_ROUNDS = 3

# Informational goals: (net, dtype, numerator, denominator, limit).
GOALS = [
    ("a", "float64", "engine", "numpy", 1.15),
    ("b", "float64", "engine", "numpy", 1.15),
    ("c", "float32", "engine", "torch", 1.10),
]
SCALAR_GOAL = "scalar micrograd/Value speed-up"
SCALAR_SPEEDUP = 3.0  # goal: micrograd-style time / backprop.Value time >= 3


# ----------------------------------------------------------------------------
# Data and weights
# ----------------------------------------------------------------------------

def make_data(net, seed=0):
    """Seeded inputs and labels: y (N, 1) float for BCE, int (N,) for sparse CE."""
    spec = NETS[net]
    rng = np.random.default_rng(seed)
    n, d, c = spec["N"], spec["sizes"][0], spec["sizes"][-1]
    if spec["output"] == "sigmoid":
        X = rng.normal(size=(n, d))
        y = (X[:, :1] * X[:, 1:2] > 0).astype(np.float64)  # XOR-like labels
    elif net == "c":
        X = rng.random((n, d))  # pixel-like values in [0, 1)
        y = rng.integers(0, c, size=n)
    else:
        X = rng.normal(size=(n, d))
        y = rng.integers(0, c, size=n)
    return X, y


def glorot_weights(sizes, dtype, seed=0):
    """[W1, b1, W2, b2, ...] like Keras: glorot_uniform kernels, zero biases."""
    rng = np.random.default_rng(seed)
    weights = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        weights.append(rng.uniform(-limit, limit, size=(fan_in, fan_out)).astype(dtype))
        weights.append(np.zeros(fan_out, dtype=dtype))
    return weights


# ----------------------------------------------------------------------------
# Contender (i): hand-written numpy
# ----------------------------------------------------------------------------

def softmax_cross_entropy(z, y, rows):
    """Sparse categorical cross-entropy of logits z (N, K) for labels y (N,), and its fused
    gradient dL/dz = (softmax(z) - onehot(y)) / N; rows = arange(N). -> (loss, dz (N, K))."""
    s = z - z.max(axis=1, keepdims=True)
    e = np.exp(s)
    se = e.sum(axis=1, keepdims=True)
    loss = np.mean(np.log(se[:, 0]) - s[rows, y])
    dz = e / se
    dz[rows, y] -= 1
    dz /= len(z)
    return loss, dz


def numpy_step(weights, X, y, hidden, output, lr=LR):
    """A training step written the way a competent person writes it in numpy."""
    Ws = [w.copy() for w in weights[0::2]]
    bs = [b.copy() for b in weights[1::2]]
    N = X.shape[0]
    rows = np.arange(N)
    eps = 1e-7

    def step():
        # forward: z = a @ W + b, a = f(z); keep every layer's input for backward
        acts = [X]
        a = X
        for W, b in zip(Ws[:-1], bs[:-1]):
            z = a @ W + b
            a = np.tanh(z) if hidden == "tanh" else np.maximum(z, 0)
            acts.append(a)
        z = a @ Ws[-1] + bs[-1]
        if output == "sigmoid":
            p = 1 / (1 + np.exp(-z))
            pc = np.clip(p, eps, 1 - eps)
            loss = -np.mean(y * np.log(pc) + (1 - y) * np.log(1 - pc))
            dz = (p - y) / N                       # sigmoid + BCE fused
        else:
            loss, dz = softmax_cross_entropy(z, y, rows)
        # backward and update, last layer first
        for i in range(len(Ws) - 1, -1, -1):
            a = acts[i]
            dW = a.T @ dz
            db = dz.sum(axis=0)
            if i > 0:
                da = dz @ Ws[i].T
                dz = da * (1 - a * a) if hidden == "tanh" else da * (a > 0)
            Ws[i] -= lr * dW
            bs[i] -= lr * db
        return float(loss)

    def get_weights():
        return [w for pair in zip(Ws, bs) for w in pair]

    return step, get_weights


# ----------------------------------------------------------------------------
# Contender (ii): the backprop engine
# ----------------------------------------------------------------------------

def engine_model(net, dtype):
    spec = NETS[net]
    sizes = spec["sizes"]
    layers = []
    for i, units in enumerate(sizes[1:]):
        last = i == len(sizes) - 2
        act = spec["output"] if last else spec["hidden"]
        kwargs = {"input_shape": (sizes[0],)} if i == 0 else {}
        layers.append(Dense(units, activation=act, **kwargs))
    model = Sequential(layers, seed=0, dtype=dtype)
    model.compile(optimizer=SGD(learning_rate=LR), loss=spec["loss"])
    return model


def engine_step(model, X, y):
    def step():
        return model.train_step(X, y)
    return step, model.get_weights


# ----------------------------------------------------------------------------
# Contender (iii): PyTorch CPU
# ----------------------------------------------------------------------------

def torch_step(weights, X, y, hidden, output, lr=LR):
    """Plain nn.Sequential, a fused loss on the logits, torch.optim.SGD."""
    nn = torch.nn
    mods = []
    n_layers = len(weights) // 2
    for i in range(n_layers):
        W, b = weights[2 * i], weights[2 * i + 1]
        lin = nn.Linear(W.shape[0], W.shape[1], dtype=torch.from_numpy(W).dtype)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(np.ascontiguousarray(W.T)))
            lin.bias.copy_(torch.from_numpy(b))
        mods.append(lin)
        if i < n_layers - 1:
            mods.append(nn.Tanh() if hidden == "tanh" else nn.ReLU())
    model = nn.Sequential(*mods)
    # BCEWithLogitsLoss = sigmoid output + BCE; CrossEntropyLoss = softmax + CE
    loss_fn = nn.BCEWithLogitsLoss() if output == "sigmoid" else nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    Xt = torch.from_numpy(X)
    yt = torch.from_numpy(y).to(Xt.dtype) if output == "sigmoid" else torch.from_numpy(y).long()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(Xt), yt)
        loss.backward()
        opt.step()
        return loss.item()

    def get_weights():
        out = []
        for m in model:
            if isinstance(m, nn.Linear):
                out += [m.weight.detach().numpy().T.copy(), m.bias.detach().numpy().copy()]
        return out

    return step, get_weights


# ----------------------------------------------------------------------------
# Timing
# ----------------------------------------------------------------------------

def minor_faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def measure(contenders, rounds, block_s, settle_s, budget_s):
    """Interleave the contenders in rounds; return per-round times (s/step) and faults.

    Each contender is warmed up, then its block size (steps per sample) is set so
    one timed block lasts about ``block_s``. Every round runs one block of each
    contender, in an order that rotates from round to round. Before its timed
    steps a block runs untimed steps for ``settle_s`` (at least two): right after
    a switch the caches are cold and the other library's BLAS or OpenMP threads
    are still spinning (OpenBLAS's spin for about 0.1 s after a product), which
    would charge one contender for another's threads.
    """
    names = list(contenders)
    steps = {}
    for name in names:
        fn = contenders[name]
        for _ in range(2):
            fn()
        t0 = time.perf_counter()
        k = 0
        while k < 3 or time.perf_counter() - t0 < 0.05:
            fn()
            k += 1
        per = (time.perf_counter() - t0) / k
        steps[name] = max(1, int(round(block_s / per)))
    times = {name: [] for name in names}
    faults = {name: 0 for name in names}
    done = {name: 0 for name in names}
    start = time.perf_counter()
    for r in range(rounds):
        if r >= MIN_ROUNDS and time.perf_counter() - start > budget_s:
            break
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            fn, k = contenders[name], steps[name]
            t0 = time.perf_counter()
            fn()
            fn()
            while time.perf_counter() - t0 < settle_s:
                fn()
            f0 = minor_faults()
            t0 = time.perf_counter()
            for _ in range(k):
                fn()
            t = time.perf_counter() - t0
            faults[name] += minor_faults() - f0
            done[name] += k
            times[name].append(t / k)
    return times, {name: faults[name] / done[name] for name in names}


def quartiles(xs):
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return q[0], statistics.median(xs), q[2]


def paired_ratio(times, num, den):
    """Median and quartiles of the per-round ratio num/den (paired in time)."""
    return quartiles([a / b for a, b in zip(times[num], times[den])])


# ----------------------------------------------------------------------------
# Part 1: the three nets
# ----------------------------------------------------------------------------

def max_abs_diff(ws1, ws2):
    return max(float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))))
               for a, b in zip(ws1, ws2))


def build_contenders(net, dtype, notes):
    """Contenders for one net and dtype, all starting from identical weights."""
    spec = NETS[net]
    X, y = make_data(net)
    X = X.astype(dtype)
    if spec["output"] == "sigmoid":
        y = y.astype(dtype)
    contenders = {}
    weights = None
    if backprop is not None:
        try:
            model = engine_model(net, dtype)
            weights = [np.array(w) for w in model.get_weights()]
            contenders["engine"] = engine_step(model, X, y)
        except Exception as err:
            notes.append(f"net {net} {dtype}: engine failed to build: {type(err).__name__}: {err}")
    if weights is None:
        weights = glorot_weights(spec["sizes"], dtype)
    shapes = [w.shape for w in glorot_weights(spec["sizes"], dtype)]
    if [w.shape for w in weights] != shapes:
        notes.append(f"net {net} {dtype}: engine get_weights() shapes {[w.shape for w in weights]}, "
                     f"expected {shapes}")
        contenders.pop("engine", None)
        weights = glorot_weights(spec["sizes"], dtype)
    contenders = {"numpy": numpy_step(weights, X, y, spec["hidden"], spec["output"]), **contenders}
    if torch is not None:
        contenders["torch"] = torch_step(weights, X, y, spec["hidden"], spec["output"])
    # Same work check: one step from the same weights gives the same loss and weights.
    tol = 1e-9 if dtype == "float64" else 1e-4
    ref_loss = ref_w = None
    agree = []
    for name in list(contenders):
        step, get_w = contenders[name]
        try:
            loss = float(step())
            ws = get_w()
        except Exception as err:
            notes.append(f"net {net} {dtype}: {name} step failed: {type(err).__name__}: {err}")
            del contenders[name]
            continue
        if ref_loss is None:
            ref_loss, ref_w = loss, ws
        else:
            dl, dw = abs(loss - ref_loss), max_abs_diff(ws, ref_w)
            if dl > tol * max(1.0, abs(ref_loss)) or dw > tol:
                notes.append(f"net {net} {dtype}: {name} differs from numpy after one step "
                             f"(loss {loss:.10g} vs {ref_loss:.10g}, max weight diff {dw:.2e})")
            else:
                agree.append(name)
    return {name: step for name, (step, _) in contenders.items()}, agree


def fmt_us(s):
    return f"{s * 1e6:10.1f}"


def judge(met, straddles):
    """PASS/MISS by the median; flagged when the quartiles lie on both sides of the goal."""
    return ("PASS" if met else "MISS") + (" (unsure: quartiles straddle the goal)" if straddles else "")


def goal_label(net, dtype, num, den):
    return f"net {net} {dtype} {num}/{den}"


def goal_for(net, dtype, num, den):
    for g_net, g_dtype, g_num, g_den, limit in GOALS:
        if (g_net, g_dtype, g_num, g_den) == (net, dtype, num, den):
            return limit
    return None


def run_nets(settings, results, notes):
    for net, spec in NETS.items():
        rounds, block_s, settle_s = settings["threaded" if spec["threaded"] else "small"]
        print(f"\nnet {net}: {spec['title']}")
        print(f"  (up to {rounds} rounds; per round and contender: settle {settle_s * 1e3:.0f} ms "
              f"untimed, then about {block_s * 1e3:.0f} ms timed)")
        per_dtype = {}
        for dtype in spec["dtypes"]:
            contenders, agree = build_contenders(net, dtype, notes)
            times, faults = measure(contenders, rounds, block_s, settle_s, settings["budget"])
            per_dtype[dtype] = times
            done = len(next(iter(times.values())))
            if done < rounds:
                notes.append(f"net {net} {dtype}: stopped after {done} of {rounds} rounds "
                             f"(time budget {settings['budget']:g} s): the machine is slow or busy")
            if agree:
                print(f"  {dtype}: one step from the same weights gives the same loss and weights "
                      f"in numpy and {', '.join(agree)}")
            print(f"  {dtype}{'':<10} {'us/step':>10} {'p25':>10} {'p75':>10} {'faults/step':>12}")
            for name in contenders:
                lo, med, hi = quartiles(times[name])
                print(f"  {name:<17} {fmt_us(med)} {fmt_us(lo)} {fmt_us(hi)} {faults[name]:12.1f}")
            pairs = [("engine", "numpy"), ("engine", "torch"), ("numpy", "torch")]
            print(f"  {'ratio':<17} {'median':>10} {'p25':>10} {'p75':>10}   goal")
            for num, den in pairs:
                if num in times and den in times:
                    lo, med, hi = paired_ratio(times, num, den)
                    limit = goal_for(net, dtype, num, den)
                    goal = ""
                    if limit is not None:
                        verdict = judge(med <= limit, lo <= limit <= hi)
                        goal = f"<= {limit:.2f}  {verdict}"
                        results[goal_label(net, dtype, num, den)] = (med, verdict)
                    print(f"  {num + '/' + den:<17} {med:10.2f} {lo:10.2f} {hi:10.2f}   {goal}")
        if "float32" in per_dtype and "float64" in per_dtype:
            for name in per_dtype["float32"]:
                if name in per_dtype["float64"]:
                    ratio = (statistics.median(per_dtype["float32"][name])
                             / statistics.median(per_dtype["float64"][name]))
                    print(f"  {name} float32/float64 (medians): {ratio:.2f}")


# ----------------------------------------------------------------------------
# Part 2: scalar autograd
# ----------------------------------------------------------------------------

class MicroValue:
    """A micrograd-style scalar (as in Karpathy's micrograd engine.py), for comparison."""

    def __init__(self, data, _children=(), _op=""):
        self.data = data
        self.grad = 0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op

    def __add__(self, other):
        other = other if isinstance(other, MicroValue) else MicroValue(other)
        out = MicroValue(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, MicroValue) else MicroValue(other)
        out = MicroValue(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, other):
        assert isinstance(other, (int, float)), "only supporting int/float powers for now"
        out = MicroValue(self.data ** other, (self,), f"**{other}")

        def _backward():
            self.grad += (other * self.data ** (other - 1)) * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        x = self.data
        t = (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1)  # as in micrograd's lecture
        out = MicroValue(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t ** 2) * out.grad
        out._backward = _backward
        return out

    def backward(self):
        topo = []
        visited = set()

        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)
        build_topo(self)
        self.grad = 1
        for v in reversed(topo):
            v._backward()

    def __neg__(self):
        return self * -1

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return other + (-self)

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        return self * other ** -1

    def __rtruediv__(self, other):
        return other * self ** -1


def scalar_params(V, weights):
    """Per layer, per neuron: ([w_1..w_in], b) as scalar values of class V."""
    layers = []
    for W, b in zip(weights[0::2], weights[1::2]):
        layers.append([([V(w) for w in W[:, j].tolist()], V(float(b[j])))
                       for j in range(W.shape[1])])
    return layers


def scalar_forward_backward(layers, X, Y):
    """MSE of a scalar-neuron tanh MLP over all points, then backward."""
    losses = []
    for x, t in zip(X, Y):
        h = x
        for neurons in layers:
            h = [sum((wi * hi for wi, hi in zip(w, h)), b).tanh() for w, b in neurons]
        losses.append((h[0] - t) ** 2)
    loss = sum(losses) * (1.0 / len(losses))
    loss.backward()
    return loss


def count_nodes(root, children):
    seen = {id(root)}
    stack = [root]
    while stack:
        v = stack.pop()
        for c in children(v):
            if id(c) not in seen:
                seen.add(id(c))
                stack.append(c)
    return len(seen)


def value_children():
    """How to walk backprop.Value's graph: its parents attribute, whichever it is."""
    probe = Value(1.0) * Value(2.0)
    for attr in ("_prev", "_children", "_parents", "children", "parents", "prev"):
        if hasattr(probe, attr):
            return lambda v: getattr(v, attr)
    return None


def run_scalar(rounds, per_round, budget_s, results, notes):
    print("\nscalar autograd: 2-8-8-1 tanh MLP of scalar neurons, MSE over N=100 points")
    print("  one step = build the graph + backward; garbage collector "
          f"{'on' if gc.isenabled() else 'OFF'} (default state); own process, no PyTorch")
    rng = np.random.default_rng(0)
    Xs = rng.normal(size=(100, 2))
    Ys = np.where(Xs[:, 0] * Xs[:, 1] > 0, 1.0, -1.0)
    X, Y = Xs.tolist(), Ys.tolist()
    weights = glorot_weights((2, 8, 8, 1), np.float64, seed=1)

    micro_layers = scalar_params(MicroValue, weights)
    micro_params = [p for layer in micro_layers for w, b in layer for p in (*w, b)]

    def micro_step():
        for p in micro_params:  # micrograd accumulates: zero first, as its training loop does
            p.grad = 0
        return scalar_forward_backward(micro_layers, X, Y)

    contenders = {"micrograd-style": micro_step}
    counts = {}
    loss = micro_step()
    counts["micrograd-style"] = count_nodes(loss, lambda v: v._prev)
    ref_loss, ref_grads = loss.data, [p.grad for p in micro_params]
    del loss

    if backprop is not None:
        try:
            value_layers = scalar_params(Value, weights)
            value_params = [p for layer in value_layers for w, b in layer for p in (*w, b)]

            def value_step():
                return scalar_forward_backward(value_layers, X, Y)

            loss = value_step()
            children = value_children()
            if children is not None:
                counts["backprop.Value"] = count_nodes(loss, children)
            dl = abs(float(loss.data) - ref_loss)
            dg = max(abs(float(p.grad) - g) for p, g in zip(value_params, ref_grads))
            del loss
            if dl > 1e-12 or dg > 1e-12:
                notes.append(f"scalar: backprop.Value differs from micrograd-style "
                             f"(loss diff {dl:.2e}, max grad diff {dg:.2e})")
            else:
                print("  both engines give the same loss and the same gradients of all "
                      f"{len(value_params)} parameters")
            contenders["backprop.Value"] = value_step
        except Exception as err:
            notes.append(f"scalar: backprop.Value failed: {type(err).__name__}: {err}")

    # Each round and contender: collect leftover garbage (untimed), one untimed step so
    # the heap holds a dead graph as in steady training, then time `per_round` steps
    # together: the collector's cost comes in bursts, so a mean over several steps
    # charges it fairly where a median of single steps would skip it.
    times = {name: [] for name in contenders}
    names = list(contenders)
    start = time.perf_counter()
    for r in range(rounds):
        if r >= 2 and time.perf_counter() - start > budget_s:
            notes.append(f"scalar: stopped after {r} of {rounds} rounds (time budget {budget_s:g} s)")
            break
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            fn = contenders[name]
            gc.collect()
            fn()
            t0 = time.perf_counter()
            for _ in range(per_round):
                fn()
            times[name].append((time.perf_counter() - t0) / per_round)
    gc.collect()

    print(f"  {'engine':<17} {'ms/step':>10} {'p25':>10} {'p75':>10} {'graph nodes':>12}")
    for name in names:
        lo, med, hi = quartiles(times[name])
        nodes = counts.get(name)
        print(f"  {name:<17} {med * 1e3:10.1f} {lo * 1e3:10.1f} {hi * 1e3:10.1f} "
              f"{nodes if nodes is not None else '?':>12}")
    if "backprop.Value" in times:
        speedups = [a / b for a, b in zip(times["micrograd-style"], times["backprop.Value"])]
        lo, med, hi = quartiles(speedups)
        verdict = judge(med >= SCALAR_SPEEDUP, lo <= SCALAR_SPEEDUP <= hi)
        print(f"  {'speed-up':<17} {med:9.2f}x {lo:9.2f}x {hi:9.2f}x   "
              f"(micrograd-style / Value)  goal >= {SCALAR_SPEEDUP:.2f}x  {verdict}")
        results[SCALAR_GOAL] = (med, verdict)


# ----------------------------------------------------------------------------

def import_torch():
    """PyTorch if installed (its columns are left out otherwise), on 2 threads."""
    global torch
    try:
        import torch as _torch
    except ImportError:
        return None
    _torch.set_num_threads(2)
    torch = _torch
    return torch


RESULT_MARK = "@@scalar-result "


def run_scalar_in_child(quick, results, notes):
    """The scalar benchmark in a fresh interpreter: neither PyTorch's many objects (they
    slow every full collection) nor the nets' heap (it changes the page faults of
    large temporaries) carry over from one part to the other."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--part", "scalar"] + (["--quick"] if quick else [])
    proc = subprocess.run(cmd, capture_output=True, text=True)
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_MARK):
            child = json.loads(line[len(RESULT_MARK):])
            results.update({k: tuple(v) for k, v in child["results"].items()})
            notes.extend(child["notes"])
        else:
            print(line)
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or ["no message"]
        notes.append(f"scalar: the benchmark process failed (exit {proc.returncode}): {tail[0]}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (smoke check)")
    parser.add_argument("--part", choices=("all", "scalar"), default="all", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    settings = SETTINGS["quick" if args.quick else "full"]
    if args.part == "scalar":
        results, notes = {}, []
        run_scalar(*settings["scalar"], settings["budget"], results, notes)
        print(RESULT_MARK + json.dumps({"results": results, "notes": notes}))
        return

    t_start = time.perf_counter()
    print(f"Backprop Lab engine benchmark ({'quick' if args.quick else 'full'} run; "
          "medians over rounds, ratios paired per round)")
    versions = [f"python {platform.python_version()}", f"numpy {np.__version__}"]
    try:
        versions.append(f"torch {importlib.metadata.version('torch')}")
    except importlib.metadata.PackageNotFoundError:
        versions.append("torch not installed")
    versions.append(f"backprop {getattr(backprop, '__version__', '?')}" if backprop is not None
                    else f"backprop engine unavailable ({ENGINE_ERROR})")
    print("  " + ", ".join(versions) + f", {os.cpu_count()} CPUs")
    load = os.getloadavg()[0]
    print(f"  load average (1 min) before the run: {load:.2f}"
          + ("  <- other processes are busy: expect noisier numbers" if load > 0.5 else ""))

    results, notes = {}, []
    if import_torch() is None:
        notes.append("torch could not be imported: its columns are left out")
    run_nets(settings, results, notes)
    sys.stdout.flush()
    run_scalar_in_child(args.quick, results, notes)

    print("\ngoals (informational; machines are noisy, so compare ratios, never absolute times)")
    goals = [(goal_label(*g[:4]), "<=", g[4]) for g in GOALS] + [(SCALAR_GOAL, ">=", SCALAR_SPEEDUP)]
    for label, op, limit in goals:
        value, verdict = results.get(label, (None, "n/a (not measured)"))
        shown = "-" if value is None else f"{value:.2f}"
        print(f"  {label:<36} {shown:>6}  goal {op} {limit:.2f}  {verdict}")
    if notes:
        print("\nnotes")
        for note in notes:
            print("  " + note)
    print(f"\ntotal {time.perf_counter() - t_start:.1f} s; load average (1 min) at the end "
          f"{os.getloadavg()[0]:.2f} (this run adds up to about 2)")


if __name__ == "__main__":
    main()
