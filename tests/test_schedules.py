"""Learning-rate schedules (backprop.schedules) and optimizers that follow one.

Expected rates are worked out by hand from Keras's documented rules (the arithmetic is in
the comments), not from the module under test.
"""
import math

import numpy as np
import pytest

from backprop.optimizers import SGD, Adam
from backprop.schedules import CosineDecay, ExponentialDecay, PiecewiseConstantDecay


@pytest.mark.parametrize("step, rate", [(0, 0.1), (50, 0.1 * (0.5 * 0.8 + 0.2)), (100, 0.02), (250, 0.02)])
def test_cosine_decay_falls_from_the_initial_rate_to_its_floor_and_stays(step, rate):
    # half way: cos(pi/2) = 0, so the cosine part is 1/2; the floor is alpha * 0.1 = 0.02
    assert CosineDecay(0.1, decay_steps=100, alpha=0.2)(step) == pytest.approx(rate)


def test_cosine_decay_is_symmetric_about_its_middle():
    s = CosineDecay(1.0, decay_steps=10)
    assert s(3) + s(7) == pytest.approx(1.0)           # (1 + cos a)/2 + (1 + cos(pi - a))/2 = 1


@pytest.mark.parametrize("staircase, step, rate", [(False, 0, 0.4), (False, 10, 0.2), (False, 15, 0.4 * 0.5 ** 1.5),
                                                  (True, 15, 0.2), (True, 19, 0.2), (True, 20, 0.1)])
def test_exponential_decay(staircase, step, rate):
    assert ExponentialDecay(0.4, decay_steps=10, decay_rate=0.5, staircase=staircase)(step) == pytest.approx(rate)


@pytest.mark.parametrize("step, rate", [(0, 1.0), (10, 1.0), (11, 0.5), (20, 0.5), (21, 0.1), (1000, 0.1)])
def test_piecewise_constant_keeps_each_value_up_to_and_including_its_boundary(step, rate):
    assert PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])(step) == rate


def test_an_optimizer_asks_its_schedule_before_each_step_counting_from_zero():
    opt = SGD(learning_rate=PiecewiseConstantDecay([1], [1.0, 0.1]))
    w = np.zeros(1)
    steps = []
    for _ in range(4):
        before = w.copy()
        opt.apply({"w": w}, {"w": np.array([1.0])})
        steps.append(float(before[0] - w[0]))
    # steps 0 and 1 (<= boundary 1) use 1.0, steps 2 and 3 use 0.1
    np.testing.assert_allclose(steps, [1.0, 1.0, 0.1, 0.1])
    assert opt.learning_rate == 0.1


def test_adam_with_a_schedule_equals_adam_with_the_rate_set_by_hand():
    g = np.random.default_rng(0).standard_normal((6, 3))
    schedule = CosineDecay(0.05, decay_steps=4)
    scheduled, by_hand = Adam(learning_rate=schedule), Adam(learning_rate=0.05)
    w1, w2 = np.ones(3), np.ones(3)
    for t, gt in enumerate(g):
        scheduled.apply({"w": w1}, {"w": gt})
        by_hand.learning_rate = 0.05 * 0.5 * (1 + math.cos(math.pi * min(t, 4) / 4))
        by_hand.apply({"w": w2}, {"w": gt})
    np.testing.assert_allclose(w1, w2, rtol=1e-12)


@pytest.mark.parametrize("make, message", [
    (lambda: CosineDecay(0.1, decay_steps=0), "decay_steps must be > 0.0, got 0.0"),
    (lambda: CosineDecay(0.1, decay_steps=10, alpha=1.5), "alpha must be <= 1.0, got 1.5"),
    (lambda: CosineDecay("0.1", decay_steps=10), "initial_learning_rate must be a number, got str '0.1'"),
    (lambda: ExponentialDecay(0.1, 10, decay_rate=0.9, staircase="yes"), "staircase must be True or False"),
    (lambda: PiecewiseConstantDecay([10, 20], [1.0, 0.5]), "got 2 boundaries and 2 values"),
    (lambda: PiecewiseConstantDecay([20, 10], [1.0, 0.5, 0.1]), "boundaries must increase"),
    (lambda: CosineDecay(0.1, decay_steps=10)(-1), "step must be >= 0, got -1.0"),
])
def test_bad_arguments_are_named(make, message):
    with pytest.raises((TypeError, ValueError), match=message.replace("(", r"\(").replace(")", r"\)")):
        make()
