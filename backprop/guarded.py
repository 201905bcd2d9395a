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
    A method inherited from a parent counts only when called on an instance of the
    forbidden class (or of a subclass): forbidding ``Adam`` must not forbid ``SGD``,
    which shares the parent ``Optimizer``. Its name then carries ``classes``, the
    forbidden classes it counts for (see ``_counts``).
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
                        name = f"{target.__name__}.{attr}"
                        if klass is target or isinstance(value, staticmethod):
                            found[fn.__code__] = _named(name, target.__name__)   # every call counts
                        else:
                            found[fn.__code__] = _inherited(found.get(fn.__code__), name, target)
            continue
        for fn in _functions_of(target):
            name = getattr(fn, "__qualname__", getattr(fn, "__name__", "a forbidden function"))
            found[fn.__code__] = _named(name, name)
    return found


class _Name(str):
    """A forbidden code's display name; ``classes``: None if every call counts, else the
    forbidden classes whose instances (or subclasses) the call must be about;
    ``forbidden``: what the lesson forbade (a class's name, or the function's own)."""
    classes = None
    forbidden = None


def _named(name, forbidden):
    entry = _Name(name)
    entry.forbidden = forbidden
    return entry


def _inherited(known, name, target):
    """The entry of a parent's method forbidden through ``target``, merged with ``known``."""
    if known is not None and known.classes is None:
        return known                    # already forbidden outright
    entry = _named(known if known is not None else name,
                   known.forbidden if known is not None else target.__name__)
    entry.classes = (known.classes if known is not None else ()) + (target,)
    return entry


def _counts(frame, entry):
    """Whether a call into forbidden code (its frame just started) is a forbidden call.

    A parent's method counts when its first argument (self, or cls) is, or is a
    subclass of, one of the forbidden classes it was inherited by.
    """
    classes = getattr(entry, "classes", None)
    if classes is None:
        return True
    code = frame.f_code
    if code.co_argcount == 0:
        return True
    receiver = frame.f_locals.get(code.co_varnames[0])
    if isinstance(receiver, type):
        return issubclass(receiver, classes)
    return isinstance(receiver, classes)


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
        with _time_limit(seconds) as limit, warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            if hook is not None:
                sys.setprofile(hook)
            result = limit.run(fn, args)
            sys.setprofile(previous)
    except (TimeUp, ForbiddenCall) as err:
        return None, ForbiddenCall(seen[0]) if seen else err
    except (Exception, SystemExit) as err:  # the learner's bug (or exit()), reported in words by the caller
        return None, ForbiddenCall(seen[0]) if seen else err
    finally:
        sys.setprofile(previous)        # also when the time ran out inside the hook's window
    if seen:
        return None, ForbiddenCall(seen[0])
    return result, None


def _watch(forbidden, seen):
    """A profile hook that notes (and stops at) the first call into forbidden code."""
    def hook(frame, event, arg):
        if event == "call" and frame.f_code in forbidden and not seen \
                and _counts(frame, forbidden[frame.f_code]):
            seen.append(forbidden[frame.f_code])
            sys.setprofile(None)        # one is enough; raise from the caller's side
            raise ForbiddenCall(seen[0])
    return hook


class _time_limit:
    """A context: raise TimeUp in the learner's code (``limit.run(fn, args)``) once ``seconds`` have passed.

    A bare ``except:`` swallows a TimeUp; a repeated alarm is not enough when the loop
    spends nearly all its time inside the ``try`` (``while``: ``try``: ``for``...), since
    every alarm lands there. So when the time is up the learner's code is also traced:
    a line of theirs that runs while handling a TimeUp (the body of the ``except:``
    that caught it) raises TimeUp again, which takes it out of that ``try``. CPython
    drops a trace function that raises; a profile function (never raising) puts it
    back whenever a frame is left or entered, and the alarm, repeating every 50 ms,
    both re-arms the trace and raises anew. The first alarm only arms (a trace set by
    a signal handler that raises would not take effect in the interrupted frame).

    Outside ``run`` the alarm does nothing, so the guard's own cleanup is never
    interrupted. Where there is no SIGALRM (Windows) or off the main thread, there is
    no limit; inside another limit, the outer one applies.
    """

    def __init__(self, seconds):
        self.seconds = seconds
        self.active = (seconds is not None and hasattr(signal, "setitimer")
                       and threading.current_thread() is threading.main_thread())
        self.frame = None               # run()'s frame while the learner's code runs below it
        self.traced = []                # the learner's frames given the trace function
        self.armed = False              # whether the trace and profile functions are set
        self.before = (None, None)      # the trace and profile functions to give back

    def __enter__(self):
        # Inside another limit (a check that calls new_model, say), the outer one stands:
        # setting the alarm again would cancel it.
        self.active = self.active and signal.getitimer(signal.ITIMER_REAL)[0] == 0
        if self.active:
            self.previous = signal.signal(signal.SIGALRM, self._alarm)
            signal.setitimer(signal.ITIMER_REAL, self.seconds, 0.05)
        return self

    def run(self, fn, args):
        """``fn(*args)``: the learner's code, the only place where the time limit strikes."""
        self.frame = sys._getframe()
        try:
            return fn(*args)
        finally:
            self.frame = None

    def _learners(self, frame):
        """The frames from ``frame`` up to (without) run()'s, or [] if frame is not below run()."""
        chain = []
        while frame is not None and frame is not self.frame:
            chain.append(frame)
            frame = frame.f_back
        return chain if frame is not None else []

    def _alarm(self, signum, frame):
        chain = self._learners(frame)
        if not chain:
            return                      # the learner's call is over: nothing to stop
        for f in chain:
            f.f_trace_lines = True
            f.f_trace = self._trace
        self.traced.extend(chain)
        if not self.armed:
            self.before, self.armed = (sys.gettrace(), sys.getprofile()), True
            sys.settrace(self._trace)
            sys.setprofile(self._profile)
            return                      # armed: the next alarm raises
        sys.settrace(self._trace)
        if sys.getprofile() is not self._profile:
            sys.setprofile(self._profile)
        raise TimeUp(self.seconds)

    def _trace(self, frame, event, arg):
        """The learner's lines, once the time is up: raise again inside the ``except`` that caught TimeUp."""
        if event == "call":
            return self._trace if self._learners(frame) else None
        if event == "line" and isinstance(sys.exc_info()[1], TimeUp):
            raise TimeUp(self.seconds)
        return self._trace

    def _profile(self, frame, event, arg):
        """Put the trace back (CPython drops a trace function that raised); pass on to the guard's hook."""
        if self.frame is not None and sys.gettrace() is not self._trace:
            sys.settrace(self._trace)
        hook = self.before[1]
        if hook is not None:
            hook(frame, event, arg)

    def __exit__(self, *exc):
        if self.active:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
            if self.armed:
                sys.settrace(self.before[0])
                sys.setprofile(self.before[1])
                for f in self.traced:
                    f.f_trace = None
                self.traced, self.armed = [], False
        return False
