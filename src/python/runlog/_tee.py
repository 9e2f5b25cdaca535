"""Output capture for `python -m runlog run`: file-descriptor-level tee of stdout/stderr + metric scanning.

fd 1 and fd 2 are replaced by pipes; one thread per pipe copies every chunk, as soon as it arrives, to the original
terminal descriptor and to output.log, and hands complete lines to the scanner. Working on descriptors (not on
sys.stdout) also captures C extensions and child processes.
"""

import math
import os
import re
import sys
import threading

# Same as the default of the setting runlog.outputMetrics.pattern in package.json.
DEFAULT_PATTERN = (
    r"\b(epoch|step|iter|iteration)\s*[=:]?\s*(\d+)\b"
    r"|\b([A-Za-z_][\w./-]*)\s*[=:]\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf)\b)"
)

STEP_NAMES = frozenset(("epoch", "step", "iter", "iteration"))
MAX_LINE = 1 << 16  # longer "lines" (e.g. progress bars without newline) are scanned in pieces of this size

_INT = re.compile(r"[-+]?\d+\Z")
_O_LOG = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _number(text):
    text = text.strip()
    if _INT.match(text):
        return int(text)
    return float(text)  # also nan, inf, -inf, 1e-3, .5


class Scanner:
    """Applies the output pattern to lines: in each match the first group that took part is the name, the next
    group the value; names epoch/step/iter/iteration set the step of the metrics that follow on the same line."""

    def __init__(self, pattern, log):
        self.rx = re.compile(pattern)
        self.log = log  # log(name, value, step)

    def scan(self, text):
        if "\r" in text:  # progress bars redraw with \r: only the last drawn state counts
            parts = [p for p in text.split("\r") if p.strip()]
            text = parts[-1] if parts else ""
        step = None
        for m in self.rx.finditer(text):
            groups = m.groups()
            for i, g in enumerate(groups):
                if g is not None:
                    break
            else:
                continue
            if i + 1 >= len(groups) or groups[i + 1] is None:
                continue
            name = groups[i]
            try:
                value = _number(groups[i + 1])
            except ValueError:
                continue
            if name.lower() in STEP_NAMES:
                if isinstance(value, float):
                    if not math.isfinite(value):
                        continue
                    value = int(value)
                step = value
                continue
            self.log(name, value, step)


class OutputTee:
    def __init__(self, log_path, scanner=None, losses=None):
        self.log_fd = os.open(log_path, _O_LOG, 0o644)
        self.scanner = scanner
        self.losses = losses  # counts output that could not be written (full disk)
        self._log_lock = threading.Lock()
        self._pumps = []  # (fd, saved fd, thread)
        self._scan_warned = False

    def start(self):
        for fd in (1, 2):
            try:
                saved = os.dup(fd)
            except OSError:  # not open (e.g. started without a console)
                continue
            r, w = os.pipe()
            os.dup2(w, fd)
            os.close(w)
            t = threading.Thread(target=self._pump, args=(r, saved), name="runlog-tee-%d" % fd, daemon=True)
            t.start()
            self._pumps.append((fd, saved, t))

    def stop(self, timeout=2.0):
        """Puts the original descriptors back and waits (up to timeout) for what is still in the pipes."""
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        for fd, saved, _t in self._pumps:
            try:
                os.dup2(saved, fd)  # drops our write end of the pipe: EOF once no child holds it either
            except OSError:
                pass
        done = True
        for _fd, saved, t in self._pumps:
            t.join(timeout)
            if t.is_alive():
                done = False
            else:
                try:
                    os.close(saved)
                except OSError:
                    pass
        self._pumps = []
        if done:
            try:
                os.close(self.log_fd)
            except OSError:
                pass

    def _pump(self, r, saved):
        terminal = saved
        partial = b""
        scanner = self.scanner
        try:
            while True:
                try:
                    data = os.read(r, 65536)
                except InterruptedError:
                    continue
                except OSError:
                    break
                if not data:
                    break
                if terminal is not None:
                    try:
                        _write_all(terminal, data)
                    except OSError:
                        terminal = None  # terminal gone: keep recording
                with self._log_lock:
                    try:
                        _write_all(self.log_fd, data)
                    except OSError as e:
                        if self.losses is not None:
                            self.losses.dropped_output(len(data), e)
                if scanner is not None:
                    partial += data
                    if b"\n" in partial:
                        lines = partial.split(b"\n")
                        partial = lines.pop()
                        for line in lines:
                            self._scan(line)
                    if len(partial) > MAX_LINE:
                        self._scan(partial)
                        partial = b""
            if partial and scanner is not None:
                self._scan(partial)
        finally:
            try:
                os.close(r)
            except OSError:
                pass

    def _scan(self, line):
        try:
            self.scanner.scan(line.decode("utf-8", "replace"))
        except Exception as e:  # never let a bad pattern or value stop the output
            if not self._scan_warned:
                self._scan_warned = True
                try:
                    sys.__stderr__.write("runlog: output metric scan failed: %s\n" % e)
                except Exception:
                    pass
