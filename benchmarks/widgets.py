"""Widget benchmark: frames per second of the Playground's live view against re-plotting.

Run from the repository root:

    python benchmarks/widgets.py            # full run (about a minute)
    python benchmarks/widgets.py --quick    # smoke check (under 20 s)

One frame is what the Playground does on each tick of its Play widget: one epoch of
training (mini-batches of 10 over the 250 training points of the default circles
set), the loss on the training and the test set, the network's prediction on a
100x100 grid, and showing all that. The strategies shown side by side:

- live: the Playground itself. Its axes are drawn once; a frame restores the
  saved background and redraws only the artists that change (the image, the
  points on it, the two loss lines, the numbers): blitting;
- full draw: the same app, but every frame redraws the whole figure (set_data +
  draw, the usual pattern);
- replot: what a notebook does with clear_output: a new Figure each frame with the
  same content (imshow, the points, the loss lines, labels, colour bar, legend),
  rendered to PNG bytes (one draw: the inline backend's default
  bbox_inches="tight" would add a second, so the speed-ups shown are conservative);
- compute only: the frame's training and prediction without any drawing (the floor).

Each runs on Matplotlib's Agg canvas and on the canvas the apps use in a notebook
(``web``: widgets/canvas.py's WebCanvas), whose frames include what it sends the
browser: a PNG of the box of changed pixels, after the "ready" its view sends when
it appears. The replot on the web side is the usual ``%matplotlib widget`` pattern:
a new ipympl canvas widget per frame, whose first frame is a full PNG (ipympl is in
the test extra for this comparison only). The app's live frames are the ones the
browser gets (tests/test_widget_canvas.py checks that they compose into the full
figure; tests/test_browser.py watches them in JupyterLab). No browser is involved
here: decoding and painting in the browser are not counted.

Machines are noisy: the contenders are interleaved in rounds (the order rotates),
the table gives medians and quartiles, and speed-ups are medians of ratios paired
within a round. Goals are printed as PASS/MISS for information only.
"""
import argparse
import io
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# This file is called widgets.py: its own folder must not hide the widgets package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from a checkout without installing

import matplotlib  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.cm import ScalarMappable  # noqa: E402
from matplotlib.colors import Normalize  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import ipympl  # noqa: E402
from ipympl.backend_nbagg import Canvas, FigureManager  # noqa: E402

from backprop import datasets  # noqa: E402
from backprop.layers import Dense  # noqa: E402
from backprop.model import Sequential  # noqa: E402
from backprop.optimizers import SGD  # noqa: E402
from widgets import playground  # noqa: E402
from widgets.playground import Playground  # noqa: E402

# (rounds, seconds per timed block)
SETTINGS = {"full": (15, 0.5), "quick": (3, 0.15)}
GOAL_FPS = 30.0          # live view on the web canvas, frames per second
GOAL_SPEEDUP = 4.0       # live / replot


# ----------------------------------------------------------------------------
# The contenders: each is a function that shows one frame
# ----------------------------------------------------------------------------

class FullDrawPlayground(Playground):
    """The Playground drawing the whole figure every frame (no blitting)."""

    def redraw(self, full=False):
        super().redraw(full=True)


def connect_front_end(canvas):
    """What the app's view says once it is on the page: the canvas sends its picture from then on."""
    canvas.view._handle_custom_msg({"type": "ready"}, [])


def connect_ipympl_front_end(canvas):
    """Play JupyterLab's side of ipympl's handshake: the canvas then sends PNG diffs only.

    These are the view's first messages; "refresh" makes the next frame a full one
    and the view answers the "draw" event it gets back with "draw" (a full draw).
    """
    for message in ("refresh", "send_image_mode", "initialized", "draw"):
        canvas._handle_message(canvas, {"type": message}, [])


def live_frame(app):
    play = app.controls["play"]

    def frame():
        play.value += 1             # what the front end's Play widget does on each tick
    return frame


class Trainer:
    """The Playground's default network and data, trained epoch by epoch without a view."""

    def __init__(self, seed=0):
        X, y = datasets.make_2d("circles", n=500, noise=0.1, seed=seed)
        self.X_train, self.X_test, self.y_train, self.y_test = datasets.train_test_split(
            X, y, test_fraction=0.5, seed=seed)
        self.model = Sequential([Dense(4, "tanh", input_shape=(2,)), Dense(4, "tanh"),
                                 Dense(1, "sigmoid")], seed=seed)
        self.model.compile(optimizer=SGD(0.03), loss="binary_crossentropy")
        self.grid = playground._grid()
        self.loss = [self.model.evaluate(self.X_train, self.y_train)]
        self.val_loss = [self.model.evaluate(self.X_test, self.y_test)]

    def epoch(self):
        self.model.fit(self.X_train, self.y_train, batch_size=10, epochs=1, verbose=0)
        self.loss.append(self.model.evaluate(self.X_train, self.y_train))
        self.val_loss.append(self.model.evaluate(self.X_test, self.y_test))
        return self.model.predict(self.grid)[:, 0].reshape(playground.GRID, playground.GRID)


def replot_figure(trainer, prob, figure):
    """A new figure with the Playground's content, drawn from scratch."""
    fig = figure()
    W, H = fig.get_size_inches()
    side, left, bottom = 3.2, 0.6 / W, 0.75 / H
    ax = fig.add_axes((left, bottom, side / W, side / H))
    cax = fig.add_axes((left + (side + 0.12) / W, bottom, 0.12 / W, side / H))
    ax_loss = fig.add_axes((5.05 / W, bottom, 3.8 / W, side / H))
    lim = playground.LIMIT
    ax.imshow(prob, origin="lower", extent=(-lim, lim, -lim, lim), cmap=playground.CMAP,
              vmin=0, vmax=1, interpolation="nearest")
    for X, y, marker, edge in ((trainer.X_train, trainer.y_train, "o", "white"),
                               (trainer.X_test, trainer.y_test, "s", "black")):
        for label, color in ((0, playground.ORANGE), (1, playground.BLUE)):
            ax.plot(*X[y == label].T, ls="", marker=marker, ms=4.2, mfc=color, mec=edge, mew=0.6)
    ax.set(xlim=(-lim, lim), ylim=(-lim, lim), xlabel="$x_1$", ylabel="$x_2$")
    ax.set_title("the network's P(class 1) over the plane", fontsize=10)
    fig.colorbar(ScalarMappable(norm=Normalize(0, 1), cmap=playground.CMAP), cax=cax)
    ax_loss.plot(trainer.loss, color="#222222", lw=1.6, label="training loss")
    ax_loss.plot(trainer.val_loss, color="#7a3db8", lw=1.6, ls="--", label="test loss")
    ax_loss.set(xlabel="epoch", ylabel="loss (binary cross-entropy)", ylim=(0, None))
    ax_loss.grid(alpha=0.3)
    ax_loss.set_title(f"epoch {len(trainer.loss) - 1}   training loss {trainer.loss[-1]:.4f}   "
                      f"test loss {trainer.val_loss[-1]:.4f}", fontsize=10, loc="left")
    fig.legend(handles=ax_loss.lines, loc="lower center", ncol=2, frameon=False, fontsize=9)
    return fig


def replot_agg_frame(trainer):
    def frame():
        prob = trainer.epoch()
        fig = replot_figure(trainer, prob, lambda: Figure(figsize=(9.0, 4.4)))
        with io.BytesIO() as buf:               # what the inline backend sends after clear_output
            FigureCanvasAgg(fig).print_png(buf)
    return frame


def replot_ipympl_frame(trainer):
    def new_figure():
        fig = Figure(figsize=(9.0, 4.4))
        FigureManager(Canvas(fig), 0)           # a new canvas widget, as %matplotlib widget makes
        return fig

    def frame():
        prob = trainer.epoch()
        fig = replot_figure(trainer, prob, new_figure)
        connect_ipympl_front_end(fig.canvas)    # the new view asks for its first frame: draw, full PNG
        fig.canvas.close()                      # clear_output drops the old widget
    return frame


def compute_frame(trainer):
    return trainer.epoch


def count_draws(app):
    """Wrap the app's canvas.draw and canvas.blit to count what its live frames did."""
    canvas, counter = app.fig.canvas, {"draw": 0, "blit": 0}
    for method in counter:
        def counted(*args, _name=method, _original=getattr(canvas, method)):
            counter[_name] += 1
            return _original(*args)
        setattr(canvas, method, counted)
    return counter


# ----------------------------------------------------------------------------
# Timing
# ----------------------------------------------------------------------------

def measure(contenders, rounds, block_s):
    """Interleave the contenders in rounds; return each one's seconds per frame per round."""
    names = list(contenders)
    frames = {}
    for name in names:                      # warm up, then size a block to about block_s
        fn = contenders[name]
        fn()
        t0, k = time.perf_counter(), 0
        while k < 1 or time.perf_counter() - t0 < 0.1:
            fn()
            k += 1
        frames[name] = max(1, round(block_s * k / (time.perf_counter() - t0)))
    times = {name: [] for name in names}
    for r in range(rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            fn, k = contenders[name], frames[name]
            if k > 2:
                fn()                        # one untimed frame after the switch (warm caches)
            t0 = time.perf_counter()
            for _ in range(k):
                fn()
            times[name].append((time.perf_counter() - t0) / k)
    return times


def quartiles(xs):
    if len(xs) < 2:
        return xs[0], xs[0], xs[0]
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return q[0], statistics.median(xs), q[2]


def paired_speedup(times, fast, slow):
    return quartiles([s / f for f, s in zip(times[fast], times[slow])])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (smoke check)")
    args = parser.parse_args(argv)
    rounds, block_s = SETTINGS["quick" if args.quick else "full"]
    t_start = time.perf_counter()
    warnings.simplefilter("ignore", DeprecationWarning)     # traitlets' notice about ipympl's toolbar

    print(f"Backprop Lab widget benchmark ({'quick' if args.quick else 'full'} run; "
          f"medians over {rounds} rounds, speed-ups paired per round)")
    print(f"  python {platform.python_version()}, numpy {np.__version__}, "
          f"matplotlib {matplotlib.__version__}, ipympl {ipympl.__version__}, {os.cpu_count()} CPUs")
    load = os.getloadavg()[0]
    print(f"  load average (1 min) before the run: {load:.2f}"
          + ("  <- other processes are busy: expect noisier numbers" if load > 0.5 else ""))
    print("  frame = 1 epoch (25 steps, batch 10) + train/test losses + 100x100 grid prediction\n"
          "          + showing it in a 900x440 px figure; web frames include the PNG sent")

    apps = {}
    for canvas_name in ("Agg", "web"):
        for kind, cls in (("live", Playground), ("full draw", FullDrawPlayground)):
            app = cls()
            if canvas_name == "Agg":
                FigureCanvasAgg(app.fig)
                app.redraw(full=True)
            else:
                connect_front_end(app.fig.canvas)   # its first frame: a full draw
            apps[canvas_name, kind] = app
    draws = {name: count_draws(apps[name, "live"]) for name in ("Agg", "web")}

    contenders = {
        ("Agg", "live"): live_frame(apps["Agg", "live"]),
        ("Agg", "full draw"): live_frame(apps["Agg", "full draw"]),
        ("Agg", "replot"): replot_agg_frame(Trainer()),
        ("web", "live"): live_frame(apps["web", "live"]),
        ("web", "full draw"): live_frame(apps["web", "full draw"]),
        ("web", "replot"): replot_ipympl_frame(Trainer()),
        ("-", "compute only"): compute_frame(Trainer()),
    }
    times = measure(contenders, rounds, block_s)

    described = {"live": "live: blit the changed artists", "full draw": "set_data + full draw",
                 "replot": "replot: new figure -> PNG", "compute only": "compute only (no drawing)"}
    print(f"\n{'canvas':<7} {'strategy':<32} {'ms/frame':>9} {'(q1 - q3)':>15} {'frames/s':>9}")
    for (canvas_name, kind), ts in times.items():
        q1, med, q3 = quartiles(ts)
        label = "replot: a new ipympl widget" if (canvas_name, kind) == ("web", "replot") else described[kind]
        print(f"{canvas_name:<7} {label:<32} {med * 1e3:9.1f} "
              f"{f'({q1 * 1e3:.1f} - {q3 * 1e3:.1f})':>15} {1 / med:9.1f}")

    print("\nspeed-ups (median of per-round ratios, quartiles)")
    results = {}
    for canvas_name in ("Agg", "web"):
        for slow in ("full draw", "replot"):
            q1, med, q3 = paired_speedup(times, (canvas_name, "live"), (canvas_name, slow))
            results[canvas_name, slow] = med
            print(f"  {canvas_name:<7} live vs {slow:<10} {med:6.2f}x  ({q1:.2f} - {q3:.2f})")

    for canvas_name, counter in draws.items():
        app = apps[canvas_name, "live"]
        n = counter["draw"]
        print(f"  {canvas_name} live: {counter['blit']} blitted frames and {n} full draw"
              f"{'' if n == 1 else 's'} in {app.epoch} frames (only when the loss plot's "
              f"x-limits doubled, now 0-{app.ax_loss.get_xlim()[1]:g})")
    app = apps["Agg", "live"]
    blitted = np.asarray(app.fig.canvas.buffer_rgba()).copy()
    app.fig.canvas.draw()
    same = np.array_equal(blitted, np.asarray(app.fig.canvas.buffer_rgba()))
    print(f"  Agg live: last blitted frame identical to a full draw of the same state: "
          f"{'yes' if same else 'NO'}")

    fps = 1 / quartiles(times["web", "live"])[1]
    print("\ngoals (informational; machines are noisy, so trust ratios over absolute times)")
    for label, value, limit, unit in (
            ("web live frames/s", fps, GOAL_FPS, ""),
            ("web live / ipympl replot speed-up", results["web", "replot"], GOAL_SPEEDUP, "x"),
            ("Agg live / replot speed-up", results["Agg", "replot"], GOAL_SPEEDUP, "x")):
        print(f"  {label:<32} {value:7.1f}{unit:<1}  goal >= {limit:g}{unit:<1}  "
              f"{'PASS' if value >= limit else 'MISS'}")
    print(f"\ntotal {time.perf_counter() - t_start:.1f} s; "
          f"load average (1 min) at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
