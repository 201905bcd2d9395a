"""LearningRateExplorer: what the learning rate does to gradient descent.

The learner sees plain gradient descent on a one-weight loss, each iterate drawn
on the loss curve and joined to the next, and the loss per step on a log scale.
Sliding the learning rate walks through four regimes, named above the curve:
"too slow" (tiny steps, the loss barely moves), "good", "oscillating" (each step
overshoots the minimum and the path zig-zags across the valley) and "diverging"
(each overshoot is larger than the last). On L = a w^2 / 2 the borders are exact:
lr < 1/a monotone, 1/a < lr < 2/a oscillating, lr > 2/a diverging (the caption
gives the numbers). On the non-convex loss the same lr may settle in a local
minimum or jump to the other one. With "dims" = 2 the loss is a 2-D quadratic
with a steep and a shallow direction: one learning rate zig-zags across the
steep one while it still crawls along the shallow one.

The steps are backprop.optimizers.SGD run by backprop.surfaces.descend; the regime
is backprop.surfaces.regime (its docstring defines each one).
"""
import ipywidgets as ipw
import numpy as np
from matplotlib.ticker import MaxNLocator

from backprop import surfaces
from backprop.optimizers import SGD
from backprop.validation import check_choice, check_int, check_number

from .app import App, figure_widget, make_figure

LOSSES_1D = ("quadratic", "nonconvex")
SURFACE_2D = "quadratic2d"
REGIME_COLORS = {"too slow": "#b8860b", "good": "#2e7d32", "oscillating": "#1565c0",
                 "diverging": "#c62828"}


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
    """

    LR_RANGE = (-3, 1)
    MAX_STEPS = 100

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

        self._init_status()
        self._build_view()
        self._build_controls()
        self._show_surface()
        self._update()

    # --- view -------------------------------------------------------------------------
    def _build_view(self):
        self.fig = make_figure((10, 5))
        # the 1-D curve and the 2-D map share a place; only one is visible at a time
        self.ax_curve = self.fig.add_axes([0.07, 0.25, 0.40, 0.60])
        self.ax_map = self.fig.add_axes([0.07, 0.25, 0.40, 0.60])
        self.ax_loss = self.fig.add_axes([0.58, 0.25, 0.39, 0.60])

        self.ax_curve.set_xlabel("weight $w$")
        self.ax_curve.set_ylabel("loss $L(w)$")
        self.curve, = self.ax_curve.plot([], [], color="#555", lw=2, zorder=1)
        self.global_1d, = self.ax_curve.plot([], [], "*", color="gold", markeredgecolor="black",
                                             markersize=14, zorder=2)
        self.local_1d, = self.ax_curve.plot([], [], "X", color="white", markeredgecolor="black",
                                            markersize=9, zorder=2)
        self.iterates_1d, = self.ax_curve.plot([], [], "-o", color="#d62728", lw=1.2, markersize=4,
                                               alpha=0.85, zorder=3)
        self.start_1d, = self.ax_curve.plot([], [], "o", color="black", markersize=7, zorder=4)

        s2 = surfaces.get(SURFACE_2D)
        xmin, xmax, ymin, ymax = s2.extent
        grid = np.stack(np.meshgrid(np.linspace(xmin, xmax, 161), np.linspace(ymin, ymax, 161)), axis=-1)
        levels = np.geomspace(1e-2, s2(grid).max(), 12)
        self.ax_map.contourf(grid[..., 0], grid[..., 1], s2(grid), levels=np.concatenate([[0], levels]),
                             cmap="Greys_r", alpha=0.45, zorder=0)
        self.ax_map.contour(grid[..., 0], grid[..., 1], s2(grid), levels=levels, colors="white",
                            linewidths=0.6, zorder=1)
        self.ax_map.plot(*s2.global_minimum, "*", color="gold", markeredgecolor="black", markersize=13,
                         zorder=4)
        self.iterates_2d, = self.ax_map.plot([], [], "-o", color="#d62728", lw=1.2, markersize=4, zorder=3)
        self.start_2d, = self.ax_map.plot([], [], "o", color="black", markersize=7, zorder=4)
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
        self.ax_loss.xaxis.set_major_locator(MaxNLocator(integer=True))
        self.loss_line, = self.ax_loss.plot([], [], "-o", color="#d62728", lw=1.2, markersize=3)

        self.fig.text(0.07, 0.955, "regime:", fontsize=12, color="#333")
        self.regime_text = self.fig.text(0.145, 0.955, "", fontsize=13, fontweight="bold")
        self.detail_text = self.fig.text(0.30, 0.957, "", fontsize=10, color="#333")
        self.caption = self.fig.text(0.07, 0.015, "", fontsize=9, color="#333", va="bottom",
                                     linespacing=1.5)

    def _show_surface(self):
        """Axes, curve and caption of the current loss: once per change of loss or dims."""
        s = self.surface
        two_d = s.dim == 2
        self.ax_curve.set_visible(not two_d)
        self.ax_map.set_visible(two_d)
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
        self.caption.set_text(self._caption_text())

    def _caption_text(self):
        s = self.surface
        if s.name == "nonconvex":
            (w_global,), (w_local,) = s.minima
            first = (f"Global minimum ★ at w = {w_global:.2f} (L = {s(w_global):.2f}), local minimum ✖ at "
                     f"w = {w_local:.2f} (L = {s(w_local):.2f}). Near a minimum w* the loss is almost\n"
                     "quadratic with a = L''(w*): the quadratic's thresholds hold there.")
        else:
            a = s.curvatures[-1]            # the steepest direction sets the thresholds
            where = "for L = a w²/2 with a" if s.dim == 1 else "along the steep direction, a"
            first = (f"Thresholds {where} = {a:g}:  lr < 1/a = {1 / a:g} monotone;  "
                     f"{1 / a:g} < lr < 2/a = {2 / a:g} oscillating;  lr > {2 / a:g} diverging.")
            if s.dim == 2:
                first += (f"\nThe shallow direction (a = {s.curvatures[0]:g}) shrinks by |1 - lr·a| per step:"
                          " still slow when lr is safe for the steep one.")
        return first + ("\nRegimes (w* = the minimum nearest the end):  diverging = the loss ends above where it "
                        "started;  oscillating = w - w* changes sign on most steps;\n"
                        "too slow = the loss gap L - L(w*) is still above 1% of its start;  good = otherwise.")

    # --- controls ---------------------------------------------------------------------
    def _build_controls(self):
        c, init = self.controls, self._initial
        lo, hi = self.surface.extent[:2]
        s2 = surfaces.get(SURFACE_2D)
        style = {"description_width": "initial"}
        c["loss"] = ipw.Dropdown(options=list(LOSSES_1D), value=init["loss"], description="loss")
        c["dims"] = ipw.ToggleButtons(options=[("1-D", 1), ("2-D", 2)], value=init["dims"],
                                      description="dims", style={"button_width": "4em"})
        c["learning_rate"] = ipw.FloatLogSlider(value=init["learning_rate"], base=10,
                                                min=self.LR_RANGE[0], max=self.LR_RANGE[1], step=0.02,
                                                readout_format=".3g", description="learning rate",
                                                style=style)
        c["steps"] = ipw.IntSlider(value=init["steps"], min=1, max=self.MAX_STEPS, description="steps")
        c["start"] = ipw.FloatSlider(value=init["start"], min=lo, max=hi, step=0.01,
                                     description="start $w$", style=style)
        c["start_y"] = ipw.FloatSlider(value=init["start_y"], min=s2.extent[2], max=s2.extent[3],
                                       step=0.01, description="start $w_2$", style=style)
        c["reset"] = ipw.Button(description="Reset", icon="undo")

        update = self.throttled(self._on_change)
        for name in ("learning_rate", "steps", "start", "start_y"):
            c[name].observe(update, "value")
        c["loss"].observe(self.guard(self._on_surface), "value")
        c["dims"].observe(self.guard(self._on_surface), "value")
        c["reset"].on_click(self.guard(self.reset))
        self._sync_enabled()

        left = ipw.VBox([c["loss"], c["dims"], c["reset"]])
        right = ipw.VBox([c["learning_rate"], c["steps"], c["start"], c["start_y"]])
        self.ui = ipw.VBox([ipw.HBox([left, right]), figure_widget(self.fig), self.status])

    def _sync_enabled(self):
        two_d = self.controls["dims"].value == 2
        self.controls["loss"].disabled = two_d          # 2-D means the 2-D quadratic
        self.controls["start_y"].disabled = not two_d
        self.controls["start"].description = "start $w_1$" if two_d else "start $w$"

    # --- callbacks --------------------------------------------------------------------
    def _on_surface(self, *_):
        c = self.controls
        self.surface = surfaces.get(SURFACE_2D if c["dims"].value == 2 else c["loss"].value)
        s = self.surface
        self._sync_enabled()
        with self.quietly():            # new range and start first, then one update
            lo, hi = s.extent[:2]
            c["start"].min, c["start"].max = min(lo, c["start"].min), max(hi, c["start"].max)
            c["start"].value = float(s.start[0])
            c["start"].min, c["start"].max = lo, hi
            if s.dim == 2:
                c["start_y"].value = float(s.start[1])
        self._show_surface()
        self._update()

    def reset(self, *_):
        """Back to the state the app was opened in."""
        c = self.controls
        c["dims"].value = self._initial["dims"]
        c["loss"].value = self._initial["loss"]
        super().reset()

    def _update(self):
        """Run plain SGD from the start and redraw the iterates, the loss and the regime."""
        c, s = self.controls, self.surface
        lr, steps = c["learning_rate"].value, c["steps"].value
        start = np.array([c["start"].value, c["start_y"].value][:s.dim])
        self.run = run = surfaces.descend(s, SGD(learning_rate=lr), start, steps)
        self.regime = surfaces.regime(run)

        if s.dim == 1:
            self.iterates_1d.set_data(run.path[:, 0], run.losses)
            self.start_1d.set_data(run.path[:1, 0], run.losses[:1])
        else:
            self.iterates_2d.set_data(run.path[:, 0], run.path[:, 1])
            self.start_2d.set_data(run.path[:1, 0], run.path[:1, 1])
        gap = run.losses - s.min_loss
        self.loss_line.set_data(np.arange(len(gap)), gap)
        self.ax_loss.set_xlim(-0.5, steps + 0.5)
        shown = gap[np.isfinite(gap) & (gap > 0)]
        low = max(shown.min(), 1e-16) if shown.size else 1e-16
        high = min(shown.max(), 1e12) if shown.size else 1.0
        self.ax_loss.set_ylim(low / 3.0, max(high * 3.0, low * 30.0))

        self.regime_text.set_text(self.regime)
        self.regime_text.set_color(REGIME_COLORS[self.regime])
        if run.diverged:
            end = f"stopped at step {run.diverged_step}: |w| grew too large"
        elif self.regime == "diverging":
            end = f"after {steps} steps L = {run.final_loss:.3g}, above where it started"
        else:
            w_star = run.nearest_minimum()
            which = "global" if np.isclose(s(w_star), s.min_loss) else "local"
            end = f"after {steps} steps L = {run.final_loss:.3g}, nearest the {which} minimum"
        if hasattr(s, "curvatures"):
            end = f"lr·a = {lr * s.curvatures[-1]:.3g};   " + end
        self.detail_text.set_text(end)
        self.redraw()
