"""run.json of a run being written: an in-memory copy, the edits not yet written, and the locked write.

Every edit is applied to the in-memory copy at once (so the Run's properties read it) and queued; write() re-reads
run.json under run.json.lock, applies the queued edits to what is on disk (so a rename made meanwhile by the editor
is kept), and replaces the file atomically.
"""

import json
import os
import threading
import time

from . import _util


def apply_set(doc, path, value):
    d = doc
    for k in path[:-1]:
        nxt = d.get(k)
        if not isinstance(nxt, dict):
            nxt = d[k] = {}
        d = nxt
    d[path[-1]] = value


def apply_default(doc, path, value):
    """Sets path only when missing (or of another JSON type than value)."""
    d = doc
    for k in path[:-1]:
        d = d.setdefault(k, {})
    current = d.get(path[-1])
    if not isinstance(current, type(value)):
        d[path[-1]] = json.loads(json.dumps(value))


def apply_upsert(doc, field, match, entry):
    items = doc.get(field)
    if not isinstance(items, list):
        items = doc[field] = []
    for i, item in enumerate(items):
        if isinstance(item, dict) and all(item.get(k) == entry.get(k) for k in match):
            items[i] = entry
            return
    items.append(entry)


def _apply(doc, op):
    if op[0] == "set":
        apply_set(doc, op[1], op[2])
    elif op[0] == "default":
        apply_default(doc, op[1], op[2])
    else:
        apply_upsert(doc, op[1], op[2], op[3])


class RunDocument:
    def __init__(self, run_dir):
        self.dir = run_dir
        self.path = os.path.join(run_dir, "run.json")
        self.doc = {}  # the in-memory copy (read by the Run's properties)
        self._ops = []
        self._lock = threading.Lock()
        self.last_write = 0.0  # time.monotonic() of the last write
        self.orphaned = False  # the run folder was deleted: never bring it back

    def get(self, key):
        return self.doc.get(key)

    @property
    def pending(self):
        return bool(self._ops)

    # ---------------------------------------------------------------- edits

    def set(self, path, value):
        with self._lock:
            self._ops.append(("set", path, value))
            apply_set(self.doc, path, value)

    def default(self, path, value):
        with self._lock:
            self._ops.append(("default", path, value))
            apply_default(self.doc, path, value)

    def upsert(self, field, match, entry):
        with self._lock:
            self._ops.append(("upsert", field, match, entry))
            apply_upsert(self.doc, field, match, entry)

    # ---------------------------------------------------------------- writing

    def _revive(self, doc):
        """A reader took a stall (SIGSTOP, a suspended laptop) for a crash and marked the run crashed: this process is
        alive, so undo the mark (status, the end time it guessed, its "Crashed" error)."""
        doc["status"] = "running"
        doc["endTime"] = self.doc.get("endTime")
        error = doc.get("error")
        if isinstance(error, dict) and error.get("type") == "Crashed":
            doc["error"] = self.doc.get("error")

    def write(self, first=False, ended=False):
        """Applies the pending edits to run.json under run.json.lock (re-read, apply, write temp, rename).

        ended: the run has ended (else a `crashed` status set by a reader is set back to `running`: we are alive).
        """
        if self.orphaned:
            return
        path = self.path
        lock = path + ".lock"
        if first:
            os.makedirs(self.dir, exist_ok=True)
        elif not os.path.isdir(self.dir):
            self.orphaned = True  # the run was deleted (moved to the trash): do not bring it back
            return
        with self._lock:
            op = ("set", ("heartbeatAt",), _util.iso_utc())
            self._ops.append(op)
            apply_set(self.doc, op[1], op[2])
            ops = list(self._ops)
        try:
            held = _util.acquire_lock(lock)
        except FileNotFoundError:
            self.orphaned = True
            return
        if not held:  # a lock never released and never stale: proceed anyway rather than lose the run
            _util.release_lock(lock)
            held = _util.acquire_lock(lock, timeout=1.0)
        try:
            doc = _util.read_json(path)
            if doc is None:
                if not first and not os.path.exists(path) and not os.path.isdir(self.dir):
                    self.orphaned = True
                    return
                with self._lock:
                    doc = json.loads(json.dumps(self.doc))
            else:
                for op in ops:
                    _apply(doc, op)
                if doc.get("status") == "crashed" and not ended:
                    self._revive(doc)
            _util.replace_file(path, _util.dumps_doc(doc))
        finally:
            if held:
                _util.release_lock(lock)
        with self._lock:
            del self._ops[: len(ops)]
        self.last_write = time.monotonic()
