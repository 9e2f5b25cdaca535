"""Shared helpers of the client tests: the package under test is the one in src/python, never an installed copy."""

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # src/python
REPO = os.path.dirname(os.path.dirname(SRC))
if sys.path[0] != SRC:
    sys.path.insert(0, SRC)

import runlog  # noqa: E402

assert os.path.dirname(os.path.dirname(os.path.abspath(runlog.__file__))) == SRC, runlog.__file__


def clean_env(**extra):
    """The environment for a child Python: PYTHONPATH = src/python, no RUNLOG_* inherited from the test runner."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNLOG_") and k not in ("PYTHONPATH",)}
    env["PYTHONPATH"] = SRC
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("PYTHONUNBUFFERED", None)
    for k, v in extra.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


def default_sigint():
    """For Popen(preexec_fn=...): a child started from a background job inherits SIGINT ignored, and Python then
    installs no KeyboardInterrupt handler. Tests that send SIGINT need the default disposition back."""
    if os.name == "posix":
        import signal

        signal.signal(signal.SIGINT, signal.SIG_DFL)


def write(path, text):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def run_python(args, cwd, env=None, input=None, timeout=60):
    return subprocess.run(
        [sys.executable] + list(args),
        cwd=cwd,
        env=env or clean_env(),
        input=input,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        timeout=timeout,
    )


def run_dirs(store):
    return sorted(glob.glob(os.path.join(store, "runs", "*")))


def only_run(testcase, store):
    dirs = run_dirs(store)
    testcase.assertEqual(len(dirs), 1, "expected one run in %s, found %s" % (store, dirs))
    return dirs[0]


def read_doc(run_dir):
    with open(os.path.join(run_dir, "run.json"), encoding="utf-8") as f:
        return json.load(f)


def read_points(run_dir):
    """Whole lines of metrics.jsonl, parsed (a torn last line without newline is ignored, as readers do)."""
    path = os.path.join(run_dir, "metrics.jsonl")
    if not os.path.exists(path):
        return []
    with open(path, "rb") as f:
        data = f.read()
    lines = data.split(b"\n")
    lines.pop()  # after the last newline: empty or a line still being written
    return [json.loads(line) for line in lines]


def wait_for(predicate, timeout=10.0, interval=0.01):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


def ancestors_have_store(folder):
    d = os.path.dirname(os.path.abspath(folder))
    while True:
        if os.path.isdir(os.path.join(d, ".runlog")):
            return True
        parent = os.path.dirname(d)
        if parent == d:
            return False
        d = parent


class TempDirTest(unittest.TestCase):
    def setUp(self):
        self.tmp = os.path.realpath(tempfile.mkdtemp(prefix="runlog-test-"))
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.store = os.path.join(self.tmp, "store")
