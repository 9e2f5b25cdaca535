"""The Run: the object user code logs to, and how a run ends.

Hot path (log_metric / log_metrics): validate cheaply, append one tuple to the point buffer. Formatting, summaries
and file writes happen in the flusher thread (_flusher.py) through the point writer (_points.py) and the run
document (_document.py).
"""

import os
import shutil
import threading
import time

from . import _capture, _datasets, _process, _util
from ._document import RunDocument
from ._flusher import Flusher
from ._losses import Losses
from ._points import MAX_BACKLOG, PointWriter
from ._values import ended_error, error_info, key as _key, number as _number, step as _step

CAPTURE_WAIT = 10.0  # at the end, how long to wait for the background capture (git, packages)

_time = time.time


class Run:
    """A run being written by this process. Create with runlog.start_run()."""

    def _init_identity(self, store, run_id, pinned, name_explicit, experiment_explicit):
        """What every run object holds, whether it writes a new run or adds to one the editor owns."""
        self.store = store
        self.id = run_id
        self.dir = os.path.join(store, "runs", run_id)
        self._pid = os.getpid()
        self._pinned = pinned
        self._depth = 0
        self._name_explicit = name_explicit
        self._experiment_explicit = experiment_explicit
        self._ended = False
        self._end_lock = threading.Lock()
        self._start = _time()
        self._start_mono = time.monotonic()

    def __init__(self, store, run_id, name, experiment, capture, parent=None, pinned=False,
                 name_explicit=True, experiment_explicit=True, git_folder=None):
        self._init_identity(store, run_id, pinned, name_explicit, experiment_explicit)

        self._document = RunDocument(self.dir)
        now = _util.iso_utc(self._start)
        for k, v in (
            ("schema", 1), ("id", run_id), ("name", name), ("experiment", experiment), ("status", "running"),
            ("startTime", now), ("endTime", None), ("heartbeatAt", now), ("capture", capture), ("error", None),
        ):
            self._set((k,), v)
        # containers: keep what a placeholder written by the editor (RUNLOG_RUN_ID) may already hold
        for k, v in (("params", {}), ("tags", {}), ("metrics", {}), ("datasets", []), ("artifacts", [])):
            self._document.default((k,), v)
        if parent:
            self._set(("tags", "runlog.parent"), parent)
        self._document.write(first=True)

        # metrics: the hot path appends (key, value, step|None, time) to the point buffer; the flusher drains it
        self._losses = Losses(run_id)
        self._points = PointWriter(os.path.join(self.dir, "metrics.jsonl"), self._losses)
        self._tee = None  # output recording owned by this run (client-only runs; the wrapper owns its own)
        self._buf = self._points.buf
        self._append = self._buf.append
        self._flusher = Flusher(run_id, self._points, self._document, lambda: self._ended)
        self._flusher.start()
        self._capture_thread = threading.Thread(
            target=self._capture_more, args=(git_folder,), name="runlog-capture", daemon=True
        )
        self._capture_thread.start()

    # ---------------------------------------------------------------- properties

    @property
    def name(self):
        return self._document.get("name")

    @property
    def experiment(self):
        return self._document.get("experiment")

    @property
    def status(self):
        return self._document.get("status")

    @property
    def params(self):
        return dict(self._document.get("params") or {})

    @property
    def tags(self):
        return dict(self._document.get("tags") or {})

    def __repr__(self):
        return "<runlog.Run %s %r %s>" % (self.id, self.name, self.status)

    # ---------------------------------------------------------------- metrics (hot path)

    def log_metric(self, key, value, step=None):
        """Logs one point. value: int/float/bool (bool -> 0/1; NaN and +-inf kept). step: int, or None to count."""
        if value.__class__ is not float and value.__class__ is not int:
            value = _number(key, value)
        if key.__class__ is not str:
            key = _key(key)
        if step is not None and step.__class__ is not int:
            step = _step(step)
        self._append((key, value, step, _time()))
        if len(self._buf) >= MAX_BACKLOG:  # logging faster than the flusher writes: write in this thread
            self._points.relieve()

    def log_metrics(self, metrics, step=None):
        """Logs several points with the same step and time. Nothing is logged if one value is invalid."""
        t = _time()
        if step is not None and step.__class__ is not int:
            step = _step(step)
        points = []
        add = points.append
        for key, value in metrics.items():
            if value.__class__ is not float and value.__class__ is not int:
                value = _number(key, value)
            if key.__class__ is not str:
                key = _key(key)
            add((key, value, step, t))
        if self._ended:
            ended_error()
        self._buf.extend(points)
        if len(self._buf) >= MAX_BACKLOG:
            self._points.relieve()

    def _log_scanned(self, key, value, step):
        """A point read from an output line; dropped later if the code logs the same key itself."""
        if not self._ended:
            scan_buf = self._points.scan_buf
            scan_buf.append((key, value, step, _time()))
            if len(scan_buf) >= MAX_BACKLOG:
                self._points.relieve()

    # ---------------------------------------------------------------- params, tags, name

    def log_param(self, key, value):
        self._check_open()
        self._set(("params", str(key)), _util.param_value(value))

    def log_params(self, params):
        self._check_open()
        for k, v in dict(params).items():
            self._set(("params", str(k)), _util.param_value(v))

    def set_tag(self, key, value):
        self._check_open()
        self._set(("tags", str(key)), str(value))

    def set_tags(self, tags):
        self._check_open()
        for k, v in dict(tags).items():
            self._set(("tags", str(k)), str(v))

    def set_name(self, name):
        self._check_open()
        self._name_explicit = True
        self._set(("name",), str(name))

    def set_experiment(self, experiment):
        self._check_open()
        self._experiment_explicit = True
        self._set(("experiment",), str(experiment))

    # ---------------------------------------------------------------- files

    def log_artifact(self, path, name=None):
        """Copies a file or folder into <run>/artifacts/ (as `name`, default: its base name); records sha256 and size.

        Logging the same name again replaces the copy and its record. Returns the record.
        """
        self._check_open()
        src = os.path.abspath(os.fspath(path))
        if not os.path.exists(src):
            raise FileNotFoundError("runlog.log_artifact: no such file or folder: %s" % src)
        rel = (name or os.path.basename(src.rstrip("/\\"))).replace("\\", "/").strip("/")
        parts = rel.split("/")
        if any(part in ("", ".", "..") for part in parts):
            raise ValueError("runlog.log_artifact: not a usable artifact name: %r" % (name or path,))
        rel = "artifacts/" + _util.clean_text(rel)  # the copy's name is valid UTF-8, as run.json records it
        dst = os.path.join(self.dir, *rel.split("/"))
        if os.path.isdir(dst):
            shutil.rmtree(dst)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if os.path.isdir(src):
            os.makedirs(dst, exist_ok=True)
        digest, size, files = _util.digest_path(src, copy_to=dst)
        entry = _util.put_text({"path": rel}, "source", src)
        entry.update({"size": size, "sha256": digest, "loggedAt": _util.iso_utc()})
        if os.path.isdir(src):
            entry["files"] = files
        self._document.upsert("artifacts", ("path",), entry)
        return entry

    def log_dataset(self, path, name=None, role="input", profile="auto"):
        """Records which version of a dataset file or folder the run used (role: train, eval, test, input, output).

        The version (digest, manifest, tabular profiles) is saved in the store: see _datasets.py, docs/datasets.md.
        profile: "auto" (large CSV/TSV files are profiled from a sample), "full" or "sample".
        """
        self._check_open()
        entry = _datasets.entry_for_run(path, name, role, self.store, profile)
        self._document.upsert("datasets", ("path", "role"), entry)
        return entry

    # ---------------------------------------------------------------- ending

    def end(self, status="finished"):
        """Ends the run (unless it is shared: attached by a nested start_run, or owned by `python -m runlog run`)."""
        if status not in ("finished", "failed", "interrupted"):
            raise ValueError("runlog: status must be 'finished', 'failed' or 'interrupted', got %r" % (status,))
        with _process.state_lock:
            if self._depth > 0:
                self._depth -= 1
                return
            if self._pinned:
                return
        self._finish(status)

    def __enter__(self):
        return self

    def __exit__(self, etype, value, tb):
        with _process.state_lock:
            if self._depth > 0:
                self._depth -= 1
                return False
            if self._pinned:
                return False
        if etype is None:
            self._finish("finished")
        elif isinstance(value, _process.Terminated):
            self._finish("interrupted", exit_code=143)
        elif issubclass(etype, KeyboardInterrupt):
            self._finish("interrupted")
        elif issubclass(etype, SystemExit):
            code = value.code
            if code is None or code == 0:
                self._finish("finished")
            else:
                self._finish("failed", error={"type": "SystemExit", "message": str(code), "traceback": ""})
        else:
            self._finish("failed", error=error_info(etype, value, tb))
        return False

    def _attach(self, name=None, experiment=None, params=None, tags=None):
        """start_run() while this run is active: share it, applying what was given."""
        self._depth += 1
        if name and not self._name_explicit:
            self.set_name(name)
        if experiment and not self._experiment_explicit:
            self.set_experiment(experiment)
        if params:
            self.log_params(params)
        if tags:
            self.set_tags(tags)

    def _finish(self, status, error=None, exit_code=None, duration=None):
        """Ends the run. Never raises because the store cannot be written (a full disk): that is warned about."""
        with self._end_lock:
            if self._ended:
                return
            self._ended = True
        self._append = ended_error
        _process.clear_active(self)
        if self._tee is not None:
            self._tee.stop()
            self._tee = None
        self._flusher.stop(5.0)
        self._capture_thread.join(CAPTURE_WAIT)
        end = _util.iso_utc()
        self._set(("status",), status)
        self._set(("endTime",), end)
        self._set(("capture", "durationSec"), round(duration if duration is not None else
                                                    time.monotonic() - self._start_mono, 3))
        if exit_code is not None:
            self._set(("capture", "exitCode"), exit_code)
        self._set(("error",), error)  # also clears the error of a crashed mark set while this process was stalled
        try:
            self._points.close()  # first: points other threads appended while the run ended
        except Exception:
            pass
        try:
            self._flusher.flush(final=True)
        except Exception as e:
            self._flusher.warn(e)
        _process.restore_sigterm()

    def _record_output(self):
        """Tees this process's stdout/stderr (file descriptors) to output.log until the run ends."""
        from ._tee import OutputTee

        tee = OutputTee(os.path.join(self.dir, "output.log"), None, self._losses)
        tee.start()
        self._tee = tee

    def _check_open(self):
        if self._ended:
            ended_error()

    def _set(self, path, value):
        self._document.set(path, value)

    def flush(self):
        """Writes buffered points to metrics.jsonl and the pending changes to run.json now (a failure, e.g. a full
        disk, is warned about, never raised)."""
        try:
            self._flusher.flush(final=True)
        except Exception as e:
            self._flusher.warn(e)

    # ---------------------------------------------------------------- background capture

    def _capture_more(self, git_folder):
        try:
            git = _capture.git_state(git_folder, self.dir) if git_folder else None
            self._set(("capture", "git"), git)
        except Exception:
            self._set(("capture", "git"), None)
        try:
            self._set(("capture", "packages"), _capture.packages())
        except Exception:
            pass
