"""OptimizerExplorer: five optimizers race on the same loss surface.

The learner sees the contour map of a two-weight loss (a ravine, a saddle, a
surface with local minima, Rosenbrock's valley, a plain bowl) and the paths that
SGD, momentum, Nesterov momentum, RMSprop and Adam take from the same start with
the same learning rate; beside it, each one's loss (minus the surface's lowest
loss) step by step on a log scale. Moving the start (sliders or a click on the
map), the learning rate and momentum shows why momentum crosses a ravine that
makes SGD zig-zag, why adaptive steps leave a saddle faster, how a local minimum
traps a descent, and that a learning rate can be too large for one optimizer and
fine for another ("diverged" in the legend).

Every step is backprop.optimizers' own update, run by backprop.surfaces.descend.
"""
import ipywidgets as ipw
import numpy as np

from backprop import surfaces
from backprop.optimizers import SGD, Adam, RMSprop
from backprop.validation import check_choice, check_int, check_number, describe

from .app import App, figure_widget, make_figure

OPTIMIZERS = ("sgd", "momentum", "nesterov", "rmsprop", "adam")
LABELS = {"sgd": "SGD", "momentum": "Momentum", "nesterov": "Nesterov",
          "rmsprop": "RMSprop", "adam": "Adam"}
COLORS = {"sgd": "#1f77b4", "momentum": "#ff7f0e", "nesterov": "#2ca02c",
          "rmsprop": "#d62728", "adam": "#9467bd"}
# a learning rate per surface at which the optimizers visibly differ
SUGGESTED_LR = {"ravine": 0.025, "saddle": 0.02, "local_minima": 0.01,
                "rosenbrock": 0.002, "quadratic2d": 0.1}
GAP_FLOOR = 1e-6        # the loss panel's bottom: below this a run has converged for the eye


def make_optimizer(name, learning_rate, momentum):
    """The backprop optimizer drawn under ``name`` (Keras defaults for RMSprop and Adam)."""
    if name == "sgd":
        return SGD(learning_rate)
    if name == "momentum":
        return SGD(learning_rate, momentum=momentum)
    if name == "nesterov":
        return SGD(learning_rate, momentum=momentum, nesterov=True)
    if name == "rmsprop":
        return RMSprop(learning_rate)
    return Adam(learning_rate)


class OptimizerExplorer(App):
    """Paths of SGD, momentum, Nesterov, RMSprop and Adam on a 2-D loss surface.

    Keyword arguments (each opens the app in that state; None: the surface's suggestion):
        surface: one of backprop.surfaces.NAMES_2D ("ravine", "saddle", "local_minima",
            "rosenbrock", "quadratic2d"), default "ravine"
        x0, y0: the start point, inside the surface's extent (default surface.start)
        learning_rate: in [1e-4, 1] (default SUGGESTED_LR[surface])
        steps: 1 to 500, default 100
        momentum_value: the momentum (beta) of "momentum" and "nesterov", in [0, 0.99], default 0.9
        optimizers: which to draw, a subset of OPTIMIZERS (default all five)
    Controls (app.controls): "surface" Dropdown, "x0", "y0" FloatSliders (a click on
    the map sets both), "learning_rate" FloatLogSlider, "steps" IntSlider,
    "momentum_value" FloatSlider, one Checkbox per optimizer ("sgd", "momentum",
    "nesterov", "rmsprop", "adam"), "reset" Button.
    """

    LR_RANGE = (-4, 0)          # exponents of the learning-rate slider
    MAX_STEPS = 500

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

        self._init_status()
        self._build_view()
        self._build_controls()
        self._draw_surface()
        self._update()

    # --- view -------------------------------------------------------------------------
    def _build_view(self):
        self.fig = make_figure((11, 4.6))
        self.ax_map = self.fig.add_axes([0.07, 0.15, 0.38, 0.74])
        self.ax_loss = self.fig.add_axes([0.52, 0.15, 0.28, 0.74])
        self.ax_map.set_xlabel("$w_1$")
        self.ax_map.set_ylabel("$w_2$")
        self.ax_loss.set_yscale("log")
        self.ax_loss.set_xlabel("step")
        self.ax_loss.set_ylabel("loss $-$ lowest loss")
        self.ax_loss.set_title("loss per step (log scale)", fontsize=10)
        self.ax_loss.grid(True, which="major", alpha=0.3)
        self._contours = []
        self.paths, self.loss_lines = {}, {}
        for i, name in enumerate(OPTIMIZERS):
            # one Line2D per optimizer, SGD on top; the marker shows where it stopped
            self.paths[name], = self.ax_map.plot([], [], "-", color=COLORS[name], lw=1.6, marker="o",
                                                 markersize=6, markevery=[-1], zorder=4.5 - 0.1 * i)
            self.loss_lines[name], = self.ax_loss.plot([], [], "-", color=COLORS[name], lw=1.6,
                                                       label=LABELS[name])
        self.start_marker, = self.ax_map.plot([], [], "o", color="black", markersize=7, zorder=5)
        self.global_marker, = self.ax_map.plot([], [], "*", color="gold", markeredgecolor="black",
                                               markersize=14, zorder=6)
        self.local_markers, = self.ax_map.plot([], [], "X", color="white", markeredgecolor="black",
                                               markersize=9, zorder=6)
        # outside the panel, so it never hides a curve
        self.legend = self.ax_loss.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8,
                                          title="final loss", title_fontsize=8, frameon=False)
        self.legend_texts = dict(zip(OPTIMIZERS, self.legend.get_texts()))
        self.fig.text(0.05, 0.012, "● start     ★ global minimum     ✖ other minima     "
                      "(click the map to move the start)", fontsize=8, color="#444")

    def _draw_surface(self):
        """Contours, limits and minima of the current surface: once per surface, not per slider move."""
        s = self.surface
        for artist in self._contours:
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
        style = {"description_width": "initial"}
        c["surface"] = ipw.Dropdown(options=list(surfaces.NAMES_2D), value=init["surface"],
                                    description="surface")
        c["x0"] = ipw.FloatSlider(value=init["x0"], min=xmin, max=xmax, step=0.01,
                                  description="start $w_1$", style=style)
        c["y0"] = ipw.FloatSlider(value=init["y0"], min=ymin, max=ymax, step=0.01,
                                  description="start $w_2$", style=style)
        c["learning_rate"] = ipw.FloatLogSlider(value=init["learning_rate"], base=10,
                                                min=self.LR_RANGE[0], max=self.LR_RANGE[1], step=0.05,
                                                readout_format=".2g", description="learning rate",
                                                style=style)
        c["steps"] = ipw.IntSlider(value=init["steps"], min=1, max=self.MAX_STEPS, description="steps")
        c["momentum_value"] = ipw.FloatSlider(value=init["momentum_value"], min=0.0, max=0.99,
                                              step=0.01, description="momentum β", style=style)
        for name in OPTIMIZERS:
            c[name] = ipw.Checkbox(value=init[name], description=LABELS[name], indent=False,
                                   layout=ipw.Layout(width="auto"))
        c["reset"] = ipw.Button(description="Reset", icon="undo")

        update = self.throttled(self._on_change)
        for name in ("x0", "y0", "learning_rate", "steps", "momentum_value", *OPTIMIZERS):
            c[name].observe(update, "value")
        c["surface"].observe(self.guard(self._on_surface), "value")
        c["reset"].on_click(self.guard(self.reset))
        self.fig.canvas.mpl_connect("button_press_event", self.guard(self._on_click))

        sliders = ipw.VBox([c["surface"], c["x0"], c["y0"], c["learning_rate"], c["steps"],
                            c["momentum_value"]])
        boxes = ipw.VBox([ipw.HTML("<b>draw</b>"), *(c[name] for name in OPTIMIZERS), c["reset"]])
        self.ui = ipw.VBox([ipw.HBox([sliders, boxes]), figure_widget(self.fig), self.status])

    # --- callbacks --------------------------------------------------------------------
    def _on_surface(self, change):
        self.surface = surfaces.get(change["new"])
        s, c = self.surface, self.controls
        with self.quietly():        # new ranges and values first, then one update
            xmin, xmax, ymin, ymax = s.extent
            # widen before narrowing so min never exceeds max on the way
            c["x0"].min, c["x0"].max = min(xmin, c["x0"].min), max(xmax, c["x0"].max)
            c["y0"].min, c["y0"].max = min(ymin, c["y0"].min), max(ymax, c["y0"].max)
            c["x0"].value, c["y0"].value = float(s.start[0]), float(s.start[1])
            c["x0"].min, c["x0"].max, c["y0"].min, c["y0"].max = xmin, xmax, ymin, ymax
            c["learning_rate"].value = SUGGESTED_LR[s.name]
        self._draw_surface()
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
        """Run every checked optimizer from the start and redraw the paths (contours stay)."""
        c, s = self.controls, self.surface
        start = np.array([c["x0"].value, c["y0"].value])
        lr, steps, beta = c["learning_rate"].value, c["steps"].value, c["momentum_value"].value
        self.start_marker.set_data([start[0]], [start[1]])
        self.runs = {}
        for name in OPTIMIZERS:
            shown = c[name].value
            self.paths[name].set_visible(shown)
            self.loss_lines[name].set_visible(shown)
            text = self.legend_texts[name]
            if not shown:
                text.set_text(f"{LABELS[name]}: off")
                text.set_alpha(0.4)
                continue
            run = surfaces.descend(s, make_optimizer(name, lr, beta), start, steps)
            self.runs[name] = run
            self.paths[name].set_data(run.path[:, 0], run.path[:, 1])
            self.loss_lines[name].set_data(np.arange(len(run.losses)), run.losses - s.min_loss)
            # a diverged path is dashed: it leaves the map, the legend says when
            self.paths[name].set_linestyle("--" if run.diverged else "-")
            text.set_alpha(1.0)
            text.set_text(f"{LABELS[name]}: diverged (step {run.diverged_step})" if run.diverged
                          else f"{LABELS[name]}: {run.final_loss:.3g}")
        self.ax_loss.set_xlim(0, steps)
        self.redraw()
