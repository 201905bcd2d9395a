"""Learning-rate schedules: the rate as a function of the step, with Keras's names and rules.

A schedule is called with the number of steps already taken (0 for the first step) and
returns the learning rate for that step. Give one to an optimizer as its ``learning_rate``
(``SGD(learning_rate=CosineDecay(0.1, 1000))``): before each step the optimizer sets its
``learning_rate`` attribute to ``schedule(iterations)``, as Keras does.

- ExponentialDecay:        lr0 * rate^(t / T)          (t // T with staircase=True)
- PiecewiseConstantDecay:  values[i] while t <= boundaries[i], values[-1] after the last
- CosineDecay:             lr0 * ((1 - alpha) * (1 + cos(pi * min(t, T) / T)) / 2 + alpha)
"""
import math

from .validation import check_number, describe


class LearningRateSchedule:
    """Base class: ``schedule(step) -> float``, the rate for step ``step`` (0, 1, 2, ...)."""

    def __call__(self, step):
        return float(self.rate(check_number(step, "step", low=0)))

    def rate(self, step):
        raise NotImplementedError


class ExponentialDecay(LearningRateSchedule):
    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False):
        self.initial_learning_rate = check_number(initial_learning_rate, "initial_learning_rate",
                                                  low=0.0, low_open=True)
        self.decay_steps = check_number(decay_steps, "decay_steps", low=0.0, low_open=True)
        self.decay_rate = check_number(decay_rate, "decay_rate", low=0.0, low_open=True)
        if not isinstance(staircase, bool):
            raise TypeError(f"staircase must be True or False, got {describe(staircase)}")
        self.staircase = staircase

    def rate(self, step):
        p = step / self.decay_steps
        return self.initial_learning_rate * self.decay_rate ** (math.floor(p) if self.staircase else p)

    def __repr__(self):
        return (f"ExponentialDecay({self.initial_learning_rate:g}, decay_steps={self.decay_steps:g}, "
                f"decay_rate={self.decay_rate:g}, staircase={self.staircase})")


class PiecewiseConstantDecay(LearningRateSchedule):
    def __init__(self, boundaries, values):
        boundaries, values = list(boundaries), list(values)
        if len(values) != len(boundaries) + 1:
            raise ValueError(f"values must hold one more rate than boundaries has steps: got "
                             f"{len(boundaries)} boundaries and {len(values)} values")
        self.boundaries = [check_number(b, f"boundaries[{i}]", low=0) for i, b in enumerate(boundaries)]
        if any(a >= b for a, b in zip(self.boundaries, self.boundaries[1:])):
            raise ValueError(f"boundaries must increase, got {self.boundaries}")
        self.values = [check_number(v, f"values[{i}]", low=0.0, low_open=True) for i, v in enumerate(values)]

    def rate(self, step):
        for boundary, value in zip(self.boundaries, self.values):
            if step <= boundary:             # Keras: values[0] up to and including boundaries[0]
                return value
        return self.values[-1]

    def __repr__(self):
        return f"PiecewiseConstantDecay(boundaries={self.boundaries}, values={self.values})"


class CosineDecay(LearningRateSchedule):
    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0):
        self.initial_learning_rate = check_number(initial_learning_rate, "initial_learning_rate",
                                                  low=0.0, low_open=True)
        self.decay_steps = check_number(decay_steps, "decay_steps", low=0.0, low_open=True)
        self.alpha = check_number(alpha, "alpha", low=0.0, high=1.0)

    def rate(self, step):
        # half a cosine wave from 1 down to 0 over decay_steps, then flat: the rate ends at
        # alpha * initial_learning_rate and stays there
        cosine = 0.5 * (1.0 + math.cos(math.pi * min(step, self.decay_steps) / self.decay_steps))
        return self.initial_learning_rate * ((1.0 - self.alpha) * cosine + self.alpha)

    def __repr__(self):
        return (f"CosineDecay({self.initial_learning_rate:g}, decay_steps={self.decay_steps:g}, "
                f"alpha={self.alpha:g})")
