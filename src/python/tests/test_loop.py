"""The everyday loop with real processes: what a client-only run records and prints, output metric rules, the
capture of the user's command, and `python -m runlog ls`."""

import os
import re
import sys

from .helpers import TempDirTest, clean_env, only_run, read_doc, read_points, run_python, write

START_LINE = re.compile(r"^runlog: recording run (\S+) \((\d{8}-\d{6}-\d{3}-[0-9a-f]{8})\) in (.+) \u2014 "
                        r"view it in VS Code's Runlog panel or with: runlog show \2$")


class ClientOnlyRunTest(TempDirTest):
    def test_records_output_and_prints_one_line(self):
        script = write(os.path.join(self.tmp, "train.py"),
                       "import os, subprocess, sys, runlog\n"
                       "run = runlog.start_run(params={'lr': 0.3})\n"
                       "print('epoch 1 loss=0.5', flush=True)\n"
                       "os.write(2, b'raw stderr\\n')\n"
                       "subprocess.run([sys.executable, '-c', 'print(\"from a child\")'])\n"
                       "run.end()\n"
                       "print('after the end')\n")
        p = run_python([script, "--lr", "0.3"], cwd=self.tmp, env=clean_env(RUNLOG_STORE=self.store))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.decode(), "epoch 1 loss=0.5\nfrom a child\nafter the end\n")  # the terminal too
        err = p.stderr.decode().splitlines()
        self.assertEqual(len(err), 2, err)  # the start line, and the script's own stderr
        m = START_LINE.match(err[0])
        self.assertTrue(m, err[0])
        run_dir = only_run(self, self.store)
        self.assertEqual(m.group(2), os.path.basename(run_dir))
        self.assertEqual(m.group(3), self.store)
        with open(os.path.join(run_dir, "output.log"), "rb") as f:
            log = f.read().decode()
        for text in ("epoch 1 loss=0.5", "raw stderr", "from a child"):
            self.assertIn(text, log)
        self.assertNotIn("after the end", log)
        self.assertNotIn("runlog: recording", log)
        self.assertEqual(read_points(run_dir), [])  # a client-only run takes metrics from the API only
        cap = read_doc(run_dir)["capture"]
        self.assertEqual(cap["command"], [sys.executable, script, "--lr", "0.3"])
        self.assertEqual(cap["args"], ["--lr", "0.3"])
        self.assertNotIn("script", cap)  # only runs launched through `python -m runlog run` name their script

    def test_no_start_line_when_the_editor_launched_it(self):
        p = run_python(["-c", "import runlog\nrunlog.log_metric('a', 1)\n"], cwd=self.tmp,
                       env=clean_env(RUNLOG_STORE=self.store, RUNLOG_RUN_ID="20260101-000000-000-00000abc"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr, b"")

    def test_output_recording_can_be_turned_off(self):
        p = run_python(["-c", "import runlog\nrunlog.start_run()\nprint('hi')\n"], cwd=self.tmp,
                       env=clean_env(RUNLOG_STORE=self.store, RUNLOG_CAPTURE_OUTPUT="0"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertFalse(os.path.exists(os.path.join(only_run(self, self.store), "output.log")))


class OutputMetricsTest(TempDirTest):
    def test_case_insensitive_keys_and_summary_line(self):
        script = write(os.path.join(self.tmp, "loop.py"),
                       "for epoch in range(3):\n"
                       "    print('epoch %d loss=%.2f Acc: 0.%d' % (epoch, 1 - epoch / 10, epoch + 5))\n"
                       "    print('epoch %d Loss=%.2f' % (epoch, 2.0))\n"  # same key, other spelling: same metric
                       "print('final loss: 0.70')\n"  # a summary after the loop: not a point at a new step
                       "print('lr: 0.1')\n"  # a key never seen with a step marker: counted as before
                       "print('lr: 0.2')\n")
        p = run_python(["-m", "runlog", "run", script], cwd=self.tmp, env=clean_env(RUNLOG_STORE=self.store))
        self.assertEqual(p.returncode, 0, p.stderr)
        run_dir = only_run(self, self.store)
        points = [(pt["key"], pt["step"], pt["value"]) for pt in read_points(run_dir)]
        self.assertEqual([pt for pt in points if pt[0] == "loss"],
                         [("loss", 0, 1.0), ("loss", 0, 2.0), ("loss", 1, 0.9), ("loss", 1, 2.0), ("loss", 2, 0.8),
                          ("loss", 2, 2.0)])
        self.assertEqual([pt for pt in points if pt[0] == "Acc"], [("Acc", 0, 0.5), ("Acc", 1, 0.6), ("Acc", 2, 0.7)])
        self.assertEqual([pt for pt in points if pt[0] == "lr"], [("lr", 0, 0.1), ("lr", 1, 0.2)])
        doc = read_doc(run_dir)
        self.assertEqual(sorted(doc["metrics"]), ["Acc", "loss", "lr"])
        self.assertEqual(doc["metrics"]["loss"]["count"], 6)
        with open(os.path.join(run_dir, "output.log")) as f:
            self.assertIn("final loss: 0.70", f.read())  # the summary line stays in the output


class CliHintTest(TempDirTest):
    def test_python_m_runlog_ls_says_how_to_reach_the_cli(self):
        for command in (["ls"], ["show", "abc"], ["export", "abc", "--format", "csv"]):
            p = run_python(["-m", "runlog"] + command, cwd=self.tmp, env=clean_env(RUNLOG_STORE=self.store))
            self.assertEqual(p.returncode, 2)
            err = p.stderr.decode()
            self.assertNotIn("unknown command", err)
            self.assertIn("is a command of the runlog command line, not of the Python client", err)
            self.assertIn('"Runlog: Install Command Line"', err)
            self.assertIn("npx runlog " + " ".join(command), err)
            self.assertIn(self.store, err)
