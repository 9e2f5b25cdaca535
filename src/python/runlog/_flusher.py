"""The flusher: a daemon thread that writes a run's buffered points and run.json edits in the background.

metrics.jsonl is appended at least every FLUSH_INTERVAL; new metric summaries reach run.json at most every
SUMMARY_INTERVAL, and run.json is rewritten at least every HEARTBEAT_INTERVAL (its heartbeat) while running.
"""

import sys
import threading
import time

FLUSH_INTERVAL = 0.25  # metrics.jsonl is appended at least this often: a killed writer loses at most ~this much
SUMMARY_INTERVAL = 0.5  # run.json is rewritten for new metric summaries at most this often
HEARTBEAT_INTERVAL = 2.0  # and at least this often while running (the format asks for <= 5 s)
WARN_EVERY = 10.0  # seconds between two warnings that run.json could not be written


class Flusher:
    def __init__(self, run_id, points, document, is_ended):
        self.run_id = run_id
        self.points = points
        self.document = document
        self._is_ended = is_ended
        self._lock = threading.Lock()
        self._warned_at = None
        self._failures = 0
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="runlog-flusher", daemon=True)

    def start(self):
        self.thread.start()

    def stop(self, timeout=5.0):
        self._stop.set()
        if self.thread is not threading.current_thread():
            self.thread.join(timeout)

    def _loop(self):
        while not self._stop.wait(FLUSH_INTERVAL):
            try:
                self.flush()
            except Exception as e:  # never kill the flusher; keep saying so, at most every WARN_EVERY
                self.warn(e)

    def warn(self, error):
        self._failures += 1
        now = time.monotonic()
        if self._warned_at is not None and now - self._warned_at < WARN_EVERY:
            return
        self._warned_at = now
        try:
            sys.__stderr__.write("runlog: could not write run.json of run %s (%d failed writes so far): %s\n"
                                 % (self.run_id, self._failures, error))
            sys.__stderr__.flush()
        except Exception:
            pass

    def flush(self, final=False):
        points = self.points
        document = self.document
        with self._lock:
            points.drain()
            dropped = points.losses.take_record()
            if dropped is not None:
                document.set(("dropped",), dropped)
            since = time.monotonic() - document.last_write
            if points.has_changes and (final or since >= SUMMARY_INTERVAL):
                for key, summary in points.take_summaries().items():
                    document.set(("metrics", key), summary)
            if final or document.pending or since >= HEARTBEAT_INTERVAL:
                document.write(ended=self._is_ended())
