"""Checks and conversions of what user code passes to the client: metric values, names, steps, exceptions."""

import operator
import traceback


def _bad_value(key, value):
    kind = type(value).__name__
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return "runlog: metric %r must be a real number (int, float or bool), got %s %s" % (key, kind, text)


def number(key, value):
    """Slow path of the value check: bools -> 0/1, number subclasses and numpy/torch scalars -> int/float."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if value is None or isinstance(value, (str, bytes, bytearray, complex)):
        raise TypeError(_bad_value(key, value))
    if hasattr(value, "__index__"):
        try:
            return operator.index(value)
        except Exception:
            pass
    if hasattr(value, "__float__"):
        try:
            return float(value)
        except Exception as e:  # e.g. a tensor with more than one element
            raise ValueError("%s (%s)" % (_bad_value(key, value), e)) from None
    raise TypeError(_bad_value(key, value))


def key(key):
    if isinstance(key, str):
        return str(key)
    raise TypeError("runlog: metric names must be strings, got %s %r" % (type(key).__name__, key))


def step(step):
    if isinstance(step, bool) or not hasattr(step, "__index__"):
        if isinstance(step, float) and step.is_integer():
            return int(step)
        raise TypeError("runlog: step must be an integer or None, got %s %r" % (type(step).__name__, step))
    return operator.index(step)


def _exc_type_name(etype):
    mod = getattr(etype, "__module__", "builtins")
    name = getattr(etype, "__qualname__", etype.__name__)
    return name if mod in ("builtins", "__main__") else "%s.%s" % (mod, name)


def error_info(etype, value, tb):
    return {
        "type": _exc_type_name(etype),
        "message": str(value),
        "traceback": "".join(traceback.format_exception(etype, value, tb)),
    }


def ended_error(*_args, **_kwargs):
    raise RuntimeError("runlog: this run has ended; start a new one with runlog.start_run()")
