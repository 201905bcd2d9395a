"""LearningRateExplorer: what the learning rate does to gradient descent.

The learner sees plain gradient descent on a one-weight loss, each iterate drawn
on the loss curve and joined to the next, and the loss per step on a log scale.
Sliding the learning rate walks through four regimes, named in the line above the
figure: "too slow" (tiny steps, the loss barely moves), "good", "oscillating" (each
step overshoots the minimum and the path zig-zags across the valley) and
"diverging" (each overshoot is larger than the last). On L = a w^2 / 2 the borders
are exact: lr < 1/a monotone, 1/a < lr < 2/a oscillating, lr > 2/a diverging (the
caption under the figure gives the numbers). On the non-convex loss the same lr may
settle in a local minimum or jump to the other one. With "dims" = 2 the loss is a
2-D quadratic with a steep and a shallow direction: one learning rate zig-zags
across the steep one while it still crawls along the shallow one.

The steps are backprop.optimizers.SGD run by backprop.surfaces.descend; the regime
is backprop.surfaces.regime (its docstring defines each one).

Model, view, controls: ``compute(state)`` gives the numbers for a dict of control
values (one run of MAX_STEPS steps per learning rate and start, which the steps
slider only cuts: ``first_steps``); ``_show`` puts them into the figure and the HTML
readouts. The curve or map, the titles and the caption change only with the loss
(a full draw); every slider redraws only the iterates and the loss panel, whose axes
follow the run (blitting). The regime and the numbers are HTML.
"""
import html

import ipywidgets as ipw
import numpy as np
from matplotlib.ticker import LogLocator, MaxNLocator, NullLocator

from backprop import surfaces
from backprop.optimizers import SGD
from backprop.validation import check_choice, check_int, check_number

from .app import App, figure_widget, make_figure, readout_line

LOSSES_1D = ("quadratic", "nonconvex")
SURFACE_2D = "quadratic2d"
MAX_STEPS = 100
# Okabe-Ito colours; the readout names the regime in words beside its colour
REGIME_COLORS = {"too slow": "#E69F00", "good": "#009E73", "oscillating": "#0072B2",
                 "diverging": "#D55E00"}
PATH_COLOR = "#D55E00"          # vermillion: the iterates and their loss; the start is black
STAR_COLOR = "#F0E442"          # yellow star (black edge): the global minimum
FIGSIZE = (9.0, 3.8)            # inches at dpi 100: 900 x 380 px, a laptop's notebook column
ALT = ("Left: the loss as a function of the weight (in 2-D: a contour map of the loss over the two "
       "weights), with gradient descent's iterates as vermillion dots joined by lines, the start in "
       "black and the global minimum as a yellow star. Right: the loss minus the lowest loss at each "
       "step, on a log scale. The regime and the numbers are written above the figure.")


def surface_of(state):
    """The surfaces.Surface a state shows: the 2-D quadratic when state["dims"] is 2, else state["loss"]."""
    return surfaces.get(SURFACE_2D if state["dims"] == 2 else state["loss"])


def first_steps(run, steps):
    """The surfaces.Descent of the first ``steps`` steps of ``run``: what descend(..., steps) gives.

    run: a Descent of at least ``steps`` steps, or one that diverged before that.
    Its path (K + 1, D) and losses (K + 1,) are cut after step ``steps``; the cut run
    diverged only if ``run`` stopped at or before that step.
    """
    if run.diverged and run.diverged_step <= steps:
        return run
    if len(run.path) - 1 < steps:
        raise ValueError(f"steps must be at most the run's {len(run.path) - 1} steps, got {steps}")
    return surfaces.Descent(run.surface, run.optimizer, run.path[:steps + 1], run.losses[:steps + 1],
                            False, None)


def compute(state, cache=None):
    """The numbers for one state (a dict of control values; no control is read).

    state: "loss", "dims", "learning_rate", "steps", "start", "start_y" (as the controls).
    cache: a dict the caller keeps: the MAX_STEPS run of the last (surface, rate, start)
    is kept there, so a steps change only cuts it.
    Returns a dict: surface; run (a surfaces.Descent of state["steps"] steps, K + 1 points);
    regime (one of surfaces.REGIMES); gap (K + 1,): the loss minus the surface's lowest;
    ylim: the loss panel's limits, holding every positive finite gap; nearest: "global" or
    "local", the minimum nearest the end (None when diverging); lr_a: lr times the steepest
    curvature (None where the loss has none).
    """
    s = surface_of(state)
    lr, steps = state["learning_rate"], state["steps"]
    start = np.array([state["start"], state["start_y"]][:s.dim], dtype=np.float64)
    key = (s.name, float(lr), tuple(start))
    full = None if cache is None else cache.get(key)
    if full is None:
        full = surfaces.descend(s, SGD(learning_rate=lr), start, MAX_STEPS)
        if cache is not None:
            cache.clear()               # one run is enough: the last rate and start
            cache[key] = full
    run = first_steps(full, steps)
    regime = surfaces.regime(run)
    gap = run.losses - s.min_loss
    shown = gap[np.isfinite(gap) & (gap > 0)]
    low = max(shown.min(), 1e-16) if shown.size else 1e-16
    high = min(shown.max(), 1e12) if shown.size else 1.0
    nearest = None
    if regime != "diverging":
        nearest = "global" if np.isclose(s(run.nearest_minimum()), s.min_loss) else "local"
    return {"surface": s, "run": run, "regime": regime, "gap": gap,
            "ylim": (low / 3.0, max(high * 3.0, low * 30.0)), "nearest": nearest,
            "lr_a": lr * s.curvatures[-1] if hasattr(s, "curvatures") else None}


def caption_text(s):
    """What the caption under the figure says for surface ``s``: thresholds and the regimes' rules."""
    if s.name == "nonconvex":
        (w_global,), (w_local,) = s.minima
        first = (f"Global minimum ★ at w = {w_global:.2f} (L = {s(w_global):.2f}), local minimum ✖ at "
                 f"w = {w_local:.2f} (L = {s(w_local):.2f}). Near a minimum w* the loss is almost "
                 "quadratic with a = L''(w*): the quadratic's thresholds hold there.")
    else:
        a = s.curvatures[-1]            # the steepest direction sets the thresholds
        where = "for L = a w²/2 with a" if s.dim == 1 else "along the steep direction, a"
        first = (f"Thresholds {where} = {a:g}: lr < 1/a = {1 / a:g} monotone; "
                 f"{1 / a:g} < lr < 2/a = {2 / a:g} oscillating; lr > {2 / a:g} diverging.")
        if s.dim == 2:
            first += (f" The shallow direction (a = {s.curvatures[0]:g}) shrinks by |1 - lr·a| per step:"
                      " still slow when lr is safe for the steep one.")
    return first + (" Regimes (w* = the minimum nearest the end): diverging = the loss ends above where it "
                    "started; oscillating = w - w* changes sign on most steps; too slow = the loss gap "
                    "L - L(w*) is still above 1% of its start; good = otherwise.")


class LearningRateExplorer(App):
    """Gradient descent with one learning rate, on a 1-D loss or a 2-D quadratic.

    Keyword arguments (each opens the app in that state):
        loss: "quadratic" (L = a w^2 / 2, a = 2) or "nonconvex" (L = w^4 - 3 w^2 + w), default "quadratic"
        dims: 1 (the loss above) or 2 (L = (0.5 x^2 + 2 y^2) / 2), default 1
        learning_rate: in [1e-3, 10], default 0.1
        steps: 1 to 100, default 20
        start: the starting weight (w in 1-D, w_1 in 2-D), inside the loss's extent; default its suggested start
        start_y: w_2 of the start in 2-D, default the suggested start
    Controls (app.controls): "loss" Dropdown, "dims" ToggleButtons, "learning_rate"
    FloatLogSlider, "steps" IntSlider, "start", "start_y" FloatSliders ("start_y" only
    acts in 2-D), "reset" Button.
    Results: ``app.run`` (the surfaces.Descent drawn), ``app.regime`` (its name). The
    readouts are HTML widgets: ``app.readout`` (the regime and the numbers: what the
    figure shows now, in words) and ``app.caption`` (the thresholds and the rules).
    """

    LR_RANGE = (-3, 1)
    MAX_STEPS = MAX_STEPS

    def __init__(self, loss="quadratic", dims=1, learning_rate=0.1, steps=20, start=None, start_y=None):
        loss = check_choice(loss, "loss", LOSSES_1D)
        dims = check_int(dims, "dims", low=1, high=2)
        learning_rate = check_number(learning_rate, "learning_rate",
                                     low=10.0 ** self.LR_RANGE[0], high=10.0 ** self.LR_RANGE[1])
        steps = check_int(steps, "steps", low=1, high=self.MAX_STEPS)
        surface = surfaces.get(SURFACE_2D if dims == 2 else loss)
        lo, hi = surface.extent[:2]
        start = surface.start[0] if start is None else check_number(start, "start", low=lo, high=hi)
        s2 = surfaces.get(SURFACE_2D)
        start_y = s2.start[1] if start_y is None else check_number(start_y, "start_y", low=s2.extent[2],
                                                                       high=s2.extent[3])
        self._initial = {"loss": loss, "dims": dims, "learning_rate": learning_rate, "steps": steps,
                         "start": float(start), "start_y": float(start_y)}
        self.surface = surface
        self.run = None                 # the surfaces.Descent drawn
        self.regime = None              # its name, one of surfaces.REGIMES
        self._runs = {}                 # compute's cache: the last MAX_STEPS run
        self._shown = None              # the surface whose static part was last drawn in full

        self._init_status()
        self._build_view()
        self._build_controls()
        self._update()

    # --- view -------------------------------------------------------------------------
    def _build_view(self):
        self.fig = make_figure(FIGSIZE, alt=ALT)
        W, H = FIGSIZE
        bottom, height = 0.5 / H, 2.95 / H          # room for the x labels below, titles above
        # the 1-D curve and the 2-D map share a place; only one is visible at a time
        self.ax_curve = self.fig.add_axes([0.65 / W, bottom, 3.5 / W, height])
        self.ax_map = self.fig.add_axes([0.65 / W, bottom, 3.5 / W, height])
        self.ax_loss = self.fig.add_axes([5.25 / W, bottom, 3.55 / W, height])

        self.ax_curve.set_xlabel("weight $w$")
        self.ax_curve.set_ylabel("loss $L(w)$")
        self.curve, = self.ax_curve.plot([], [], color="#555", lw=2, zorder=1)
        self.global_1d, = self.ax_curve.plot([], [], "*", color=STAR_COLOR, markeredgecolor="black",
                                             markersize=14, zorder=2)
        self.local_1d, = self.ax_curve.plot([], [], "X", color="white", markeredgecolor="black",
                                            markersize=9, zorder=2)
        self.iterates_1d, = self.ax_curve.plot([], [], "-o", color=PATH_COLOR, lw=1.2, markersize=4,
                                               alpha=0.85)
        self.start_1d, = self.ax_curve.plot([], [], "o", color="black", markersize=7)

        s2 = surfaces.get(SURFACE_2D)
        xmin, xmax, ymin, ymax = s2.extent
        grid = np.stack(np.meshgrid(np.linspace(xmin, xmax, 161), np.linspace(ymin, ymax, 161)), axis=-1)
        levels = np.geomspace(1e-2, s2(grid).max(), 12)
        self.ax_map.contourf(grid[..., 0], grid[..., 1], s2(grid), levels=np.concatenate([[0], levels]),
                             cmap="Greys_r", alpha=0.45, zorder=0)
        self.ax_map.contour(grid[..., 0], grid[..., 1], s2(grid), levels=levels, colors="white",
                            linewidths=0.6, zorder=1)
        self.iterates_2d, = self.ax_map.plot([], [], "-o", color=PATH_COLOR, lw=1.2, markersize=4)
        self.start_2d, = self.ax_map.plot([], [], "o", color="black", markersize=7)
        self.star_2d, = self.ax_map.plot(*s2.global_minimum, "*", color=STAR_COLOR, markeredgecolor="black",
                                         markersize=13)
        self.ax_map.set_xlim(xmin, xmax)
        self.ax_map.set_ylim(ymin, ymax)
        self.ax_map.set_aspect("equal", adjustable="box")
        self.ax_map.set_title(f"{s2.name}:  {s2.formula}", fontsize=10)
        self.ax_map.set_xlabel("$w_1$ (shallow, $a_1$ = %g)" % s2.curvatures[0])
        self.ax_map.set_ylabel("$w_2$ (steep, $a_2$ = %g)" % s2.curvatures[1])

        self.ax_loss.set_yscale("log")
        self.ax_loss.set_xlabel("step")
        self.ax_loss.set_ylabel("loss $-$ lowest loss")
        self.ax_loss.set_title("loss per step (log scale)", fontsize=10)
        self.ax_loss.grid(True, alpha=0.3)
        # the axes are redrawn every frame: few ticks, no minor ones, labels at fixed places
        # (an automatic label position measures every tick label of the figure each frame)
        self.ax_loss.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
        self.ax_loss.yaxis.set_major_locator(LogLocator(numticks=6))
        self.ax_loss.yaxis.set_minor_locator(NullLocator())
        self.ax_loss.xaxis.set_label_coords(0.5, -0.12)
        self.ax_loss.yaxis.set_label_coords(-0.19, 0.5)
        self.loss_line, = self.ax_loss.plot([], [], "-o", color=PATH_COLOR, lw=1.2, markersize=3)
        # what a slider moves, bottom to top: the loss panel's axes follow the run (their ticks
        # and grid are redrawn each frame), then the iterates over the curve or the map
        self._blit([self.ax_loss.xaxis, self.ax_loss.yaxis, *self.ax_loss.spines.values(), self.loss_line,
                    self.iterates_1d, self.start_1d, self.iterates_2d, self.start_2d, self.star_2d])

        # the words and numbers, in HTML (read by screen readers, no Agg text per frame)
        self.readout = readout_line(margin="2px 0")
        self.caption = ipw.HTML()

    def _show_surface(self, s):
        """Axes, curve and caption of surface ``s``: once per change of loss or dims (a full draw)."""
        two_d = s.dim == 2
        self.ax_curve.set_visible(not two_d)
        self.ax_map.set_visible(two_d)
        for artist in (self.iterates_1d, self.start_1d):       # dynamic artists are drawn on their own
            artist.set_visible(not two_d)
        for artist in (self.iterates_2d, self.start_2d, self.star_2d):
            artist.set_visible(two_d)
        if not two_d:
            lo, hi = s.extent
            w = np.linspace(lo, hi, 400)
            values = s(w[:, None])
            self.curve.set_data(w, values)
            is_global = np.isclose(s(s.minima), s.min_loss)
            self.global_1d.set_data(s.minima[is_global, 0], s(s.minima[is_global]))
            self.local_1d.set_data(s.minima[~is_global, 0], s(s.minima[~is_global]))
            span = values.max() - values.min()
            self.ax_curve.set_xlim(lo, hi)
            self.ax_curve.set_ylim(values.min() - 0.08 * span, values.max() + 0.08 * span)
            self.ax_curve.set_title(f"{s.name}:  {s.formula}", fontsize=10)
        self.caption.value = ("<div style='font-size:12.5px;line-height:1.4;color:#333;margin:2px 0'>"
                              f"{html.escape(caption_text(s))}</div>")

    # --- controls ---------------------------------------------------------------------
    def _build_controls(self):
        c, init = self.controls, self._initial
        lo, hi = self.surface.extent[:2]
        s2 = surfaces.get(SURFACE_2D)
        style = {"description_width": "95px"}
        slider = ipw.Layout(width="360px")
        c["loss"] = ipw.Dropdown(options=list(LOSSES_1D), value=init["loss"], description="loss",
                                 style={"description_width": "40px"}, layout=ipw.Layout(width="190px"))
        c["dims"] = ipw.ToggleButtons(options=[("1-D", 1), ("2-D", 2)], value=init["dims"],
                                      description="dimensions", tooltips=["one weight w", "two weights w₁, w₂"],
                                      style={"button_width": "50px", "description_width": "80px"})
        c["learning_rate"] = ipw.FloatLogSlider(value=init["learning_rate"], base=10,
                                                min=self.LR_RANGE[0], max=self.LR_RANGE[1], step=0.02,
                                                readout_format=".3g", description="learning rate",
                                                style=style, layout=slider)
        c["steps"] = ipw.IntSlider(value=init["steps"], min=1, max=self.MAX_STEPS, description="steps",
                                   style=style, layout=slider)
        c["start"] = ipw.FloatSlider(value=init["start"], min=lo, max=hi, step=0.01,
                                     description="start w", style=style, layout=slider)
        c["start_y"] = ipw.FloatSlider(value=init["start_y"], min=s2.extent[2], max=s2.extent[3],
                                       step=0.01, description="start w₂", style=style, layout=slider)
        c["reset"] = ipw.Button(description="reset", icon="undo",
                                tooltip="back to the values the app was opened with",
                                layout=ipw.Layout(width="90px", margin="2px 0 2px 12px"))

        update = self.throttled(self._on_change)
        for name in ("learning_rate", "steps", "start", "start_y"):
            c[name].observe(update, "value")
        c["loss"].observe(self.guard(self._on_surface), "value")
        c["dims"].observe(self.guard(self._on_surface), "value")
        c["reset"].on_click(self.guard(self.reset))
        self._sync_enabled()

        wrap = ipw.Layout(flex_flow="row wrap", align_items="center")    # wraps on a narrow page
        self.ui = ipw.VBox([
            ipw.HBox([c["loss"], c["dims"], c["reset"]], layout=wrap),
            ipw.HBox([c["learning_rate"], c["steps"], c["start"], c["start_y"]], layout=wrap),
            self.readout,
            figure_widget(self.fig),
            self.caption,
            self.status,
        ])

    def _sync_enabled(self):
        two_d = self.controls["dims"].value == 2
        self.controls["loss"].disabled = two_d          # 2-D means the 2-D quadratic
        self.controls["start_y"].disabled = not two_d
        self.controls["start"].description = "start w₁" if two_d else "start w"

    # --- callbacks --------------------------------------------------------------------
    def _on_surface(self, *_):
        c = self.controls
        s = surface_of(self.state())
        self._sync_enabled()
        with self.quietly():            # new range and start first, then one update
            lo, hi = s.extent[:2]
            c["start"].min, c["start"].max = min(lo, c["start"].min), max(hi, c["start"].max)
            c["start"].value = float(s.start[0])
            c["start"].min, c["start"].max = lo, hi
            if s.dim == 2:
                c["start_y"].value = float(s.start[1])
        self._update()

    def reset(self, *_):
        """Back to the state the app was opened in."""
        c = self.controls
        c["dims"].value = self._initial["dims"]
        c["loss"].value = self._initial["loss"]
        super().reset()

    def _update(self):
        """Run plain SGD from the start (``compute``) and show the iterates, the loss and the regime."""
        state = self.state()
        r = compute(state, self._runs)
        self._show(state, r)

    def _show(self, state, r):
        """Put state ``state`` and its numbers ``r`` into the artists and the readouts, then redraw."""
        s, run = r["surface"], r["run"]
        self.surface, self.run, self.regime = s, run, r["regime"]
        full = s.name != self._shown
        if full:
            self._show_surface(s)
            self._shown = s.name
        if s.dim == 1:
            self.iterates_1d.set_data(run.path[:, 0], run.losses)
            self.start_1d.set_data(run.path[:1, 0], run.losses[:1])
        else:
            self.iterates_2d.set_data(run.path[:, 0], run.path[:, 1])
            self.start_2d.set_data(run.path[:1, 0], run.path[:1, 1])
        self.loss_line.set_data(np.arange(len(r["gap"])), r["gap"])
        self.ax_loss.set_xlim(-0.5, state["steps"] + 0.5)
        self.ax_loss.set_ylim(*r["ylim"])
        self.readout.value = self._describe(state, r)
        self.redraw(full=full)

    def _describe(self, state, r):
        """The regime and the numbers in HTML: what the figure shows now, in words."""
        run, steps, lr = r["run"], state["steps"], state["learning_rate"]
        if run.diverged:
            end = f"stopped at step {run.diverged_step}: |w| grew too large."
        elif r["regime"] == "diverging":
            end = f"after {steps} steps L = {run.final_loss:.3g}, above where it started."
        else:
            end = f"after {steps} steps L = {run.final_loss:.3g}, nearest the {r['nearest']} minimum."
        start = ", ".join(f"{w:.2f}" for w in run.path[0])
        where = f"w = {start}" if len(run.path[0]) == 1 else f"(w₁, w₂) = ({start})"
        numbers = f"learning rate {lr:.3g}" + (f", lr·a = {r['lr_a']:.3g}" if r["lr_a"] is not None else "")
        text = f"{numbers}; from {where}, {end}"
        color = REGIME_COLORS[r["regime"]]
        return (f"<div style='font-size:13.5px;line-height:1.5'>regime: "
                f"<b style='border-left:12px solid {color};padding-left:5px'>{html.escape(r['regime'])}</b>"
                f" &nbsp;<span style='font-family:var(--jp-code-font-family, monospace);font-size:12.5px'>"
                f"{html.escape(text)}</span></div>")

