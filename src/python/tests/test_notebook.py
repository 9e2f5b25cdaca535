"""Logging from a VS Code notebook kernel: attaching to the run the editor announces, or a run of its own."""

import hashlib
import json
import os
import socket
import sys

from .helpers import TempDirTest, read_doc, read_points, run_dirs, runlog, write
from runlog import _notebook

RUN_ID = "20261122-060000-000-0123abcd"


class NotebookAttachTest(TempDirTest):
    def setUp(self):
        super().setUp()
        saved = dict(os.environ)
        main = sys.modules["__main__"]

        def restore():
            if runlog.active_run() is not None:
                runlog.active_run()._finish("finished")
            os.environ.clear()
            os.environ.update(saved)
            if hasattr(main, "__vsc_ipynb_file__"):
                del main.__vsc_ipynb_file__

        self.addCleanup(restore)
        for k in list(os.environ):
            if k.startswith("RUNLOG_"):
                del os.environ[k]
        # A workspace with its store and a notebook in a sub-folder; the kernel runs in the notebook's folder.
        self.workspace = os.path.join(self.tmp, "ws")
        self.store = os.path.join(self.workspace, ".runlog")
        os.makedirs(os.path.join(self.store, "runs"))
        self.notebook = os.path.join(self.workspace, "nb", "train.ipynb")
        write(self.notebook, "{}")
        main.__vsc_ipynb_file__ = self.notebook
        cwd = os.getcwd()
        os.chdir(os.path.dirname(self.notebook))
        self.addCleanup(os.chdir, cwd)

    def editor_run(self, run_id=RUN_ID, editor_pid=None, status="running"):
        """What the editor writes: the notebook's run document and the pointer to it."""
        doc = {
            "schema": 1, "id": run_id, "name": "train.ipynb 06:00:00", "experiment": "train", "status": status,
            "startTime": "2026-11-22T06:00:00.000Z", "endTime": None, "heartbeatAt": "2026-11-22T06:00:00.000Z",
            "params": {}, "tags": {}, "metrics": {}, "datasets": [], "artifacts": [], "error": None,
            "capture": {"source": "notebook", "notebook": "nb/train.ipynb", "kernel": {"label": "Python 3"}},
        }
        write(os.path.join(self.store, "runs", run_id, "run.json"), json.dumps(doc))
        self.point_to(run_id, editor_pid)
        return os.path.join(self.store, "runs", run_id)

    def point_to(self, run_id, editor_pid=None):
        key = hashlib.sha256(self.notebook.encode("utf-8")).hexdigest()[:16]
        pointer = {"notebook": self.notebook, "runId": run_id, "host": socket.gethostname(),
                   "editorPid": editor_pid or os.getpid(), "at": "2026-11-22T06:00:00.000Z"}
        write(os.path.join(self.store, "notebooks", key + ".json"), json.dumps(pointer))

    def test_logs_into_the_notebook_run_the_editor_announces(self):
        run_dir = self.editor_run()
        runlog.log_param("lr", 0.3)
        for step in range(3):
            runlog.log_metric("loss", 1.0 / (step + 1))
        run = runlog.active_run()
        self.assertEqual(run.id, RUN_ID)
        runlog.flush()
        doc = read_doc(run_dir)
        self.assertEqual(doc["params"], {"lr": 0.3})
        self.assertEqual(doc["metrics"]["loss"]["count"], 3)
        self.assertEqual([p["step"] for p in read_points(run_dir)], [0, 1, 2])
        # what the editor owns is left alone; the kernel names itself
        self.assertEqual(doc["name"], "train.ipynb 06:00:00")
        self.assertEqual(doc["status"], "running")
        self.assertEqual(doc["capture"]["source"], "notebook")
        self.assertEqual(doc["capture"]["kernel"]["label"], "Python 3")
        self.assertEqual(doc["capture"]["kernel"]["pid"], os.getpid())
        self.assertEqual(doc["capture"]["kernel"]["python"]["executable"], sys.executable)
        self.assertNotIn("pid", doc["capture"])
        self.assertEqual(run_dirs(self.store), [run_dir])

    def test_ending_in_the_kernel_only_detaches(self):
        run_dir = self.editor_run()
        with runlog.start_run(params={"epochs": 2}) as run:
            run.log_metric("acc", 0.9)
        doc = read_doc(run_dir)
        self.assertEqual(doc["status"], "running", "the editor ends a notebook run, not the kernel")
        self.assertIsNone(doc["endTime"])
        self.assertEqual(doc["params"], {"epochs": 2})
        self.assertEqual(doc["metrics"]["acc"]["last"], 0.9)

    def test_follows_the_next_run_once_the_editor_ended_this_one(self):
        first = self.editor_run()
        runlog.log_param("a", 1)
        runlog.flush()
        doc = read_doc(first)
        doc["status"] = "finished"
        write(os.path.join(first, "run.json"), json.dumps(doc))
        second = self.editor_run("20261122-060100-000-0123abcd")
        runlog.log_param("b", 2)  # written, then the run is seen ended: detached
        runlog.flush()
        self.assertIsNone(runlog.active_run())
        runlog.log_param("c", 3)
        runlog.flush()
        self.assertEqual(runlog.active_run().id, "20261122-060100-000-0123abcd")
        self.assertEqual(read_doc(second)["params"], {"c": 3})

    def test_without_the_editor_makes_its_own_run_named_after_the_notebook(self):
        runlog.log_metric("loss", 0.5)
        run = runlog.active_run()
        self.assertNotEqual(run.id, RUN_ID)
        self.assertEqual(run.experiment, "train")
        self.assertEqual(read_doc(run.dir)["capture"]["source"], "client")

    def test_ignores_a_pointer_left_by_an_editor_that_is_gone(self):
        self.editor_run(editor_pid=2**22 + 12345)  # no such process
        runlog.log_metric("loss", 0.5)
        self.assertNotEqual(runlog.active_run().id, RUN_ID)

    def test_waits_briefly_for_the_run_the_pointer_announces_then_gives_up(self):
        self.point_to(RUN_ID)  # announced, never created
        self.assertIsNone(_notebook.find_run(self.notebook, wait=0.1))
        self.editor_run()
        self.assertEqual(_notebook.find_run(self.notebook, wait=0.1), (self.store, RUN_ID))

    def test_a_run_claimed_by_another_kernel_process_is_not_this_one(self):
        run_dir = self.editor_run()
        doc = read_doc(run_dir)
        doc["capture"]["kernel"]["pid"] = os.getpid() + 1
        doc["capture"]["kernel"]["host"] = socket.gethostname()
        write(os.path.join(run_dir, "run.json"), json.dumps(doc))
        self.assertIsNone(_notebook.find_run(self.notebook, wait=0.05))
