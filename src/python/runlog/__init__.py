"""Runlog: a local, file-based experiment tracker. Stdlib only.

    import runlog

    with runlog.start_run(params={"lr": 0.1}) as run:
        for epoch in range(10):
            runlog.log_metric("loss", loss, step=epoch)

Runs are written to the store folder (RUNLOG_STORE, else the nearest .runlog folder above the working folder,
else ./.runlog) as described in docs/store-format.md. `python -m runlog run script.py args...` records a script
without any code change.

Module-level log_* functions start a run when none is active (it ends when the program exits). start_run() while a
run is active in this process returns that run (so code run by `python -m runlog run` logs into the launched run).
Metric values must be real numbers: int, float, bool (logged as 0/1) or numpy/torch scalars; NaN and +-inf are kept.
"""

from . import _models, _process, _start
from ._run import Run
from ._store import find_store

__version__ = "0.1.0"

__all__ = [
    "Run",
    "start_run",
    "end_run",
    "active_run",
    "log_param",
    "log_params",
    "log_metric",
    "log_metrics",
    "set_tag",
    "set_tags",
    "log_artifact",
    "log_dataset",
    "log_model",
    "flush",
    "find_store",
]


def start_run(name=None, experiment=None, params=None, tags=None):
    """Starts a run and returns it; usable as a context manager (exception -> failed, Ctrl-C -> interrupted).

    If a run is already active in this process, returns that run instead, applying the params and tags given (and
    the name/experiment, unless they were set explicitly when it started).
    """
    with _process.state_lock:
        run = _process.active()
        if run is not None:
            run._attach(name, experiment, params, tags)
            return run
        return _start.create_run(name=name, experiment=experiment, params=params, tags=tags, source="client")


def end_run(status="finished"):
    """Ends the active run with status finished, failed or interrupted (no-op without an active run)."""
    run = _process.active()
    if run is not None:
        run.end(status)


def active_run():
    """The active run of this process, or None."""
    return _process.active()


def _auto():
    with _process.state_lock:
        run = _process.active()
        if run is None:
            run = _start.create_run(source="client")
        return run


def log_metric(key, value, step=None):
    """Logs a metric point. step=None: per key, one more than the previous step (from 0)."""
    run = _process._active
    if run is None or run._ended:
        run = _auto()
    run.log_metric(key, value, step)


def log_metrics(metrics, step=None):
    """Logs several metrics (dict name -> value) at the same step."""
    run = _process._active
    if run is None or run._ended:
        run = _auto()
    run.log_metrics(metrics, step)


def log_param(key, value):
    (_process.active() or _auto()).log_param(key, value)


def log_params(params):
    (_process.active() or _auto()).log_params(params)


def set_tag(key, value):
    (_process.active() or _auto()).set_tag(key, value)


def set_tags(tags):
    (_process.active() or _auto()).set_tags(tags)


def log_artifact(path, name=None):
    """Copies a file or folder into the run's artifacts/ folder, recording its sha256 and size."""
    return (_process.active() or _auto()).log_artifact(path, name)


def log_model(path, name=None, flavor=None):
    """Logs a model file or folder as an artifact marked as a model (name, flavor), for promotion to a registry."""
    return _models.log_model(_process.active() or _auto(), path, name, flavor)


def log_dataset(path, name=None, role="input", profile="auto"):
    """Records the version of a dataset (file or folder) the run used; role: train, eval, test, input or output.
    profile: "auto" (CSV/TSV files over 256 MB: exact row count, statistics of a sample), "full" or "sample"."""
    return (_process.active() or _auto()).log_dataset(path, name, role, profile)


def flush():
    """Writes everything buffered for the active run now (it is otherwise written at least every 0.25 s)."""
    run = _process.active()
    if run is not None:
        run.flush()
