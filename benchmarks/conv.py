"""Convolution benchmark: one training step of a small CNN, the engine against PyTorch.

Run from the repository root:

    python benchmarks/conv.py             # full run (about 30 s)
    python benchmarks/conv.py --quick     # smoke check (under 15 s)
    python benchmarks/conv.py --profile   # then where the engine's step spends its time

The net (the conv issue's): 28x28x1 images, batch 64, float32; Conv2D 16 3x3 relu,
MaxPooling2D 2, Conv2D 32 3x3 relu, MaxPooling2D 2, Flatten, Dense 10 softmax; sparse
categorical cross-entropy; plain SGD. Every contender starts from the same weights and
does the same work (checked before timing). They are interleaved in rounds, as in
benchmarks/engine.py, whose timing helpers this script uses; ratios are paired per round.
It never asserts on time: the goal is printed as PASS/MISS for information.
"""
import argparse
import cProfile
import importlib.metadata
import os
import platform
import pstats
import statistics
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
for path in (HERE.parent, HERE):        # the engine from this checkout; engine.py's timing helpers
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from engine import import_torch as engine_import_torch  # noqa: E402
from engine import (judge, max_abs_diff, measure, minor_faults, paired_ratio, quartiles,  # noqa: E402
                    softmax_cross_entropy)

from backprop import conv  # noqa: E402

try:
    from backprop.layers import Conv2D, Dense, Flatten, MaxPooling2D
    from backprop.model import Sequential
    from backprop.optimizers import SGD
    LAYERS_ERROR = None
except ImportError as err:                 # the Conv2D layers are not on this branch yet
    LAYERS_ERROR = f"{type(err).__name__}: {err}"

torch = None                               # imported by import_torch(), on 2 threads

N, SIZE, CLASSES = 64, 28, 10
LR = 0.1
DTYPE = np.float32
GOAL = 1.5                                 # engine/torch, median of paired ratios
# (rounds, timed seconds per block, untimed settling seconds per block, budget seconds)
SETTINGS = {"full": (15, 0.15, 0.15, 40.0), "quick": (4, 0.05, 0.15, 8.0)}


# ---- data and weights ---------------------------------------------------------------------
def make_data(seed=0):
    """X (N, 28, 28, 1) float32 pixel-like values in [0, 1), y (N,) integer labels."""
    rng = np.random.default_rng(seed)
    return rng.random((N, SIZE, SIZE, 1)).astype(DTYPE), rng.integers(0, CLASSES, size=N)


def glorot(shape, fan_in, fan_out, rng):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(DTYPE)


def initial_weights(seed=0):
    """[K1 (3,3,1,16), b1, K2 (3,3,16,32), b2, W3 (800,10), b3] in Keras's layouts, Keras's
    glorot_uniform (fans of a conv kernel: kh kw C in, kh kw F out) and zero biases; used
    when the engine's layers are missing, otherwise the engine's own initial weights."""
    rng = np.random.default_rng(seed)
    return [glorot((3, 3, 1, 16), 9, 144, rng), np.zeros(16, DTYPE),
            glorot((3, 3, 16, 32), 144, 288, rng), np.zeros(32, DTYPE),
            glorot((800, 10), 800, 10, rng), np.zeros(10, DTYPE)]


# ---- contender (i): the engine's Sequential -----------------------------------------------
def engine_model():
    model = Sequential([Conv2D(16, 3, activation="relu", input_shape=(SIZE, SIZE, 1)),
                        MaxPooling2D(2),
                        Conv2D(32, 3, activation="relu"),
                        MaxPooling2D(2),
                        Flatten(),
                        Dense(CLASSES, activation="softmax")], seed=0, dtype="float32")
    model.compile(optimizer=SGD(learning_rate=LR), loss="sparse_categorical_crossentropy")
    return model


def engine_step(model, X, y):
    return (lambda: model.train_step(X, y)), model.get_weights


# ---- contender (ii): backprop.conv's functions assembled by hand ---------------------------
def functions_step(weights, X, y, lr=LR):
    """The same step written directly on backprop.conv's functions and numpy: the floor the
    layers stand on, so engine/functions is what the layer and model code add."""
    K1, b1, K2, b2, W3, b3 = (w.copy() for w in weights)
    rows = np.arange(N)

    def step():
        z1, c1 = conv.conv2d_forward(X, K1, b1)              # (N, 26, 26, 16)
        p1, pc1 = conv.max_pool_forward(np.maximum(z1, 0), 2)  # (N, 13, 13, 16)
        z2, c2 = conv.conv2d_forward(p1, K2, b2)             # (N, 11, 11, 32)
        p2, pc2 = conv.max_pool_forward(np.maximum(z2, 0), 2)  # (N, 5, 5, 32)
        f = p2.reshape(N, -1)                                # channels-last flatten (N, 800)
        loss, dz3 = softmax_cross_entropy(f @ W3 + b3, y, rows)   # fused: (p - onehot) / N
        dW3, db3 = f.T @ dz3, dz3.sum(axis=0)
        dz2 = conv.max_pool_backward((dz3 @ W3.T).reshape(p2.shape), pc2) * (z2 > 0)
        dp1, dK2, db2 = conv.conv2d_backward(dz2, c2)
        dz1 = conv.max_pool_backward(dp1, pc1) * (z1 > 0)
        _, dK1, db1 = conv.conv2d_backward(dz1, c1, need_dx=False)
        for w, g in ((K1, dK1), (b1, db1), (K2, dK2), (b2, db2), (W3, dW3), (b3, db3)):
            w -= lr * g
        return float(loss)

    return step, lambda: [K1, b1, K2, b2, W3, b3]


# ---- contender (iii): PyTorch CPU -----------------------------------------------------------
def torch_weights(weights):
    """Keras layouts -> torch's: kernels (kh, kw, C, F) -> (F, C, kh, kw); the Dense kernel's
    rows from channels-last order (h, w, c) to torch's flatten order of NCHW (c, h, w), so
    both nets compute the same function without a transpose in torch's step."""
    K1, b1, K2, b2, W3, b3 = weights
    W3_chw = W3.reshape(5, 5, 32, CLASSES).transpose(2, 0, 1, 3).reshape(800, CLASSES)
    return [K1.transpose(3, 2, 0, 1), b1, K2.transpose(3, 2, 0, 1), b2, W3_chw.T, b3]


def engine_layout(torch_ws):
    """The inverse of torch_weights, to compare weights after a step."""
    K1, b1, K2, b2, W3t, b3 = torch_ws
    W3 = W3t.T.reshape(32, 5, 5, CLASSES).transpose(1, 2, 0, 3).reshape(800, CLASSES)
    return [K1.transpose(2, 3, 1, 0), b1, K2.transpose(2, 3, 1, 0), b2, W3, b3]


def torch_step(weights, X, y, lr=LR):
    nn = torch.nn
    model = nn.Sequential(nn.Conv2d(1, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(16, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(800, CLASSES))
    with torch.no_grad():
        for p, w in zip(model.parameters(), torch_weights(weights)):
            p.copy_(torch.from_numpy(np.ascontiguousarray(w)))
    loss_fn = nn.CrossEntropyLoss()                          # softmax + CE on the logits
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    Xt = torch.from_numpy(np.ascontiguousarray(X.transpose(0, 3, 1, 2)))   # NCHW
    yt = torch.from_numpy(y).long()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(Xt), yt)
        loss.backward()
        opt.step()
        return loss.item()

    return step, lambda: engine_layout([p.detach().numpy().copy() for p in model.parameters()])


# ---- building and checking ----------------------------------------------------------------
def build_contenders(notes):
    """{name: step} from identical weights, and the names that agree after one step."""
    X, y = make_data()
    contenders, weights = {}, None
    if LAYERS_ERROR is None:
        try:
            model = engine_model()
            weights = [np.array(w) for w in model.get_weights()]
            contenders["engine"] = engine_step(model, X, y)
        except Exception as err:
            notes.append(f"engine failed to build: {type(err).__name__}: {err}")
    else:
        notes.append(f"engine's Sequential left out: its conv layers are missing ({LAYERS_ERROR})")
    if weights is None:
        weights = initial_weights()
    contenders["functions"] = functions_step(weights, X, y)
    if torch is not None:
        contenders["torch"] = torch_step(weights, X, y)
    return same_work(contenders, notes)


def same_work(contenders, notes, tol=1e-4):
    """One step each from the same weights: the losses and new weights must agree (float32)."""
    ref = None
    agree = []
    for name in list(contenders):
        step, get_weights = contenders[name]
        try:
            loss, ws = float(step()), [np.asarray(w) for w in get_weights()]
        except Exception as err:
            notes.append(f"{name} step failed: {type(err).__name__}: {err}")
            del contenders[name]
            continue
        if ref is None:
            ref = (name, loss, ws)
            continue
        dl, dw = abs(loss - ref[1]), max_abs_diff(ws, ref[2])
        if dl > tol * max(1.0, abs(ref[1])) or dw > tol:
            notes.append(f"{name} differs from {ref[0]} after one step (loss {loss:.7g} vs "
                         f"{ref[1]:.7g}, max weight diff {dw:.2e})")
        else:
            agree.append(name)
    if agree:
        print(f"  one step from the same weights: {', '.join(agree)} agree with {ref[0]} "
              f"(loss and every weight within {tol:g})")
    return {name: step for name, (step, _) in contenders.items()}


# ---- the run --------------------------------------------------------------------------------
def run(settings, notes):
    rounds, block_s, settle_s, budget = settings
    print(f"\nstep: {N}x{SIZE}x{SIZE}x1 float32, Conv2D 16 3x3 relu, MaxPool 2, Conv2D 32 3x3 relu, "
          "MaxPool 2, Flatten, Dense 10 softmax, sparse CE, SGD")
    contenders = build_contenders(notes)
    times, faults = measure(contenders, rounds, block_s, settle_s, budget)
    done = len(next(iter(times.values())))
    if done < rounds:
        notes.append(f"stopped after {done} of {rounds} rounds (time budget {budget:g} s): busy machine")
    print(f"  {'':<12} {'ms/step':>9} {'p25':>9} {'p75':>9} {'faults/step':>12}")
    for name in contenders:
        lo, med, hi = quartiles(times[name])
        print(f"  {name:<12} {med * 1e3:9.2f} {lo * 1e3:9.2f} {hi * 1e3:9.2f} {faults[name]:12.1f}")
    print(f"  {'ratio':<12} {'median':>9} {'p25':>9} {'p75':>9}   goal")
    result = None
    for num, den in (("engine", "torch"), ("functions", "torch"), ("engine", "functions")):
        if num in times and den in times:
            lo, med, hi = paired_ratio(times, num, den)
            goal = ""
            if (num, den) == ("engine", "torch"):
                result = (med, judge(med <= GOAL, lo <= GOAL <= hi))
                goal = f"<= {GOAL:.2f}  {result[1]}"
            print(f"  {num + '/' + den:<12} {med:9.2f} {lo:9.2f} {hi:9.2f}   {goal}")
    return result


# ---- where the engine's time goes ------------------------------------------------------------
def median_ms(fn, repeats):
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def profile_layers(model, X, y, repeats=30):
    """Median ms of each layer's forward and backward, called one layer at a time as
    train_step calls them (the softmax layer's backward from the fused loss gradient, the
    first layer's without dx)."""
    outs = [X]
    for layer in model.layers:
        outs.append(layer.forward(outs[-1], training=True))
    rng = np.random.default_rng(0)
    print(f"\n  per layer, {repeats} calls each ({N} images; ms, median):")
    print(f"  {'layer':<16} {'output shape':<18} {'forward':>8} {'backward':>9} {'faults':>7}")
    for i, layer in enumerate(model.layers):
        dout = rng.standard_normal(outs[i + 1].shape).astype(DTYPE) / N
        last = i == len(model.layers) - 1
        back = ((lambda: layer.backward_from_logits(dout, need_dx=True)) if last
                else (lambda: layer.backward(dout, need_dx=i > 0)))
        fwd = median_ms(lambda: layer.forward(outs[i], training=True), repeats)
        f0 = minor_faults()
        bwd = median_ms(back, repeats)
        faults = (minor_faults() - f0) / (repeats + 1)
        print(f"  {layer.name:<16} {str(outs[i + 1].shape):<18} {fwd:8.3f} {bwd:9.3f} {faults:7.0f}")


def profile(repeats=60, top=14):
    """The engine's step taken apart: per layer, then per function (cProfile's own time; a
    matrix product counts in the function that calls it)."""
    print("\nprofile of the engine's step")
    X, y = make_data()
    if LAYERS_ERROR is None:
        model = engine_model()
        step = lambda: model.train_step(X, y)   # noqa: E731
        profile_layers(model, X, y)
    else:
        print(f"  the engine's layers are missing ({LAYERS_ERROR}): profiling the functions' step")
        step = functions_step(initial_weights(), X, y)[0]
    print(f"  whole step: {median_ms(step, repeats):.2f} ms (median of {repeats})")
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(repeats):
        step()
    prof.disable()
    print(f"\n  per function, own time over {repeats} steps (cProfile adds overhead):")
    stats = pstats.Stats(prof, stream=sys.stdout).sort_stats("tottime")
    stats.print_stats(top)


def import_torch():
    """PyTorch on 2 threads, as engine.py imports it (None when it is not installed)."""
    global torch
    torch = engine_import_torch()
    return torch


def header(quick):
    print(f"Backprop Lab convolution benchmark ({'quick' if quick else 'full'} run; medians over "
          "rounds, ratios paired per round)")
    versions = [f"python {platform.python_version()}", f"numpy {np.__version__}"]
    try:
        versions.append(f"torch {importlib.metadata.version('torch')} (2 threads)")
    except importlib.metadata.PackageNotFoundError:
        versions.append("torch not installed")
    print("  " + ", ".join(versions) + f", {os.cpu_count()} CPUs")
    blas = {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS_", "MALLOC_"))}
    if blas:
        print(f"  OpenBLAS and malloc settings from the environment: {blas} (they change the times)")
    load = os.getloadavg()[0]
    print(f"  load average (1 min) before the run: {load:.2f}"
          + ("  <- other processes are busy: expect noisier numbers" if load > 0.5 else ""))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (smoke check)")
    parser.add_argument("--profile", action="store_true", help="then profile the engine's step")
    args = parser.parse_args(argv)
    t_start = time.perf_counter()
    header(args.quick)
    notes = []
    if import_torch() is None:
        notes.append("torch could not be imported: its column is left out")
    result = run(SETTINGS["quick" if args.quick else "full"], notes)
    print("\ngoal (informational; compare ratios, never absolute times)")
    shown = "-" if result is None else f"{result[0]:.2f}   {result[1]}"
    print(f"  engine/torch <= {GOAL:.2f}: {shown}")
    if notes:
        print("\nnotes")
        for note in notes:
            print("  " + note)
    if args.profile:
        profile()
    print(f"\ntotal {time.perf_counter() - t_start:.1f} s; load average (1 min) at the end "
          f"{os.getloadavg()[0]:.2f} (this run adds up to about 2)")


if __name__ == "__main__":
    main()
