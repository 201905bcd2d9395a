"""Calling a learner's function under guard, for the checks of the exercises.

Two guards, both needed because a check runs code it has never seen:

- a time limit: an endless loop (even one that catches KeyboardInterrupt with a
  bare ``except:``) is stopped after a few seconds, so one exercise cannot hang a
  lesson or the autograder;
- forbidden calls: an exercise that asks for Adam's update written by hand must
  not be answered by calling the engine's ``Adam`` (or the exercise's reference).
  A profile hook watches every call the learner's function makes, however it
  reaches the forbidden code (an alias, ``getattr``, a helper in another cell).

``guarded_call(fn, args, seconds, forbidden)`` returns ``(result, error)``; what
went wrong is in ``error`` (a ``TimeUp``, a ``ForbiddenCall`` or the learner's
own exception), never raised.
"""
import signal
import sys
import threading
import types
import warnings

import numpy as np


class TimeUp(BaseException):
    """The learner's call ran past its time limit (a BaseException, as KeyboardInterrupt)."""


class ForbiddenCall(Exception):
    """The learner's function called what the exercise asks them to write themselves."""

    def __init__(self, name):
        super().__init__(name)
        self.name = name


def code_objects(targets):
    """{code object: display name} of the functions, methods and classes in ``targets``.

    A class stands for every method defined in its own body and its parents'
    bodies inside the same package (not ``object``'s); a bound method for its function.
    """
    found = {}
    for target in targets:
        if isinstance(target, type):
            package = target.__module__.split(".")[0]
            for klass in target.__mro__:
                if klass.__module__.split(".")[0] != package:
                    continue
                for attr, value in vars(klass).items():
                    for fn in _functions_of(value):
                        found[fn.__code__] = f"{target.__name__}.{attr}"
            continue
        for fn in _functions_of(target):
            found[fn.__code__] = getattr(fn, "__qualname__", getattr(fn, "__name__", "a forbidden function"))
    return found


def _functions_of(value):
    """The plain Python functions behind a function, method, static/class method or property."""
    if isinstance(value, (staticmethod, classmethod)):
        value = value.__func__
    if isinstance(value, property):
        return [f for f in (value.fget, value.fset) if isinstance(f, types.FunctionType)]
    if isinstance(value, types.MethodType):
        value = value.__func__
    return [value] if isinstance(value, types.FunctionType) else []


def guarded_call(fn, args, seconds=None, forbidden=None):
    """Call ``fn(*args)`` under a time limit and a watch for forbidden code.

    seconds: the limit (None: none); forbidden: {code object: name} from code_objects.
    Returns (result, None) or (None, error). Warnings the learner's code raises are
    silenced: a harmless overflow warning must not cost a graded cell its points.
    """
    seen = []
    hook = _watch(forbidden, seen) if forbidden else None
    previous = sys.getprofile()
    try:
        with _time_limit(seconds), warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            if hook is not None:
                sys.setprofile(hook)
            result = fn(*args)
            sys.setprofile(previous)
    except (TimeUp, ForbiddenCall) as err:
        return None, ForbiddenCall(seen[0]) if seen else err
    except Exception as err:  # the learner's bug, reported in words by the caller
        return None, ForbiddenCall(seen[0]) if seen else err
    finally:
        sys.setprofile(previous)        # also when the time ran out inside the hook's window
    if seen:
        return None, ForbiddenCall(seen[0])
    return result, None


def _watch(forbidden, seen):
    """A profile hook that notes (and stops at) the first call into forbidden code."""
    def hook(frame, event, arg):
        if event == "call" and frame.f_code in forbidden and not seen:
            seen.append(forbidden[frame.f_code])
            sys.setprofile(None)        # one is enough; raise from the caller's side
            raise ForbiddenCall(seen[0])
    return hook


class _time_limit:
    """A context: raise TimeUp in the main thread once ``seconds`` have passed.

    The alarm repeats every 50 ms until the call returns, so a loop whose bare
    ``except:`` swallows one TimeUp meets the next one outside its ``try``. Where
    there is no SIGALRM (Windows) or off the main thread, there is no limit; inside
    another limit, the outer one applies.
    """

    def __init__(self, seconds):
        self.seconds = seconds
        self.active = (seconds is not None and hasattr(signal, "setitimer")
                       and threading.current_thread() is threading.main_thread())

    def __enter__(self):
        # Inside another limit (a check that calls new_model, say), the outer one stands:
        # setting the alarm again would cancel it.
        self.active = self.active and signal.getitimer(signal.ITIMER_REAL)[0] == 0
        if self.active:
            self.previous = signal.signal(signal.SIGALRM, self._raise)
            signal.setitimer(signal.ITIMER_REAL, self.seconds, 0.05)
        return self

    def _raise(self, signum, frame):
        raise TimeUp(self.seconds)

    def __exit__(self, *exc):
        if self.active:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
        return False
