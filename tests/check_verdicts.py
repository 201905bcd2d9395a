"""Helpers for the tests of backprop.checks and backprop.guarded: what a check says."""
import pytest

from backprop.checks import CheckFailed


def verdict(call, *args, **kwargs):
    """What a check says: the CheckResult of a pass, or the CheckFailed a failure raises."""
    try:
        return call(*args, **kwargs)
    except CheckFailed as failure:
        return failure


def failure(call, *args, **kwargs):
    """The CheckFailed a check raises; the test fails if the check passes."""
    with pytest.raises(CheckFailed) as info:
        call(*args, **kwargs)
    return info.value
