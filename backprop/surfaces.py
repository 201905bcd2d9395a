"""Loss surfaces: small functions of one or two weights, to watch optimizers move.

A network's loss depends on thousands of weights, too many to draw. These losses
depend on one or two, yet show the same troubles: a narrow ravine where plain
gradient descent zig-zags, a saddle point where the gradient vanishes without a
minimum, local minima that trap a descent, Rosenbrock's curved valley. Each is
written beside its gradient, so ``descend`` can run any optimizer of
``backprop.optimizers`` on it and the lessons can draw the path it takes.

    surface = surfaces.get("ravine")
    surface(w)              # the loss: w (2,) -> float, a grid (..., 2) -> (...)
    surface.gradient(w)     # dL/dw: (2,) -> (2,), (..., 2) -> (..., 2)
    run = surfaces.descend(surface, SGD(learning_rate=0.03), steps=100)
    run.path, run.losses, run.diverged, regime(run)

Every surface also carries what a picture of it needs: ``extent`` (xmin, xmax,
ymin, ymax; (wmin, wmax) in 1-D), a ``start`` point, its known ``minima`` (M, D)
sorted by loss (``minima[0]`` is a global minimum) and a ``formula`` in mathtext.
The 1-D losses ("quadratic", "nonconvex") take w of shape (1,) or (..., 1), or a
plain number.
"""
import numpy as np
from numpy.polynomial import Polynomial

from .optimizers import Optimizer
from .validation import check_array, check_choice, check_int, check_number, describe


class Surface:
    """Base class: subclasses give ``_f(w)`` and its gradient ``_df(w)`` on (..., D) arrays."""

    name = "surface"
    formula = ""

    def __init__(self, dim, extent, start, minima):
        self.dim = dim
        self.extent = tuple(float(e) for e in extent)
        self.start = _frozen(start)
        minima = np.asarray(minima, dtype=np.float64).reshape(-1, dim)
        # sorted by loss, so minima[0] is a global minimum
        self.minima = _frozen(minima[np.argsort(self._f(minima), kind="stable")])

    @property
    def global_minimum(self):
        """A global minimizer, shape (D,)."""
        return self.minima[0]

    @property
    def min_loss(self):
        """The lowest loss of the surface, L(global_minimum)."""
        return float(self._f(self.minima[0]))

    def __call__(self, w):
        """The loss at w: (D,) -> float; a grid (..., D) -> array (...)."""
        w = self._points(w)
        loss = self._f(w)
        return float(loss) if w.ndim == 1 else loss

    def gradient(self, w):
        """dL/dw at w: (D,) -> (D,); a grid (..., D) -> (..., D)."""
        return self._df(self._points(w))

    def _points(self, w):
        w = check_array(w, "w", dtype=np.float64)
        if w.ndim == 0 and self.dim == 1:
            w = w.reshape(1)
        if w.ndim == 0 or w.shape[-1] != self.dim:
            raise ValueError(f"w must have shape ({self.dim},) or (..., {self.dim}) for the "
                             f"{self.name!r} surface, got shape {w.shape}")
        return w

    def _f(self, w):
        raise NotImplementedError

    def _df(self, w):
        raise NotImplementedError

    def __repr__(self):
        return f"<{type(self).__name__} {self.name!r}: {self.formula}>"


def _frozen(a):
    """A read-only float64 copy: the suggested start and the minima of a shared surface stay put."""
    a = np.array(a, dtype=np.float64)
    a.flags.writeable = False
    return a


class Quadratic(Surface):
    """L = 1/2 (w - c)^T A (w - c) with A = R diag(curvatures) R^T (R: a rotation in 2-D).

    The curvatures are A's eigenvalues. Gradient descent with learning rate lr multiplies
    the error along eigenvector i by (1 - lr a_i) each step: monotone for lr < 1/a_i,
    overshooting (sign flips) for 1/a_i < lr < 2/a_i, growing for lr > 2/a_i.
    """

    def __init__(self, name, curvatures, extent, start, angle=0.0, center=None, formula=""):
        a = check_array(curvatures, "curvatures", ndim=1, dtype=np.float64)
        if a.size not in (1, 2) or np.any(a <= 0):
            raise ValueError(f"curvatures must be 1 or 2 positive numbers, got {a}")
        angle = check_number(angle, "angle")
        self.name, self.formula = name, formula
        self.curvatures = _frozen(np.sort(a))
        if a.size == 2:
            c, s = np.cos(np.radians(angle)), np.sin(np.radians(angle))
            rotation = np.array([[c, -s], [s, c]])
            self.hessian = _frozen(rotation @ np.diag(a) @ rotation.T)
        else:
            self.hessian = _frozen(np.diag(a))
        self.center = _frozen(np.zeros(a.size) if center is None else center)
        super().__init__(a.size, extent, start, [self.center])

    def _f(self, w):
        d = w - self.center
        return 0.5 * np.einsum("...i,ij,...j->...", d, self.hessian, d)

    def _df(self, w):
        return (w - self.center) @ self.hessian          # A is symmetric: A d, row by row


class Saddle(Surface):
    """L = 1/2 (x^2 - y^2) + y^4 / 16: a saddle at the origin, minima (0, +-2) with L = -1.

    At the origin the gradient is zero but the Hessian diag(1, -1) has a negative
    direction; the quartic term only keeps the surface bounded below.
    """

    name = "saddle"
    formula = r"$\frac{1}{2}(x^2 - y^2) + \frac{y^4}{16}$"

    def __init__(self):
        super().__init__(2, (-3.0, 3.0, -3.0, 3.0), (2.5, 0.05), [(0.0, 2.0), (0.0, -2.0)])

    def _f(self, w):
        x, y = w[..., 0], w[..., 1]
        return 0.5 * (x * x - y * y) + y ** 4 / 16.0

    def _df(self, w):
        x, y = w[..., 0], w[..., 1]
        return np.stack([x, -y + y ** 3 / 4.0], axis=-1)


class Rosenbrock(Surface):
    """L = (a - x)^2 + b (y - x^2)^2: a curved, flat-bottomed valley, minimum (a, a^2)."""

    name = "rosenbrock"

    def __init__(self, a=1.0, b=100.0):
        self.a, self.b = check_number(a, "a"), check_number(b, "b", low=0.0, low_open=True)
        self.formula = rf"$({self.a:g} - x)^2 + {self.b:g}\,(y - x^2)^2$"
        super().__init__(2, (-2.0, 2.0, -1.0, 3.0), (-1.2, 1.0), [(self.a, self.a ** 2)])

    def _f(self, w):
        x, y = w[..., 0], w[..., 1]
        return (self.a - x) ** 2 + self.b * (y - x * x) ** 2

    def _df(self, w):
        x, y = w[..., 0], w[..., 1]
        r = y - x * x                                    # the valley floor is r = 0
        return np.stack([-2.0 * (self.a - x) - 4.0 * self.b * x * r, 2.0 * self.b * r], axis=-1)


class SeparablePolynomial(Surface):
    """L = p_1(w_1) + ... + p_D(w_D), one polynomial per weight (coefficients low to high).

    dL/dw_i = p_i'(w_i). The minima are every combination of each p_i's minima, found
    exactly as the real roots of p_i' where p_i'' > 0.
    """

    def __init__(self, name, coefficients, extent, start, formula=""):
        self.name, self.formula = name, formula
        self.polynomials = [Polynomial(c) for c in coefficients]
        self.derivatives = [p.deriv() for p in self.polynomials]
        per_axis = [_polynomial_minima(p) for p in self.polynomials]
        grids = np.meshgrid(*per_axis, indexing="ij")
        super().__init__(len(self.polynomials), extent, start, np.stack([g.ravel() for g in grids], axis=-1))

    def _f(self, w):
        return sum(p(w[..., i]) for i, p in enumerate(self.polynomials))

    def _df(self, w):
        return np.stack([dp(w[..., i]) for i, dp in enumerate(self.derivatives)], axis=-1)


def _polynomial_minima(p):
    roots = p.deriv().roots()
    real = np.sort(roots[np.abs(roots.imag) < 1e-9].real)
    return real[p.deriv(2)(real) > 0]


SURFACES = {s.name: s for s in [
    Quadratic("ravine", [1.0, 50.0], (-3.0, 3.0, -2.0, 2.0), (-2.5, -0.9), angle=30.0,
              formula=r"$\frac{1}{2}(u^2 + 50\,v^2)$, axes turned 30°"),
    Saddle(),
    SeparablePolynomial("local_minima", [[0, 1, -3, 0, 1], [0, -0.5, -3, 0, 1]],
                        (-2.2, 2.2, -2.2, 2.2), (2.0, -2.0),
                        formula=r"$(x^4 - 3x^2 + x) + (y^4 - 3y^2 - \frac{1}{2}y)$"),
    Rosenbrock(),
    Quadratic("quadratic2d", [0.5, 2.0], (-3.0, 3.0, -3.0, 3.0), (-2.5, 2.0),
              formula=r"$\frac{1}{2}(0.5\,x^2 + 2\,y^2)$"),
    Quadratic("quadratic", [2.0], (-3.0, 3.0), (2.5,), formula=r"$\frac{1}{2}\,a\,w^2,\ a = 2$"),
    SeparablePolynomial("nonconvex", [[0, 1, -3, 0, 1]], (-2.2, 2.2), (2.0,),
                        formula=r"$w^4 - 3w^2 + w$"),
]}
NAMES = tuple(SURFACES)
NAMES_2D = tuple(n for n, s in SURFACES.items() if s.dim == 2)
NAMES_1D = tuple(n for n, s in SURFACES.items() if s.dim == 1)


def get(surface):
    """A Surface from its name (see ``NAMES``) or a Surface object."""
    if isinstance(surface, Surface):
        return surface
    return SURFACES[check_choice(surface, "surface", NAMES)]


class Descent:
    """What ``descend`` returns.

    path: (K + 1, D) the iterates w_0 ... w_K (K <= steps: fewer if it diverged);
    losses: (K + 1,) the loss at each; diverged: True if it was stopped because w
    left the bound or stopped being finite; diverged_step: that step (1-based) or None.
    """

    def __init__(self, surface, optimizer, path, losses, diverged, diverged_step):
        self.surface, self.optimizer = surface, optimizer
        self.path, self.losses = path, losses
        self.diverged, self.diverged_step = diverged, diverged_step

    @property
    def final_loss(self):
        return float(self.losses[-1])

    def nearest_minimum(self):
        """The known minimum of the surface nearest the last iterate, shape (D,)."""
        minima = self.surface.minima
        return minima[np.argmin(np.sum((minima - self.path[-1]) ** 2, axis=1))]

    def __repr__(self):
        end = f"diverged at step {self.diverged_step}" if self.diverged else f"final loss {self.final_loss:.4g}"
        return f"<Descent on {self.surface.name!r} with {self.optimizer!r}: {len(self.path) - 1} steps, {end}>"


def descend(surface, optimizer, start=None, steps=100, bound=1e6):
    """Run ``optimizer`` on ``surface`` from ``start`` for ``steps`` steps; a Descent.

    surface: a Surface or its name. optimizer: a backprop.optimizers object (SGD,
    RMSprop, Adam); it is reset first, so each run starts with fresh state, then
    stepped with optimizer.apply({"w": w}, {"w": surface.gradient(w)}).
    start: (D,), default surface.start. The run stops early, marked diverged, when
    a weight becomes NaN or infinite (that point is dropped) or |w_i| > bound (that
    point is kept, so a picture shows where it flew off).
    """
    surface = get(surface)
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be a backprop.optimizers object (SGD, RMSprop, Adam), "
                        f"got {describe(optimizer)}")
    start = surface.start if start is None else check_array(start, "start", ndim=1, dtype=np.float64)
    if start.shape != (surface.dim,):
        raise ValueError(f"start must have shape ({surface.dim},) for the {surface.name!r} surface, "
                         f"got {start.shape}")
    steps = check_int(steps, "steps", low=0)
    bound = check_number(bound, "bound", low=0.0, low_open=True)

    optimizer.reset()
    w = start.copy()
    path, diverged_step = [w.copy()], None
    with np.errstate(over="ignore", invalid="ignore"):      # divergence is reported, not warned
        for step in range(1, steps + 1):
            optimizer.apply({"w": w}, {"w": surface.gradient(w)})
            if not np.all(np.isfinite(w)):
                diverged_step = step
                break
            path.append(w.copy())
            if np.max(np.abs(w)) > bound:
                diverged_step = step
                break
        path = np.array(path)
        losses = surface._f(path)
    return Descent(surface, optimizer, path, losses, diverged_step is not None, diverged_step)


REGIMES = ("too slow", "good", "oscillating", "diverging")


def regime(descent, slow_fraction=0.01):
    """Name how a descent behaved, from its iterates: one of ``REGIMES``.

    With w* the minimum nearest the last iterate and e_k = w_k - w*, the first that applies:
    - "diverging": descend stopped it (w left the bound or stopped being finite),
      or the last loss is above the first;
    - "oscillating": along some weight, e_k changes sign from one step to the next
      on more than half of the steps (counting steps where |e_k| is above 1e-9 of
      the start's error: a converged run's rounding noise does not count);
    - "too slow": the gap L(w_K) - L(w*) is still above ``slow_fraction`` of the
      starting gap L(w_0) - L(w*);
    - "good" otherwise (a run that settles in a local minimum is "good": it converged).
    For plain SGD on L = a w^2 / 2 this gives: lr > 2/a diverging; 1/a < lr <= 2/a
    oscillating; lr <= 1/a too slow or good, as (1 - lr a)^(2K) > slow_fraction or not.
    """
    if not isinstance(descent, Descent):
        raise TypeError(f"descent must be what descend returns, got {describe(descent)}")
    slow_fraction = check_number(slow_fraction, "slow_fraction", low=0.0, high=1.0, low_open=True)
    if descent.diverged or descent.losses[-1] > descent.losses[0]:
        return "diverging"
    target = descent.nearest_minimum()
    error = descent.path - target
    live = np.abs(error) > 1e-9 * np.max(np.abs(error[0]))
    pairs = live[:-1] & live[1:]
    flips = pairs & (np.sign(error[:-1]) != np.sign(error[1:]))
    if np.any(2 * flips.sum(axis=0) > pairs.sum(axis=0)):
        return "oscillating"
    floor = descent.surface._f(target)
    if descent.losses[-1] - floor > slow_fraction * (descent.losses[0] - floor):
        return "too slow"
    return "good"
