"""Process-level behaviour with real child processes: flushing, heartbeat, signals, crashes, the lock protocol."""

import json
import os
import signal
import subprocess
import sys
import time
import unittest

from runlog import _lock

from .helpers import (TempDirTest, clean_env, default_sigint, only_run, read_doc, read_points, run_dirs, run_python,
                      wait_for, write)

POSIX = os.name == "posix"


def parse_iso(text):
    import datetime

    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


class ProcessTest(TempDirTest):
    def spawn(self, code, *args, wrapper=False, **env):
        script = write(os.path.join(self.tmp, "script.py"), code)
        argv = [sys.executable] + (["-m", "runlog", "run", script] if wrapper else [script]) + list(args)
        p = subprocess.Popen(argv, cwd=self.tmp, env=clean_env(RUNLOG_STORE=self.store, **env),
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             preexec_fn=default_sigint if POSIX else None)
        self.addCleanup(self._reap, p)
        return p

    @staticmethod
    def _reap(p):
        if p.poll() is None:
            p.kill()
        p.communicate()

    @staticmethod
    def _try_lock(lock):
        try:
            os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            return True
        except FileExistsError:
            return False

    def wait_run(self):
        return wait_for(lambda: run_dirs(self.store) and os.path.exists(
            os.path.join(run_dirs(self.store)[0], "run.json")) and run_dirs(self.store)[0])

    def test_flush_heartbeat_sigterm(self):
        p = self.spawn(
            "import sys, time, runlog\n"
            "runlog.start_run(name='live')\n"
            "runlog.log_metric('loss', 0.5)\n"
            "print('logged', time.time(), flush=True)\n"
            "time.sleep(30)\n"
        )
        line = p.stdout.readline().decode()
        self.assertTrue(line.startswith("logged"), line + p.stderr.read().decode() if not line else line)
        run_dir = only_run(self, self.store)
        # written by the flusher while the program sleeps (how soon is a benchmark: bench/run.ts, python-live)
        self.assertTrue(wait_for(lambda: read_points(run_dir), timeout=10.0, interval=0.005))
        self.assertEqual(read_points(run_dir)[0]["value"], 0.5)
        # the summary follows soon; the heartbeat is refreshed while the process idles
        self.assertTrue(wait_for(lambda: "loss" in read_doc(run_dir)["metrics"], timeout=2.0))
        first_beat = parse_iso(read_doc(run_dir)["heartbeatAt"])
        # a reader wrongly marks the run crashed (under the lock): the living writer puts it back to running
        lock = os.path.join(run_dir, "run.json.lock")
        self.assertTrue(wait_for(lambda: self._try_lock(lock), timeout=5.0, interval=0.001))
        doc = read_doc(run_dir)
        doc["status"] = "crashed"
        write(os.path.join(run_dir, "run.json.tmp-test"), json.dumps(doc))
        os.replace(os.path.join(run_dir, "run.json.tmp-test"), os.path.join(run_dir, "run.json"))
        os.remove(lock)
        self.assertTrue(wait_for(lambda: parse_iso(read_doc(run_dir)["heartbeatAt"]) > first_beat + 1.0,
                                 timeout=5.0, interval=0.1), "heartbeat not refreshed while idle")
        self.assertEqual(read_doc(run_dir)["status"], "running")
        p.send_signal(signal.SIGTERM)
        self.assertEqual(p.wait(60), 143)
        doc = read_doc(run_dir)
        self.assertEqual(doc["status"], "interrupted")
        self.assertEqual(doc["capture"]["exitCode"], 143)
        self.assertIsNotNone(doc["endTime"])

    def test_kill_9_leaves_whole_lines_and_a_parseable_run(self):
        """(How many points a kill loses at which rate: test_faults.KillTest.)"""
        p = self.spawn(
            "import time, runlog\n"
            "run = runlog.start_run()\n"
            "i = 0\n"
            "while True:\n"
            "    runlog.log_metric('t', time.time(), step=i)\n"
            "    i += 1\n"
            "    time.sleep(0.002)\n"
        )
        run_dir = self.wait_run()
        self.assertTrue(run_dir, p.stderr.read1(4096) if p.poll() is not None else "no run")
        self.assertTrue(wait_for(lambda: len(read_points(run_dir)) > 300, timeout=30))
        p.kill()
        p.wait(60)
        with open(os.path.join(run_dir, "metrics.jsonl"), "rb") as f:
            data = f.read()
        self.assertTrue(data.endswith(b"\n"), "torn last line")
        points = read_points(run_dir)
        steps = [pt["step"] for pt in points]
        self.assertEqual(steps, list(range(len(steps))))  # no gap, no duplicate
        doc = read_doc(run_dir)  # parseable, still says running (a reader marks it crashed)
        self.assertEqual(doc["status"], "running")
        self.assertEqual(doc["capture"]["pid"], p.pid)
        # A kill while run.json is rewritten may leave its lock (of the dead pid: the next writer breaks it at once)
        # and its one temporary file (removed when the crash is recorded): docs/reliability.md, "What a kill leaves".
        lock = os.path.join(run_dir, "run.json.lock")
        if os.path.exists(lock):  # timeout=0: only breaking a dead owner's lock can succeed
            self.assertTrue(_lock.acquire_lock(lock, timeout=0))
            _lock.release_lock(lock)
        leftovers = [n for n in os.listdir(run_dir) if n.endswith(".tmp")]
        self.assertLessEqual(len(leftovers), 1, leftovers)
        for name in leftovers:
            self.assertRegex(name, r"^run\.json(\.lock)?\.%d\.[0-9a-f]+\.tmp$" % p.pid)

    def test_uncaught_exception_fails_the_run(self):
        p = run_python(["-c", "import runlog\nrunlog.log_metric('a', 1)\ndef f():\n    raise ValueError('bad thing')\nf()\n"],
                       cwd=self.tmp, env=clean_env(RUNLOG_STORE=self.store))
        self.assertEqual(p.returncode, 1)
        self.assertIn(b"ValueError: bad thing", p.stderr)  # the traceback still prints
        doc = read_doc(only_run(self, self.store))
        self.assertEqual(doc["status"], "failed")
        self.assertEqual(doc["error"]["type"], "ValueError")
        self.assertEqual(doc["error"]["message"], "bad thing")
        self.assertIn("in f", doc["error"]["traceback"])
        self.assertEqual(doc["capture"]["exitCode"], 1)
        self.assertEqual(doc["experiment"], "default")  # python -c: no script name

    def test_clean_exit_and_sys_exit(self):
        p = run_python(["-c", "import runlog, sys\nrunlog.log_metric('a', 1)\nsys.exit(0)\n"], cwd=self.tmp,
                       env=clean_env(RUNLOG_STORE=self.store))
        self.assertEqual(p.returncode, 0, p.stderr)
        doc = read_doc(only_run(self, self.store))
        self.assertEqual(doc["status"], "finished")
        self.assertIsNone(doc["error"])

    @unittest.skipUnless(POSIX, "signals")
    def test_sigint_interrupts(self):
        p = self.spawn(
            "import time, runlog\n"
            "runlog.start_run()\n"
            "print('ready', flush=True)\n"
            "time.sleep(30)\n"
        )
        self.assertEqual(p.stdout.readline(), b"ready\n")
        p.send_signal(signal.SIGINT)
        code = p.wait(60)
        self.assertIn(code, (-signal.SIGINT, 130))  # Python's own exit for an uncaught KeyboardInterrupt
        self.assertIn(b"KeyboardInterrupt", p.stderr.read())
        doc = read_doc(only_run(self, self.store))
        self.assertEqual(doc["status"], "interrupted")
        self.assertEqual(doc["capture"]["exitCode"], 130)

    @unittest.skipUnless(POSIX, "signals")
    def test_sigterm_keeps_a_handler_the_program_installed(self):
        p = self.spawn(
            "import signal, sys, time, runlog\n"
            "signal.signal(signal.SIGTERM, lambda *a: sys.exit(7))\n"
            "runlog.start_run()\n"
            "print('ready', flush=True)\n"
            "time.sleep(30)\n"
        )
        self.assertEqual(p.stdout.readline(), b"ready\n")
        p.send_signal(signal.SIGTERM)
        self.assertEqual(p.wait(60), 7)
        self.assertEqual(read_doc(only_run(self, self.store))["status"], "finished")

    def test_lock_protocol_rename_survives(self):
        """An editor renames the run (under run.json.lock) while the script logs: the rename is never lost."""
        p = self.spawn(
            "import time, runlog\n"
            "runlog.start_run(name='original')\n"
            "print('ready', flush=True)\n"
            "end = time.time() + 2.5\n"
            "i = 0\n"
            "while time.time() < end:\n"
            "    runlog.log_metric('x', i)\n"
            "    runlog.set_tag('i', i)\n"  # a run.json change on every flush
            "    i += 1\n"
            "    time.sleep(0.001)\n"
            "print('count', i, flush=True)\n"
        )
        self.assertEqual(p.stdout.readline(), b"ready\n")
        run_dir = only_run(self, self.store)
        path = os.path.join(run_dir, "run.json")
        lock = path + ".lock"
        time.sleep(0.4)
        # the editor's side of the protocol, written independently of the client
        deadline = time.time() + 5
        while True:
            try:
                fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
                break
            except FileExistsError:
                self.assertLess(time.time(), deadline, "could not get the lock")
                time.sleep(0.001)
        os.write(fd, json.dumps({"pid": os.getpid(), "host": "test"}).encode())
        os.close(fd)
        with open(path) as f:
            doc = json.load(f)
        doc["name"] = "renamed-by-editor"
        doc.setdefault("tags", {})["editor"] = "yes"
        mtime = os.stat(path).st_mtime_ns
        time.sleep(0.6)  # hold the lock across a couple of flushes: the writer must wait
        self.assertEqual(os.stat(path).st_mtime_ns, mtime, "run.json written while the lock was held")
        with open(path + ".editor.tmp", "w") as f:
            json.dump(doc, f)
        os.replace(path + ".editor.tmp", path)
        os.remove(lock)
        out, err = p.communicate(timeout=20)
        self.assertEqual(p.returncode, 0, err)
        count = int(out.split()[-1])
        doc = read_doc(run_dir)
        self.assertEqual(doc["name"], "renamed-by-editor")
        self.assertEqual(doc["tags"]["editor"], "yes")
        self.assertEqual(doc["tags"]["i"], str(count - 1))
        self.assertEqual(doc["status"], "finished")
        self.assertEqual(doc["metrics"]["x"]["count"], count)
        self.assertEqual(len(read_points(run_dir)), count)

    def test_stale_lock_is_removed(self):
        os.makedirs(os.path.join(self.store, "runs", "20260101-000000-000-00000001"))
        lock = os.path.join(self.store, "runs", "20260101-000000-000-00000001", "run.json.lock")
        write(lock, '{"pid": 1, "host": "elsewhere"}')
        old = time.time() - 60
        os.utime(lock, (old, old))
        p = run_python(["-c", "import runlog\nrunlog.log_metric('a', 1)\n"], cwd=self.tmp,
                       env=clean_env(RUNLOG_STORE=self.store, RUNLOG_RUN_ID="20260101-000000-000-00000001"))
        self.assertEqual(p.returncode, 0, p.stderr)
        doc = read_doc(os.path.dirname(lock))
        self.assertEqual(doc["status"], "finished")
        self.assertFalse(os.path.exists(lock))

    def test_child_process_gets_its_own_linked_run(self):
        code = (
            "import subprocess, sys, runlog\n"
            "with runlog.start_run(name='parent') as run:\n"
            "    subprocess.run([sys.executable, '-c', 'import runlog; runlog.log_metric(\"c\", 1)'], check=True)\n"
            "    print(run.id)\n"
        )
        p = run_python(["-c", code], cwd=self.tmp, env=clean_env(RUNLOG_STORE=self.store))
        self.assertEqual(p.returncode, 0, p.stderr)
        parent_id = p.stdout.decode().strip()
        docs = [read_doc(d) for d in run_dirs(self.store)]
        self.assertEqual(len(docs), 2)
        child = [d for d in docs if d["id"] != parent_id][0]
        self.assertEqual(child["tags"]["runlog.parent"], parent_id)
        self.assertEqual(child["status"], "finished")
        self.assertIn("c", child["metrics"])
