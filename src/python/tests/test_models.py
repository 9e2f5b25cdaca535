"""log_model: a model artifact with its name and flavor, as promotion reads it."""

import os

from .helpers import TempDirTest, read_doc, runlog, write


class LogModelTest(TempDirTest):
    def setUp(self):
        super().setUp()
        saved = dict(os.environ)
        self.addCleanup(lambda: (os.environ.clear(), os.environ.update(saved)))
        os.environ["RUNLOG_STORE"] = os.path.join(self.tmp, ".runlog")
        for key in ("RUNLOG_RUN_ID", "RUNLOG_PARENT_RUN"):
            os.environ.pop(key, None)

    def test_marks_the_artifact_as_a_model(self):
        model = write(os.path.join(self.tmp, "out", "model.pkl"), "weights")
        write(os.path.join(self.tmp, "tok", "vocab.txt"), "a b")
        run = runlog.start_run()
        record = runlog.log_model(model, name="churn", flavor="sklearn")
        runlog.log_model(os.path.join(self.tmp, "tok"))
        runlog.log_artifact(os.path.join(self.tmp, "tok", "vocab.txt"))
        runlog.end_run()
        self.assertEqual(record["model"], {"name": "churn", "flavor": "sklearn"})
        arts = {a["path"]: a for a in read_doc(run.dir)["artifacts"]}
        self.assertEqual(arts["artifacts/model.pkl"]["model"], {"name": "churn", "flavor": "sklearn"})
        self.assertEqual(arts["artifacts/model.pkl"]["size"], 7)
        self.assertEqual(arts["artifacts/tok"]["model"], {"name": "tok"})
        self.assertNotIn("model", arts["artifacts/vocab.txt"])
        with open(os.path.join(run.dir, "artifacts", "model.pkl")) as f:
            self.assertEqual(f.read(), "weights")

    def test_rejects_bad_names_and_missing_files(self):
        model = write(os.path.join(self.tmp, "m.bin"), "x")
        run = runlog.start_run()
        with self.assertRaises(ValueError):
            runlog.log_model(model, name="")
        with self.assertRaises(ValueError):
            runlog.log_model(model, flavor=3)
        with self.assertRaises(FileNotFoundError):
            runlog.log_model(os.path.join(self.tmp, "missing.bin"))
        runlog.end_run()
        self.assertEqual(read_doc(run.dir)["artifacts"], [])
