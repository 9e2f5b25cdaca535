"""Shared parts of the fault-injection tests: small real file systems, read-only folders, child writers, and the
optional report of measured figures (RUNLOG_FAULTS_REPORT=<file>: one JSON object per line, used by
docs/reliability-writer.md)."""

import json
import os
import shutil
import subprocess
import sys
import tempfile

from .helpers import clean_env

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def report(name, **figures):
    path = os.environ.get("RUNLOG_FAULTS_REPORT")
    if path:
        with open(path, "a") as f:
            f.write(json.dumps(dict(figures, case=name)) + "\n")


def _mount(args, testcase):
    mnt = tempfile.mkdtemp(prefix="runlog-mnt-")
    testcase.addCleanup(shutil.rmtree, mnt, True)
    p = subprocess.run(["mount"] + args + [mnt], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if p.returncode != 0:
        return None
    testcase.addCleanup(subprocess.run, ["umount", "-l", mnt], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return mnt


def small_tmpfs(testcase, size):
    """A real, small file system (tmpfs of `size` bytes) when this process may mount one (root), else None."""
    if not IS_ROOT or not shutil.which("mount"):
        return None
    return _mount(["-t", "tmpfs", "-o", "size=%d" % size, "tmpfs"], testcase)


def read_only_store(testcase):
    """A store folder this process cannot write: a read-only tmpfs (root), a folder without write permission (not
    root), or, where neither works, a path below a regular file (no folder can ever be created there)."""
    if IS_ROOT:
        mnt = _mount(["-t", "tmpfs", "-o", "size=64k,ro", "tmpfs"], testcase)
        if mnt:
            return os.path.join(mnt, ".runlog"), "read-only file system"
        blocker = tempfile.mktemp(prefix="runlog-file-")
        with open(blocker, "w") as f:
            f.write("a file, not a folder\n")
        testcase.addCleanup(os.remove, blocker)
        return os.path.join(blocker, ".runlog"), "below a regular file"
    folder = tempfile.mkdtemp(prefix="runlog-ro-")
    os.chmod(folder, 0o555)
    testcase.addCleanup(shutil.rmtree, folder, True)
    testcase.addCleanup(os.chmod, folder, 0o755)
    return os.path.join(folder, ".runlog"), "no write permission"


def spawn(code, cwd, args=(), **env):
    """A child Python running code with src/python on its path; stdout and stderr are pipes."""
    return subprocess.Popen([sys.executable, "-c", code] + list(args), cwd=cwd, env=clean_env(**env),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def whole_lines(testcase, path):
    """The parsed lines of a metrics.jsonl that must hold only whole, valid lines (ends with a newline)."""
    with open(path, "rb") as f:
        data = f.read()
    if not data:
        return []
    testcase.assertTrue(data.endswith(b"\n"), "the file ends in a partial line: %r" % data[-80:])
    points = []
    for n, line in enumerate(data.split(b"\n")[:-1]):
        try:
            points.append(json.loads(line))
        except ValueError:
            testcase.fail("line %d is not valid JSON (glued or torn): %r" % (n + 1, line[:200]))
    return points
