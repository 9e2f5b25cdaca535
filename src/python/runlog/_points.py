"""metrics.jsonl of a run being written: the point buffer, per-key step counters and summaries, the appends.

The hot path (Run.log_metric) appends (key, value, step|None, time) tuples to `buf`; drain() (called by the
flusher thread) formats them as JSON lines, keeps the per-key summaries and appends the lines to metrics.jsonl.
"""

import json
import operator
import os

from . import _util

_O_APPEND_FLAGS = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)
_first = operator.itemgetter(0)
_SPECIAL = {"nan": '"NaN"', "inf": '"Infinity"', "-inf": '"-Infinity"'}


class PointWriter:
    def __init__(self, path):
        self.buf = []  # points logged through the API
        self.scan_buf = []  # points read from output lines (python -m runlog run)
        self._summ = {}  # key -> [last, min, max, count, step, time, next_step, from_api]
        self._kjson = {}  # key -> '{"key": "<escaped>", "value": '
        self._changed = set()
        self._fd = os.open(path, _O_APPEND_FLAGS, 0o644)

    def close(self):
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

    def drain(self):
        """Formats and appends what is buffered (points appended meanwhile stay for the next call)."""
        buf = self.buf
        n = len(buf)
        lines = []
        if n:
            items = buf[:n]
            del buf[:n]  # atomic under the GIL: points appended meanwhile stay for the next round
            self._format(items, lines, True)
        sbuf = self.scan_buf
        n = len(sbuf)
        if n:
            items = sbuf[:n]
            del sbuf[:n]
            self._format(items, lines, False)
        if lines:
            data = "".join(lines).encode("utf-8")
            fd = self._fd
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
