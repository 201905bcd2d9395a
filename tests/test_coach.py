"""Tests for backprop_lab.coach, the learner's help desk behind checks.hint, checks.solution and
checks.progress: outcomes recorded in a workspace, hints after a failed attempt, a model solution
only after a real one (never under nbgrader or where switched off), and the progress table.

A fake course of three exercises stands in for the lessons, and each test has its own workspace."""
import datetime
import json

import numpy as np
import pytest

from backprop import checks
from backprop.checks import CheckFailed
from backprop_lab import coach, exercises
from backprop_lab.exercises import Exercise

DOUBLE_SOLUTION = "def double(x):\n    return 2 * x"
FAKE = {
    "double": Exercise("double", "01_fake", "1. A fake lesson", 2.0,
                       ("Multiply x by a number.", "Return 2 * x."), DOUBLE_SOLUTION),
    "square": Exercise("square", "01_fake", "1. A fake lesson", 1.0,
                       ("Multiply x by itself.",), "def square(x):\n    return x * x"),
    "negate": Exercise("negate", "02_other", "2. Another fake lesson", 3.0, (),
                       "def negate(x):\n    return -x"),
}
CASES = [(np.array([1.0, -2.0, 3.5]),)]
MANIFEST = {"version": 1, "solutions": True, "lessons": {}}


def twice(x):
    """The reference of "double"."""
    return 2 * x


def stub(x):
    raise NotImplementedError()


def wrong(x):
    return 3 * x


def right(x):
    return x + x


@pytest.fixture(autouse=True)
def fake_course(monkeypatch):
    """The fake exercises, a fresh kernel session, a learner's environment."""
    monkeypatch.setattr(exercises, "index", lambda: FAKE)
    monkeypatch.setattr(coach, "_session", {})
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv("BACKPROP_LAB_SOLUTIONS", raising=False)


def make_workspace(folder, **manifest):
    state = folder / ".backprop-lab"
    state.mkdir(parents=True)
    (state / "workspace.json").write_text(json.dumps({**MANIFEST, **manifest}), encoding="utf-8")
    return folder


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    """A workspace, with the kernel working in a folder inside it (found from the cwd upwards)."""
    root = make_workspace(tmp_path / "course")
    inside = root / "notebooks"
    inside.mkdir()
    monkeypatch.chdir(inside)
    return root


def progress_lines(root):
    path = root / ".backprop-lab" / "progress.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def check(fn, name="double"):
    """Run the exercise's check; the CheckResult of a pass or the CheckFailed of a failure."""
    try:
        return checks.check_function(fn, twice, CASES, name=name)
    except CheckFailed as failure:
        return failure


def printed(capsys, call, *args):
    """What ``call(*args)`` prints (and only that: earlier output is set aside first)."""
    capsys.readouterr()
    call(*args)
    return capsys.readouterr().out


# ---------------------------------------------------------------- hints

def test_a_hint_comes_only_after_an_attempt_that_failed(workspace, capsys):
    said = printed(capsys, checks.hint, "double")
    assert said.startswith("Try double first")
    assert "Multiply x by a number" not in said
    check(right)                                   # a pass is not a failed attempt
    capsys.readouterr()
    assert printed(capsys, checks.hint, "double").startswith("Try double first")
    check(wrong)
    capsys.readouterr()
    assert printed(capsys, checks.hint, "double").startswith("Hint 1 of 2 for double: Multiply x by a number.")


def test_a_failed_check_offers_a_hint_in_its_help_line(workspace):
    failure = check(wrong)
    assert isinstance(failure, CheckFailed)
    assert failure.offer == 'Stuck? checks.hint("double") gives a hint.'
    assert failure._render_traceback_() == ["✗ " + failure.message, failure.offer]
    assert failure.message.startswith("double: off by a factor of 1.5")


def test_hints_come_one_after_the_other_then_the_solution_is_offered(workspace, capsys):
    check(wrong)
    capsys.readouterr()
    assert printed(capsys, checks.hint, "double").strip() == "Hint 1 of 2 for double: Multiply x by a number."
    second = printed(capsys, checks.hint, "double")
    assert second.startswith("Hint 2 of 2 for double: Return 2 * x.")
    assert 'checks.solution("double")' in second       # the last hint, after a real attempt
    assert printed(capsys, checks.hint, "double").startswith("Hint 2 of 2")   # no hint 3
    assert check(wrong).offer == 'Still stuck? checks.solution("double") shows a model solution.'


def test_a_check_named_after_the_exercise_counts_for_it(workspace, capsys):
    check(wrong, name="double (gradient check)")
    assert [r["exercise"] for r in progress_lines(workspace)] == ["double"]
    assert printed(capsys, checks.hint, "double (gradient check)").startswith("Hint 1 of 2 for double")


def test_an_exercise_without_hints_says_so(workspace, capsys):
    check(wrong, name="negate")
    said = printed(capsys, checks.hint, "negate")
    assert said.startswith("negate has no hint")


def test_an_unknown_exercise_is_named_with_the_closest_ones(workspace):
    with pytest.raises(ValueError, match="no exercise is called 'doubel'.*'double'"):
        checks.hint("doubel")
    with pytest.raises(ValueError, match="no exercise is called"):
        checks.solution("no_such_thing")


# ---------------------------------------------------------------- solutions

def test_the_solution_is_refused_before_a_real_attempt(workspace, capsys):
    said = printed(capsys, checks.solution, "double")
    assert said.startswith("Write your own double first")
    check(stub)                                    # only the stub tried: not a real attempt
    capsys.readouterr()
    said = printed(capsys, checks.solution, "double")
    assert said.startswith("Write your own double first")
    assert DOUBLE_SOLUTION not in said
    check(wrong)
    capsys.readouterr()
    said = printed(capsys, checks.solution, "double")
    assert said.startswith("A model solution for double (1. A fake lesson)")
    assert DOUBLE_SOLUTION in said


def test_a_stub_attempt_is_recorded_as_not_attempted(workspace):
    failure = check(stub)
    assert "is not implemented yet" in failure.message
    assert [(r["passed"], r["attempted"]) for r in progress_lines(workspace)] == [(False, False)]


@pytest.mark.parametrize("switch", ["env_nbgrader", "env_off", "env_no", "env_false_upper", "manifest"])
def test_the_solution_is_refused_where_switched_off(tmp_path, monkeypatch, capsys, switch):
    root = make_workspace(tmp_path / "course", solutions=(switch != "manifest"))
    monkeypatch.chdir(root)
    check(wrong)                                   # a real attempt, recorded
    assert progress_lines(root) and progress_lines(root)[0]["attempted"] is True
    env = {"env_nbgrader": ("NBGRADER_EXECUTION", "autograde"), "env_off": ("BACKPROP_LAB_SOLUTIONS", "off"),
           "env_no": ("BACKPROP_LAB_SOLUTIONS", "no"), "env_false_upper": ("BACKPROP_LAB_SOLUTIONS", " FALSE ")}
    if switch in env:
        monkeypatch.setenv(*env[switch])
    said = printed(capsys, checks.solution, "double")
    assert DOUBLE_SOLUTION not in said
    expected = {"env_nbgrader": "not shown while nbgrader grades", "manifest": "switched off in this workspace"}
    assert expected.get(switch, "switched off for this course (BACKPROP_LAB_SOLUTIONS=off)") in said


def test_solutions_on_means_shown(tmp_path, monkeypatch, capsys):
    """The contrast to the refusals above: the same attempt, solutions on, the solution shown."""
    root = make_workspace(tmp_path / "course")
    monkeypatch.chdir(root)
    monkeypatch.setenv("BACKPROP_LAB_SOLUTIONS", "on")
    check(wrong)
    assert DOUBLE_SOLUTION in printed(capsys, checks.solution, "double")


def test_with_solutions_off_the_last_hint_offers_no_solution(tmp_path, monkeypatch, capsys):
    root = make_workspace(tmp_path / "course", solutions=False)
    monkeypatch.chdir(root)
    check(wrong)
    checks.hint("double")
    assert "checks.solution" not in printed(capsys, checks.hint, "double")
    assert check(wrong).offer == ""


# ---------------------------------------------------------------- records

def test_outcomes_land_in_the_workspace_with_the_time(workspace):
    before = datetime.datetime.now().astimezone().replace(microsecond=0)
    check(stub)
    check(wrong)
    check(right)
    check(wrong, name="square")
    after = datetime.datetime.now().astimezone()
    records = progress_lines(workspace)
    assert [(r["exercise"], r["passed"], r["attempted"]) for r in records] == [
        ("double", False, False), ("double", False, True), ("double", True, True), ("square", False, True)]
    for record in records:
        assert set(record) == {"exercise", "passed", "attempted", "time"}
        when = datetime.datetime.fromisoformat(record["time"])
        assert when.tzinfo is not None
        assert before <= when <= after
    assert not (workspace / "notebooks" / ".backprop-lab").exists()   # the workspace's, not the cwd's


def test_a_new_session_remembers_a_real_attempt_from_the_file(workspace, monkeypatch, capsys):
    check(wrong)
    monkeypatch.setattr(coach, "_session", {})      # a kernel restart
    said = printed(capsys, checks.solution, "double")
    assert DOUBLE_SOLUTION in said
    assert printed(capsys, checks.hint, "double").startswith("Hint 1 of 2")


def test_a_new_session_remembers_that_only_the_stub_was_tried(workspace, monkeypatch, capsys):
    check(stub)
    monkeypatch.setattr(coach, "_session", {})
    assert printed(capsys, checks.solution, "double").startswith("Write your own double first")


def test_nothing_is_recorded_while_nbgrader_grades(workspace, monkeypatch, capsys):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    failure = check(wrong)
    assert isinstance(failure, CheckFailed)
    assert failure.offer == "" and failure._render_traceback_() == ["✗ " + failure.message]
    assert check(right)
    assert not (workspace / ".backprop-lab" / "progress.jsonl").exists()
    assert coach._session == {}
    monkeypatch.delenv("NBGRADER_EXECUTION")
    check(wrong)                                   # the contrast: the learner's own run is recorded
    assert len(progress_lines(workspace)) == 1


def test_a_name_that_is_no_exercise_is_not_recorded(workspace):
    assert coach.record("not_an_exercise", False, True) == ""
    failure = check(wrong, name="helper")
    assert failure.offer == ""
    assert progress_lines(workspace) == [] and coach._session == {}


def test_outside_a_workspace_nothing_is_written(tmp_path, monkeypatch, capsys):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert check(wrong).offer == 'Stuck? checks.hint("double") gives a hint.'
    assert check(right)
    assert list(tmp_path.rglob("*")) == [elsewhere]
    assert coach._session["double"]["passed"] is True   # this kernel still knows
    assert printed(capsys, checks.hint, "double").startswith("Hint 1 of 2")
    said = printed(capsys, checks.progress)
    assert "not in a workspace: nothing is saved" in said
    assert "1 of 3 exercises pass" in said
    assert list(tmp_path.rglob("*")) == [elsewhere]


def test_a_line_cut_short_is_skipped(workspace):
    check(wrong)
    with open(workspace / ".backprop-lab" / "progress.jsonl", "a", encoding="utf-8") as out:
        out.write('{"exercise": "double", "pass')        # a crash mid-write
    assert len(coach.read_records(workspace)) == 1
    check(right)
    assert [r["passed"] for r in coach.read_records(workspace)] == [False, True]
    assert coach.latest_outcomes(coach.read_records(workspace)) == {"double": True}


# ---------------------------------------------------------------- progress

def test_the_report_shows_marks_and_points_per_lesson():
    text = coach.report({"double": True, "square": False}, "in test")
    lines = text.splitlines()
    assert lines[0] == "Progress in test: 1 of 3 exercises pass, 2 of 6 points"
    first = next(line for line in lines if line.startswith("1. A fake lesson"))
    other = next(line for line in lines if line.startswith("2. Another fake lesson"))
    assert "2/3" in first and "✓ double (2)" in first and "✗ square (1)" in first
    assert "0/3" in other and "· negate (3)" in other
    assert lines[-1] == "✓ passes   ✗ tried, not passing yet   · not tried"
    assert "3 of 3 exercises pass, 6 of 6 points" in coach.report(dict.fromkeys(FAKE, True), "x")


def test_progress_in_a_workspace_shows_the_latest_outcome_of_each(workspace, capsys):
    check(right)
    check(wrong)                                    # the latest outcome of double: failing
    checks.check_function(lambda x: -x, np.negative, CASES, name="negate")
    said = printed(capsys, checks.progress)
    assert said.startswith(f"Progress in {workspace}: 1 of 3 exercises pass, 3 of 6 points")
    assert "✗ double (2)" in said and "· square (1)" in said and "✓ negate (3)" in said
