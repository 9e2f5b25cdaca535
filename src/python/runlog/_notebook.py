"""Logging from a VS Code notebook kernel into the notebook's run, which the editor owns.

The editor records each kernel session of a notebook as one run (cells, heartbeat, end) and announces it in a pointer
file, <store>/notebooks/<first 16 hex of sha256(notebook path)>.json = {"notebook", "runId", "host", "editorPid",
"at"} (docs/store-format.md, "Notebook runs"). The kernel knows its notebook from `__vsc_ipynb_file__`, which VS Code
sets in `__main__`. attach() finds the pointer and returns a Run that adds params, metrics, datasets and artifacts to
that run without touching what the editor owns (name, status, times, heartbeat). Without the editor (no pointer, or
its editor process is gone) it returns None and the client makes a run of its own, as anywhere else.
"""

import hashlib
import os
import platform
import socket
import sys
import threading
import time

from . import _capture, _process, _util
from ._document import RunDocument
from ._flusher import SUMMARY_INTERVAL, Flusher
from ._losses import Losses
from ._points import PointWriter
from ._run import Run
from ._store import nearest_store
from ._values import ended_error

# The editor creates the run when the first cell starts, usually before the cell's code runs; wait that long at most.
RUN_WAIT = 3.0
_POLL = 0.02


def notebook_path():
    """The notebook this kernel runs, as VS Code names it in the kernel's namespace; None elsewhere."""
    path = getattr(sys.modules.get("__main__"), "__vsc_ipynb_file__", None)
    return path if isinstance(path, str) and path else None


def _existing_store(start):
    """RUNLOG_STORE, else the nearest existing .runlog at or above start; None if there is none (never creates)."""
    env = os.environ.get("RUNLOG_STORE")
    if env:
        path = os.path.abspath(os.path.join(start, os.path.expanduser(env)))
        return path if os.path.isdir(path) else None
    return nearest_store(start)


def pointer_file(store, notebook):
    key = hashlib.sha256(notebook.encode("utf-8")).hexdigest()[:16]
    return os.path.join(store, "notebooks", key + ".json")


def _alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except PermissionError:
        return True
    except (OSError, ValueError, OverflowError):
        return False


def read_pointer(store, notebook):
    """The run id the editor announces for this notebook, or None if no live editor on this host tracks it."""
    pointer = _util.read_json(pointer_file(store, notebook))
    if not pointer or pointer.get("notebook") != notebook:
        return None
    run_id, pid = pointer.get("runId"), pointer.get("editorPid")
    if not isinstance(run_id, str) or not run_id or "/" in run_id or "\\" in run_id or run_id in (".", ".."):
        return None
    if pointer.get("host") != socket.gethostname() or not isinstance(pid, int) or not _alive(pid):
        return None  # the editor that wrote it is gone: its runs are crashed, not ours to write
    return run_id


def _usable(store, run_id):
    """The run is the notebook's current session: running, and not claimed by another (earlier) kernel process."""
    doc = _util.read_json(os.path.join(store, "runs", run_id, "run.json"))
    if not doc or doc.get("status") not in ("running", "crashed"):
        return False
    kernel = (doc.get("capture") or {}).get("kernel") or {}
    pid = kernel.get("pid")
    return pid is None or (pid == os.getpid() and kernel.get("host") == socket.gethostname())


def find_run(notebook, wait=RUN_WAIT):
    """(store, run id) of the notebook's current run, waiting up to `wait` s for the editor to create it."""
    store = _existing_store(os.path.dirname(notebook) or os.getcwd())
    if store is None:
        return None
    deadline = time.monotonic() + wait
    while True:
        run_id = read_pointer(store, notebook)
        if run_id is None:
            return None
        if _usable(store, run_id):
            return store, run_id
        if time.monotonic() >= deadline:
            return None
        time.sleep(_POLL)


def attach(name=None, experiment=None, params=None, tags=None):
    """The notebook's run as this process's active run, or None when this is not a tracked notebook's kernel."""
    notebook = notebook_path()
    if notebook is None:
        return None
    try:
        found = find_run(notebook)
    except OSError:
        found = None
    if found is None:
        return None
    run = AttachedRun(found[0], found[1])
    if name:
        run.set_name(name)
    if experiment:
        run.set_experiment(experiment)
    if params:
        run.log_params(params)
    if tags:
        run.set_tags(tags)
    os.environ["RUNLOG_PARENT_RUN"] = run.id  # runs of the kernel's child processes link to the notebook's run
    _process.set_active(run)
    _process.install_hooks()
    return run


class _AttachedFlusher(Flusher):
    """Writes points and the client's own edits; no heartbeat of its own (the editor keeps the run's), and no
    `crashed` -> `running` repair (only the run's owner knows it is alive). Notices when the editor ended the run."""

    def __init__(self, run):
        super().__init__(run.id, run._points, run._document, lambda: True)
        self._run = run

    def halt(self):
        self._stop.set()  # from any thread, the flusher's own included (stop() would join it)

    def flush(self, final=False):
        points = self.points
        document = self.document
        with self._lock:
            points.drain()
            if points.has_changes and (final or time.monotonic() - document.last_write >= SUMMARY_INTERVAL):
                for key, summary in points.take_summaries().items():
                    document.set(("metrics", key), summary)
            if document.pending:
                document.write(ended=True)
                doc = _util.read_json(document.path) or {}
                if doc.get("status") not in ("running", "crashed"):
                    self._run._detach()


class AttachedRun(Run):
    """A Run that adds to a notebook run owned by the editor. Ending it only detaches: the editor ends the run."""

    def __init__(self, store, run_id):
        # Run.__init__ writes a new run's header; this one adds to an existing run, so it sets up the parts only.
        self._init_identity(store, run_id, pinned=False, name_explicit=False, experiment_explicit=False)
        self._document = RunDocument(self.dir)
        self._document.doc = _util.read_json(self._document.path) or {}
        self._document.set(("capture", "kernel", "pid"), os.getpid())
        self._document.set(("capture", "kernel", "host"), socket.gethostname())
        self._document.set(("capture", "kernel", "python"), {
            "executable": sys.executable,
            "version": platform.python_version(),
            "implementation": platform.python_implementation(),
        })
        self._document.write(ended=True)
        self._losses = Losses(self.id)
        self._points = PointWriter(os.path.join(self.dir, "metrics.jsonl"), self._losses)
        self._buf = self._points.buf
        self._append = self._buf.append
        self._flusher = _AttachedFlusher(self)
        self._flusher.start()
        self._capture_thread = threading.Thread(target=self._capture_packages, name="runlog-capture", daemon=True)
        self._capture_thread.start()

    def _capture_packages(self):
        try:
            _capture.prepare()
            self._set(("capture", "packages"), _capture.packages())
        except Exception:
            pass

    def _detach(self):
        """Stops logging into this run (it ended); the next runlog call attaches to the notebook's next run."""
        with self._end_lock:
            if self._ended:
                return
            self._ended = True
        self._append = ended_error
        _process.clear_active(self)
        self._flusher.halt()

    def _finish(self, status, error=None, exit_code=None, duration=None):
        # end_run(), a with-block or the kernel's exit: write what is buffered and detach; the run stays the editor's.
        self._detach()
        self._flusher.stop(5.0)
        try:
            self._flusher.flush(final=True)
        finally:
            self._points.close()

