"""Optimizers: how a gradient becomes a step, with Keras's update rules and defaults.

With g = dL/dw and learning rate lr (t counts steps from 1):
- SGD:       w -= lr g
  momentum:  v = m v - lr g;  w += v
  nesterov:  v = m v - lr g;  w += m v - lr g      (look one step ahead)
- RMSprop:   s = rho s + (1 - rho) g^2;  w -= lr g / sqrt(s + eps)
- Adam:      m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
             w -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)
``learning_rate`` is a number or a schedule (``backprop.schedules``): a schedule is asked
for the rate before each step, with the number of steps taken so far (0 at the first).
Before the step, ``clipnorm`` rescales each gradient whose L2 norm exceeds it,
``global_clipnorm`` rescales all of them together, and ``clipvalue`` clips each entry.

``apply(params, grads)`` updates the arrays of ``params`` in place; both are
dicts with the same keys (a name per parameter), so the optimizer keeps its
per-parameter state (velocities, moments) under the same names.
"""
import numpy as np

from .schedules import LearningRateSchedule
from .validation import check_choice, check_number, describe


class Optimizer:
    name = "optimizer"

    def __init__(self, learning_rate, clipnorm=None, clipvalue=None, global_clipnorm=None):
        if isinstance(learning_rate, LearningRateSchedule):
            self.schedule, self.learning_rate = learning_rate, learning_rate(0)
        else:
            self.schedule = None
            self.learning_rate = check_number(learning_rate, "learning_rate", low=0.0, low_open=True)
        self.clipnorm = None if clipnorm is None else check_number(clipnorm, "clipnorm", low=0.0, low_open=True)
        self.clipvalue = None if clipvalue is None else check_number(clipvalue, "clipvalue", low=0.0, low_open=True)
        self.global_clipnorm = (None if global_clipnorm is None
                                else check_number(global_clipnorm, "global_clipnorm", low=0.0, low_open=True))
        if self.clipnorm is not None and self.global_clipnorm is not None:
            raise ValueError("give clipnorm or global_clipnorm, not both (as Keras): got "
                             f"clipnorm={self.clipnorm:g} and global_clipnorm={self.global_clipnorm:g}")
        self.iterations = 0
        self.state = {}

    def apply(self, params, grads):
        """One step: update every array in ``params`` (dict name -> array) in place."""
        if not isinstance(params, dict) or not isinstance(grads, dict) or params.keys() != grads.keys():
            raise ValueError("params and grads must be dicts with the same keys, got "
                             f"{describe(params)} and {describe(grads)}")
        grads = self.clip(grads)
        if self.schedule is not None:
            self.learning_rate = self.schedule(self.iterations)
        self.iterations += 1
        for name, w in params.items():
            self.update(name, w, grads[name])

    def clip(self, grads):
        """The gradients after clipnorm / global_clipnorm / clipvalue (new arrays only if clipped)."""
        if self.clipnorm is not None:
            grads = {k: _scale_to_norm(g, self.clipnorm, np.sqrt(np.sum(g * g))) for k, g in grads.items()}
        if self.global_clipnorm is not None:
            norm = np.sqrt(sum(np.sum(g * g) for g in grads.values()))
            grads = {k: _scale_to_norm(g, self.global_clipnorm, norm) for k, g in grads.items()}
        if self.clipvalue is not None:
            grads = {k: np.clip(g, -self.clipvalue, self.clipvalue) for k, g in grads.items()}
        return grads

    def update(self, name, w, g):
        raise NotImplementedError

    def _slot(self, name, w, slot):
        """Per-parameter state, zeros the first time it is asked for."""
        key = (name, slot)
        if key not in self.state:
            self.state[key] = np.zeros_like(w)
        return self.state[key]

    def reset(self):
        """Forget the state (velocities, moments, step count)."""
        self.iterations = 0
        self.state = {}

    def __repr__(self):
        return f"{type(self).__name__}(learning_rate={self.learning_rate:g})"


def _scale_to_norm(g, max_norm, norm):
    return g * (max_norm / norm) if norm > max_norm else g


class SGD(Optimizer):
    name = "sgd"

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **clipping):
        super().__init__(learning_rate, **clipping)
        self.momentum = check_number(momentum, "momentum", low=0.0, high=1.0)
        if not isinstance(nesterov, bool):
            raise TypeError(f"nesterov must be True or False, got {describe(nesterov)}")
        self.nesterov = nesterov

    def update(self, name, w, g):
        """One parameter's step: w -= lr g, or with momentum v = m v - lr g; w += v."""
        lr = self.learning_rate
        if not self.momentum:
            w -= lr * g
            return
        v = self._slot(name, w, "velocity")
        v *= self.momentum
        v -= lr * g                          # v = m v - lr g
        if self.nesterov:
            w += self.momentum * v - lr * g
        else:
            w += v

    def __repr__(self):
        return f"SGD(learning_rate={self.learning_rate:g}, momentum={self.momentum:g}, nesterov={self.nesterov})"


class RMSprop(Optimizer):
    name = "rmsprop"

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, **clipping):
        super().__init__(learning_rate, **clipping)
        self.rho = check_number(rho, "rho", low=0.0, high=1.0)
        self.momentum = check_number(momentum, "momentum", low=0.0, high=1.0)
        self.epsilon = check_number(epsilon, "epsilon", low=0.0, low_open=True)

    def update(self, name, w, g):
        s = self._slot(name, w, "mean_square")
        s *= self.rho
        s += (1.0 - self.rho) * g * g                 # running mean of g^2
        step = self.learning_rate * g / np.sqrt(s + self.epsilon)
        if self.momentum:
            v = self._slot(name, w, "momentum")
            v *= self.momentum
            v += step
            step = v
        w -= step


class Adam(Optimizer):
    name = "adam"

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **clipping):
        super().__init__(learning_rate, **clipping)
        self.beta_1 = check_number(beta_1, "beta_1", low=0.0, high=1.0, high_open=True)
        self.beta_2 = check_number(beta_2, "beta_2", low=0.0, high=1.0, high_open=True)
        self.epsilon = check_number(epsilon, "epsilon", low=0.0, low_open=True)

    def update(self, name, w, g):
        m = self._slot(name, w, "m")
        v = self._slot(name, w, "v")
        m += (1.0 - self.beta_1) * (g - m)            # m = b1 m + (1 - b1) g
        v += (1.0 - self.beta_2) * (g * g - v)        # v = b2 v + (1 - b2) g^2
        t = self.iterations
        # the bias corrections of m and v folded into the step size, as Keras does
        alpha = self.learning_rate * np.sqrt(1.0 - self.beta_2 ** t) / (1.0 - self.beta_1 ** t)
        w -= alpha * m / (np.sqrt(v) + self.epsilon)

    def __repr__(self):
        return (f"Adam(learning_rate={self.learning_rate:g}, beta_1={self.beta_1:g}, "
                f"beta_2={self.beta_2:g})")


_BY_NAME = {"sgd": SGD, "rmsprop": RMSprop, "adam": Adam}
NAMES = tuple(_BY_NAME)


def get(optimizer):
    """An Optimizer from a Keras name ("sgd", "rmsprop", "adam") or an Optimizer object."""
    if isinstance(optimizer, Optimizer):
        return optimizer
    return _BY_NAME[check_choice(optimizer, "optimizer", NAMES)]()


# The variants the apps offer by name: momentum and Nesterov are SGD with a setting.
VARIANTS = ("sgd", "momentum", "nesterov", "rmsprop", "adam")


def variant(name, learning_rate, momentum=0.9):
    """A new optimizer from a variant's name (one of VARIANTS) with Keras's other defaults.

    momentum: the momentum of "momentum" and "nesterov" (SGD's), ignored by the others.
    """
    name = check_choice(name, "name", VARIANTS)
    if name in ("sgd", "momentum", "nesterov"):
        return SGD(learning_rate, momentum=0.0 if name == "sgd" else momentum, nesterov=name == "nesterov")
    return RMSprop(learning_rate) if name == "rmsprop" else Adam(learning_rate)

