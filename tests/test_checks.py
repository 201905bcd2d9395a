"""Tests for backprop.checks: each diagnosis, triggered by a deliberately wrong
learner function; a failure raises CheckFailed with or without nbgrader; solution_or.

(The guards, time limit, forbidden calls, new_model and the read-only module, are
tested in test_guarded.py; hints, solutions and progress in test_coach.py.)"""
import ast
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop.checks import CheckFailed, CheckResult, Wrong, check_function, check_value, solution_or
from check_verdicts import failure, verdict

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = settings(max_examples=30, deadline=None, derandomize=True)
N, D, M = 5, 3, 2


pytestmark = pytest.mark.usefixtures("learner_kernel")


def make_case(seed=0, n=N):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, D)), rng.standard_normal((D, M)), rng.standard_normal(M)


CASES = [make_case(0), make_case(1, n=4)]


def affine(x, W, b):
    """The reference: x (N, D), W (D, M), b (M,) -> (N, M)."""
    return x @ W + b


def affine_backward(dout, x, W):
    """The reference backward pass: dout (N, M) -> dx (N, D), dW (D, M), db (M,)."""
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


def backward_cases():
    x, W, _ = make_case(2)
    dout = np.random.default_rng(3).standard_normal((N, M))
    return [(dout, x, W)]


def run(fn, **kwargs):
    """check_function against affine: the CheckResult, or the CheckFailed it raised."""
    return verdict(check_function, fn, affine, CASES, name="affine", **kwargs)


def fails(fn, **kwargs):
    """The CheckFailed of check_function against affine (the test fails if it passes)."""
    return failure(check_function, fn, affine, CASES, name="affine", **kwargs)


# ---------------------------------------------------------------- correct answers

def test_correct_function_passes_and_says_so(capsys):
    result = run(lambda x, W, b: np.dot(x, W) + b)
    assert isinstance(result, CheckResult)
    assert result and result.passed
    assert result.message == "affine: correct"
    assert capsys.readouterr().out.strip() == "✓ affine: correct"
    assert "passed=True" in repr(result)


def test_a_list_is_as_good_as_an_array():
    assert run(lambda x, W, b: (x @ W + b).tolist())


def test_name_defaults_to_the_functions_name(capsys):
    def my_affine(x, W, b):
        return x @ W + b
    check_function(my_affine, affine, CASES)
    assert "✓ my_affine: correct" in capsys.readouterr().out
    assert failure(check_function, lambda x, W, b: x @ W, affine, CASES).message.startswith("your function:")


def test_a_single_tuple_is_one_case():
    def mine(x, W, b):              # not affine itself: the reference is forbidden (test_guarded.py)
        return x @ W + b
    assert check_function(mine, affine, CASES[0])
    assert check_function(np.tanh, np.tanh, [np.linspace(-2, 2, 5), np.zeros(3)])
    one = failure(check_function, lambda x, W, b: x @ W, affine, CASES[0], name="affine").message
    assert "case 1 of" not in one and "bias" in one


# ---------------------------------------------------------------- diagnoses

@pytest.mark.parametrize("learner, words", [
    (lambda x, W, b: (x @ W + b).T, ["looks transposed", "expected shape (5, 2), got (2, 5)"]),
    (lambda x, W, b: -(x @ W + b), ["sign flipped"]),
    (lambda x, W, b: 2 * (x @ W + b), ["off by a factor of 2"]),
    (lambda x, W, b: (x @ W + b) / 2, ["off by a factor of 0.5"]),
    (lambda x, W, b: x @ W, ["right except for the bias"]),
    (lambda x, W, b: x @ W + 2 * b, ["right except for the bias"]),
    (lambda x, W, b: x, ["wrong shape", "expected shape (5, 2), got (5, 3)"]),
    (lambda x, W, b: np.zeros((len(x), 2)), ["all zeros"]),
    (lambda x, W, b: "x @ W + b", ["wrong type", "str"]),
    (lambda x, W, b: (x @ W + b, x), ["wrong type", "tuple"]),
])
def test_each_mistake_is_named(learner, words, capsys):
    result = run(learner)
    assert isinstance(result, CheckFailed) and isinstance(result, AssertionError)
    assert not result and not result.passed
    for word in words:
        assert word in result.message
    assert str(result) == result.message
    assert result.message.startswith("affine")
    assert capsys.readouterr().out == ""            # a failure raises; it prints nothing itself
    shown = result._render_traceback_()             # what the notebook shows instead of a traceback
    assert shown == ["✗ " + result.message]
    assert "Traceback" not in "\n".join(shown)


def test_nan_is_reported_with_where():
    def learner(x, W, b):
        out = x @ W + b
        out[1, 0] = np.nan
        return out
    result = fails(learner)
    assert "NaN" in result.message and "(1, 0)" in result.message


def test_infinity_is_reported():
    result = failure(check_value, np.array([1.0, np.inf]), np.array([1.0, 2.0]), "p")
    assert "infinity" in result.message


def test_returning_none_asks_about_return():
    def learner(x, W, b):
        x @ W + b
    result = fails(learner)
    assert "returned None" in result.message and "`return`" in result.message


def test_not_implemented_says_what_to_replace():
    def learner(x, W, b):
        raise NotImplementedError()
    result = fails(learner)
    assert result.message == ("affine is not implemented yet: replace `raise NotImplementedError()` "
                              "with your code")


def test_other_exceptions_become_one_line(capsys):
    def learner(x, W, b):
        return x @ W.T + b  # (N, D) @ (M, D): the shapes do not line up
    result = fails(learner)
    assert result.message.startswith("affine raised ValueError: ")
    assert "\n" not in result.message
    assert "x of shape (5, 3)" in result.message  # which call failed
    assert "Traceback" not in capsys.readouterr().out
    assert result._render_traceback_() == ["✗ " + result.message]


def test_wrong_values_give_the_largest_error():
    def learner(x, W, b):
        out = x @ W + b
        out[3, 1] += 0.5
        return out
    result = fails(learner)
    assert "wrong values" in result.message
    assert "index (3, 1)" in result.message and "largest error 0.5" in result.message


def test_a_later_case_is_named():
    def learner(x, W, b):
        return x @ W + b if len(x) == N else x @ W
    result = fails(learner)
    assert "case 2 of 2" in result.message and "bias" in result.message


def test_changing_an_input_in_place_is_reported():
    def learner(x, W, b):
        out = x @ W + b
        x *= 0  # spoils the caller's x
        return out
    result = run(learner)
    assert not result
    assert "changed its input x in place" in result.message


def test_in_place_change_does_not_spoil_later_cases():
    originals = [tuple(a.copy() for a in case) for case in CASES]

    def learner(x, W, b):
        W += 1.0
        return x @ (W - 1.0) + b
    assert "changed its input W in place" in fails(learner).message
    for case, original in zip(CASES, originals):
        assert all(np.array_equal(a, o) for a, o in zip(case, original))


def test_tuple_element_is_named():
    def learner(dout, x, W):
        return dout @ W.T, -(x.T @ dout), dout.sum(axis=0)
    result = failure(check_function, learner, affine_backward, backward_cases(), names=("dx", "dW", "db"))
    assert "element 1 of the returned tuple (dW)" in result.message
    assert "sign flipped" in result.message


def test_batch_size_factor_is_explained():
    def learner(dout, x, W):
        return dout @ W.T, x.T @ dout, dout.mean(axis=0)  # mean where the sum belongs
    result = failure(check_function, learner, affine_backward, backward_cases(), names=("dx", "dW", "db"),
                     samples=True)
    assert "(db)" in result.message
    assert f"factor of {1 / N:g}" in result.message and "1/N" in result.message


def test_a_factor_is_called_n_only_where_the_check_sums_over_samples():
    # dropout with p = 0.75 and no rescaling is off by 1 - p = 1/4, with 4 rows that are not a mean
    def dropout(x):
        return x * 4.0

    def learner(x):
        return x
    x = np.random.default_rng(8).standard_normal((4, 3))
    result = failure(check_function, learner, dropout, [(x,)])
    assert "factor of 0.25" in result.message and "N" not in result.message and "samples" not in result.message


def test_a_factor_of_two_is_not_blamed_on_a_loss():
    result = failure(check_function, lambda x: 2 * x, lambda x: x, [(np.arange(1.0, 4.0),)])
    assert "factor of 2" in result.message and "loss" not in result.message and "squared" not in result.message


def test_summed_loss_is_off_by_n():
    def mse(pred, target):
        return np.mean((pred - target) ** 2)

    def learner(pred, target):
        return np.sum((pred - target) ** 2)
    rng = np.random.default_rng(4)
    result = failure(check_function, learner, mse, [(rng.standard_normal(7), rng.standard_normal(7))], samples=True)
    assert "factor of 7" in result.message and "= N" in result.message


def test_values_equal_to_six_digits_are_shown_with_the_digits_that_differ():
    result = failure(check_function, lambda x: x * (1 + 5e-7), lambda x: x, [(np.array([0.381976]),)], rtol=1e-8)
    assert "got 0.3819762, expected 0.381976" in result.message
    result = failure(check_value, 0.1234567891, 0.1234567, "w", rtol=1e-9)
    assert "got 0.1234568, expected 0.1234567" in result.message


@pytest.mark.parametrize("learner, words", [
    (lambda p: p >= 0.5, "1 of 4 values are wrong, the first at index 1 (got True, expected False)"),
    (lambda p: p <= 0.5, "every value is the opposite"),
    (lambda p: np.zeros(4, dtype=bool), "2 of 4 values are wrong, the first at index 2"),
    (lambda p: np.round(p, 1), "expected True/False values (or 0/1)"),
    (lambda p: "yes", "wrong type: expected True/False values"),
])
def test_true_false_answers_are_counted_not_called_unfinished(learner, words):
    p = np.array([0.1, 0.5, 0.7, 0.9])
    result = failure(check_function, learner, lambda p: p > 0.5, [(p,)])
    assert words in result.message and "nothing" not in result.message


def test_known_mistakes_are_named_in_the_exercises_words():
    def adam_like(g, t):
        return g / (1 - 0.9 ** t)

    mistakes = {"no bias correction": lambda g, t: g,
                "a mistake that gives the right answer says nothing": adam_like,
                "a mistake that raises is skipped": lambda g, t: 1 / 0}
    cases = [(np.array([1.0, -2.0]), 1), (np.array([0.5, 3.0]), 3)]
    result = failure(check_function, lambda g, t: g, adam_like, cases, mistakes=mistakes)
    assert "no bias correction" in result.message and "case 1 of 2" in result.message
    result = failure(check_function, lambda g, t: 3 * g, adam_like, cases, mistakes=mistakes)
    assert "no bias correction" not in result.message and "factor" in result.message
    result = failure(check_value, 3.0, 2.0, "x", mistakes={"added, not multiplied": 3.0})
    assert result.message == "x: added, not multiplied"


def test_mistakes_must_be_sentences_and_functions():
    with pytest.raises(TypeError, match="mistakes"):
        check_function(lambda x: x, lambda x: x, [(1.0,)], mistakes=[lambda x: x])
    with pytest.raises(TypeError, match="mistakes"):
        check_function(lambda x: x, lambda x: x, [(1.0,)], mistakes={"a sentence": 3})


def test_tuple_of_the_wrong_length():
    def learner(dout, x, W):
        return dout @ W.T, x.T @ dout
    result = failure(check_function, learner, affine_backward, backward_cases(), names=("dx", "dW", "db"))
    assert "expected a tuple of 3 values (dx, dW, db)" in result.message


def test_huge_values_are_diagnosed_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")              # any warning would fail the test
        result = run(lambda x, W, b: 1e300 * (x @ W + b) + 1e300)
    assert isinstance(result, CheckFailed)
    assert not result


def test_a_value_that_is_not_a_function():
    result = failure(check_function, 3.0, affine, CASES, name="affine")
    assert "not a function" in result.message


# ---------------------------------------------------------------- properties

@SETTINGS
@given(shape=st.tuples(st.integers(2, 6), st.integers(2, 6)), seed=st.integers(0, 2**32 - 1),
       factor=st.sampled_from([2.0, 0.5, 3.0, -2.5, 0.1]))
def test_any_constant_factor_is_found(shape, seed, factor):
    expected = np.random.default_rng(seed).standard_normal(shape)
    result = failure(check_value, factor * expected, expected, "v")
    assert f"factor of {factor:g}" in result.message


@SETTINGS
@given(shape=st.tuples(st.integers(2, 6), st.integers(1, 6)), seed=st.integers(0, 2**32 - 1))
def test_any_constant_row_offset_is_the_bias(shape, seed):
    rng = np.random.default_rng(seed)
    expected = rng.standard_normal(shape)
    offset = rng.uniform(0.5, 2.0, shape[1]) * rng.choice([-1, 1], shape[1])
    assert "bias" in failure(check_value, expected + offset, expected, "v").message


@SETTINGS
@given(shape=st.tuples(st.integers(1, 5), st.integers(1, 5)), seed=st.integers(0, 2**32 - 1))
def test_right_answers_pass_and_sign_flips_do_not(shape, seed):
    expected = np.random.default_rng(seed).standard_normal(shape)
    assert check_value(expected + 1e-12, expected, "v")
    assert "sign flipped" in failure(check_value, -expected, expected, "v").message


# ---------------------------------------------------------------- check_value

def test_check_value_scalars_and_structures():
    def says(value, expected, name):
        return failure(check_value, value, expected, name).message
    half_squared_error = 0.5 * (4 - 0.64) ** 2
    assert check_value(half_squared_error, 0.5 * 3.36 ** 2, "error")
    assert "factor of 2" in says(2 * half_squared_error, half_squared_error, "error")
    assert "wrong value" in says(6.31, half_squared_error, "error")
    assert "is None" in says(None, 1.0, "error")
    grads = {"W": np.ones(3), "b": 1.0}
    assert check_value({"W": np.ones(3), "b": 1.0}, grads, "grads")
    assert "grads['W']" in says({"W": -np.ones(3), "b": 1.0}, grads, "grads")
    assert "missing" in says({"W": np.ones(3)}, grads, "grads")
    assert "expected 'db2', got 'dW2'" in says("dW2", "db2", "answer")


def test_a_list_of_arrays_must_stay_a_list():
    weights = [np.ones((2, 3)), np.zeros(3)]
    assert check_value([np.ones((2, 3)), np.zeros(3)], weights, "weights")
    assert "expected a list of 2 values" in failure(check_value, np.ones(3), weights, "weights").message
    assert check_value(np.array([1.0, 2.0]), [1, 2], "pair")  # a list of numbers may be an array


def test_a_single_number_is_not_an_array():
    result = failure(check_value, np.array([1.0]), 1.0, "loss")
    assert "expected a single number" in result.message


# ---------------------------------------------------------------- a failure raises, everywhere

TRANSPOSED = ("affine: looks transposed: expected shape (5, 2), got (2, 5), and the transpose has the "
              "right values (case 1 of 2, called with x of shape (5, 3), W of shape (3, 2), b of shape (2,))")


@pytest.mark.parametrize("mode", [None, "", "autograde", "validate"])
def test_a_failure_raises_the_same_message_with_or_without_nbgrader(monkeypatch, capsys, mode):
    """NBGRADER_EXECUTION no longer decides whether a failure counts: unset, empty or set, it raises."""
    if mode is None:
        monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    else:
        monkeypatch.setenv("NBGRADER_EXECUTION", mode)
    with pytest.raises(CheckFailed) as info:
        check_function(lambda x, W, b: (x @ W + b).T, affine, CASES, name="affine")
    assert isinstance(info.value, AssertionError)   # nbgrader takes the cell's points away
    assert info.value.message == str(info.value) == TRANSPOSED
    with pytest.raises(CheckFailed, match="factor of 2"):
        check_value(2.0, 1.0, "x")
    assert capsys.readouterr().out == ""
    assert run(lambda x, W, b: x @ W + b)           # a pass still passes
    assert capsys.readouterr().out.strip() == "✓ affine: correct"


def test_a_failure_shows_one_line_without_frames():
    result = fails(lambda x, W, b: (x @ W + b).T)
    lines = result._render_traceback_()
    assert lines == ["✗ " + TRANSPOSED]
    assert not any('File "' in line for line in lines)
    assert not any("checks.py" in line for line in lines)
    offered = CheckFailed("f: sign flipped", 'Stuck? checks.hint("f") gives a hint.')
    assert offered._render_traceback_() == ["✗ f: sign flipped", 'Stuck? checks.hint("f") gives a hint.']
    assert not offered and offered.passed is False


def test_ipython_shows_the_sentence_instead_of_a_traceback(tmp_path):
    """In a notebook a failed check cell shows the sentence, not frames of checks.py.

    Run in a fresh interpreter: an IPython shell takes over sys.displayhook and friends.
    """
    pytest.importorskip("IPython")
    script = (
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "shell = InteractiveShell.instance()\n"
        "shown = []\n"
        "shell._showtraceback = lambda etype, evalue, stb: shown.append(stb)\n"
        "result = shell.run_cell('import numpy as np\\nfrom backprop import checks\\n'\n"
        "                        'checks.check_value(np.array([2.0, 4.0]), np.array([1.0, 2.0]), \"v\")')\n"
        "assert not result.success\n"
        "print(repr(shown))\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("NBGRADER_EXECUTION", None)
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    shown = ast.literal_eval(done.stdout.strip().splitlines()[-1])
    assert len(shown) == 1
    text = "\n".join(shown[0])
    assert text.startswith("✗ v: off by a factor of 2")
    assert 'File "' not in text and "Traceback" not in text


# ---------------------------------------------------------------- solution_or

def test_solution_or_keeps_a_finished_function(capsys):
    def mine(x, W, b):
        return x @ W + b
    assert solution_or(mine, affine, CASES) is mine
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("graded", [False, True])
def test_solution_or_falls_back_and_never_raises(monkeypatch, capsys, graded):
    if graded:
        monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")

    def unfinished(x, W, b):
        raise NotImplementedError()

    def wrong(x, W, b):
        return x @ W

    def crashing(x, W, b):
        raise RuntimeError("boom")
    for fn in (unfinished, wrong, crashing, None):
        assert solution_or(fn, affine, CASES, name="affine") is affine
    assert solution_or(wrong, affine, "not cases") is affine
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 5
    assert lines[0] == ("Your affine isn't finished yet; the rest of this lesson uses "
                        "the library's version.")


# ---------------------------------------------------------------- the author's mistakes

def test_bad_setup_raises_for_the_lesson_author():
    with pytest.raises(ValueError, match="cases"):
        check_function(affine, affine, [])
    with pytest.raises(TypeError, match="cases"):
        check_function(affine, affine, "x")
    with pytest.raises(TypeError, match="reference"):
        check_function(affine, None, CASES)
    with pytest.raises(ValueError, match="rtol"):
        check_function(affine, affine, CASES, rtol=-1)
    with pytest.raises(TypeError, match="name"):
        check_value(1.0, 1.0, None)
    with pytest.raises(TypeError, match="forbid"):
        check_function(affine, affine, CASES, forbid=np.tanh)
    with pytest.raises(ValueError, match="time_limit"):
        check_function(affine, affine, CASES, time_limit=-1)


def test_solution_or_takes_tolerances_for_estimated_fallbacks():
    estimate = lambda n: 1.0 + 1e-3          # e.g. a fallback measured from samples  # noqa: E731
    exact = lambda n: 1.0                    # noqa: E731
    assert solution_or(exact, estimate, [(1,)], name="f", rtol=1e-2) is exact
    assert solution_or(exact, estimate, [(1,)], name="f") is estimate


def test_a_set_answer_says_how_far_off_without_giving_the_answer_away():
    expected = {"a", "b", "c"}
    result = failure(check_function, lambda: {"a", "x"}, lambda: expected, [()], name="wrong_ones")
    assert not result
    assert "1 item should not be in it" in result.message and "2 items still missing" in result.message
    for item in ("'b'", "'c'", "'x'"):               # neither what is missing nor what is extra
        assert item not in result.message
    assert check_function(lambda: {"c", "b", "a"}, lambda: expected, [()], name="wrong_ones")
    assert "expected a set" in failure(check_function, lambda: "a", lambda: expected, [()], name="w").message


def test_a_forbidden_method_is_named_as_the_method_not_its_class():
    from backprop.optimizers import Adam
    from backprop.scalar import Value
    result = failure(check_function, lambda x: Value(x).tanh().data, lambda x: float(np.tanh(x)), [(0.3,)],
                     name="value_tanh", forbid=[Value.tanh])
    assert result.message.endswith("without calling Value.tanh")
    result = failure(check_function, lambda x: Adam().learning_rate, lambda x: 0.0, [(0.3,)],
                     name="adam_step", forbid=[Adam])
    assert result.message.endswith("without calling Adam")


def test_a_wrapper_says_what_is_wrong_in_its_own_words():
    def wrapper(x):              # as a lesson's setup cell would, around the learner's function
        raise Wrong("must return a new Value, got a float")
    result = failure(check_function, wrapper, lambda x: 1.0, [(0.3,)], name="value_tanh")
    assert result.message == "value_tanh: must return a new Value, got a float (called with x=0.3)"


def test_a_broadcast_error_suggests_keepdims():
    def softmax(z):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    result = failure(check_function, lambda z: np.exp(z) / np.exp(z).sum(axis=1), softmax,
                     [(np.random.default_rng(3).standard_normal((5, 2)),)], name="softmax")
    assert "could not be broadcast" in result.message and result.message.endswith("keepdims=True, or a transposed array?")
