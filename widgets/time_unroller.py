"""Backpropagation through time: an RNN unrolled over T steps, and the gradient reaching each step.

The learner sets up one ``SimpleRNN`` layer (16 units by default) reading one sequence of T
steps (4 random numbers a step, seeded) and a loss on its last state h_T. The loss is linear,
L = <G, h_T> with G a fixed direction of norm 1, so the gradient leaving the loss is
dL/dh_T = G, norm 1, whatever the network: every other number is a share of it. The recurrent
kernel is U = s x Q, Q a seeded orthogonal matrix: multiplying by Q keeps a vector's length,
so s is exactly how much U stretches the gradient at each step back. Going back one step,

    dL/dh_{t-1} = (dL/dh_t * f'(z_t)) U^T      so  ||dL/dh_{t-1}|| <= s * max|f'| * ||dL/dh_t||

with equality for the linear activation: its norms fall (s < 1) or grow (s > 1) by exactly s
per step. tanh and relu (|f'| <= 1) stay under the bound (s max|f'|)^(T-t), sigmoid
(f' <= 1/4) far under it.

What the learner sees: (top) the unrolled chain, a box per state h_1..h_T and the loss after
h_T; the boxes are coloured by the gradient reaching them compared with step T and the links
thin out as it fades; (bottom) ||dL/dh_t|| as bars on a log scale, with the bound dashed. The
readout says the regime in words: "the gradient at step 1 is 3e-09 of the one at step T:
vanished". Clipping by global norm (the optimizer's ``global_clipnorm``) multiplies every
gradient by the same factor when their total norm is above the threshold: the black ticks show
every step's share after it. It tames an exploding update; it cannot bring back a vanished
gradient, since it only ever scales down and keeps the ratio between steps.

The "attention" toggle puts one causal ``SelfAttention`` layer in the RNN's place: the last
output reaches every step's input through the softmax in one hop, so ||dL/dx_t|| does not
decay with the distance T - t.

Every number comes from backprop: ``SimpleRNN.backward`` (its ``step_grad_norms``),
``SelfAttention.backward`` (dL/dx), the orthogonal initializer, and ``SGD(global_clipnorm=..).clip``.
``unroll(state)`` holds the numbers for a dict of control values as a pure function (no
widget read). View: the x axis counts steps back from T (T at the right, fixed ticks), so
no slider moves an axis: a slider redraws only the boxes, links, bars and marks (blitting);
a full draw only when the layer, the activation or clipping changes the axis or the legend.
All changing text is HTML beside the figure.
"""
import functools

import ipywidgets as ipw
import matplotlib
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, NullFormatter

from backprop.attention import SelfAttention
from backprop.initializers import Orthogonal
from backprop.optimizers import SGD
from backprop.recurrent import SimpleRNN
from backprop.validation import check_choice, check_int, check_number

from .app import App, figure_widget, html_line, make_figure, readout_line

MODES = ("rnn", "attention")
ACTIVATIONS = ("tanh", "relu", "linear", "sigmoid")
MAX_SLOPE = {"tanh": 1.0, "relu": 1.0, "linear": 1.0, "sigmoid": 0.25}     # max |f'(z)|
STEPS_RANGE = (2, 60)             # T
SCALE_RANGE = (0.5, 3.0)          # s in U = s Q
THRESHOLD_RANGE = (0.01, 100.0)   # global_clipnorm
UNITS_RANGE = (1, 64)
FEATURES = 4                      # D: numbers per step of the input sequence
T_MAX = STEPS_RANGE[1]
# Verdicts on step 1's share of step T's gradient: a factor 100 either way is a problem.
RATIO_LOW, RATIO_HIGH = 1e-2, 1e2
# The decades the bars' axis shows, fixed per layer and activation so that no slider moves it.
# Measured over seeds 0-3, T up to 60 and s from 0.5 to 3 (16 units): tanh 1e-25 to 5e6, relu
# 6e-29 to 4e24 (and exact zeros when every unit is off), linear 2e-18 to 1e28, sigmoid 2e-56
# to 1, attention 1e-3 to 0.6. Norms beyond are drawn as triangles at the edge.
NORM_LIMITS = {"tanh": (1e-30, 1e10), "relu": (1e-30, 1e30), "linear": (1e-20, 1e30),
               "sigmoid": (1e-60, 1e0), "attention": (1e-5, 1e1)}
BOX_Y, STREAM_Y = 0.1, -0.3        # heights of the boxes and of the gradient's stream in the chain's axes
TINY = 1e-300                     # bar bottoms on the log axis
SHADE_DECADES = 8                 # box colours: 1e-8 of step T's gradient or less is the darkest orange
FIGSIZE = (9.0, 3.9)              # inches at dpi 100: 900 x 390 px, a laptop's notebook column
# Okabe-Ito colours; each meaning has a second cue (shape, line style, width)
BLUE, VERMILLION, GREY = "#0072B2", "#D55E00", "#9a9a9a"
SHADES = matplotlib.colormaps["PuOr"]      # orange: less than step T, white: the same, purple: more
ALT = ("Top: the unrolled network, a row of boxes for the steps h_1 to h_T with the last step on the "
       "right and the loss as a diamond after it; each box is coloured by the gradient that reaches "
       "it compared with step T (orange less, white the same, purple more) and the links between "
       "boxes thin out as the gradient fades; step 1 is framed. In attention mode, arcs go from the "
       "loss to every step in one hop. Bottom: a bar per step, the gradient's norm on a log scale, "
       "with the bound dashed and, when clipping is on, black ticks for the norms after clipping. "
       "The numbers and the verdict are written beside the figure.")


# ---- the numbers: pure functions ------------------------------------------------------------
@functools.lru_cache(maxsize=8)
def fixed_draws(units, seed):
    """What stays fixed for a (units, seed) while the controls move, read-only arrays:
    x (1, T_MAX, FEATURES) the input sequence (a run of T steps reads its first T),
    Q (units, units) the orthogonal matrix that U = s Q scales, G (1, units) dL/dh_T, norm 1."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((1, T_MAX, FEATURES))
    Q = Orthogonal()((units, units), rng)
    G = rng.standard_normal((1, units))
    G /= np.linalg.norm(G)
    for a in (x, Q, G):
        a.setflags(write=False)          # shared by every call: nobody may change them
    return x, Q, G


def rnn_flow(steps, scale, activation, units=16, seed=0):
    """One backward pass through time of a SimpleRNN with U = scale x Q, loss <G, h_T>.

    Returns a dict: "norms" (T,) ||dL/dh_t|| for t = 1..T (``step_grad_norms``; the last is 1),
    "bound" (T,) (scale max|f'|)^(T-t), the most the norms can be, "grads" {"W" (D, U), "U" (U, U),
    "b" (U,)} the weights' gradients, "x" (1, T, D), "G" (1, U) and "weights" [W, U, b]: what it ran on.
    """
    x, Q, G = fixed_draws(units, seed)
    x = x[:, :steps]
    layer = SimpleRNN(units, activation=activation, seed=seed)
    layer.build((steps, FEATURES))
    layer.params["U"][...] = scale * Q
    with np.errstate(all="ignore"):       # an exploding run may overflow: shown, not warned
        layer.forward(x)
        layer.backward(G, need_dx=False)
    back = np.arange(steps - 1, -1, -1)   # T - t for t = 1..T
    return {"norms": layer.step_grad_norms.copy(), "bound": (scale * MAX_SLOPE[activation]) ** back,
            "grads": {k: g.copy() for k, g in layer.grads.items()}, "x": x, "G": G,
            "weights": [w.copy() for w in layer.get_weights()]}


def attention_flow(steps, units=16, seed=0):
    """One backward pass of a causal SelfAttention layer from a loss <G, out_T> on its last output.

    Returns a dict: "norms" (T,) ||dL/dx_t|| for t = 1..T (from the layer's dx), "bound" None,
    "grads" {"Wq", "Wk", "Wv"} each (D, units), "attention" (T,) the last output's weights over
    the steps (the softmax's last row), "x" (1, T, D), "G" (1, units) and "weights" [Wq, Wk, Wv].
    """
    x, _, G = fixed_draws(units, seed)
    x = x[:, :steps]
    layer = SelfAttention(units, causal=True, seed=seed)
    out = layer.forward(x)
    dout = np.zeros_like(out)
    dout[:, -1] = G                       # only the last output is in the loss
    dx = layer.backward(dout)             # (1, T, D)
    return {"norms": np.linalg.norm(dx[0], axis=-1), "bound": None,
            "grads": {k: g.copy() for k, g in layer.grads.items()},
            "attention": layer.attention[0, -1].copy(), "x": x, "G": G,
            "weights": [layer.params[k].copy() for k in ("Wq", "Wk", "Wv")]}


def clip_by_global_norm(grads, threshold):
    """What the optimizer applies: ``SGD(global_clipnorm=threshold).clip(grads)``.

    Returns (clipped grads {name: array}, total norm before, total norm after, factor): the factor
    is after / before, the same for every gradient, so every step's share is scaled by it.
    """
    clipped = SGD(global_clipnorm=threshold).clip(grads)
    with np.errstate(all="ignore"):
        before = float(np.sqrt(sum(np.sum(g * g) for g in grads.values())))
        after = float(np.sqrt(sum(np.sum(g * g) for g in clipped.values())))
    factor = after / before if before > 0 else 1.0
    return clipped, before, after, factor


def unroll(state, units=16, seed=0):
    """The numbers for one state (a dict of the app's control values: "mode", "steps", "scale",
    "activation", "clip", "threshold"). ``rnn_flow``'s or ``attention_flow``'s dict, plus:
    "ratio" (step 1's norm / step T's), "per_step" (the ratio's (T-1)-th root: the average factor
    per step back), "verdict" ("vanished", "kept", "exploded" or "overflowed"), "total" (the
    weights' global gradient norm), "clipped" (the clipped grads), "clipped_total", "factor" and
    "clipped_norms" (T,) (the norms times the factor when clipping is on, else the norms).
    """
    if state["mode"] == "rnn":
        r = rnn_flow(state["steps"], state["scale"], state["activation"], units, seed)
    else:
        r = attention_flow(state["steps"], units, seed)
    norms = r["norms"]
    r["ratio"], r["per_step"], r["verdict"] = diagnose(norms)
    clipped, r["total"], after, factor = clip_by_global_norm(r["grads"], state["threshold"])
    if state["clip"]:
        r["clipped"], r["clipped_total"], r["factor"] = clipped, after, factor
    else:                                   # the threshold waits for clipping to be turned on
        r["clipped"], r["clipped_total"], r["factor"] = r["grads"], r["total"], 1.0
    with np.errstate(all="ignore"):
        r["clipped_norms"] = norms * r["factor"]
    return r


def diagnose(norms):
    """(ratio, per_step, verdict) for norms (T,): step 1's share of step T's gradient, its
    (T-1)-th root (the average factor per step back), and a word for the regime."""
    norms = np.asarray(norms, dtype=float)
    if not np.all(np.isfinite(norms)):
        return np.inf, np.inf, "overflowed"
    ratio = float(norms[0] / norms[-1])
    per_step = ratio ** (1.0 / (len(norms) - 1))
    verdict = "vanished" if ratio < RATIO_LOW else "exploded" if ratio > RATIO_HIGH else "kept"
    return ratio, per_step, verdict


def share(ratio):
    """Step 1's gradient against step T's, in words: "3e-09 of", "0.52 of", "the same as", "2.8e+02 times"."""
    if ratio == 1.0:
        return "the same as"
    if ratio < 1.0:
        return f"{ratio:.2g} of" if ratio >= 0.1 else f"{ratio:.0e} of"
    return f"{ratio:.2g} times" if ratio < 10 else f"{ratio:.1e} times"


def norm_limits(state):
    """The decades (low, high) of the bars' axis for a state (its layer and activation)."""
    return NORM_LIMITS["attention" if state["mode"] == "attention" else state["activation"]]


# ---- the app ------------------------------------------------------------------------------
class TimeUnroller(App):
    """An RNN unrolled through time: how much of the loss's gradient reaches each step.

    Keyword arguments (each opens the app in that state; reset returns to it):
        steps: T, the number of steps unrolled, an int in [2, 60] (default 30)
        scale: s, the recurrent kernel is U = s x an orthogonal matrix, a number in [0.5, 3]
            (default 1.0)
        activation: "tanh", "relu", "linear" or "sigmoid" (default "tanh")
        global_clipnorm: None (no clipping, the default) or the threshold of clipping by global
            norm, a number in [0.01, 100]
        mode: "rnn" (a SimpleRNN) or "attention" (one causal SelfAttention layer instead)
        units: the layer's size, an int in [1, 64] (default 16)
        seed: non-negative int for the input sequence, Q, G and the layer's weights (default 0)

    Controls (``app.controls``): "steps", "scale" (IntSlider, FloatSlider), "activation",
    "mode" (ToggleButtons), "clip" (Checkbox), "threshold" (FloatLogSlider), "reset" (Button).
    ``app.result`` holds the last ``app.compute(app.state())`` (``unroll``'s dict). Readouts
    (HTML): ``app.readout`` (the regime in one line), ``app.clip_note`` (what clipping did and
    can or cannot fix), ``app.key`` (what the marks mean).
    """

    def __init__(self, steps=30, scale=1.0, activation="tanh", global_clipnorm=None, mode="rnn", units=16,
                 seed=0):
        self._initial = {
            "mode": check_choice(mode, "mode", MODES),
            "steps": check_int(steps, "steps", *STEPS_RANGE),
            "scale": check_number(scale, "scale", *SCALE_RANGE),
            "activation": check_choice(activation, "activation", ACTIVATIONS),
            "clip": global_clipnorm is not None,
            "threshold": 1.0 if global_clipnorm is None else check_number(global_clipnorm, "global_clipnorm",
                                                                          *THRESHOLD_RANGE),
        }
        self.units = check_int(units, "units", *UNITS_RANGE)
        self.seed = check_int(seed, "seed", low=0)
        self._shown = None          # (limits, mode, activation, clip) of the last full draw
        self._init_status()
        self._build_view()
        self._build_controls()
        self._update()

    # ---- model ------------------------------------------------------------------------------
    def compute(self, state):
        """``unroll`` for a dict of control values (``app.state()``); no control is read."""
        return unroll(state, self.units, self.seed)

    def _update(self):
        self._enable()
        s = self.state()
        self.result = r = self.compute(s)
        self._show(s, r)
        self.status.value = ""                      # a good update clears an old error

    def _enable(self):
        """Only what the current layer uses is enabled: attention has no U and no activation."""
        c = self.controls
        c["scale"].disabled = c["activation"].disabled = c["mode"].value == "attention"
        c["threshold"].disabled = not c["clip"].value

    # ---- view -------------------------------------------------------------------------------
    def _build_view(self):
        self.fig = fig = make_figure(FIGSIZE, alt=ALT)
        W, H = FIGSIZE
        # positions in inches, then figure fractions: the legend row on top, the chain, the bars
        left, width = 0.8, 7.25
        bottom, bars_h, chain_h = 0.48, 2.0, 0.64
        chain_y = bottom + bars_h + 0.3
        ax_c = fig.add_axes((left / W, chain_y / H, width / W, chain_h / H))
        ax_b = fig.add_axes((left / W, bottom / H, width / W, bars_h / H), sharex=ax_c)
        ax_s = fig.add_axes(((left + width + 0.12) / W, chain_y / H, 0.1 / W, chain_h / H))
        self.axes = {"chain": ax_c, "bars": ax_b, "shades": ax_s}
        # x: the step counted back from T (T at 0, step 1 at 1 - T), so that T moves no axis
        back = -np.arange(T_MAX)                            # bar i is step T - i
        ax_b.set_xlim(-T_MAX + 0.4, 1.6)
        ax_b.xaxis.set_major_locator(FixedLocator([0, -10, -20, -30, -40, -50]))
        ax_b.set_xticklabels(["T", "T−10", "T−20", "T−30", "T−40", "T−50"])
        ax_b.xaxis.set_minor_locator(FixedLocator(back))
        ax_b.tick_params(labelsize=8)
        ax_b.set_yscale("log")
        ax_b.set_axisbelow(True)

        # (top) the chain: the boxes h_1..h_T joined by the recurrence, the loss after h_T; under them the
        # gradient's stream (RNN: a band as wide as dL/dh_t at each step) or its arcs (attention: one hop each)
        self.recurrence, = ax_c.plot([], [], color="0.35", lw=1.0, zorder=2)
        self.links = LineCollection([], color=BLUE, capstyle="butt", zorder=1)
        self.arcs = LineCollection([], color=BLUE, alpha=0.8, zorder=1)
        for artist in (self.links, self.arcs):
            ax_c.add_collection(artist)
        self.boxes = ax_c.scatter([], [], c=[], marker="s", s=30, edgecolors="k", linewidths=0.6, zorder=3,
                                  cmap=SHADES, norm=Normalize(-SHADE_DECADES, SHADE_DECADES))
        self.first, = ax_c.plot([], [], ls="none", marker="s", ms=10, mfc="none", mec="k", mew=1.5, zorder=4)
        ax_c.plot([1], [BOX_Y], ls="none", marker="D", ms=9, color=VERMILLION, mec="k", zorder=4)   # the loss
        ax_c.set_ylim(-0.55, 1.25)
        ax_c.axis("off")
        self._arc_paths = [_arc(-i) for i in range(T_MAX)]   # the loss -> step T - i, fixed shapes
        fig.colorbar(matplotlib.cm.ScalarMappable(self.boxes.norm, SHADES), cax=ax_s,
                     ticks=[-SHADE_DECADES, 0, SHADE_DECADES])
        ax_s.set_yticklabels([f"≤1e-{SHADE_DECADES}", "1", f"≥1e{SHADE_DECADES}"])
        ax_s.tick_params(labelsize=7, length=2, pad=1)
        ax_s.set_title("vs T", fontsize=7.5, pad=3)

        # (bottom) a bar per step, the bound, the clipped norms, the marks for norms off the scale
        self.bars = ax_b.bar(back, np.ones(T_MAX), bottom=TINY, width=0.7, color=BLUE, lw=0)
        self.bound, = ax_b.plot([], [], color=GREY, ls="--", lw=1.3, zorder=3)
        self.after_clip, = ax_b.plot([], [], ls="none", marker="_", ms=7, mew=2.2, color="k", zorder=4)
        self.off_top, = ax_b.plot([], [], ls="none", marker="^", ms=5, color="k", clip_on=False, zorder=5)
        self.off_bottom, = ax_b.plot([], [], ls="none", marker="v", ms=5, color="k", clip_on=False, zorder=5)
        self.legend = None
        # what a frame redraws, bottom to top (the spines go over the bars' ends)
        self._blit([self.links, self.arcs, self.recurrence, self.boxes, self.first,
                    *self.bars, self.bound, self.after_clip, *ax_b.spines.values(), self.off_top, self.off_bottom])

        # the words and numbers, in HTML (read by screen readers, no Agg text per frame)
        self.readout = readout_line(margin="2px 0 0 0")
        self.clip_note = ipw.HTML()
        self.key = ipw.HTML()

    def _show_static(self, s):
        """The parts fixed for a (layer, activation, clipping): the decades, titles and the legend."""
        ax_b, ax_c = self.axes["bars"], self.axes["chain"]
        lo, hi = norm_limits(s)
        ax_b.set_ylim(lo, hi)
        decades = np.arange(round(np.log10(lo)), round(np.log10(hi)) + 1)
        step = 10 if len(decades) > 40 else 5 if len(decades) > 12 else 1
        ax_b.yaxis.set_major_locator(FixedLocator(10.0 ** decades[::-1][::step]))
        ax_b.yaxis.set_minor_locator(FixedLocator(10.0 ** decades))
        ax_b.yaxis.set_minor_formatter(NullFormatter())
        ax_b.grid(axis="y", which="major", color="0.9", lw=0.8)
        rnn = s["mode"] == "rnn"
        ax_b.set_ylabel("||dL/dh_t||  (log)" if rnn else "||dL/dx_t||  (log)", fontsize=9)
        ax_b.set_xlabel(f"step t, counted back from the last step T (the loss reads {'h_T' if rnn else 'out_T'}; "
                        "step 1 is the framed box)", fontsize=8.5)
        ax_c.set_title("SimpleRNN unrolled: h_1 → h_2 → … → h_T → loss;  the gradient flows back ←"
                       if rnn else
                       "SelfAttention: the last output reads every step's x_t in one hop;  the gradient too",
                       fontsize=9, loc="left", pad=2)
        handles = [Patch(color=BLUE, label="||dL/dh_t||" if rnn else "||dL/dx_t||")]
        if rnn:
            bound = "s^(T−t)" if MAX_SLOPE[s["activation"]] == 1 else "(s/4)^(T−t)"
            handles.append(Line2D([], [], color=GREY, ls="--", lw=1.3, label=f"bound {bound}"))
        if s["clip"]:
            handles.append(Line2D([], [], ls="none", marker="_", ms=7, mew=2.2, color="k",
                                  label="after clipping by global norm"))
        handles.append(Line2D([], [], ls="none", marker="^", ms=5, color="k", label="off the scale"))
        if self.legend is not None:
            self.legend.remove()
        W, _ = FIGSIZE
        self.legend = self.fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.7 / W, 1.0),
                                      ncol=len(handles), fontsize=8, frameon=False, handlelength=1.8,
                                      columnspacing=1.4, borderaxespad=0.2)

    def _show(self, s, r):
        """Put state ``s`` and its numbers ``r`` (``unroll``'s dict) into the artists and the readouts."""
        config = (norm_limits(s), s["mode"], s["activation"], s["clip"])
        full = config != self._shown
        if full:                    # the axis, the labels or the legend change: a full draw saves them
            self._show_static(s)
            self._shown = config
        self._show_chain(s, r)
        self._show_bars(s, r)
        self._show_text(s, r)
        self.redraw(full=full)

    def _show_chain(self, s, r):
        """The boxes coloured by each step's share of step T's gradient, the links or the arcs."""
        norms = r["norms"]
        T = len(norms)
        x = np.arange(1 - T, 1)                             # step t at t - T
        with np.errstate(all="ignore"):
            decades = np.log10(norms / norms[-1])           # -inf where nothing arrives: the darkest
        decades = np.nan_to_num(decades, nan=SHADE_DECADES, posinf=SHADE_DECADES, neginf=-SHADE_DECADES)
        self.boxes.set_offsets(np.column_stack([x, np.full(T, BOX_Y)]))
        self.boxes.set_array(decades)
        self.first.set_data([x[0]], [BOX_Y])
        self.recurrence.set_data([x[0], 1], [BOX_Y, BOX_Y])
        # the stream or an arc is as wide as the gradient it carries: 9 points at 1e8 x step T's, 0.5 at 1e-8
        widths = 0.5 + 8.5 * np.clip((decades + SHADE_DECADES) / (2 * SHADE_DECADES), 0, 1)
        rnn = s["mode"] == "rnn"
        if rnn:     # the stream under box t carries dL/dh_t; the last piece runs on to the loss
            self.links.set_segments([[(xi - 0.5, STREAM_Y), (xi + 0.5 + (xi == 0), STREAM_Y)] for xi in x])
            self.links.set_linewidths(widths)
        else:
            self.arcs.set_segments(self._arc_paths[:T][::-1])
            self.arcs.set_linewidths(widths / 3)          # thinner: T arcs share the space above the boxes
        self.links.set_visible(rnn)
        self.arcs.set_visible(not rnn)

    def _show_bars(self, s, r):
        """The bars of steps 1..T, the bound, the clipped norms and the marks for norms off the scale."""
        norms = r["norms"]
        T = len(norms)
        lo, hi = norm_limits(s)
        x = np.arange(1 - T, 1)
        finite = np.isfinite(norms)
        for i, bar in enumerate(self.bars):                 # bar i is step T - i
            bar.set_visible(i < T)
            if i < T:
                norm = norms[T - 1 - i]
                bar.set_height(norm if finite[T - 1 - i] else hi)
                bar.set_facecolor(BLUE if finite[T - 1 - i] else VERMILLION)
        above, below = (norms > hi) | ~finite, norms < lo
        self.off_top.set_data(x[above], np.full(above.sum(), hi))
        self.off_bottom.set_data(x[below], np.full(below.sum(), lo))
        if r["bound"] is None:
            self.bound.set_data([], [])
        else:
            self.bound.set_data(x, r["bound"])
        self.after_clip.set_data(x, r["clipped_norms"])
        self.after_clip.set_visible(s["clip"])

    def _show_text(self, s, r):
        self.readout.value = html_line(self.summary(s, r))
        self.clip_note.value = html_line(clip_words(s, r), color="#333", size="12.5px")
        self.key.value = html_line(key_words(s), color="#444", size="12px")

    @staticmethod
    def summary(s, r):
        """The regime in one sentence (what a screen reader says after a control moved)."""
        T = s["steps"]
        if r["verdict"] == "overflowed":
            return f"T = {T}: the gradient overflowed to inf or NaN on its way back: exploded."
        if s["mode"] == "attention":
            norms = r["norms"]
            return (f"One causal SelfAttention layer, T = {T}: the gradient at step 1 is {share(r['ratio'])} "
                    f"the one at step T. The last output reads every step in one hop, so it does not decay "
                    f"with distance: from {norms.min():.1e} (step {norms.argmin() + 1}) to {norms.max():.1e} "
                    f"(step {norms.argmax() + 1}).")
        where = f"SimpleRNN, {s['activation']}, U = {s['scale']:.2f} × orthogonal, T = {T}"
        if r["ratio"] == 0:
            return (f"{where}: no gradient at all reaches step 1 (every path back passes a relu that is "
                    "off): vanished.")
        words = {"vanished": "vanished", "exploded": "exploded", "kept": "neither vanished nor exploded"}
        bound = s["scale"] * MAX_SLOPE[s["activation"]]
        return (f"{where}: the gradient at step 1 is {share(r['ratio'])} the one at step T "
                f"(× {r['per_step']:.3g} per step back on average; at most s·max|f′| = {bound:.3g}): "
                f"{words[r['verdict']]}.")

    # ---- controls ---------------------------------------------------------------------------
    def _build_controls(self):
        init, c = self._initial, self.controls
        style = {"description_width": "82px"}
        c["steps"] = ipw.IntSlider(value=init["steps"], min=STEPS_RANGE[0], max=STEPS_RANGE[1],
                                   description="steps T", style=style, layout=ipw.Layout(width="300px"))
        c["scale"] = ipw.FloatSlider(value=init["scale"], min=SCALE_RANGE[0], max=SCALE_RANGE[1], step=0.05,
                                     readout_format=".2f", description="U scale s", style=style,
                                     layout=ipw.Layout(width="300px"))
        c["activation"] = ipw.ToggleButtons(options=ACTIVATIONS, value=init["activation"], description="activation",
                                            tooltips=["tanh: |f′| ≤ 1, small where it saturates",
                                                      "relu: f′ is 1 or 0", "linear: f′ = 1 everywhere",
                                                      "sigmoid: f′ ≤ 1/4"],
                                            style={"button_width": "78px", "description_width": "82px"},
                                            layout=ipw.Layout(width="auto"))
        c["clip"] = ipw.Checkbox(value=init["clip"], description="clip by global norm", indent=False,
                                 layout=ipw.Layout(width="200px", margin="2px 0 2px 4px"))
        c["threshold"] = ipw.FloatLogSlider(value=init["threshold"], base=10, min=np.log10(THRESHOLD_RANGE[0]),
                                            max=np.log10(THRESHOLD_RANGE[1]), step=0.1, readout_format=".3g",
                                            description="threshold", disabled=not init["clip"],
                                            style={"description_width": "70px"}, layout=ipw.Layout(width="260px"))
        c["mode"] = ipw.ToggleButtons(options=[("RNN", "rnn"), ("attention", "attention")], value=init["mode"],
                                      description="layer",
                                      tooltips=["a SimpleRNN: the gradient goes back one step at a time",
                                                "one causal SelfAttention layer: every step in one hop"],
                                      style={"button_width": "80px", "description_width": "70px"},
                                      layout=ipw.Layout(width="auto"))
        c["reset"] = ipw.Button(description="reset", icon="undo",
                                tooltip="back to the values the app was opened with",
                                layout=ipw.Layout(width="90px", margin="2px 0 2px 74px"))

        update = self.throttled(self._on_change)
        for name in init:
            c[name].observe(update, "value")
        c["reset"].on_click(self.guard(self.reset))

        def column(title, rows, width):
            return ipw.VBox([ipw.HTML(f"<b>{title}</b>")] + rows, layout=ipw.Layout(width=width, margin="0 8px 4px 0"))

        wrap = ipw.Layout(flex_flow="row wrap")     # columns stack on a narrow page, no scroll bar
        self.ui = ipw.VBox([
            ipw.HTML("<b>Backpropagation through time:</b> "
                     "h<sub>t</sub> = f(x<sub>t</sub> W + h<sub>t−1</sub> U + b), "
                     "U = s × an orthogonal matrix; the loss reads only h<sub>T</sub>"),
            ipw.HBox([column("unrolled RNN", [c["steps"], c["scale"], c["activation"]], "340px"),
                      column("clipping and layer", [c["clip"], c["threshold"], c["mode"], c["reset"]], "300px")],
                     layout=wrap),
            figure_widget(self.fig),
            self.readout,
            self.clip_note,
            self.key,
            self.status,
        ])


def clip_words(s, r):
    """What clipping by global norm did to this gradient, and what it can and cannot fix."""
    ratio = share(r["ratio"]) if np.isfinite(r["ratio"]) else "inf times"
    if not s["clip"]:
        return (f"Clipping is off: the optimizer would take these gradients as they are (their global norm "
                f"||g|| over the layer's weights is {r['total']:.3g}).")
    head = f"Clipping by global norm {s['threshold']:.3g}: "
    if r["factor"] == 1.0:
        text = head + f"||g|| = {r['total']:.3g} is not above it, so nothing changes."
        if r["verdict"] == "vanished":
            text += " Clipping only ever scales gradients down: it cannot bring back a vanished gradient."
        return text
    text = (head + f"||g|| = {r['total']:.3g} is scaled down to {r['clipped_total']:.3g}; every step's share is "
            f"multiplied by the same {r['factor']:.2g} (black ticks).")
    if r["verdict"] in ("exploded", "overflowed"):
        return text + (" It tames the explosion (the update is no longer than the threshold) but keeps its "
                       f"direction: step 1 still gets {ratio} step T's gradient.")
    if r["verdict"] == "vanished":
        return text + (f" Step 1 still gets {ratio} step T's gradient: clipping only scales down, so it "
                       "cannot bring back a vanished gradient.")
    return text + " The shape is unchanged: clipping scales every step alike."


def key_words(s):
    """What the marks mean, for the current layer."""
    if s["mode"] == "attention":
        return ("Boxes: the inputs x_1..x_T (step 1 framed), coloured by the gradient reaching each compared with "
                "step T (orange less, white the same, purple more); each arc is the one hop from the loss on the "
                "last output back to a step, as wide as the gradient it carries. Bars: ||dL/dx_t||, log scale.")
    return ("Boxes: the states h_1..h_T (step 1 framed), coloured by the gradient reaching each compared with step T "
            "(orange less, white the same, purple more); the blue stream under them narrows as it fades. "
            "Bars: ||dL/dh_t||, log scale; dashed: the bound (s·max|f′|)^(T−t), which the linear activation "
            "meets exactly.")


def _arc(x):
    """(40, 2) points of an arc from the loss (at x = 1) to the box at x, higher the farther it goes."""
    u = np.linspace(0.0, 1.0, 40)
    height = 0.2 + 0.9 * (1 - x) / T_MAX
    return np.column_stack([1 + (x - 1) * u, BOX_Y + 4 * height * u * (1 - u)])


