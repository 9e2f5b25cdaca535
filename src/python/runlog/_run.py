"""The Run: buffered metric logging, the flusher thread, run.json upkeep under the lock protocol, finalization.

Hot path (log_metric / log_metrics): validate cheaply, append one tuple to a list. Everything else (per-key step
counters, JSON formatting, summaries, file writes) happens in the flusher thread, at least every FLUSH_INTERVAL.
"""

import atexit
import json
import operator
import os
import shutil
import signal
import sys
import threading
import time
import traceback

from . import _capture, _util

FLUSH_INTERVAL = 0.25  # metrics.jsonl is appended at least this often: a killed writer loses at most ~this much
SUMMARY_INTERVAL = 0.5  # run.json is rewritten for new metric summaries at most this often
HEARTBEAT_INTERVAL = 2.0  # and at least this often while running (the format asks for <= 5 s)
CAPTURE_WAIT = 10.0  # at the end, how long to wait for the background capture (git, packages)

ENDED_STATUSES = ("finished", "failed", "interrupted", "crashed")

_time = time.time
_O_APPEND_FLAGS = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)

# The run of this process, if any (module-level functions log to it). Guarded by _state_lock.
_active = None
_state_lock = threading.RLock()
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


# ------------------------------------------------------------------------------------- value checks


def _bad_value(key, value):
    kind = type(value).__name__
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return "runlog: metric %r must be a real number (int, float or bool), got %s %s" % (key, kind, text)


def _number(key, value):
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


def _key(key):
    if isinstance(key, str):
        return str(key)
    raise TypeError("runlog: metric names must be strings, got %s %r" % (type(key).__name__, key))


def _step(step):
    if isinstance(step, bool) or not hasattr(step, "__index__"):
        if isinstance(step, float) and step.is_integer():
            return int(step)
        raise TypeError("runlog: step must be an integer or None, got %s %r" % (type(step).__name__, step))
    return operator.index(step)


_first = operator.itemgetter(0)
_SPECIAL = {"nan": '"NaN"', "inf": '"Infinity"', "-inf": '"-Infinity"'}


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


def _ended_error(*_args, **_kwargs):
    raise RuntimeError("runlog: this run has ended; start a new one with runlog.start_run()")


# -------------------------------------------------------------------------------------------- store


def find_store(cwd=None):
    """RUNLOG_STORE, else the nearest .runlog folder at or above cwd, else ./.runlog (created with .gitignore *)."""
    env = os.environ.get("RUNLOG_STORE")
    cwd = os.path.abspath(cwd or os.getcwd())
    if env:
        path = os.path.abspath(os.path.join(cwd, os.path.expanduser(env)))
    else:
        path = None
        d = cwd
        while True:
            candidate = os.path.join(d, ".runlog")
            if os.path.isdir(candidate):
                path = candidate
                break
            parent = os.path.dirname(d)
            if parent == d:
                break
            d = parent
        if path is None:
            path = os.path.join(cwd, ".runlog")
    created = not os.path.isdir(path)
    os.makedirs(os.path.join(path, "runs"), exist_ok=True)
    if created:
        try:
            with open(os.path.join(path, ".gitignore"), "x") as f:
                f.write("*\n")
        except FileExistsError:
            pass
    return path


def default_experiment(script=None):
    env = os.environ.get("RUNLOG_EXPERIMENT")
    if env:
        return env
    main = sys.modules.get("__main__")
    # notebooks: VS Code sets __vsc_ipynb_file__, Jupyter servers set JPY_SESSION_NAME
    nb = getattr(main, "__vsc_ipynb_file__", None) or os.environ.get("JPY_SESSION_NAME")
    if script is None and nb:
        script = nb
    if script is None:
        script = sys.argv[0] if sys.argv else ""
    if script and script not in ("-c", "-m", "-"):
        base = os.path.basename(script.rstrip("/\\"))
        stem = os.path.splitext(base)[0]
        if stem == "__main__":  # python -m package: the package's name
            stem = os.path.basename(os.path.dirname(os.path.abspath(script)))
        if stem and stem not in ("ipykernel_launcher", "<stdin>", "<string>"):
            return stem
    return "default"


# ---------------------------------------------------------------------------------------------- Run


class Run:
    """A run being written by this process. Create with runlog.start_run()."""

    def __init__(self, store, run_id, name, experiment, capture, parent=None, pinned=False,
                 name_explicit=True, experiment_explicit=True, git_folder=None):
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

        # metrics: the hot path appends (key, value, step|None, time) here; the flusher drains it
        self._buf = []
        self._append = self._buf.append
        self._scan_buf = []  # points read from output lines (python -m runlog run)
        self._summ = {}  # key -> [last, min, max, count, step, time, next_step, from_api]
        self._kjson = {}  # key -> '{"key": "<escaped>", "value": '
        self._changed = set()

        # run.json: an in-memory copy + the operations not yet written
        self._doc = {}
        self._ops = []
        self._doc_lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._last_doc_write = 0.0
        self._orphaned = False
        self._warned = False

        now = _util.iso_utc(self._start)
        for k, v in (
            ("schema", 1), ("id", run_id), ("name", name), ("experiment", experiment), ("status", "running"),
            ("startTime", now), ("endTime", None), ("heartbeatAt", now), ("capture", capture), ("error", None),
        ):
            self._set((k,), v)
        # containers: keep what a placeholder written by the editor (RUNLOG_RUN_ID) may already hold
        for k, v in (("params", {}), ("tags", {}), ("metrics", {}), ("datasets", []), ("artifacts", [])):
            self._default((k,), v)
        if parent:
            self._set(("tags", "runlog.parent"), parent)
        self._write_doc(first=True)
        self._mfd = os.open(os.path.join(self.dir, "metrics.jsonl"), _O_APPEND_FLAGS, 0o644)

        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="runlog-flusher", daemon=True)
        self._thread.start()
        self._capture_thread = threading.Thread(
            target=self._capture_more, args=(git_folder,), name="runlog-capture", daemon=True
        )
        self._capture_thread.start()

    # ---------------------------------------------------------------- properties

    @property
    def name(self):
        return self._doc.get("name")

    @property
    def experiment(self):
        return self._doc.get("experiment")

    @property
    def status(self):
        return self._doc.get("status")

    @property
    def params(self):
        return dict(self._doc.get("params") or {})

    @property
    def tags(self):
        return dict(self._doc.get("tags") or {})

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
            _ended_error()
        self._buf.extend(points)

    def _log_scanned(self, key, value, step):
        """A point read from an output line; dropped later if the code logs the same key itself."""
        if not self._ended:
            self._scan_buf.append((key, value, step, _time()))

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
        rel = "artifacts/" + rel
        dst = os.path.join(self.dir, *rel.split("/"))
        if os.path.isdir(dst):
            shutil.rmtree(dst)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if os.path.isdir(src):
            os.makedirs(dst, exist_ok=True)
        digest, size, files = _util.digest_path(src, copy_to=dst)
        entry = {"path": rel, "source": src, "size": size, "sha256": digest, "loggedAt": _util.iso_utc()}
        if os.path.isdir(src):
            entry["files"] = files
        self._upsert("artifacts", ("path",), entry)
        return entry

    def log_dataset(self, path, name=None, role="input"):
        """Records a dataset file or folder: sha256 digest of its content, size, file count. role: input|output.

        Folder digest: sha256 over "<relative posix path>\\0<file sha256 hex>\\n" for each file, sorted by path.
        """
        self._check_open()
        if role not in ("input", "output"):
            raise ValueError("runlog.log_dataset: role must be 'input' or 'output', got %r" % (role,))
        src = os.path.abspath(os.fspath(path))
        if not os.path.exists(src):
            raise FileNotFoundError("runlog.log_dataset: no such file or folder: %s" % src)
        digest, size, files = _util.digest_path(src)
        entry = {
            "name": str(name) if name else os.path.basename(src.rstrip("/\\")),
            "path": src,
            "role": role,
            "digest": digest,
            "size": size,
            "files": files,
            "loggedAt": _util.iso_utc(),
        }
        self._upsert("datasets", ("path", "role"), entry)
        return entry

    # ---------------------------------------------------------------- ending

    def end(self, status="finished"):
        """Ends the run (unless it is shared: attached by a nested start_run, or owned by `python -m runlog run`)."""
        if status not in ("finished", "failed", "interrupted"):
            raise ValueError("runlog: status must be 'finished', 'failed' or 'interrupted', got %r" % (status,))
        with _state_lock:
            if self._depth > 0:
                self._depth -= 1
                return
            if self._pinned:
                return
        self._finish(status)

    def __enter__(self):
        return self

    def __exit__(self, etype, value, tb):
        with _state_lock:
            if self._depth > 0:
                self._depth -= 1
                return False
            if self._pinned:
                return False
        if etype is None:
            self._finish("finished")
        elif isinstance(value, Terminated):
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
        global _active
        with self._end_lock:
            if self._ended:
                return
            self._ended = True
        self._append = _ended_error
        with _state_lock:
            if _active is self:
                _active = None
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join(5.0)
        self._capture_thread.join(CAPTURE_WAIT)
        end = _util.iso_utc()
        self._set(("status",), status)
        self._set(("endTime",), end)
        self._set(("capture", "durationSec"), round(duration if duration is not None else
                                                    time.monotonic() - self._start_mono, 3))
        if exit_code is not None:
            self._set(("capture", "exitCode"), exit_code)
        if error is not None:
            self._set(("error",), error)
        self._flush(final=True)
        try:
            os.close(self._mfd)
        except OSError:
            pass
        _restore_sigterm()

    def _check_open(self):
        if self._ended:
            _ended_error()

    # ---------------------------------------------------------------- run.json

    def _set(self, path, value):
        with self._doc_lock:
            self._ops.append(("set", path, value))
            _apply_set(self._doc, path, value)

    def _default(self, path, value):
        with self._doc_lock:
            self._ops.append(("default", path, value))
            _apply_default(self._doc, path, value)

    def _upsert(self, field, match, entry):
        with self._doc_lock:
            self._ops.append(("upsert", field, match, entry))
            _apply_upsert(self._doc, field, match, entry)

    def _write_doc(self, first=False):
        """Applies the pending operations to run.json under run.json.lock (re-read, apply, write temp, rename)."""
        if self._orphaned:
            return
        path = os.path.join(self.dir, "run.json")
        lock = path + ".lock"
        if first:
            os.makedirs(self.dir, exist_ok=True)
        elif not os.path.isdir(self.dir):
            self._orphaned = True  # the run was deleted (moved to the trash): do not bring it back
            return
        with self._doc_lock:
            self._set_unlocked(("heartbeatAt",), _util.iso_utc())
            ops = list(self._ops)
        try:
            held = _util.acquire_lock(lock)
        except FileNotFoundError:
            self._orphaned = True
            return
        if not held:  # a lock never released and never stale: proceed anyway rather than lose the run
            _util.release_lock(lock)
            held = _util.acquire_lock(lock, timeout=1.0)
        try:
            doc = _util.read_json(path)
            if doc is None:
                if not first and not os.path.exists(path) and not os.path.isdir(self.dir):
                    self._orphaned = True
                    return
                with self._doc_lock:
                    doc = json.loads(json.dumps(self._doc))
            else:
                for op in ops:
                    if op[0] == "set":
                        _apply_set(doc, op[1], op[2])
                    elif op[0] == "default":
                        _apply_default(doc, op[1], op[2])
                    else:
                        _apply_upsert(doc, op[1], op[2], op[3])
                if doc.get("status") == "crashed" and not self._ended:
                    doc["status"] = "running"  # a reader took a stall for a crash: this process is alive
            _util.replace_file(path, _util.dumps_doc(doc).encode("utf-8"))
        finally:
            if held:
                _util.release_lock(lock)
        with self._doc_lock:
            del self._ops[: len(ops)]
        self._last_doc_write = time.monotonic()

    def _set_unlocked(self, path, value):
        self._ops.append(("set", path, value))
        _apply_set(self._doc, path, value)

    # ---------------------------------------------------------------- flushing

    def _loop(self):
        while not self._stop.wait(FLUSH_INTERVAL):
            try:
                self._flush()
            except Exception as e:  # never kill the flusher; say it once
                if not self._warned:
                    self._warned = True
                    try:
                        sys.__stderr__.write("runlog: could not write run %s: %s\n" % (self.id, e))
                    except Exception:
                        pass

    def flush(self):
        """Writes buffered points to metrics.jsonl and the pending changes to run.json now."""
        self._flush(final=True)

    def _flush(self, final=False):
        with self._flush_lock:
            self._drain()
            now = time.monotonic()
            since = now - self._last_doc_write
            if self._changed and (final or since >= SUMMARY_INTERVAL):
                changed = self._changed
                self._changed = set()
                summ = self._summ
                for key in [k for k in summ if k in changed]:  # in the order the keys were first logged
                    s = summ[key]
                    self._set(("metrics", key), {
                        "last": _util.json_number(s[0]),
                        "min": _util.json_number(s[1] if s[1] is not None else float("nan")),
                        "max": _util.json_number(s[2] if s[2] is not None else float("nan")),
                        "count": s[3],
                        "step": s[4],
                        "time": round(s[5], 3),
                    })
            if final or self._ops or since >= HEARTBEAT_INTERVAL:
                self._write_doc()

    def _drain(self):
        buf = self._buf
        n = len(buf)
        lines = []
        if n:
            items = buf[:n]
            del buf[:n]  # atomic under the GIL: points appended meanwhile stay for the next round
            self._format(items, lines, True)
        sbuf = self._scan_buf
        n = len(sbuf)
        if n:
            items = sbuf[:n]
            del sbuf[:n]
            self._format(items, lines, False)
        if lines:
            data = "".join(lines).encode("utf-8")
            fd = self._mfd
            while data:
                written = os.write(fd, data)
                data = data[written:]

    def _format(self, items, lines, from_api):
        out = lines.append
        summ = self._summ
        kjson = self._kjson
        changed = self._changed
        special = _SPECIAL
        for key, value, step, t in items:
            s = summ.get(key)
            if s is None:
                s = summ[key] = [None, None, None, 0, 0, 0.0, 0, from_api]
                kjson[key] = '{"key": %s, "value": ' % json.dumps(key)
                changed.add(key)
            elif from_api:
                s[7] = True
            elif s[7]:
                continue  # the code logs this key itself: ignore what the output says
            if step is None:
                step = s[6]
            s[6] = step + 1
            r = repr(value)
            if r[-1] > "9":  # nan, inf, -inf
                r = special[r]
                if value == value:
                    if s[1] is None or value < s[1]:
                        s[1] = value
                    if s[2] is None or value > s[2]:
                        s[2] = value
            else:
                mn = s[1]
                if mn is None:
                    s[1] = s[2] = value
                elif value < mn:
                    s[1] = value
                elif value > s[2]:
                    s[2] = value
            s[0] = value
            s[3] += 1
            s[4] = step
            s[5] = t
            out('%s%s, "step": %d, "time": %.3f}\n' % (kjson[key], r, step, t))
        changed.update(map(_first, items))

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


def _apply_set(doc, path, value):
    d = doc
    for k in path[:-1]:
        nxt = d.get(k)
        if not isinstance(nxt, dict):
            nxt = d[k] = {}
        d = nxt
    d[path[-1]] = value


def _apply_default(doc, path, value):
    """Sets path only when missing (or of another JSON type than value)."""
    d = doc
    for k in path[:-1]:
        d = d.setdefault(k, {})
    current = d.get(path[-1])
    if not isinstance(current, type(value)):
        d[path[-1]] = json.loads(json.dumps(value))


def _apply_upsert(doc, field, match, entry):
    items = doc.get(field)
    if not isinstance(items, list):
        items = doc[field] = []
    for i, item in enumerate(items):
        if isinstance(item, dict) and all(item.get(k) == entry.get(k) for k in match):
            items[i] = entry
            return
    items.append(entry)


# ------------------------------------------------------------------------------------- creating runs


def create_run(name=None, experiment=None, params=None, tags=None, source="client", command=None,
               git_folder=None, script=None, pinned=False, cwd=None):
    """Creates a run in the store and makes it the active run of this process."""
    global _active
    parent = os.environ.get("RUNLOG_PARENT_RUN") or None
    env_id = None if parent else (os.environ.get("RUNLOG_RUN_ID") or None)
    name_explicit = bool(name)
    if not name and not parent and os.environ.get("RUNLOG_RUN_NAME"):
        name = os.environ["RUNLOG_RUN_NAME"]
        name_explicit = True
    if not name:
        name = _util.friendly_name()
    experiment_explicit = bool(experiment) or bool(os.environ.get("RUNLOG_EXPERIMENT"))
    experiment = experiment or default_experiment(script)
    store = find_store(cwd)
    runs = os.path.join(store, "runs")
    if env_id:
        if env_id in (".", "..") or "/" in env_id or "\\" in env_id:
            raise ValueError("runlog: RUNLOG_RUN_ID is not a valid run id: %r" % env_id)
        run_id = env_id
        os.makedirs(os.path.join(runs, run_id), exist_ok=True)
    else:
        while True:
            run_id = _util.new_run_id()
            try:
                os.mkdir(os.path.join(runs, run_id))
                break
            except FileExistsError:
                continue
    if command is None:
        orig = getattr(sys, "orig_argv", None)
        command = [sys.executable] + (list(orig[1:]) if orig else list(sys.argv))
    capture = _capture.basic(source, command, cwd)
    _capture.prepare()
    if git_folder is None:
        main_file = sys.argv[0] if sys.argv else ""
        git_folder = os.path.dirname(os.path.abspath(main_file)) if main_file and os.path.isfile(main_file) \
            else os.getcwd()
    run = Run(store, run_id, name, experiment, capture, parent=parent, pinned=pinned,
              name_explicit=name_explicit, experiment_explicit=experiment_explicit, git_folder=git_folder)
    if params:
        run.log_params(params)
    if tags:
        run.set_tags(tags)
    # children of this process create their own runs, linked to this one
    os.environ["RUNLOG_PARENT_RUN"] = run_id
    os.environ.pop("RUNLOG_RUN_ID", None)
    os.environ.pop("RUNLOG_RUN_NAME", None)
    with _state_lock:
        _active = run
    _install_process_hooks()
    return run


# ------------------------------------------------------------------------------- process-level hooks


def _on_sigterm(signum, frame):
    global _terminated
    _terminated = True
    raise Terminated()


def _install_process_hooks():
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


def _restore_sigterm():
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
                error = error_info(type(value), value, getattr(sys, "last_traceback", None))
    with _state_lock:
        run._pinned = False
        run._depth = 0
    try:
        run._finish(status, error=error, exit_code=code)
    except Exception as e:
        try:
            sys.__stderr__.write("runlog: could not finish run %s: %s\n" % (run.id, e))
        except Exception:
            pass
