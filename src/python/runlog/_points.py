"""metrics.jsonl of a run being written: the point buffer, per-key step counters and summaries, the appends.

The hot path (Run.log_metric) appends (key, value, step|None, time) tuples to `buf`; drain() (called by the
flusher thread) formats them as JSON lines, keeps the per-key summaries and appends the lines to metrics.jsonl.

The buffer is bounded: when it holds MAX_BACKLOG points, the logging thread drains it itself (relieve()), which
slows a loop that logs faster than points can be written instead of growing memory without end. A kill -9 thus
loses at most what the buffer held: MAX_BACKLOG points or FLUSH_INTERVAL (0.25 s) of logging, whichever is less,
plus one batch being formatted.

Lines are written whole or not at all: when a write fails part-way (a full disk), the partial line is cut off
again and the points that did not fit are counted as dropped (_losses.py).
"""

import json
import operator
import os
import sys
import threading
import time

from . import _util

MAX_BACKLOG = 20000  # points buffered before the logging thread writes them itself

_O_APPEND_FLAGS = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)
_first = operator.itemgetter(0)
_SPECIAL = {"nan": '"NaN"', "inf": '"Infinity"', "-inf": '"-Infinity"'}


class PointWriter:
    def __init__(self, path, losses):
        self.buf = []  # points logged through the API
        self.scan_buf = []  # points read from output lines (python -m runlog run)
        self.losses = losses
        self._summ = {}  # key -> [last, min, max, count, step, time, next_step, from_api, stepped_output]
        self._kjson = {}  # key -> '{"key": "<escaped>", "value": '
        self._lower = {}  # key.lower() -> the first key with that spelling (output keys match it)
        self._changed = set()
        self._lock = threading.Lock()  # one drain at a time: lines of a key stay in step order
        self._torn = False  # a partial line could not be cut off: start the next write on a new line
        self._closed = False
        self._fd = os.open(path, _O_APPEND_FLAGS, 0o644)

    def close(self):
        """Writes what is left and closes the file. Another thread may have looked up the buffer's append just before
        the run ended and call it just after: one switch interval lets such threads finish that call first."""
        with self._lock:
            try:
                self._drain_locked()
                time.sleep(2 * sys.getswitchinterval())
                self._drain_locked()
            finally:
                self._closed = True
                try:
                    os.close(self._fd)
                except OSError:
                    pass

    def take_summaries(self):
        """{key: summary} of the keys with new points since the last call, in the order keys were first logged."""
        changed = self._changed
        if not changed:
            return {}
        self._changed = set()
        summ = self._summ
        out = {}
        for key in [k for k in summ if k in changed]:
            s = summ[key]
            out[key] = {
                "last": _util.json_number(s[0]),
                "min": _util.json_number(s[1] if s[1] is not None else float("nan")),
                "max": _util.json_number(s[2] if s[2] is not None else float("nan")),
                "count": s[3],
                "step": s[4],
                "time": round(s[5], 3),
            }
        return out

    @property
    def has_changes(self):
        return bool(self._changed)

    def relieve(self):
        """Back-pressure, called by a logging thread when the buffer is full: write it now. Never raises."""
        try:
            self.drain()
        except Exception:
            pass

    def drain(self):
        """Formats and appends what is buffered (points appended meanwhile stay for the next call)."""
        with self._lock:
            self._drain_locked()

    def _drain_locked(self):
        if self._closed:
            return
        lines = []
        buf = self.buf
        n = len(buf)
        if n:
            items = buf[:n]
            del buf[:n]  # atomic under the GIL: points appended meanwhile stay for the next round
            self._format(items, lines, True)
        sbuf = self.scan_buf
        n = len(sbuf)
        if n:
            items = sbuf[:n]
            del sbuf[:n]
            self._format_output(items, lines)
        if lines:
            self._write("".join(lines).encode("utf-8"))

    def _write(self, data):
        if self._torn:
            data = b"\n" + data
        fd = self._fd
        view = memoryview(data)
        done = 0
        try:
            while done < len(data):
                done += os.write(fd, view[done:])
            self._torn = False
            return
        except OSError as e:
            error = e
        whole = data.rfind(b"\n", 0, done) + 1  # bytes of whole lines that reached the file
        if whole < done:
            try:
                end = os.lseek(fd, 0, os.SEEK_END)  # this process is the file's only writer
                os.ftruncate(fd, end - (done - whole))
                self._torn = False
            except OSError:
                self._torn = True
        elif done:
            self._torn = False
        self.losses.dropped_points(data.count(b"\n", whole), error)

    def _new_key(self, key, from_api):
        s = self._summ[key] = [None, None, None, 0, 0, 0.0, 0, from_api, False]
        self._kjson[key] = '{"key": %s, "value": ' % json.dumps(_util.clean_text(key))
        self._lower.setdefault(key.lower(), key)
        self._changed.add(key)
        return s

    def _format(self, items, lines, from_api):
        """Formats points as lines and updates the summaries (the hot loop of the flusher: kept inline)."""
        out = lines.append
        summ = self._summ
        kjson = self._kjson
        special = _SPECIAL
        for key, value, step, t in items:
            s = summ.get(key)
            if s is None:
                s = self._new_key(key, from_api)
            elif from_api:
                s[7] = True
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
        self._changed.update(map(_first, items))

    def _format_output(self, items, lines):
        """Points read from output lines. A name matches an already-known key case-insensitively (`Loss` onto
        `loss`); a key the code logs itself is not taken from the output; and once a key came with step markers
        (`epoch 3 loss=0.5`), a line that gives it without one (`final loss: 0.70`, a summary after the loop) is
        not a new point: it stays in output.log only."""
        summ = self._summ
        lower = self._lower
        keep = []
        for key, value, step, t in items:
            key = lower.get(key.lower(), key)
            s = summ.get(key)
            if s is None:
                s = self._new_key(key, False)
            elif s[7]:
                continue  # the code logs this key itself: ignore what the output says
            elif step is None and s[8]:
                continue
            if step is not None:
                s[8] = True
            keep.append((key, value, step, t))
        if keep:
            self._format(keep, lines, False)
