"""`python -m runlog run`: capture, params from argv, output tee and output metrics, exit codes, store discovery."""

import json
import os
import signal
import subprocess
import sys
import unittest

from .helpers import (TempDirTest, ancestors_have_store, clean_env, default_sigint, only_run, read_doc, read_points,
                      run_dirs, run_python, wait_for, write)

POSIX = os.name == "posix"

TRAIN = """\
import os, subprocess, sys
print("first arg", sys.argv[1], len(sys.argv))
print("epoch 3 loss=0.21 acc=0.93")
print("epoch 4 loss=0.19 acc=nan")
print("val: score=7")
sys.stdout.flush()
os.write(1, b"raw fd write\\n")
os.write(2, b"raw stderr write\\n")
subprocess.run([sys.executable, "-c", "print('from a child process')"], check=True)
name = input("name? ")
print("hello", name)
print("path0", sys.path[0] == os.path.dirname(os.path.abspath(__file__)))
"""


def read_bytes(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return b""


def git(cwd, *args):
    subprocess.run(["git"] + list(args), cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid",
                            GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid"))


def git_out(cwd, *args):
    return subprocess.run(["git"] + list(args), cwd=cwd, check=True, stdout=subprocess.PIPE).stdout.decode().strip()


class WrapperTest(TempDirTest):
    def wrap(self, args, cwd=None, input=None, **env):
        env.setdefault("RUNLOG_STORE", self.store)
        return run_python(["-m", "runlog", "run"] + list(args), cwd=cwd or self.tmp, input=input,
                          env=clean_env(**env))

    def test_capture_params_output_and_metrics(self):
        script = write(os.path.join(self.tmp, "train.py"), TRAIN)
        p = self.wrap(["--name", "my-run", script, "data.csv", "--lr", "0.1", "--epochs=5", "--verbose",
                       "--opt", "adam", "-n", "-3"], input=b"Alice\n")
        self.assertEqual(p.returncode, 0, p.stderr)
        out = p.stdout.decode()
        # the terminal still gets everything, live tee included
        for text in ("epoch 3 loss=0.21", "raw fd write", "from a child process", "name? hello Alice",
                     "path0 True"):
            self.assertIn(text, out)
        self.assertIn("raw stderr write", p.stderr.decode())
        self.assertRegex(p.stderr.decode(), r"runlog: recording run my-run \(\d{8}-\d{6}-\d{3}-[0-9a-f]{8}\) in ")
        run_dir = only_run(self, self.store)
        with open(os.path.join(run_dir, "output.log"), "rb") as f:
            log = f.read().decode()
        for text in ("first arg data.csv 10", "epoch 3 loss=0.21 acc=0.93", "raw fd write",
                     "raw stderr write", "from a child process", "hello Alice"):
            self.assertIn(text, log)
        self.assertNotIn("runlog: recording", log)
        doc = read_doc(run_dir)
        self.assertEqual(doc["name"], "my-run")
        self.assertEqual(doc["experiment"], "train")
        self.assertEqual(doc["status"], "finished")
        self.assertEqual(doc["params"], {"lr": 0.1, "epochs": 5, "verbose": True, "opt": "adam", "n": -3})
        cap = doc["capture"]
        self.assertEqual(cap["source"], "script")
        self.assertEqual(cap["exitCode"], 0)
        self.assertGreater(cap["durationSec"], 0)
        # the user's command, not the wrapper's: what a re-run types
        args = ["data.csv", "--lr", "0.1", "--epochs=5", "--verbose", "--opt", "adam", "-n", "-3"]
        self.assertEqual(cap["command"], [sys.executable, script] + args)
        self.assertEqual(cap["script"], script)
        self.assertEqual(cap["args"], args)
        self.assertRegex(cap["processStart"], r"^[0-9a-f-]{36}:\d+$")
        self.assertEqual(cap["cwd"], self.tmp)
        self.assertEqual(cap["python"]["executable"], sys.executable)
        self.assertTrue(cap["packages"] == sorted(cap["packages"], key=str.lower))
        self.assertTrue(all("==" in pkg for pkg in cap["packages"]))
        self.assertIsNone(cap["git"])  # a temp folder is no git repository
        points = read_points(run_dir)
        got = sorted((pt["key"], pt["step"], pt["value"]) for pt in points)
        self.assertEqual(got, sorted([("loss", 3, 0.21), ("acc", 3, 0.93), ("loss", 4, 0.19), ("acc", 4, "NaN"),
                                      ("score", 0, 7)]))
        self.assertEqual(doc["metrics"]["acc"]["last"], "NaN")
        self.assertEqual(doc["metrics"]["acc"]["max"], 0.93)

    def test_output_pattern_off_and_custom(self):
        script = write(os.path.join(self.tmp, "p.py"), "print('epoch 1 loss=0.5')\nprint('score 42 and score 43')\n")
        p = self.wrap([script], RUNLOG_OUTPUT_PATTERN="")
        self.assertEqual(p.returncode, 0, p.stderr)
        run_dir = only_run(self, self.store)
        self.assertEqual(read_points(run_dir), [])
        with open(os.path.join(run_dir, "output.log")) as f:
            self.assertIn("epoch 1 loss=0.5", f.read())
        store2 = os.path.join(self.tmp, "store2")
        p = self.wrap([script], RUNLOG_STORE=store2, RUNLOG_OUTPUT_PATTERN=r"(score)\s+(\d+)")
        self.assertEqual(p.returncode, 0, p.stderr)
        pts = read_points(only_run(self, store2))
        self.assertEqual([(pt["key"], pt["value"], pt["step"]) for pt in pts], [("score", 42, 0), ("score", 43, 1)])
        store3 = os.path.join(self.tmp, "store3")
        p = self.wrap([script], RUNLOG_STORE=store3, RUNLOG_OUTPUT_PATTERN="(unclosed")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(b"RUNLOG_OUTPUT_PATTERN", p.stderr)

    def test_code_logged_keys_are_not_taken_from_output_twice(self):
        script = write(os.path.join(self.tmp, "both.py"), (
            "import runlog\n"
            "run = runlog.start_run(name='ignored', params={'inner': 1}, tags={'k': 'v'})\n"
            "for e in range(3):\n"
            "    runlog.log_metric('loss', 1.0 / (e + 1), step=e)\n"
            "    print(f'epoch {e} loss={1.0 / (e + 1):.4f} lr=0.01', flush=True)\n"
            "runlog.end_run()\n"
            "print('id', run.id)\n"
        ))
        p = self.wrap(["--name", "outer", script], RUNLOG_RUN_ID="20260101-000000-000-abcdef01")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(b"id 20260101-000000-000-abcdef01", p.stdout)  # start_run() attached to the launched run
        run_dir = only_run(self, self.store)
        self.assertEqual(os.path.basename(run_dir), "20260101-000000-000-abcdef01")
        doc = read_doc(run_dir)
        self.assertEqual(doc["name"], "outer")  # --name wins over the code's name
        self.assertEqual(doc["params"], {"inner": 1})
        self.assertEqual(doc["tags"], {"k": "v"})
        self.assertEqual(doc["status"], "finished")  # end_run() in the script did not end the launched run early
        loss = [pt["value"] for pt in read_points(run_dir) if pt["key"] == "loss"]
        self.assertEqual(loss, [1.0, 0.5, 1.0 / 3])  # not also 0.5000 etc. from the printed lines
        self.assertEqual(doc["metrics"]["lr"]["count"], 3)

    def test_git_capture(self):
        repo = os.path.join(self.tmp, "repo")
        os.makedirs(repo)
        git(repo, "init", "-q", "-b", "main")
        write(os.path.join(repo, "train.py"), "print('ok')\n")
        write(os.path.join(repo, "lib.py"), "X = 1\n")
        git(repo, "add", ".")
        git(repo, "commit", "-q", "-m", "init")
        git(repo, "remote", "add", "origin", "https://user:s3cret@example.invalid/team/repo.git")
        commit = git_out(repo, "rev-parse", "HEAD")
        # clean repository: the store created inside it does not make it dirty (.runlog/.gitignore has *)
        p = self.wrap(["train.py"], cwd=repo, RUNLOG_STORE=None)
        self.assertEqual(p.returncode, 0, p.stderr)
        store = os.path.join(repo, ".runlog")
        with open(os.path.join(store, ".gitignore")) as f:
            self.assertEqual(f.read().strip(), "*")
        g = read_doc(only_run(self, store))["capture"]["git"]
        self.assertEqual(g["commit"], commit)
        self.assertEqual(g["branch"], "main")
        self.assertFalse(g["dirty"])
        self.assertIsNone(g["diffFile"])
        self.assertEqual(g["remote"], "https://example.invalid/team/repo.git")  # credentials stripped
        self.assertEqual(git_out(repo, "status", "--porcelain"), "")
        # dirty: a working-tree change, a staged change and an untracked file
        write(os.path.join(repo, "train.py"), "print('changed')\n")
        write(os.path.join(repo, "lib.py"), "X = 2\n")
        git(repo, "add", "lib.py")
        write(os.path.join(repo, "notes.txt"), "new\n")
        for d in run_dirs(store):
            import shutil

            shutil.rmtree(d)
        p = self.wrap(["train.py"], cwd=repo, RUNLOG_STORE=None)
        self.assertEqual(p.returncode, 0, p.stderr)
        run_dir = only_run(self, store)
        g = read_doc(run_dir)["capture"]["git"]
        self.assertTrue(g["dirty"])
        self.assertEqual(g["diffFile"], "git.diff")
        self.assertEqual(g["untracked"], ["notes.txt"])
        with open(os.path.join(run_dir, "git.diff")) as f:
            diff = f.read()
        self.assertIn("+print('changed')", diff)
        self.assertIn("+X = 2", diff)  # staged changes too
        # the diff applies to the commit
        git(repo, "stash", "-q")
        git(repo, "apply", os.path.join(run_dir, "git.diff"))
        self.assertEqual(git_out(repo, "diff", "HEAD", "--stat").count("|"), 2)

    def test_script_not_found_creates_nothing(self):
        p = self.wrap(["missing.py"])
        self.assertEqual(p.returncode, 2)
        self.assertIn(b"missing.py", p.stderr)
        self.assertFalse(os.path.exists(self.store))
        p = self.wrap([])
        self.assertEqual(p.returncode, 2)
        p = self.wrap(["-m", "no_such_module_xyz"])
        self.assertEqual(p.returncode, 2)
        self.assertFalse(os.path.exists(self.store))

    def test_exception_exit_codes(self):
        script = write(os.path.join(self.tmp, "boom.py"), "def go():\n    raise RuntimeError('kaput')\ngo()\n")
        p = self.wrap([script])
        self.assertEqual(p.returncode, 1)
        err = p.stderr.decode()
        self.assertIn("RuntimeError: kaput", err)
        self.assertIn('boom.py", line 3', err)
        self.assertNotIn("runpy", err)
        self.assertNotIn("_cli.py", err)
        doc = read_doc(only_run(self, self.store))
        self.assertEqual((doc["status"], doc["capture"]["exitCode"]), ("failed", 1))
        self.assertEqual(doc["error"]["type"], "RuntimeError")
        self.assertIn("in go", doc["error"]["traceback"])
        self.assertNotIn("runpy", doc["error"]["traceback"])
        for i, (code, expect, status) in enumerate((("sys.exit(3)", 3, "failed"), ("sys.exit('bye')", 1, "failed"),
                                                    ("sys.exit()", 0, "finished"), ("sys.exit(0)", 0, "finished"))):
            store = os.path.join(self.tmp, "s-%d" % i)
            script = write(os.path.join(self.tmp, "ex.py"), "import sys\n%s\n" % code)
            p = self.wrap([script], RUNLOG_STORE=store)
            self.assertEqual(p.returncode, expect, code)
            doc = read_doc(only_run(self, store))
            self.assertEqual((doc["status"], doc["capture"]["exitCode"]), (status, expect), code)
        self.assertIn(b"bye", self.wrap([write(os.path.join(self.tmp, "bye.py"), "import sys\nsys.exit('bye')\n")],
                                        RUNLOG_STORE=os.path.join(self.tmp, "s-bye")).stderr)

    def test_module_mode(self):
        write(os.path.join(self.tmp, "pkg", "__init__.py"), "")
        write(os.path.join(self.tmp, "pkg", "job.py"), "import sys\nprint('job', sys.argv[1:], __name__)\n")
        p = self.wrap(["-m", "pkg.job", "--k", "2"])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(b"job ['--k', '2'] __main__", p.stdout)
        doc = read_doc(only_run(self, self.store))
        self.assertEqual(doc["experiment"], "job")
        self.assertEqual(doc["params"], {"k": 2})

    def test_env_from_editor_and_children(self):
        script = write(os.path.join(self.tmp, "kids.py"), (
            "import os, subprocess, sys\n"
            "print('parent env', os.environ.get('RUNLOG_PARENT_RUN'), os.environ.get('RUNLOG_RUN_ID'))\n"
            "subprocess.run([sys.executable, '-c', 'import runlog; runlog.log_metric(\"child\", 1)'], check=True)\n"
        ))
        rid = "20260102-030405-006-0000beef"
        p = self.wrap([script], RUNLOG_RUN_ID=rid, RUNLOG_RUN_NAME="editor-name", RUNLOG_EXPERIMENT="editor-exp",
                      RUNLOG_SOURCE="debug")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(("parent env %s None" % rid).encode(), p.stdout)
        docs = {os.path.basename(d): read_doc(d) for d in run_dirs(self.store)}
        self.assertEqual(len(docs), 2)
        main = docs.pop(rid)
        self.assertEqual((main["name"], main["experiment"], main["capture"]["source"]),
                         ("editor-name", "editor-exp", "debug"))
        child = list(docs.values())[0]
        self.assertEqual(child["tags"]["runlog.parent"], rid)
        self.assertNotEqual(child["name"], "editor-name")
        self.assertEqual(child["experiment"], "editor-exp")
        self.assertEqual(child["capture"]["source"], "client")

    @unittest.skipUnless(POSIX, "signals")
    def test_live_output_then_signals(self):
        script = write(os.path.join(self.tmp, "slow.py"), (
            "import time\n"
            "print('epoch 1 loss=0.5', flush=True)\n"
            "time.sleep(30)\n"
        ))
        for sig, code in ((signal.SIGTERM, 143), (signal.SIGINT, 130)):
            store = os.path.join(self.tmp, "store-%d" % code)
            p = subprocess.Popen([sys.executable, "-m", "runlog", "run", script], cwd=self.tmp,
                                 env=clean_env(RUNLOG_STORE=store), stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=default_sigint)
            try:
                self.assertEqual(p.stdout.readline(), b"epoch 1 loss=0.5\n")
                run_dir = only_run(self, store)
                log = os.path.join(run_dir, "output.log")
                self.assertTrue(wait_for(lambda: b"loss=0.5" in read_bytes(log), 2))
                self.assertTrue(wait_for(lambda: read_points(run_dir), 1.0), "output metric not flushed live")
                self.assertEqual(read_doc(run_dir)["status"], "running")
                p.send_signal(sig)
                self.assertEqual(p.wait(60), code)
            finally:
                if p.poll() is None:
                    p.kill()
                p.communicate()
            doc = read_doc(run_dir)
            self.assertEqual((doc["status"], doc["capture"]["exitCode"]), ("interrupted", code))
            self.assertEqual(read_points(run_dir)[0]["key"], "loss")


class StoreDiscoveryTest(TempDirTest):
    CODE = "import runlog\nrunlog.log_metric('a', 1)\nprint(runlog.active_run().store)\n"

    def test_env_store(self):
        p = run_python(["-c", self.CODE], cwd=self.tmp, env=clean_env(RUNLOG_STORE=self.store))
        self.assertEqual(p.stdout.decode().strip(), self.store)
        self.assertEqual(len(run_dirs(self.store)), 1)
        self.assertTrue(os.path.isfile(os.path.join(self.store, ".gitignore")))

    def test_nearest_store_above_and_created_store(self):
        if ancestors_have_store(self.tmp):
            self.skipTest("a .runlog folder exists above the temp folder")
        os.makedirs(os.path.join(self.tmp, ".runlog"))  # existing store: no .gitignore added
        deep = os.path.join(self.tmp, "a", "b")
        os.makedirs(deep)
        p = run_python(["-c", self.CODE], cwd=deep)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.decode().strip(), os.path.join(self.tmp, ".runlog"))
        self.assertFalse(os.path.exists(os.path.join(self.tmp, ".runlog", ".gitignore")))
        self.assertEqual(len(run_dirs(os.path.join(self.tmp, ".runlog"))), 1)
        other = os.path.join(self.tmp, "..", os.path.basename(self.tmp) + "-other")
        other = os.path.realpath(other)
        os.makedirs(other)
        self.addCleanup(__import__("shutil").rmtree, other, True)
        p = run_python(["-c", self.CODE], cwd=other)
        self.assertEqual(p.stdout.decode().strip(), os.path.join(other, ".runlog"))
        with open(os.path.join(other, ".runlog", ".gitignore")) as f:
            self.assertEqual(f.read(), "*\n")
        self.assertTrue(os.path.isdir(os.path.join(other, ".runlog", "runs")))
        doc = read_doc(run_dirs(os.path.join(other, ".runlog"))[0])
        self.assertEqual(json.dumps(doc["capture"]["cwd"]), json.dumps(other))
