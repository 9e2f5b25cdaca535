"""What a run could not write (a full disk, a quota, an I/O error): counted, warned about on stderr (rate-limited,
with counts), and recorded in run.json as `dropped` once run.json can be written again.

Logging never raises into the user's code because a write failed: the points are dropped and counted instead.
"""

import sys
import threading
import time

from . import _util

WARN_EVERY = 10.0  # seconds between two warnings about the same run


class Losses:
    def __init__(self, run_id):
        self.run_id = run_id
        self.points = 0
        self.output_bytes = 0
        self.error = None
        self.at = None
        self.changed = False
        self._lock = threading.Lock()
        self._last_warning = None
        self._unwarned_points = 0
        self._unwarned_bytes = 0

    def dropped_points(self, count, error):
        self._add(count, 0, error)

    def dropped_output(self, nbytes, error):
        self._add(0, nbytes, error)

    def _add(self, points, nbytes, error):
        with self._lock:
            self.points += points
            self.output_bytes += nbytes
            self._unwarned_points += points
            self._unwarned_bytes += nbytes
            self.error = _util.clean_text(str(error))
            self.at = _util.iso_utc()
            self.changed = True
            now = time.monotonic()
            if self._last_warning is not None and now - self._last_warning < WARN_EVERY:
                return
            self._last_warning = now
            what = []
            if self._unwarned_points:
                what.append("%d points" % self._unwarned_points)
            if self._unwarned_bytes:
                what.append("%d bytes of output" % self._unwarned_bytes)
            self._unwarned_points = self._unwarned_bytes = 0
            message = "runlog: could not write %s of run %s (%s; dropped so far: %d points, %d output bytes)\n" % (
                " and ".join(what) or "data", self.run_id, self.error, self.points, self.output_bytes)
        try:
            sys.__stderr__.write(message)
            sys.__stderr__.flush()
        except Exception:
            pass

    def take_record(self):
        """The `dropped` field of run.json when something new was dropped since the last call, else None."""
        with self._lock:
            if not self.changed:
                return None
            self.changed = False
            return {"points": self.points, "outputBytes": self.output_bytes, "error": self.error, "at": self.at}
