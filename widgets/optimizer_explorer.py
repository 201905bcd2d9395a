"""OptimizerExplorer: five optimizers race on the same loss surface.

The learner sees the contour map of a two-weight loss (a ravine, a saddle, a
surface with local minima, Rosenbrock's valley, a plain bowl) and the paths that
SGD, momentum, Nesterov momentum, RMSprop and Adam take from the same start with
the same learning rate; beside it, each one's loss (minus the surface's lowest
loss) step by step on a log scale. Moving the start (sliders or a click on the
map), the learning rate and momentum shows why momentum crosses a ravine that
makes SGD zig-zag, why adaptive steps leave a saddle faster, how a local minimum
traps a descent, and that a learning rate can be too large for one optimizer and
fine for another (the readout says "diverged at step ...").

Every step is backprop.optimizers' own update (``optimizers.variant`` builds each one
from its name), run by backprop.surfaces.descend.

Model, view, controls: ``compute(state)`` gives the runs for a dict of control values
(a run is kept per optimizer and setting, so the steps slider only cuts it:
``first_steps``); ``_show`` puts them into the figure and the HTML readout. The
contours, limits and legend change only with the surface (a full draw); every slider,
checkbox and click redraws only the paths, the loss curves and the step axis
(blitting). The final losses are HTML.
"""
import html

import ipywidgets as ipw
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from backprop import optimizers, surfaces
from backprop.validation import check_choice, check_int, check_number, describe

from .app import App, figure_widget, make_figure, readout_line
from .learning_rate import first_steps

OPTIMIZERS = optimizers.VARIANTS        # ("sgd", "momentum", "nesterov", "rmsprop", "adam")
LABELS = {"sgd": "SGD", "momentum": "Momentum", "nesterov": "Nesterov",
          "rmsprop": "RMSprop", "adam": "Adam"}
# Okabe-Ito colours, each with its own dashes and end marker: a second cue besides colour
STYLES = {"sgd": ("#0072B2", "-", "o"), "momentum": ("#E69F00", "--", "s"),
          "nesterov": ("#009E73", "-.", "^"), "rmsprop": ("#CC79A7", ":", "D"),
          "adam": ("#D55E00", (0, (6, 1.5, 1, 1.5, 1, 1.5)), "v")}
USES_MOMENTUM = ("momentum", "nesterov")
# a learning rate per surface at which the optimizers visibly differ
SUGGESTED_LR = {"ravine": 0.025, "saddle": 0.02, "local_minima": 0.01,
                "rosenbrock": 0.002, "quadratic2d": 0.1}
GAP_FLOOR = 1e-6        # the loss panel's bottom: below this a run has converged for the eye
MAX_STEPS = 500
FIGSIZE = (9.0, 4.2)    # inches at dpi 100: 900 x 420 px, a laptop's notebook column
ALT = ("Left: a contour map of the loss over two weights (darker is lower), with the path of each "
       "optimizer from the same start (black dot): SGD blue solid, Momentum orange dashed, Nesterov "
       "green dash-dot, RMSprop purple dotted, Adam vermillion dash-dot-dot, each ending in its own "
       "marker; the global minimum is a yellow star, other minima white crosses. Right: each "
       "optimizer's loss minus the lowest loss per step, on a log scale, in the same styles. The "
       "final losses are written above the figure.")


def compute(state, cache=None):
    """The runs for one state (a dict of control values; no control is read).

    state: "surface", "x0", "y0", "learning_rate", "steps", "momentum_value", and one
    bool per name in OPTIMIZERS (drawn or not), as the controls.
    cache: a dict the caller keeps: each optimizer's run for the current setting
    (surface, start, rate, and momentum for the momentum ones), so a steps change only
    cuts it (a longer one reruns to twice the length, at most MAX_STEPS).
    Returns a dict: surface; start (2,); runs: {name: surfaces.Descent of state["steps"]
    steps} for the drawn optimizers, in OPTIMIZERS order.
    """
    cache = {} if cache is None else cache
    s = surfaces.get(state["surface"])
    start = np.array([state["x0"], state["y0"]], dtype=np.float64)
    lr, steps, beta = float(state["learning_rate"]), state["steps"], float(state["momentum_value"])
    keys = {name: (s.name, tuple(start), lr, beta if name in USES_MOMENTUM else None, name)
            for name in OPTIMIZERS if state[name]}
    for key in set(cache) - set(keys.values()):     # keep only this setting's runs
        del cache[key]
    runs = {}
    for name, key in keys.items():
        run = cache.get(key)
        if run is None or not (run.diverged or len(run.path) - 1 >= steps):
            longer = steps if run is None else min(MAX_STEPS, max(steps, 2 * (len(run.path) - 1)))
            run = cache[key] = surfaces.descend(s, optimizers.variant(name, lr, momentum=beta), start, longer)
        runs[name] = first_steps(run, steps)
    return {"surface": s, "start": start, "runs": runs}


def step_limits(steps):
    """The loss panel's x-limits for ``steps`` steps: a little room after the last, for its end marker."""
    return 0.0, steps + max(0.5, 0.03 * steps)


class OptimizerExplorer(App):
    """Paths of SGD, momentum, Nesterov, RMSprop and Adam on a 2-D loss surface.

    Keyword arguments (each opens the app in that state; None: the surface's suggestion):
        surface: one of backprop.surfaces.NAMES_2D ("ravine", "saddle", "local_minima",
            "rosenbrock", "quadratic2d"), default "ravine"
        x0, y0: the start point, inside the surface's extent (default surface.start)
        learning_rate: in [1e-4, 1] (default SUGGESTED_LR[surface])
        steps: 1 to 500, default 100
        momentum_value: the momentum (beta) of "momentum" and "nesterov", in [0, 0.99], default 0.9
        optimizers: which to draw, a subset of OPTIMIZERS (backprop.optimizers.VARIANTS;
            default all five)
    Controls (app.controls): "surface" Dropdown, "x0", "y0" FloatSliders (a click on
    the map sets both), "learning_rate" FloatLogSlider, "steps" IntSlider,
    "momentum_value" FloatSlider, one Checkbox per optimizer ("sgd", "momentum",
    "nesterov", "rmsprop", "adam"), "reset" Button.
    Each optimizer is ``backprop.optimizers.variant(name, learning_rate, momentum=momentum_value)``.
    Results: ``app.runs`` ({name: surfaces.Descent} of the drawn optimizers). The
    readout ``app.readout`` (HTML) gives the setting and each final loss, in words.
    Class attributes for lessons: ``SUGGESTED_LR`` (surface name -> the learning rate
    the app opens with there), ``OPTIMIZERS``, ``LR_RANGE`` (the slider's exponents),
    ``LR_STEP`` (its step in the exponent), ``MAX_STEPS``.
    """

    OPTIMIZERS = OPTIMIZERS
    SUGGESTED_LR = SUGGESTED_LR
    LR_RANGE = (-4, 0)          # exponents of the learning-rate slider
    LR_STEP = 0.05
    MAX_STEPS = MAX_STEPS

    def __init__(self, surface="ravine", x0=None, y0=None, learning_rate=None, steps=100,
                 momentum_value=0.9, optimizers=OPTIMIZERS):
        surface = surfaces.get(check_choice(surface, "surface", surfaces.NAMES_2D))
        xmin, xmax, ymin, ymax = surface.extent
        x0 = surface.start[0] if x0 is None else check_number(x0, "x0", low=xmin, high=xmax)
        y0 = surface.start[1] if y0 is None else check_number(y0, "y0", low=ymin, high=ymax)
        if learning_rate is None:
            learning_rate = SUGGESTED_LR[surface.name]
        learning_rate = check_number(learning_rate, "learning_rate",
                                     low=10.0 ** self.LR_RANGE[0], high=10.0 ** self.LR_RANGE[1])
        steps = check_int(steps, "steps", low=1, high=self.MAX_STEPS)
        momentum_value = check_number(momentum_value, "momentum_value", low=0.0, high=0.99)
        if isinstance(optimizers, str) or not all(isinstance(o, str) for o in optimizers):
            raise TypeError(f"optimizers must be a list of names from {list(OPTIMIZERS)}, "
                            f"got {describe(optimizers)}")
        optimizers = {check_choice(o, "optimizers", OPTIMIZERS) for o in optimizers}
        self._initial = {"surface": surface.name, "x0": float(x0), "y0": float(y0),
                         "learning_rate": learning_rate, "steps": steps,
                         "momentum_value": momentum_value,
                         **{name: name in optimizers for name in OPTIMIZERS}}
        self.surface = surface
        self.runs = {}              # optimizer name -> surfaces.Descent of the drawn path
        self._cache = {}            # compute's runs for the current setting
        self._shown = None          # the surface whose contours were last drawn in full

        self._init_status()
        self._build_view()
        self._build_controls()
        self._update()

    # --- view -------------------------------------------------------------------------
    def _build_view(self):
        self.fig = make_figure(FIGSIZE, alt=ALT)
        W, H = FIGSIZE
        bottom, height = 0.5 / H, 2.95 / H         # x labels below; titles and the legend above
        self.ax_map = self.fig.add_axes([0.72 / W, bottom, 3.9 / W, height])
        self.ax_loss = self.fig.add_axes([5.3 / W, bottom, 3.5 / W, height])
        self.ax_map.set_xlabel("$w_1$")
        self.ax_map.set_ylabel("$w_2$")
        self.ax_loss.set_yscale("log")
        self.ax_loss.set_xlabel("step")
        self.ax_loss.set_ylabel("loss $-$ lowest loss")
        self.ax_loss.set_title("loss per step (log scale)", fontsize=10)
        self.ax_loss.grid(True, which="major", alpha=0.3)
        # the step axis is redrawn every frame: few ticks, its label at a fixed place (an
        # automatic one measures every tick label of the figure each frame)
        self.ax_loss.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
        self.ax_loss.xaxis.set_label_coords(0.5, -0.12)
        self._contours = []
        self.paths, self.loss_lines = {}, {}
        for name in OPTIMIZERS:
            color, dashes, marker = STYLES[name]
            # one Line2D per optimizer; the marker shows where it stopped
            self.paths[name], = self.ax_map.plot([], [], color=color, ls=dashes, lw=1.8, marker=marker,
                                                 markersize=6.5, markeredgecolor="black", markeredgewidth=0.6,
                                                 markevery=[-1])
            self.loss_lines[name], = self.ax_loss.plot([], [], color=color, ls=dashes, lw=1.6, marker=marker,
                                                       markersize=5.5, markeredgecolor="black",
                                                       markeredgewidth=0.5, markevery=[-1])
        self.start_marker, = self.ax_map.plot([], [], "o", color="black", markersize=7)
        self.global_marker, = self.ax_map.plot([], [], "*", color="#F0E442", markeredgecolor="black",
                                               markersize=14)
        self.local_markers, = self.ax_map.plot([], [], "X", color="white", markeredgecolor="black",
                                               markersize=9)
        handles = [Line2D([], [], color=STYLES[n][0], ls=STYLES[n][1], lw=1.8, marker=STYLES[n][2],
                          markeredgecolor="black", markeredgewidth=0.6, label=LABELS[n]) for n in OPTIMIZERS]
        handles += [Line2D([], [], ls="", marker="o", color="black", label="start"),
                    Line2D([], [], ls="", marker="*", markersize=11, color="#F0E442", markeredgecolor="black",
                           label="global minimum"),
                    Line2D([], [], ls="", marker="X", markersize=8, color="white", markeredgecolor="black",
                           label="other minima")]
        self.fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 1.0), ncol=4, fontsize=8.5,
                        frameon=False, handlelength=3.2, columnspacing=1.5)
        # what a frame redraws, bottom to top: the step axis, the loss curves and paths (SGD
        # on top), then the start and the minima over the paths
        self._blit([self.ax_loss.xaxis, *self.ax_loss.spines.values(),
                    *reversed(self.loss_lines.values()), *reversed(self.paths.values()),
                    self.start_marker, self.global_marker, self.local_markers])

        # the words and numbers, in HTML (read by screen readers, no Agg text per frame)
        self.readout = readout_line(margin="2px 0")
        self.caption = ipw.HTML(
            "<div style='font-size:12.5px;color:#333;margin:2px 0'>Click the map to move the start (or use "
            "start w₁ and start w₂). A path that diverged stops where it left the map; its loss curve "
            "stops at that step.</div>")

    def _draw_surface(self, s):
        """Contours, limits and minima of surface ``s``: once per surface (a full draw), not per slider move."""
        old, self._contours = self._contours, []    # forgotten first: a draw that fails below
        for artist in old:                             # must not leave removed artists listed
            artist.remove()
        xmin, xmax, ymin, ymax = s.extent
        grid = np.stack(np.meshgrid(np.linspace(xmin, xmax, 241), np.linspace(ymin, ymax, 241)), axis=-1)
        gap = s(grid) - s.min_loss
        # levels spaced geometrically in the loss gap: detail near the minima and on the walls
        levels = np.geomspace(max(gap.max() * 1e-4, 1e-3), gap.max(), 16)
        levels = np.concatenate([[0.0], levels])
        self._contours = [
            self.ax_map.contourf(grid[..., 0], grid[..., 1], gap, levels=levels, cmap="Greys_r",
                                 extend="max", alpha=0.45, zorder=1),
            self.ax_map.contour(grid[..., 0], grid[..., 1], gap, levels=levels, colors="white",
                                linewidths=0.6, alpha=0.9, zorder=2),
        ]
        self.ax_map.set_xlim(xmin, xmax)
        self.ax_map.set_ylim(ymin, ymax)
        self.ax_map.set_aspect("equal", adjustable="box")
        self.ax_map.set_title(f"{s.name}:  {s.formula}", fontsize=10)
        is_global = np.isclose(s(s.minima), s.min_loss)
        self.global_marker.set_data(s.minima[is_global, 0], s.minima[is_global, 1])
        self.local_markers.set_data(s.minima[~is_global, 0], s.minima[~is_global, 1])
        self.ax_loss.set_ylim(GAP_FLOOR, 10.0 * gap.max())

    # --- controls ---------------------------------------------------------------------
    def _build_controls(self):
        c, init = self.controls, self._initial
        xmin, xmax, ymin, ymax = self.surface.extent
        style = {"description_width": "90px"}
        slider = ipw.Layout(width="295px")
        c["surface"] = ipw.Dropdown(options=list(surfaces.NAMES_2D), value=init["surface"],
                                    description="surface", style={"description_width": "55px"},
                                    layout=ipw.Layout(width="215px"))
        c["x0"] = ipw.FloatSlider(value=init["x0"], min=xmin, max=xmax, step=0.01,
                                  description="start w₁", style=style, layout=slider)
        c["y0"] = ipw.FloatSlider(value=init["y0"], min=ymin, max=ymax, step=0.01,
                                  description="start w₂", style=style, layout=slider)
        c["learning_rate"] = ipw.FloatLogSlider(value=init["learning_rate"], base=10,
                                                min=self.LR_RANGE[0], max=self.LR_RANGE[1], step=self.LR_STEP,
                                                readout_format=".2g", description="learning rate",
                                                style=style, layout=slider)
        c["steps"] = ipw.IntSlider(value=init["steps"], min=1, max=self.MAX_STEPS, description="steps",
                                   style=style, layout=slider)
        c["momentum_value"] = ipw.FloatSlider(value=init["momentum_value"], min=0.0, max=0.99,
                                              step=0.01, description="momentum β", style=style, layout=slider)
        for name in OPTIMIZERS:
            c[name] = ipw.Checkbox(value=init[name], description=LABELS[name], indent=False,
                                   layout=ipw.Layout(width="auto", margin="0 10px 0 0"))
        c["reset"] = ipw.Button(description="reset", icon="undo",
                                tooltip="back to the values the app was opened with",
                                layout=ipw.Layout(width="90px"))

        update = self.throttled(self._on_change)
        for name in ("x0", "y0", "learning_rate", "steps", "momentum_value", *OPTIMIZERS):
            c[name].observe(update, "value")
        c["surface"].observe(self.guard(self._on_surface), "value")
        c["reset"].on_click(self.guard(self.reset))
        self.fig.canvas.mpl_connect("button_press_event", self.guard(self._on_click))

        wrap = ipw.Layout(flex_flow="row wrap", align_items="center")    # wraps on a narrow page
        draw = ipw.HTML("<b>draw:</b>", layout=ipw.Layout(margin="0 8px 0 16px"))
        self.ui = ipw.VBox([
            ipw.HBox([c["surface"], draw, *(c[name] for name in OPTIMIZERS), c["reset"]], layout=wrap),
            ipw.HBox([c["learning_rate"], c["momentum_value"], c["steps"], c["x0"], c["y0"]], layout=wrap),
            self.readout,
            figure_widget(self.fig),
            self.caption,
            self.status,
        ])

    # --- callbacks --------------------------------------------------------------------
    def _on_surface(self, change):
        s, c = surfaces.get(change["new"]), self.controls
        with self.quietly():        # new ranges and values first, then one update
            xmin, xmax, ymin, ymax = s.extent
            # widen before narrowing so min never exceeds max on the way
            c["x0"].min, c["x0"].max = min(xmin, c["x0"].min), max(xmax, c["x0"].max)
            c["y0"].min, c["y0"].max = min(ymin, c["y0"].min), max(ymax, c["y0"].max)
            c["x0"].value, c["y0"].value = float(s.start[0]), float(s.start[1])
            c["x0"].min, c["x0"].max, c["y0"].min, c["y0"].max = xmin, xmax, ymin, ymax
            c["learning_rate"].value = SUGGESTED_LR[s.name]
        self._update()

    def _on_click(self, event):
        if event.inaxes is not self.ax_map or event.xdata is None or event.button != 1:
            return
        with self.quietly():
            self.controls["x0"].value, self.controls["y0"].value = float(event.xdata), float(event.ydata)
        self._update()

    def reset(self, *_):
        """Back to the state the app was opened in."""
        c = self.controls
        c["surface"].value = self._initial["surface"]      # redraws the map if it changed
        super().reset()

    def _update(self):
        """Run every checked optimizer from the start (``compute``) and show the paths (contours stay)."""
        state = self.state()
        self._show(state, compute(state, self._cache))

    def _show(self, state, r):
        """Put state ``state`` and its runs ``r`` into the artists and the readout, then redraw."""
        s, runs = r["surface"], r["runs"]
        self.surface, self.runs = s, runs
        full = s.name != self._shown
        if full:
            self._draw_surface(s)
            self._shown = s.name
        self.start_marker.set_data(r["start"][:1], r["start"][1:])
        for name in OPTIMIZERS:
            shown = name in runs
            self.paths[name].set_visible(shown)
            self.loss_lines[name].set_visible(shown)
            if shown:
                run = runs[name]
                self.paths[name].set_data(run.path[:, 0], run.path[:, 1])
                self.loss_lines[name].set_data(np.arange(len(run.losses)), run.losses - s.min_loss)
        self.ax_loss.set_xlim(*step_limits(state["steps"]))
        self.readout.value = self._describe(state, r)
        self.redraw(full=full)

    def _describe(self, state, r):
        """The setting and each optimizer's final loss, in HTML: what the figure shows now, in words."""
        x0, y0 = r["start"]
        head = (f"{r['surface'].name} from ({x0:.2f}, {y0:.2f}): learning rate {state['learning_rate']:.2g}, "
                f"{state['steps']} steps, momentum β {state['momentum_value']:.2f}.")
        items = []
        for name in OPTIMIZERS:
            run = r["runs"].get(name)
            if run is None:
                said = "off"
            elif run.diverged:
                said = f"diverged at step {run.diverged_step}"
            else:
                said = f"final loss {run.final_loss:.3g}"
            items.append(f"<span style='white-space:nowrap;margin-right:14px'>"
                         f"<span style='color:{STYLES[name][0]}' aria-hidden='true'>■</span> "
                         f"<b>{LABELS[name]}:</b> {html.escape(said)}</span>")
        return (f"<div style='font-size:13px;line-height:1.5'>{html.escape(head)}<br>"
                f"<span style='font-family:var(--jp-code-font-family, monospace);font-size:12.5px'>"
                f"{' '.join(items)}</span></div>")
