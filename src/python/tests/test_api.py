"""The public API, in this process: run.json contents, metrics.jsonl lines, values, files."""

import contextlib
import hashlib
import io
import json
import math
import os
import re

from .helpers import TempDirTest, read_doc, read_points, run_dirs, runlog, write

RUN_ID = re.compile(r"^\d{8}-\d{6}-\d{3}-[0-9a-f]{8}$")
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


class Numpyish:
    """Stands in for a numpy/torch scalar: not a float subclass, but has __float__."""

    def __init__(self, v):
        self.v = v

    def __float__(self):
        return float(self.v)


class ApiTest(TempDirTest):
    def setUp(self):
        super().setUp()
        saved = dict(os.environ)

        def restore():
            if runlog.active_run() is not None:
                runlog.active_run()._finish("finished")
            os.environ.clear()
            os.environ.update(saved)

        self.addCleanup(restore)
        for k in list(os.environ):
            if k.startswith("RUNLOG_"):
                del os.environ[k]
        os.environ["RUNLOG_STORE"] = self.store
        # in this process: no fd-level tee of the test runner's own output (tested with real processes in
        # test_loop.py); the start line goes to a buffer that tests can read
        os.environ["RUNLOG_CAPTURE_OUTPUT"] = "0"
        self.stderr = io.StringIO()
        redirect = contextlib.redirect_stderr(self.stderr)
        redirect.__enter__()
        self.addCleanup(redirect.__exit__, None, None, None)

    def test_run_document_and_points(self):
        with runlog.start_run(name="first", experiment="exp", params={"lr": 0.1, "layers": 3},
                              tags={"team": "a"}) as run:
            self.assertIs(runlog.active_run(), run)
            runlog.log_param("opt", "sgd")
            runlog.log_params({"flag": True, "none": None, "obj": [1, 2]})
            runlog.set_tag("stage", 2)
            runlog.set_tags({"x": "y"})
            for i in range(3):
                runlog.log_metric("loss", 1.0 / (i + 1))
            runlog.log_metric("loss", 0.1, step=10)
            runlog.log_metric("loss", 0.05)  # counts on from the last step
            runlog.log_metrics({"acc": 0.9, "f1": 1}, step=4)
        self.assertIsNone(runlog.active_run())
        self.assertEqual(run_dirs(self.store), [run.dir])
        self.assertTrue(RUN_ID.match(run.id), run.id)
        doc = read_doc(run.dir)
        self.assertEqual(doc["schema"], 1)
        self.assertEqual(doc["id"], run.id)
        self.assertEqual(os.path.basename(run.dir), run.id)
        self.assertEqual((doc["name"], doc["experiment"], doc["status"]), ("first", "exp", "finished"))
        for field in ("startTime", "endTime", "heartbeatAt"):
            self.assertTrue(ISO.match(doc[field]), doc[field])
        self.assertEqual(doc["params"], {"lr": 0.1, "layers": 3, "opt": "sgd", "flag": True, "none": None,
                                         "obj": "[1, 2]"})
        self.assertEqual(doc["tags"], {"team": "a", "stage": "2", "x": "y"})
        self.assertIsNone(doc["error"])
        self.assertEqual(doc["capture"]["source"], "client")
        self.assertEqual(doc["capture"]["pid"], os.getpid())
        self.assertIn("durationSec", doc["capture"])
        self.assertIsInstance(doc["capture"]["packages"], list)

        points = read_points(run.dir)
        loss = [(p["step"], p["value"]) for p in points if p["key"] == "loss"]
        self.assertEqual(loss, [(0, 1.0), (1, 0.5), (2, 1.0 / 3), (10, 0.1), (11, 0.05)])
        self.assertEqual({(p["key"], p["step"]) for p in points if p["key"] != "loss"}, {("acc", 4), ("f1", 4)})
        for p in points:
            self.assertEqual(set(p), {"key", "value", "step", "time"})
            self.assertIsInstance(p["time"], float)
        s = doc["metrics"]["loss"]
        self.assertEqual((s["last"], s["min"], s["max"], s["count"], s["step"]), (0.05, 0.05, 1.0, 5, 11))
        self.assertEqual(doc["metrics"]["f1"]["last"], 1)
        # the raw line format of the doc
        with open(os.path.join(run.dir, "metrics.jsonl")) as f:
            first = f.readline()
        self.assertRegex(first, r'^\{"key": "loss", "value": 1\.0, "step": 0, "time": \d+\.\d{3}\}\n$')

    def test_nan_inf_bool_and_scalars(self):
        run = runlog.start_run()
        runlog.log_metric("v", float("nan"))
        runlog.log_metric("v", math.inf)
        runlog.log_metric("v", -math.inf)
        runlog.log_metric("v", 2.5)
        runlog.log_metric("flag", True)
        runlog.log_metric("flag", False)
        runlog.log_metric("scalar", Numpyish(0.25))
        runlog.log_metric("allnan", float("nan"))
        runlog.end_run()
        with open(os.path.join(run.dir, "metrics.jsonl")) as f:
            raw = f.read()
        self.assertIn('"value": "NaN"', raw)
        self.assertIn('"value": "Infinity"', raw)
        self.assertIn('"value": "-Infinity"', raw)
        self.assertNotIn("NaN,", raw.replace('"NaN"', ""))  # never a bare NaN literal
        values = [p["value"] for p in read_points(run.dir) if p["key"] == "v"]
        self.assertEqual(values, ["NaN", "Infinity", "-Infinity", 2.5])
        self.assertEqual([p["value"] for p in read_points(run.dir) if p["key"] == "flag"], [1, 0])
        doc = read_doc(run.dir)
        self.assertEqual(doc["metrics"]["v"]["last"], 2.5)
        self.assertEqual(doc["metrics"]["v"]["min"], "-Infinity")
        self.assertEqual(doc["metrics"]["v"]["max"], "Infinity")
        self.assertEqual(doc["metrics"]["allnan"]["min"], "NaN")
        self.assertEqual(doc["metrics"]["scalar"]["last"], 0.25)
        with open(os.path.join(run.dir, "run.json")) as f:
            json.loads(f.read(), parse_constant=lambda c: self.fail("bare %s in run.json" % c))

    def test_non_numeric_values_raise_clearly(self):
        run = runlog.start_run()
        for bad in ("0.5", None, [1.0], {"a": 1}, 1j, b"1"):
            with self.assertRaises(TypeError) as cm:
                runlog.log_metric("loss", bad)
            self.assertIn("'loss'", str(cm.exception))
            self.assertIn(type(bad).__name__, str(cm.exception))
        with self.assertRaises(TypeError) as cm:
            runlog.log_metrics({"ok": 1.0, "acc": "high"})
        self.assertIn("'acc'", str(cm.exception))
        self.assertIn("str", str(cm.exception))
        with self.assertRaises(TypeError):
            runlog.log_metric(3, 1.0)
        with self.assertRaises(TypeError):
            runlog.log_metric("x", 1.0, step="3")
        runlog.end_run()
        self.assertEqual(read_points(run.dir), [])  # nothing of a rejected log_metrics call was written

    def test_auto_start_nested_start_and_end(self):
        runlog.log_metric("a", 1)  # no run yet: starts one
        run = runlog.active_run()
        self.assertIsNotNone(run)
        self.assertTrue(re.match(r"^[a-z]+-[a-z]+-\d+$", run.name), run.name)
        with runlog.start_run(params={"p": 1}) as inner:  # attaches to the active run
            self.assertIs(inner, run)
        self.assertIs(runlog.active_run(), run)  # the inner block did not end it
        runlog.end_run()
        self.assertIsNone(runlog.active_run())
        self.assertEqual(read_doc(run.dir)["params"], {"p": 1})
        with self.assertRaises(RuntimeError):
            run.log_metric("late", 1.0)
        runlog.log_metric("b", 2)  # a new run
        second = runlog.active_run()
        self.assertNotEqual(second.id, run.id)
        self.assertEqual(read_doc(second.dir)["tags"].get("runlog.parent"), run.id)  # env was set for children
        runlog.end_run("interrupted")
        self.assertEqual(read_doc(second.dir)["status"], "interrupted")
        with self.assertRaises(ValueError):
            runlog.start_run().end("weird")

    def test_context_manager_failure(self):
        with self.assertRaises(ZeroDivisionError):
            with runlog.start_run() as run:
                1 / 0
        doc = read_doc(run.dir)
        self.assertEqual(doc["status"], "failed")
        self.assertEqual(doc["error"]["type"], "ZeroDivisionError")
        self.assertIn("division by zero", doc["error"]["message"])
        self.assertIn("Traceback", doc["error"]["traceback"])
        self.assertIn("1 / 0", doc["error"]["traceback"])
        with self.assertRaises(KeyboardInterrupt):
            with runlog.start_run() as run2:
                raise KeyboardInterrupt
        self.assertEqual(read_doc(run2.dir)["status"], "interrupted")

    def test_env_id_name_experiment(self):
        os.environ["RUNLOG_RUN_ID"] = "20260101-000000-000-0badc0de"
        os.environ["RUNLOG_RUN_NAME"] = "from-editor"
        os.environ["RUNLOG_EXPERIMENT"] = "editor-exp"
        run = runlog.start_run()
        self.assertEqual(run.id, "20260101-000000-000-0badc0de")
        self.assertEqual((run.name, run.experiment), ("from-editor", "editor-exp"))
        self.assertNotIn("RUNLOG_RUN_ID", os.environ)  # consumed: children make their own runs
        self.assertEqual(os.environ["RUNLOG_PARENT_RUN"], run.id)
        runlog.end_run()
        self.assertEqual(read_doc(run.dir)["name"], "from-editor")

    def test_artifacts_and_datasets(self):
        data = write(os.path.join(self.tmp, "data", "train.csv"), "x,y\n1,2\n")
        write(os.path.join(self.tmp, "data", "sub", "b.txt"), "bee")
        model = write(os.path.join(self.tmp, "model.json"), '{"w": [1, 2]}')
        run = runlog.start_run()
        runlog.log_artifact(model)
        runlog.log_artifact(os.path.join(self.tmp, "data"))
        write(model, '{"w": [3]}')
        runlog.log_artifact(model)  # again: replaces copy and record
        runlog.log_dataset(data)
        runlog.log_dataset(os.path.join(self.tmp, "data"), name="all", role="output")
        with self.assertRaises(ValueError):
            runlog.log_dataset(data, role="both")
        with self.assertRaises(FileNotFoundError):
            runlog.log_artifact(os.path.join(self.tmp, "missing"))
        runlog.end_run()
        doc = read_doc(run.dir)
        arts = {a["path"]: a for a in doc["artifacts"]}
        self.assertEqual(set(arts), {"artifacts/model.json", "artifacts/data"})
        with open(os.path.join(run.dir, "artifacts", "model.json")) as f:
            self.assertEqual(f.read(), '{"w": [3]}')
        self.assertEqual(arts["artifacts/model.json"]["sha256"], hashlib.sha256(b'{"w": [3]}').hexdigest())
        self.assertEqual(arts["artifacts/model.json"]["size"], 10)
        self.assertEqual(arts["artifacts/model.json"]["source"], model)
        self.assertTrue(os.path.isfile(os.path.join(run.dir, "artifacts", "data", "sub", "b.txt")))
        self.assertEqual(arts["artifacts/data"]["size"], 8 + 3)
        ds = {d["name"]: d for d in doc["datasets"]}
        self.assertEqual(ds["train.csv"]["digest"], hashlib.sha256(b"x,y\n1,2\n").hexdigest())
        self.assertEqual((ds["train.csv"]["role"], ds["train.csv"]["files"], ds["train.csv"]["size"]),
                         ("input", 1, 8))
        folder = hashlib.sha256()
        for rel, content in (("sub/b.txt", b"bee"), ("train.csv", b"x,y\n1,2\n")):
            folder.update(("%s\0%s\n" % (rel, hashlib.sha256(content).hexdigest())).encode())
        self.assertEqual(ds["all"]["digest"], folder.hexdigest())
        self.assertEqual((ds["all"]["role"], ds["all"]["files"], ds["all"]["path"]),
                         ("output", 2, os.path.join(self.tmp, "data")))
        self.assertTrue(ds["all"]["loggedAt"].endswith("Z"))

    def test_unknown_fields_are_kept(self):
        run = runlog.start_run()
        path = os.path.join(run.dir, "run.json")
        run.flush()
        doc = read_doc(run.dir)
        doc["editorNote"] = {"pinned": True}
        with open(path, "w") as f:
            json.dump(doc, f)
        runlog.log_metric("m", 1.0)
        runlog.set_tag("t", "v")
        runlog.end_run()
        doc = read_doc(run.dir)
        self.assertEqual(doc["editorNote"], {"pinned": True})
        self.assertEqual(doc["tags"], {"t": "v"})
        self.assertEqual(doc["status"], "finished")

    def test_editor_placeholder_is_kept(self):
        rid = "20260101-000000-000-12345678"
        folder = os.path.join(self.store, "runs", rid)
        os.makedirs(folder)
        with open(os.path.join(folder, "run.json"), "w") as f:
            json.dump({"schema": 1, "id": rid, "name": "placeholder", "experiment": "e", "status": "running",
                       "startTime": "2026-01-01T00:00:00.000Z", "tags": {"pinned": "yes"}, "editorThing": 1}, f)
        os.environ["RUNLOG_RUN_ID"] = rid
        run = runlog.start_run(name="real")
        runlog.set_tag("a", "b")
        runlog.end_run()
        self.assertEqual(run.dir, folder)
        doc = read_doc(folder)
        self.assertEqual(doc["tags"], {"pinned": "yes", "a": "b"})
        self.assertEqual((doc["editorThing"], doc["name"], doc["status"]), (1, "real", "finished"))
        self.assertEqual((doc["params"], doc["metrics"], doc["datasets"], doc["artifacts"]), ({}, {}, [], []))
