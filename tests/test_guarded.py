"""Tests for the guards around a learner's function (backprop.guarded, through backprop.checks):
the time limit, forbidden calls, checks.new_model, the read-only checks module and package,
comparisons that a patched numpy cannot fool, solution_or's fallbacks, silenced warnings."""
import os
import signal
import subprocess
import sys
import time
import types
import warnings
from pathlib import Path

import numpy as np
import pytest

import backprop
from backprop import Dense, Sequential, checks, losses, optimizers
from backprop.activations import ReLU, Softmax
from backprop.checks import check_function, check_value, new_model, solution_or
from backprop.optimizers import SGD, Adam
from check_verdicts import failure

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 0.3                     # seconds: short, so that the endless loops below end quickly
SLACK = 1.5                     # seconds a stopped loop may take past LIMIT on a busy machine
WRITE_IT_YOURSELF = "asks you to write it yourself"


pytestmark = pytest.mark.usefixtures("learner_kernel")


def guard_state():
    """What a guarded call must leave as it found it."""
    return (sys.gettrace(), sys.getprofile(), signal.getsignal(signal.SIGALRM),
            signal.getitimer(signal.ITIMER_REAL), list(warnings.filters), np.geterr())


# ---------------------------------------------------------------- the time limit

def identity(x):
    return x


def spin(x):
    while True:
        pass


def spin_swallowing(x):
    while True:
        try:
            pass
        except:                 # noqa: E722 -- a bare except swallows the interrupt
            pass


def spin_inside_try(x):
    """Nearly all the time inside the try: every alarm lands where the bare except catches it."""
    while True:
        try:
            for _ in range(10 ** 12):
                pass
        except:                 # noqa: E722
            pass


def _helper_that_swallows():
    try:
        for _ in range(10 ** 12):
            pass
    except:                     # noqa: E722
        return 0


def spin_in_two_frames(x):
    """A bare except in the helper and another in the caller."""
    while True:
        try:
            _helper_that_swallows()
        except:                 # noqa: E722
            pass


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no SIGALRM: no time limit on this platform")
@pytest.mark.parametrize("learner", [spin, spin_swallowing, spin_inside_try, spin_in_two_frames])
def test_an_endless_loop_is_stopped_within_the_limit(learner):
    before = guard_state()
    start = time.perf_counter()
    result = failure(check_function, learner, identity, [(1.0,)], name="f", time_limit=LIMIT)
    took = time.perf_counter() - start
    assert LIMIT * 0.9 <= took < LIMIT + SLACK
    assert result.message == ("f did not return within 0.3 s (called with x=1.0): "
                              "look for a loop that never ends")
    assert guard_state() == before                  # no alarm, trace or filter left behind
    assert check_function(lambda x: x, identity, [(2.0,)], name="f", time_limit=LIMIT)


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no SIGALRM: no time limit on this platform")
def test_a_slow_but_finite_function_within_the_limit_passes():
    def slowish(x):
        time.sleep(0.05)
        return x
    before = guard_state()
    assert check_function(slowish, identity, [(1.0,), (2.0,)], name="f", time_limit=LIMIT)
    assert guard_state() == before


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no SIGALRM: no time limit on this platform")
def test_the_limit_is_per_call_and_names_the_case():
    calls = []

    def sometimes_endless(x):
        calls.append(x)
        while x > 1:
            pass
        return x
    result = failure(check_function, sometimes_endless, identity, [(1.0,), (2.0,)], name="f",
                     time_limit=LIMIT)
    assert calls == [1.0, 2.0]
    assert "did not return within 0.3 s (case 2 of 2, called with x=2.0)" in result.message


# ---------------------------------------------------------------- forbidden calls

LR = 0.1


def adam_step(w, g):
    """The reference: one step of Adam (learning rate 0.1, Keras's defaults otherwise), by hand."""
    m = (1 - 0.9) * g
    v = (1 - 0.999) * g * g
    alpha = LR * np.sqrt(1 - 0.999) / (1 - 0.9)
    return w - alpha * m / (np.sqrt(v) + 1e-7)


ADAM_CASES = [(np.array([1.0, -2.0, 0.5]), np.array([0.3, -0.1, 2.0])),
              (np.random.default_rng(5).standard_normal((2, 3)), np.random.default_rng(6).standard_normal((2, 3)))]


def with_engine(optimizer_class):
    """A learner's step that hands the work to the engine's optimizer."""
    def step(w, g):
        params = {"w": w.copy()}
        optimizer_class(learning_rate=LR).apply(params, {"w": g})
        return params["w"]
    return step


A = Adam                        # an alias made in another cell


class MyAdam(Adam):
    """A learner's own subclass of the forbidden class."""


def _helper_step(w, g):
    return with_engine(Adam)(w, g)


def direct(w, g):
    return with_engine(Adam)(w, g)


def alias(w, g):
    return with_engine(A)(w, g)


def through_getattr(w, g):
    return with_engine(getattr(optimizers, "Ad" + "am"))(w, g)


def through_a_helper(w, g):
    return _helper_step(w, g)


def subclass_instance(w, g):
    return with_engine(MyAdam)(w, g)


def _adam_by_hand(w, g):
    m = (1 - 0.9) * g
    v = (1 - 0.999) * g * g
    return w - LR * np.sqrt(1 - 0.999) / (1 - 0.9) * m / (np.sqrt(v) + 1e-7)


def caught_and_hidden(w, g):
    """Calls Adam, catches whatever happens and answers with the right values anyway."""
    try:
        Adam(learning_rate=LR)
    except Exception:
        pass
    return _adam_by_hand(w, g)


CHEATS = [direct, alias, through_getattr, through_a_helper, subclass_instance, caught_and_hidden]


@pytest.mark.parametrize("learner", CHEATS)
def test_without_forbid_each_cheat_gives_the_right_answer(learner):
    """So the cheats below fail for calling Adam only, not for a wrong value."""
    assert check_function(learner, adam_step, ADAM_CASES, name="adam_step")


@pytest.mark.parametrize("learner", CHEATS[:-1])
def test_calling_the_forbidden_class_is_reported_however_reached(learner):
    result = failure(check_function, learner, adam_step, ADAM_CASES, name="adam_step", forbid=[Adam])
    assert WRITE_IT_YOURSELF in result.message
    assert result.message.startswith("adam_step calls Adam.")
    assert result.message.endswith("without calling Adam")


def test_a_forbidden_call_caught_by_the_learner_is_still_reported():
    result = failure(check_function, caught_and_hidden, adam_step, ADAM_CASES, name="adam_step",
                     forbid=[Adam])
    assert result.message == ("adam_step calls Adam.__init__: this exercise asks you to write it "
                              "yourself, without calling Adam")


def test_the_reference_itself_under_another_name_is_refused():
    mine = adam_step            # "my" function is the reference
    result = failure(check_function, mine, adam_step, ADAM_CASES, name="adam_step")
    assert WRITE_IT_YOURSELF in result.message and "adam_step" in result.message

    def wrapped(w, g):          # or calls it
        return mine(w, g)
    result = failure(check_function, wrapped, adam_step, ADAM_CASES, name="adam_step")
    assert WRITE_IT_YOURSELF in result.message


def test_a_forbidden_function_or_method():
    def mse_reference(y, p):
        return np.mean((y - p) ** 2)

    def cheat(y, p):
        return losses.MeanSquaredError().forward(y, p)
    cases = [(np.array([1.0, 2.0, 3.0]), np.array([1.5, 2.0, 2.0]))]
    assert check_function(cheat, mse_reference, cases, name="mse")              # right values
    result = failure(check_function, cheat, mse_reference, cases, name="mse",
                     forbid=[losses.MeanSquaredError.forward])
    assert WRITE_IT_YOURSELF in result.message and "MeanSquaredError.forward" in result.message


def test_a_correct_function_that_calls_unrelated_engine_code_passes(capsys):
    def mine(w, g):
        ReLU()(np.abs(g))           # an Activation like the forbidden Softmax, but not Softmax
        losses.MeanSquaredError()(np.zeros(3), np.ones(3))
        Dense(2, input_shape=(3,))
        return _adam_by_hand(w, g)
    assert check_function(mine, adam_step, ADAM_CASES, name="adam_step", forbid=[Adam, Softmax])
    assert "✓ adam_step: correct" in capsys.readouterr().out


def test_a_sibling_of_the_forbidden_class_is_not_forbidden():
    """Adam and SGD share the parent Optimizer: forbidding Adam must not forbid SGD."""
    def mine(w, g):
        SGD(learning_rate=LR).apply({"w": w.copy()}, {"w": g})    # Optimizer.__init__, .apply on an SGD
        return _adam_by_hand(w, g)
    assert check_function(mine, adam_step, ADAM_CASES, name="adam_step", forbid=[Adam])
    result = failure(check_function, with_engine(SGD), adam_step, ADAM_CASES, name="adam_step",
                     forbid=[SGD])
    assert "calls SGD." in result.message and WRITE_IT_YOURSELF in result.message


# ---------------------------------------------------------------- new_model

def good_builder(seed=0):
    model = Sequential([Dense(4, activation="relu", input_shape=(2,)), Dense(1)], seed=seed)
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_new_model_accepts_a_builder_of_new_untrained_models(capsys):
    model = new_model(good_builder, 3, name="build")
    assert isinstance(model, Sequential)
    assert model.optimizer.iterations == 0
    assert model.seed == 3
    assert new_model(good_builder) is not new_model(good_builder)


def test_new_model_refuses_the_same_model_twice():
    once = good_builder()
    result = failure(new_model, lambda: once, name="build")
    assert result.message == "build returned the same model object twice: build a new model on every call"


def test_new_model_refuses_a_model_already_trained():
    def trained_builder():
        model = good_builder()
        rng = np.random.default_rng(0)
        model.fit(rng.standard_normal((8, 2)), rng.standard_normal((8, 1)), epochs=1, batch_size=4,
                  verbose=0)
        return model
    result = failure(new_model, trained_builder, name="build")
    assert "already been trained (2 optimizer steps)" in result.message
    assert "return a new, untrained model" in result.message


@pytest.mark.parametrize("returned, words", [(None, "got None"), ({"model": 1}, "dict"),
                                             (Dense(2, input_shape=(2,)), "Dense")])
def test_new_model_refuses_what_is_not_a_sequential(returned, words):
    result = failure(new_model, lambda: returned, name="build")
    assert result.message.startswith("build should return a Sequential model, got ")
    assert words in result.message


def test_new_model_reports_an_unfinished_or_crashing_builder():
    def stub():
        raise NotImplementedError()

    def crashing():
        return Sequential([Dense(-1)])
    assert "build is not implemented yet" in failure(new_model, stub, name="build").message
    assert failure(new_model, crashing, name="build").message.startswith("build raised ValueError: ")


# ---------------------------------------------------------------- read-only

def test_the_checks_module_cannot_be_changed():
    with pytest.raises(AttributeError, match="cannot be changed"):
        checks.check_function = lambda *a, **k: True
    with pytest.raises(AttributeError, match="cannot be changed"):
        del checks.check_value
    with pytest.raises(AttributeError):
        setattr(checks, "TIME_LIMIT", 1e9)
    with pytest.raises(AttributeError):
        checks.brand_new_name = 1
    assert checks.check_function is check_function and checks.check_value is check_value
    assert checks.TIME_LIMIT == 5.0
    assert not hasattr(checks, "brand_new_name")
    assert "factor of 2" in failure(checks.check_value, 2.0, 1.0, "x").message


def test_the_package_cannot_be_changed():
    fake = types.ModuleType("backprop.checks")      # even a look-alike named like the real one
    fake.check_function = lambda *a, **k: True
    for value in (fake, types.ModuleType("x"), "checks"):
        with pytest.raises(AttributeError):
            backprop.checks = value
    with pytest.raises(AttributeError):
        del backprop.checks
    with pytest.raises(AttributeError):
        backprop.Sequential = object
    assert backprop.checks is checks and backprop.Sequential is Sequential
    import backprop.checks as again                 # importing still works
    assert again is checks
    from backprop import checks as once_more
    assert once_more is checks


def test_importing_submodules_still_sets_them_on_the_sealed_package(tmp_path):
    script = ("import backprop, sys\n"
              "assert 'backprop.surfaces' not in sys.modules\n"
              "import backprop.surfaces, backprop.checks\n"
              "from backprop import datasets\n"
              "print(backprop.surfaces.__name__, backprop.checks.__name__, datasets.__name__)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["backprop.surfaces", "backprop.checks", "backprop.datasets"]


def test_a_patched_numpy_does_not_make_a_wrong_answer_pass(monkeypatch):
    expected = np.array([[1.0, 2.0], [3.0, 4.0]])
    honest = failure(check_value, expected + [[0.0, 0.0], [0.0, 0.5]], expected, "v").message
    monkeypatch.setattr(np, "allclose", lambda *a, **k: True)       # restored after the test
    monkeypatch.setattr(np, "isclose", lambda a, b, *x, **k: np.ones(np.shape(a), dtype=bool))
    monkeypatch.setattr(np, "array_equal", lambda *a, **k: True)
    assert np.allclose(1.0, 2.0)                                    # the patch is in place
    assert failure(check_value, expected + [[0.0, 0.0], [0.0, 0.5]], expected, "v").message == honest
    assert "sign flipped" in failure(check_function, lambda x: -x, lambda x: x + 0.0, [(expected,)],
                                     name="f").message
    assert check_value(expected.copy(), expected, "v")              # a right answer still passes


# ---------------------------------------------------------------- solution_or

def affine(x, W, b):
    return x @ W + b


AFFINE_CASES = [tuple(np.random.default_rng(7).standard_normal(shape) for shape in ((4, 3), (3, 2), (2,)))]
FALLBACK_LINE = "Your affine isn't finished yet; the rest of this lesson uses the library's version."


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no SIGALRM: no time limit on this platform")
@pytest.mark.parametrize("graded", [False, True])
def test_solution_or_falls_back_on_an_endless_loop(monkeypatch, capsys, graded):
    if graded:
        monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")

    def endless(x, W, b):
        while True:
            try:
                pass
            except:             # noqa: E722
                pass
    start = time.perf_counter()
    assert solution_or(endless, affine, AFFINE_CASES, name="affine", time_limit=LIMIT) is affine
    assert time.perf_counter() - start < LIMIT + SLACK
    assert capsys.readouterr().out.strip() == FALLBACK_LINE


@pytest.mark.parametrize("graded", [False, True])
def test_solution_or_falls_back_on_an_interrupt_or_a_forbidden_call(monkeypatch, capsys, graded):
    if graded:
        monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")

    def interrupted(x, W, b):
        raise KeyboardInterrupt

    def calls_the_reference(x, W, b):
        return affine(x, W, b)

    def uses_dense(x, W, b):
        Dense(2, input_shape=(3,))
        return x @ W + b
    assert solution_or(interrupted, affine, AFFINE_CASES, name="affine") is affine
    assert solution_or(calls_the_reference, affine, AFFINE_CASES, name="affine") is affine
    assert solution_or(uses_dense, affine, AFFINE_CASES, name="affine", forbid=[Dense]) is affine
    assert solution_or(uses_dense, affine, AFFINE_CASES, name="affine") is uses_dense   # not forbidden
    assert capsys.readouterr().out.strip().splitlines() == [FALLBACK_LINE] * 3


# ---------------------------------------------------------------- warnings

def noisy(x):
    warnings.warn("a warning from the learner's code")
    np.log(np.zeros(1))                             # numpy: divide by zero in log
    np.exp(np.array([1000.0]))                      # numpy: overflow in exp
    return x


def test_warnings_raised_in_the_learners_function_are_silenced(capsys):
    before = (list(warnings.filters), np.geterr())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert check_function(noisy, identity, [(1.0,)], name="f")
        assert solution_or(noisy, identity, [(1.0,)], name="f") is noisy
    assert caught == []
    assert capsys.readouterr().err == ""
    assert (list(warnings.filters), np.geterr()) == before
    with warnings.catch_warnings(record=True) as caught:        # outside a check they still warn
        warnings.simplefilter("always")
        noisy(1.0)
    assert len(caught) >= 2


def test_warnings_in_the_learners_function_do_not_reach_stderr(tmp_path):
    """In a fresh interpreter, where warnings go to stderr as in a notebook."""
    script = ("import warnings, numpy as np\n"
              "from backprop import checks\n"
              "def noisy(x):\n"
              "    warnings.warn('learner warning')\n"
              "    np.log(np.zeros(1))\n"
              "    return x\n"
              "def reference(x):\n"
              "    return x\n"
              "checks.check_function(noisy, reference, [(1.0,)], name='f')\n"
              "noisy(1.0)\n")                       # the same call outside the check does warn
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "always"}
    env.pop("NBGRADER_EXECUTION", None)
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "✓ f: correct"
    assert done.stderr.count("learner warning") == 1            # the call outside the check only
    assert done.stderr.count("divide by zero") == 1
