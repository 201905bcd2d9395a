"""Tests for backprop.checks: each diagnosis, triggered by a deliberately wrong
learner function; nbgrader mode; solution_or."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop.checks import CheckResult, check_function, check_value, solution_or

SETTINGS = settings(max_examples=30, deadline=None, derandomize=True)
N, D, M = 5, 3, 2


@pytest.fixture(autouse=True)
def learner_mode(monkeypatch):
    """Run as a learner would, whatever the environment of the test run."""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)


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
    return check_function(fn, affine, CASES, name="affine", **kwargs)


# ---------------------------------------------------------------- correct answers

def test_correct_function_passes_and_says_so(capsys):
    result = run(lambda x, W, b: np.dot(x, W) + b)
    assert result and result.passed
    assert isinstance(result, CheckResult)
    assert capsys.readouterr().out.strip() == "✓ affine: correct"
    assert "passed=True" in repr(result)


def test_a_list_is_as_good_as_an_array():
    assert run(lambda x, W, b: (x @ W + b).tolist())


def test_name_defaults_to_the_functions_name(capsys):
    def my_affine(x, W, b):
        return x @ W + b
    check_function(my_affine, affine, CASES)
    assert "✓ my_affine: correct" in capsys.readouterr().out


def test_a_single_tuple_is_one_case():
    assert check_function(affine, affine, CASES[0])
    assert check_function(np.tanh, np.tanh, [np.linspace(-2, 2, 5), np.zeros(3)])


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
    assert not result and not result.passed
    for word in words:
        assert word in result.message
    printed = capsys.readouterr().out
    assert printed.startswith("✗ affine")
    assert printed.strip() == "✗ " + result.message
    assert "Traceback" not in printed


def test_nan_is_reported_with_where():
    def learner(x, W, b):
        out = x @ W + b
        out[1, 0] = np.nan
        return out
    result = run(learner)
    assert "NaN" in result.message and "(1, 0)" in result.message


def test_infinity_is_reported():
    result = check_value(np.array([1.0, np.inf]), np.array([1.0, 2.0]), "p")
    assert "infinity" in result.message


def test_returning_none_asks_about_return():
    def learner(x, W, b):
        x @ W + b
    result = run(learner)
    assert "returned None" in result.message and "`return`" in result.message


def test_not_implemented_says_what_to_replace():
    def learner(x, W, b):
        raise NotImplementedError()
    result = run(learner)
    assert result.message == ("affine is not implemented yet: replace `raise NotImplementedError()` "
                              "with your code")


def test_other_exceptions_become_one_line(capsys):
    def learner(x, W, b):
        return x @ W.T + b  # (N, D) @ (M, D): the shapes do not line up
    result = run(learner)
    assert result.message.startswith("affine raised ValueError: ")
    assert "\n" not in result.message
    assert "x of shape (5, 3)" in result.message  # which call failed
    assert "Traceback" not in capsys.readouterr().out


def test_wrong_values_give_the_largest_error():
    def learner(x, W, b):
        out = x @ W + b
        out[3, 1] += 0.5
        return out
    result = run(learner)
    assert "wrong values" in result.message
    assert "index (3, 1)" in result.message and "largest error 0.5" in result.message


def test_a_later_case_is_named():
    def learner(x, W, b):
        return x @ W + b if len(x) == N else x @ W
    result = run(learner)
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
    run(learner)
    for case, original in zip(CASES, originals):
        assert all(np.array_equal(a, o) for a, o in zip(case, original))


def test_tuple_element_is_named():
    def learner(dout, x, W):
        return dout @ W.T, -(x.T @ dout), dout.sum(axis=0)
    result = check_function(learner, affine_backward, backward_cases(), names=("dx", "dW", "db"))
    assert "element 1 of the returned tuple (dW)" in result.message
    assert "sign flipped" in result.message


def test_batch_size_factor_is_explained():
    def learner(dout, x, W):
        return dout @ W.T, x.T @ dout, dout.mean(axis=0)  # mean where the sum belongs
    result = check_function(learner, affine_backward, backward_cases(), names=("dx", "dW", "db"))
    assert "(db)" in result.message
    assert f"factor of {1 / N:g}" in result.message and "1/N" in result.message


def test_summed_loss_is_off_by_n():
    def mse(pred, target):
        return np.mean((pred - target) ** 2)

    def learner(pred, target):
        return np.sum((pred - target) ** 2)
    rng = np.random.default_rng(4)
    result = check_function(learner, mse, [(rng.standard_normal(7), rng.standard_normal(7))])
    assert "factor of 7" in result.message and "= N" in result.message


def test_tuple_of_the_wrong_length():
    def learner(dout, x, W):
        return dout @ W.T, x.T @ dout
    result = check_function(learner, affine_backward, backward_cases(), names=("dx", "dW", "db"))
    assert "expected a tuple of 3 values (dx, dW, db)" in result.message


def test_huge_values_are_diagnosed_without_warnings():
    result = run(lambda x, W, b: 1e300 * (x @ W + b) + 1e300)
    assert not result


def test_a_value_that_is_not_a_function():
    result = check_function(3.0, affine, CASES, name="affine")
    assert "not a function" in result.message


# ---------------------------------------------------------------- properties

@SETTINGS
@given(shape=st.tuples(st.integers(2, 6), st.integers(2, 6)), seed=st.integers(0, 2**32 - 1),
       factor=st.sampled_from([2.0, 0.5, 3.0, -2.5, 0.1]))
def test_any_constant_factor_is_found(shape, seed, factor):
    expected = np.random.default_rng(seed).standard_normal(shape)
    result = check_value(factor * expected, expected, "v")
    assert f"factor of {factor:g}" in result.message


@SETTINGS
@given(shape=st.tuples(st.integers(2, 6), st.integers(1, 6)), seed=st.integers(0, 2**32 - 1))
def test_any_constant_row_offset_is_the_bias(shape, seed):
    rng = np.random.default_rng(seed)
    expected = rng.standard_normal(shape)
    offset = rng.uniform(0.5, 2.0, shape[1]) * rng.choice([-1, 1], shape[1])
    assert "bias" in check_value(expected + offset, expected, "v").message


@SETTINGS
@given(shape=st.tuples(st.integers(1, 5), st.integers(1, 5)), seed=st.integers(0, 2**32 - 1))
def test_right_answers_pass_and_sign_flips_do_not(shape, seed):
    expected = np.random.default_rng(seed).standard_normal(shape)
    assert check_value(expected + 1e-12, expected, "v")
    assert "sign flipped" in check_value(-expected, expected, "v").message


# ---------------------------------------------------------------- check_value

def test_check_value_scalars_and_structures():
    half_squared_error = 0.5 * (4 - 0.64) ** 2
    assert check_value(half_squared_error, 0.5 * 3.36 ** 2, "error")
    assert "factor of 2" in check_value(2 * half_squared_error, half_squared_error, "error").message
    assert "wrong value" in check_value(6.31, half_squared_error, "error").message
    assert "is None" in check_value(None, 1.0, "error").message
    grads = {"W": np.ones(3), "b": 1.0}
    assert check_value({"W": np.ones(3), "b": 1.0}, grads, "grads")
    assert "grads['W']" in check_value({"W": -np.ones(3), "b": 1.0}, grads, "grads").message
    assert "missing" in check_value({"W": np.ones(3)}, grads, "grads").message
    assert "expected 'db2', got 'dW2'" in check_value("dW2", "db2", "answer").message


def test_a_list_of_arrays_must_stay_a_list():
    weights = [np.ones((2, 3)), np.zeros(3)]
    assert check_value([np.ones((2, 3)), np.zeros(3)], weights, "weights")
    assert "expected a list of 2 values" in check_value(np.ones(3), weights, "weights").message
    assert check_value(np.array([1.0, 2.0]), [1, 2], "pair")  # a list of numbers may be an array


def test_a_single_number_is_not_an_array():
    result = check_value(np.array([1.0]), 1.0, "loss")
    assert "expected a single number" in result.message


# ---------------------------------------------------------------- nbgrader

@pytest.mark.parametrize("mode", ["autograde", "validate"])
def test_under_nbgrader_a_failure_raises_the_same_message(monkeypatch, mode):
    learner = lambda x, W, b: (x @ W + b).T  # noqa: E731
    message = run(learner).message
    monkeypatch.setenv("NBGRADER_EXECUTION", mode)
    with pytest.raises(AssertionError) as info:
        run(learner)
    assert str(info.value) == message
    with pytest.raises(AssertionError, match="factor of 2"):
        check_value(2.0, 1.0, "x")
    assert run(affine)  # a pass still passes


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


def test_solution_or_takes_tolerances_for_estimated_fallbacks():
    estimate = lambda n: 1.0 + 1e-3          # e.g. a fallback measured from samples  # noqa: E731
    exact = lambda n: 1.0                    # noqa: E731
    assert solution_or(exact, estimate, [(1,)], name="f", rtol=1e-2) is exact
    assert solution_or(exact, estimate, [(1,)], name="f") is estimate


def test_a_set_answer_says_how_far_off_without_giving_the_answer_away():
    expected = {"a", "b", "c"}
    result = check_function(lambda: {"a", "x"}, lambda: expected, [()], name="wrong_ones")
    assert not result
    assert "x should not be in it" in result.message and "2 items still missing" in result.message
    assert "'b'" not in result.message and "'c'" not in result.message
    assert check_function(lambda: {"c", "b", "a"}, lambda: expected, [()], name="wrong_ones")
    assert "expected a set" in check_function(lambda: "a", lambda: expected, [()], name="w").message
