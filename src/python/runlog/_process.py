"""Process-wide state of the client: the active run of this process, and the hooks that end it (SIGTERM handler,
atexit, fork)."""

import atexit
import os
import signal
import sys
import threading

from . import _values

# The run of this process, if any (module-level functions log to it). Guarded by state_lock.
_active = None
state_lock = threading.RLock()
_terminated = False  # set by our SIGTERM handler
_sigterm_installed = False
_atexit_registered = False
_last_value_at_import = getattr(sys, "last_value", None)


class Terminated(SystemExit):
    """Raised in the main thread by Runlog's SIGTERM handler: unwinds like sys.exit(143)."""

    def __init__(self):
        super().__init__(143)


def active():
    run = _active
    if run is not None and (run._ended or run._pid != os.getpid()):
        return None
    return run


def set_active(run):
    global _active
    with state_lock:
        _active = run


def clear_active(run):
    global _active
    with state_lock:
        if _active is run:
            _active = None


def _on_sigterm(signum, frame):
    global _terminated
    _terminated = True
    raise Terminated()


def install_hooks():
    global _atexit_registered, _sigterm_installed
    if not _atexit_registered:
        _atexit_registered = True
        atexit.register(_at_exit)
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=_after_fork_child)
    if threading.current_thread() is threading.main_thread() and not _sigterm_installed:
        try:
            if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
                signal.signal(signal.SIGTERM, _on_sigterm)
                _sigterm_installed = True
        except (ValueError, OSError, AttributeError):
            pass


def restore_sigterm():
    global _sigterm_installed
    if _sigterm_installed and threading.current_thread() is threading.main_thread():
        try:
            if signal.getsignal(signal.SIGTERM) is _on_sigterm:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
        except (ValueError, OSError):
            pass
        _sigterm_installed = False


def _after_fork_child():
    # A forked child must not write its parent's run; its own runlog calls create a run linked to the parent.
    global _active
    _active = None


def _at_exit():
    run = active()
    if run is None:
        return
    status, error, code = "finished", None, None
    if _terminated:
        status, code = "interrupted", 143
    elif not hasattr(sys, "ps1"):  # not interactive: sys.last_value is the exception that ended the program
        value = getattr(sys, "last_value", None)
        if value is not None and value is not _last_value_at_import:
            if isinstance(value, KeyboardInterrupt):
                status, code = "interrupted", 130
            elif not isinstance(value, SystemExit):
                status, code = "failed", 1
                error = _values.error_info(type(value), value, getattr(sys, "last_traceback", None))
    with state_lock:
        run._pinned = False
        run._depth = 0
    try:
        run._finish(status, error=error, exit_code=code)
    except Exception as e:
        try:
            sys.__stderr__.write("runlog: could not finish run %s: %s\n" % (run.id, e))
        except Exception:
            pass
