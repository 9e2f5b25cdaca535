"""Fault injection with real processes: kill -9 at any moment and logging rate, 100 concurrent writers, threads
logging while the run ends, locks of dead owners, a full disk, a read-only store, a stalled writer taken for crashed,
text that is not UTF-8, BOMs. Each test asserts exactly what is kept.

Figures (points lost per kill, ...) are written to RUNLOG_FAULTS_REPORT when that variable names a file.
"""

import base64
import json
import mmap
import os
import random
import signal
import struct
import subprocess
import sys
import time
import unittest

from .faults import IS_ROOT, read_only_store, report, small_tmpfs, spawn, whole_lines
from .helpers import TempDirTest, clean_env, only_run, read_doc, run_dirs, run_python, wait_for, write
from runlog import _lock, _util
from runlog._points import MAX_BACKLOG

POSIX = os.name == "posix"

# The writer of the kill tests: logs point i with step i at `rate` points/s (0: as fast as it can) and publishes
# how many it has logged in a shared 8-byte counter after every batch (so the test knows what was logged).
KILL_WRITER = r"""
import mmap, os, struct, sys, time, runlog
rate, batch = float(sys.argv[1]), int(sys.argv[2])
fd = os.open(sys.argv[3], os.O_RDWR)
counter = mmap.mmap(fd, 8)
run = runlog.start_run(name="kill")
log, pack, perf = runlog.log_metric, struct.pack_into, time.perf_counter
i, t0 = 0, perf()
while True:
    for _ in range(batch):
        log("x", i, step=i)
        i += 1
    pack("q", counter, 0, i)
    if rate:
        wait = t0 + i / rate - perf()
        if wait > 0:
            time.sleep(wait)
"""


@unittest.skipUnless(POSIX, "signals, fork, /proc")
class KillTest(TempDirTest):
    def kill_while_logging(self, rate, batch, warm):
        counter_path = os.path.join(self.tmp, "counter-%s" % rate)
        with open(counter_path, "wb") as f:
            f.write(b"\0" * 8)
        with open(counter_path, "r+b") as f:
            counter = mmap.mmap(f.fileno(), 8)
        store = os.path.join(self.tmp, "store-%s-%d" % (rate, random.getrandbits(32)))
        p = spawn(KILL_WRITER, self.tmp, [str(rate), str(batch), counter_path], RUNLOG_STORE=store,
                  RUNLOG_CAPTURE_OUTPUT="0")
        self.addCleanup(lambda: (p.poll() is None and p.kill(), p.communicate()))
        logged = lambda: struct.unpack_from("q", counter, 0)[0]  # noqa: E731
        self.assertTrue(wait_for(lambda: logged() >= warm or p.poll() is not None, timeout=30), "writer too slow")
        if p.poll() is not None:
            self.fail("the writer ended: %s" % p.stderr.read().decode())
        # the kill lands at a random moment (that is what is tested), at least 1 s after the warm-up; the counter is
        # sampled meanwhile, to know how many points were logged in the last second before the kill
        history = []
        kill_at = time.monotonic() + random.uniform(1.0, 1.5)
        while time.monotonic() < kill_at:
            history.append((time.monotonic(), logged()))
            time.sleep(0.005)
        p.kill()
        killed = time.monotonic()
        p.wait(60)
        after = logged()  # the writer may have finished a batch between the last sample and the kill
        second_before = max(n for t, n in history if t <= killed - 1.0) if history[0][0] <= killed - 1.0 else 0
        last_second = after + batch - second_before
        run_dir = only_run(self, store)
        points = whole_lines(self, os.path.join(run_dir, "metrics.jsonl"))
        kept = len(points)
        self.assertEqual([pt["step"] for pt in points], list(range(kept)), "a gap or a duplicate")
        self.assertEqual([pt["value"] for pt in points], list(range(kept)))
        self.assertLessEqual(kept, after + batch)
        lost = after + batch - kept  # at most this many points were logged and not written
        doc = read_doc(run_dir)  # parses; still says running (a reader will mark it crashed)
        self.assertEqual(doc["status"], "running")
        # a kill between writing run.json's temporary and renaming it leaves that one file (the extension removes it
        # when it records the crash, test/unit/store/runStore.test.ts); never another process's, never a second one
        leftovers = [n for n in os.listdir(run_dir) if n.endswith(".tmp")]
        self.assertLessEqual(len(leftovers), 1, leftovers)
        for name in leftovers:
            self.assertRegex(name, r"^run\.json(\.lock)?\.%d\.[0-9a-f]+\.tmp$" % p.pid)
        # the promise: at most the points of the last second, and never more than the bounded buffer holds
        self.assertLessEqual(lost, 2 * MAX_BACKLOG + batch)
        self.assertLessEqual(lost, last_second)
        report("kill -9", rate=rate or "unbounded", logged_last_second=last_second, kept=kept, lost_at_most=lost,
               lost_fraction_of_last_second=round(lost / last_second, 3))

    def test_kill_9_at_1k_points_per_second(self):
        for _ in range(2):
            self.kill_while_logging(1000, 1, warm=200)

    def test_kill_9_at_100k_points_per_second(self):
        for _ in range(2):
            self.kill_while_logging(100000, 100, warm=30000)

    def test_kill_9_logging_as_fast_as_possible(self):
        for _ in range(2):
            self.kill_while_logging(0, 256, warm=3 * MAX_BACKLOG)

    def test_kill_9_during_constant_rewrites_leaves_no_lock_that_blocks(self):
        """A writer killed while it rewrites run.json may leave run.json.lock: the next writer breaks it at once."""
        code = ("import runlog\nrun = runlog.start_run()\nprint('ready', flush=True)\ni = 0\n"
                "while True:\n    run.set_tag('i', i)\n    run.flush()\n    i += 1\n")
        left = 0
        for k in range(5):
            store = os.path.join(self.tmp, "store-%d" % k)
            p = spawn(code, self.tmp, RUNLOG_STORE=store, RUNLOG_CAPTURE_OUTPUT="0")
            self.assertEqual(p.stdout.readline(), b"ready\n", p.stderr.read1(4000) if p.poll() is not None else b"")
            time.sleep(random.uniform(0.01, 0.2))
            p.kill()
            p.communicate()
            run_dir = only_run(self, store)
            lock = os.path.join(run_dir, "run.json.lock")
            left += os.path.exists(lock)
            # timeout=0: no waiting for the 10 s staleness; only breaking a dead owner's lock can succeed
            self.assertTrue(_lock.acquire_lock(lock, timeout=0))
            _lock.release_lock(lock)
            self.assertEqual(read_doc(run_dir)["status"], "running")
        report("kill -9 during rewrites", kills=5, locks_left=left)


class LockTest(TempDirTest):
    def lock_file(self, owner):
        os.makedirs(self.tmp, exist_ok=True)
        lock = os.path.join(self.tmp, "run.json.lock")
        write(lock, json.dumps(owner))
        return lock

    def dead_pid(self):
        p = subprocess.Popen([sys.executable, "-c", "pass"])
        p.wait()
        return p.pid

    def test_lock_of_a_dead_owner_is_broken_at_once(self):
        lock = self.lock_file({"pid": self.dead_pid(), "host": _util.HOST, "at": _util.iso_utc()})
        self.assertTrue(_lock.acquire_lock(lock, timeout=0))
        with open(lock) as f:
            self.assertEqual(json.load(f)["pid"], os.getpid())  # ours now, with our identity
        _lock.release_lock(lock)

    def test_lock_of_a_reused_pid_is_broken_at_once(self):
        # the pid is alive (this process) but it is not the process that took the lock: processStart differs
        lock = self.lock_file({"pid": os.getpid(), "host": _util.HOST, "processStart": "other-boot:1"})
        if _lock.process_start() is None:  # no /proc: identity unknown, the lock is respected until stale
            self.assertFalse(_lock.acquire_lock(lock, timeout=0))
        else:
            self.assertTrue(_lock.acquire_lock(lock, timeout=0))

    def test_lock_of_a_live_owner_is_respected_until_stale(self):
        sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        self.addCleanup(lambda: (sleeper.kill(), sleeper.wait()))
        lock = self.lock_file({"pid": sleeper.pid, "host": _util.HOST,
                               "processStart": _lock.process_start(sleeper.pid)})
        self.assertFalse(_lock.acquire_lock(lock, timeout=0))
        lock2 = self.lock_file({"pid": 1, "host": "another-host"})  # same file, another host's owner
        self.assertFalse(_lock.acquire_lock(lock2, timeout=0))
        old = time.time() - _lock.STALE_LOCK_SEC - 1
        os.utime(lock2, (old, old))
        self.assertTrue(_lock.acquire_lock(lock2, timeout=0))

    def test_lock_is_created_whole(self):
        lock = os.path.join(self.tmp, "run.json.lock")
        self.assertTrue(_lock.acquire_lock(lock, timeout=0))
        with open(lock) as f:
            owner = json.load(f)
        self.assertEqual(owner["pid"], os.getpid())
        self.assertEqual(owner["host"], _util.HOST)
        self.assertIn("at", owner)
        if _lock.process_start() is not None:
            self.assertEqual(owner["processStart"], _lock.process_start())
        self.assertEqual(sorted(os.listdir(self.tmp)), ["run.json.lock"])  # no temporary file left


# 100 writer processes forked from one driver (forking is what keeps 100 real processes cheap): each writes its own
# run and edits one shared run.json under the lock while that run's owner (another process) keeps rewriting it.
CONCURRENT_DRIVER = r"""
import json, os, sys, traceback
import runlog
from runlog import _capture, _lock, _util
shared_dir = sys.argv[1]
_capture.packages()  # read once here; the forked writers reuse it
pids = []
for k in range(100):
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            run = runlog.start_run(name="w%d" % k, params={"k": k})
            for i in range(50):
                runlog.log_metric("x", i * 1.0, step=i)
            path = os.path.join(shared_dir, "run.json")
            for e in range(5):
                lock = path + ".lock"
                assert _lock.acquire_lock(lock, timeout=60)
                try:
                    doc = _util.read_json(path)
                    doc["tags"]["w%d_%d" % (k, e)] = "1"
                    _util.replace_file(path, _util.dumps_doc(doc))
                finally:
                    _lock.release_lock(lock)
            run.end()
            code = 0
        except BaseException:
            traceback.print_exc()
        os._exit(code)
    pids.append(pid)
failed = sum(1 for pid in pids if os.waitpid(pid, 0)[1] != 0)
print(json.dumps({"failed": failed}))
"""

@unittest.skipUnless(hasattr(os, "fork"), "fork")
class ConcurrencyTest(TempDirTest):
    def test_100_concurrent_writer_processes(self):
        owner_code = ("import os, sys, time, runlog\nrun = runlog.start_run(name='shared')\n"
                      "print(run.dir, flush=True)\ni = 0\n"
                      "while not os.path.exists(sys.argv[1]):\n"
                      "    run.log_metric('y', i, step=i)\n    run.set_tag('owner', i)\n    i += 1\n"
                      "    if i % 50 == 0:\n        run.flush()\n    time.sleep(0.0005)\n"
                      "run.end()\nprint(i, flush=True)\n")
        stop_file = os.path.join(self.tmp, "stop")
        owner = spawn(owner_code, self.tmp, [stop_file], RUNLOG_STORE=self.store, RUNLOG_CAPTURE_OUTPUT="0")
        self.addCleanup(lambda: (owner.poll() is None and owner.kill(), owner.communicate()))
        shared_dir = owner.stdout.readline().decode().strip()
        self.assertTrue(shared_dir, owner.stderr.read1(4000))
        driver = spawn(CONCURRENT_DRIVER, self.tmp, [shared_dir], RUNLOG_STORE=self.store,
                       RUNLOG_CAPTURE_OUTPUT="0")
        out, err = driver.communicate(timeout=120)
        self.assertEqual(driver.returncode, 0, err.decode()[-3000:])
        self.assertEqual(json.loads(out)["failed"], 0, err.decode()[-3000:])
        write(stop_file, "")
        out, err = owner.communicate(timeout=30)
        self.assertEqual(owner.returncode, 0, err)
        owner_points = int(out.split()[-1])
        docs = {os.path.basename(d): read_doc(d) for d in run_dirs(self.store)}
        self.assertEqual(len(docs), 101)
        shared = docs[os.path.basename(shared_dir)]
        writers = [d for d in docs.values() if d["name"] != "shared"]
        for doc in writers:
            self.assertEqual(doc["status"], "finished")
            self.assertEqual(doc["metrics"]["x"]["count"], 50)
            self.assertEqual(len(whole_lines(self, os.path.join(self.store, "runs", doc["id"], "metrics.jsonl"))), 50)
        self.assertEqual(sorted(d["params"]["k"] for d in writers), list(range(100)))
        # no edit lost: 500 tags from 100 processes, and the owner's own last tag and points
        edits = {k for k in shared["tags"] if k.startswith("w")}
        self.assertEqual(edits, {"w%d_%d" % (k, e) for k in range(100) for e in range(5)})
        self.assertEqual(shared["tags"]["owner"], str(owner_points - 1))
        self.assertEqual(shared["metrics"]["y"]["count"], owner_points)
        self.assertEqual(shared["status"], "finished")
        leftovers = [n for d in run_dirs(self.store) for n in os.listdir(d) if n.endswith((".tmp", ".lock"))]
        self.assertEqual(leftovers, [])

    def test_threads_logging_while_the_run_ends(self):
        code = r"""
import json, threading, time, runlog
run = runlog.start_run()
accepted = [0] * 8
progress = [0] * 8
def worker(k):
    key, i = "t%d" % k, 0
    try:
        while True:
            run.log_metric(key, i, step=i)
            i += 1
            progress[k] = i
    except RuntimeError:  # "this run has ended"
        pass
    accepted[k] = i
threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
for t in threads:
    t.start()
while min(progress) < 2000:
    time.sleep(0.001)
run.end()
for t in threads:
    t.join()
print(json.dumps(accepted))
"""
        p = run_python(["-c", code], cwd=self.tmp, env=clean_env(RUNLOG_STORE=self.store, RUNLOG_CAPTURE_OUTPUT="0"))
        self.assertEqual(p.returncode, 0, p.stderr)
        accepted = json.loads(p.stdout)
        run_dir = only_run(self, self.store)
        points = whole_lines(self, os.path.join(run_dir, "metrics.jsonl"))
        doc = read_doc(run_dir)
        for k, n in enumerate(accepted):
            steps = [pt["step"] for pt in points if pt["key"] == "t%d" % k]
            self.assertEqual(steps, list(range(n)), "thread %d: every accepted point is written, in order" % k)
            self.assertEqual(doc["metrics"]["t%d" % k]["count"], n)
        self.assertEqual(doc["status"], "finished")


FULL_DISK_WRITER = r"""
import json, os, resource, signal, sys, runlog
limit = int(os.environ.get("TEST_FSIZE_LIMIT", "0"))
if limit:  # no small file system to fill: the kernel's file size limit gives the same short writes and errors
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
filler = os.environ.get("TEST_FILLER")
run = runlog.start_run(name="full")
n = 40000
for i in range(n):
    runlog.log_metric("x", i, step=i)
    if i % 2000 == 0:
        print("progress %d" % i, flush=True)
        runlog.flush()  # must not raise either
if filler:
    os.remove(filler)  # space comes back: the end, and the record of what was dropped, can be written
run.end()
print(json.dumps({"logged": n}))
"""


@unittest.skipUnless(POSIX, "resource limits, tmpfs")
class FullDiskTest(TempDirTest):
    def test_full_disk_writes_whole_lines_warns_and_records_drops(self):
        mnt = small_tmpfs(self, 512 * 1024)
        env = {"RUNLOG_CAPTURE_OUTPUT": "1"}
        if mnt:
            store = os.path.join(mnt, ".runlog")
            filler = os.path.join(mnt, "filler")
            with open(filler, "wb") as f:
                f.write(b"\0" * (300 * 1024))
            env.update(RUNLOG_STORE=store, TEST_FILLER=filler)
            how = "tmpfs"
        else:
            store = self.store
            env.update(RUNLOG_STORE=store, TEST_FSIZE_LIMIT=str(150 * 1024))
            how = "RLIMIT_FSIZE"
        p = run_python(["-c", FULL_DISK_WRITER], cwd=self.tmp, env=clean_env(**env), timeout=120)
        err = p.stderr.decode()
        self.assertEqual(p.returncode, 0, err)
        self.assertNotIn("Traceback", err)
        logged = json.loads(p.stdout.decode().splitlines()[-1])["logged"]
        run_dir = only_run(self, store)
        points = whole_lines(self, os.path.join(run_dir, "metrics.jsonl"))  # never two lines glued together
        steps = [pt["step"] for pt in points]
        self.assertEqual(steps, sorted(set(steps)))
        self.assertTrue(all(pt["value"] == pt["step"] for pt in points))
        doc = read_doc(run_dir)
        self.assertEqual(doc["status"], "finished")
        dropped = doc["dropped"]
        self.assertGreater(dropped["points"], 0)
        self.assertEqual(len(points) + dropped["points"], logged)  # every point is either in the file or counted
        self.assertIn("No space left" if mnt else "too large", dropped["error"])
        self.assertEqual(doc["metrics"]["x"]["count"], logged)  # the summary covers every logged point
        warnings = [line for line in err.splitlines() if line.startswith("runlog: could not write")]
        self.assertGreaterEqual(len(warnings), 1)
        self.assertLessEqual(len(warnings), 6)  # rate-limited, not one per failure
        self.assertRegex(warnings[0], r"could not write \d+ points.*dropped so far: \d+ points")
        leftovers = [n for n in os.listdir(run_dir) if n.endswith(".tmp") or n.endswith(".lock")]
        self.assertEqual(leftovers, [])
        report("full disk", how=how, logged=logged, kept=len(points), dropped=dropped["points"],
               output_bytes_dropped=dropped["outputBytes"], warnings=len(warnings))


@unittest.skipUnless(POSIX, "read-only mounts and permissions")
class ReadOnlyStoreTest(TempDirTest):
    def test_script_runs_unrecorded_with_one_warning(self):
        store, how = read_only_store(self)
        script = write(os.path.join(self.tmp, "train.py"),
                       "import sys, runlog\nrunlog.log_param('lr', 0.1)\n"
                       "with runlog.start_run() as run:\n    run.log_metric('loss', 0.5)\n"
                       "print('trained', sys.argv[1:])\nsys.exit(3)\n")
        p = run_python(["-m", "runlog", "run", script, "--lr", "0.1"], cwd=self.tmp,
                       env=clean_env(RUNLOG_STORE=store))
        self.assertEqual(p.returncode, 3, p.stderr)  # the script's own exit code
        self.assertEqual(p.stdout.decode(), "trained ['--lr', '0.1']\n")
        lines = p.stderr.decode().splitlines()
        self.assertEqual(len(lines), 1, lines)
        self.assertRegex(lines[0], r"^runlog: not recording this run: cannot write to the store .* runs on unrecorded$")
        self.assertIn("train.py", lines[0])
        report("read-only store", how=how)

    def test_client_only_run_in_a_read_only_store(self):
        store, _how = read_only_store(self)
        p = run_python(["-c", "import runlog\nrun = runlog.start_run()\nrunlog.log_metric('a', 1)\n"
                        "runlog.log_metric('a', 2)\nrun.end()\nprint('done', run.id)\n"],
                       cwd=self.tmp, env=clean_env(RUNLOG_STORE=store))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, b"done None\n")
        self.assertEqual(len(p.stderr.decode().splitlines()), 1, p.stderr)


@unittest.skipUnless(POSIX, "signals")
class RevivedWriterTest(TempDirTest):
    def test_stopped_writer_marked_crashed_then_continued_ends_finished(self):
        code = ("import sys, time, runlog\nrun = runlog.start_run()\nprint(run.dir, flush=True)\n"
                "sys.stdin.readline()\nrun.log_metric('a', 1)\nrun.end()\n")
        p = subprocess.Popen([sys.executable, "-c", code], cwd=self.tmp, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=clean_env(RUNLOG_STORE=self.store, RUNLOG_CAPTURE_OUTPUT="0"))
        self.addCleanup(lambda: (p.poll() is None and p.kill(), p.communicate()))
        run_dir = p.stdout.readline().decode().strip()
        path = os.path.join(run_dir, "run.json")
        self.assertTrue(wait_for(lambda: read_doc(run_dir)["capture"].get("packages") is not None, timeout=20))
        p.send_signal(signal.SIGSTOP)
        # a reader marks it crashed, as the editor's markCrashed does (under the lock)
        lock = path + ".lock"
        self.assertTrue(_lock.acquire_lock(lock, timeout=10))
        doc = _util.read_json(path)
        doc.update(status="crashed", endTime=doc["heartbeatAt"],
                   error={"type": "Crashed", "message": "The run's process died without closing the run: test."})
        _util.replace_file(path, _util.dumps_doc(doc))
        _lock.release_lock(lock)
        crashed_end = doc["endTime"]
        time.sleep(0.3)  # stays stopped a while: its duration must still count this time
        p.send_signal(signal.SIGCONT)
        p.stdin.write(b"go\n")
        p.stdin.flush()
        self.assertEqual(p.wait(20), 0, p.stderr.read())
        doc = read_doc(run_dir)
        self.assertEqual(doc["status"], "finished")
        self.assertIsNone(doc["error"])
        self.assertGreater(doc["endTime"], crashed_end)
        start = time.mktime(time.strptime(doc["startTime"][:19], "%Y-%m-%dT%H:%M:%S"))
        end = time.mktime(time.strptime(doc["endTime"][:19], "%Y-%m-%dT%H:%M:%S"))
        self.assertAlmostEqual(doc["capture"]["durationSec"], end - start, delta=1.5)
        self.assertGreaterEqual(doc["capture"]["durationSec"], 0.3)


class TextTest(TempDirTest):
    @unittest.skipUnless(POSIX, "bytes in argv and file names")
    def test_non_utf8_everywhere_never_makes_run_json_unwritable(self):
        raw_name = os.path.join(os.fsencode(self.tmp), b"caf\xe9.csv")
        with open(raw_name, "wb") as f:
            f.write(b"a,b\n")
        script = write(os.path.join(self.tmp, "train.py"),
                       "import os, sys, runlog\n"
                       "path = os.fsdecode(%r)\n"
                       "runlog.log_dataset(path)\n"
                       "runlog.log_artifact(path)\n"
                       "runlog.log_param('where', os.fsdecode(b'/d\\xffata'))\n"
                       "runlog.set_tag('lone', '\\ud800!')\n"
                       "runlog.log_metric(os.fsdecode(b'l\\xe9ss'), 0.5)\n"
                       "os.write(1, b'output \\xe9\\xff loss=0.25\\n')\n"
                       "print(sys.argv[1:])\n" % raw_name)
        p = subprocess.run([sys.executable.encode(), b"-m", b"runlog", b"run", script.encode(), b"--name",
                            b"r\xe9sum\xe9"], cwd=self.tmp, env=clean_env(RUNLOG_STORE=self.store),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        run_dir = only_run(self, self.store)
        with open(os.path.join(run_dir, "run.json"), "rb") as f:
            doc = json.loads(f.read().decode("utf-8"))  # strict UTF-8
        self.assertEqual(doc["status"], "finished")
        self.assertEqual(doc["capture"]["args"], ["--name", "r\ufffdsum\ufffd"])
        self.assertEqual(base64.b64decode(doc["capture"]["argsBytes"][1]), b"r\xe9sum\xe9")
        self.assertEqual(doc["params"], {"name": "r\ufffdsum\ufffd", "where": "/d\ufffdata"})
        self.assertEqual(doc["tags"]["lone"], "\ufffd!")
        ds = doc["datasets"][0]
        self.assertEqual(ds["path"], raw_name.decode("utf-8", "replace"))
        self.assertEqual(base64.b64decode(ds["pathBytes"]), raw_name)  # the raw bytes find the file again
        self.assertTrue(os.path.exists(base64.b64decode(ds["pathBytes"])))
        art = doc["artifacts"][0]
        self.assertEqual(art["path"], "artifacts/caf\ufffd.csv")
        self.assertTrue(os.path.exists(os.path.join(run_dir, "artifacts", "caf\ufffd.csv")))
        self.assertEqual(list(doc["metrics"]), ["l\ufffdss", "loss"])
        with open(os.path.join(run_dir, "output.log"), "rb") as f:
            self.assertIn(b"output \xe9\xff loss=0.25\n", f.read())  # output is kept byte for byte

    def test_bom_in_run_json_keeps_the_editors_edits(self):
        run_id = "20260101-000000-000-0000b0b0"
        run_dir = os.path.join(self.store, "runs", run_id)
        os.makedirs(run_dir)
        placeholder = {"schema": 1, "id": run_id, "name": "from-editor", "status": "running",
                       "tags": {"editor": "kept"}, "custom": {"big": 12345678901234567890}}
        with open(os.path.join(run_dir, "run.json"), "wb") as f:
            f.write(b"\xef\xbb\xbf" + json.dumps(placeholder).encode())
        p = run_python(["-c", "import runlog\nrunlog.log_metric('a', 1)\n"], cwd=self.tmp,
                       env=clean_env(RUNLOG_STORE=self.store, RUNLOG_RUN_ID=run_id))
        self.assertEqual(p.returncode, 0, p.stderr)
        doc = read_doc(run_dir)
        self.assertEqual(doc["tags"]["editor"], "kept")
        self.assertEqual(doc["custom"], {"big": 12345678901234567890})
        self.assertEqual(doc["status"], "finished")
        self.assertEqual(p.stderr, b"")  # launched by the editor (RUNLOG_RUN_ID): no start line
