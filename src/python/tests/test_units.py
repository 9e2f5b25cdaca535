"""Small pieces: argv params, the output scanner, ids and names, digests, text cleaning, the point writer's failure
branches."""

import base64
import io
import json
import os
import re
import shutil
import sys
import tempfile
import unittest
from unittest import mock

from .helpers import runlog  # noqa: F401  (src/python first on sys.path)
from runlog import _capture, _losses, _points, _tee, _util


class ArgvParamsTest(unittest.TestCase):
    def test_forms(self):
        p = _capture.params_from_argv(["in.csv", "--lr", "0.1", "--epochs=5", "--verbose", "--name", "x y",
                                       "-k", "3", "--neg", "-2.5", "--flag", "--sci", "1e-4", "--on=true",
                                       "--last", "--", "--after", "1"])
        self.assertEqual(p, {"lr": 0.1, "epochs": 5, "verbose": True, "name": "x y", "k": 3, "neg": -2.5,
                             "flag": True, "sci": 1e-4, "on": True, "last": True})

    def test_values(self):
        self.assertEqual(_capture.parse_value("007"), 7)
        self.assertEqual(_capture.parse_value(".5"), 0.5)
        self.assertEqual(_capture.parse_value("nan"), "nan")  # not JSON: kept as text
        self.assertEqual(_capture.parse_value("1.2.3"), "1.2.3")


class ScannerTest(unittest.TestCase):
    def scan(self, line, pattern=_tee.DEFAULT_PATTERN):
        got = []
        _tee.Scanner(pattern, lambda k, v, s: got.append((k, v, s))).scan(line)
        return got

    def test_default_pattern(self):
        self.assertEqual(self.scan("epoch 3 loss=0.21 acc=0.93"), [("loss", 0.21, 3), ("acc", 0.93, 3)])
        self.assertEqual(self.scan("step: 10, train/loss: 1e-3, lr = -inf"),
                         [("train/loss", 0.001, 10), ("lr", float("-inf"), 10)])
        self.assertEqual(self.scan("iter=7 n=12"), [("n", 12, 7)])
        self.assertEqual(self.scan("loss=0.5"), [("loss", 0.5, None)])
        self.assertEqual(self.scan("nothing here: words"), [])
        self.assertEqual(self.scan("10%|###| loss=0.9\r50%|###| loss=0.4"), [("loss", 0.4, None)])
        nan = self.scan("acc=nan")[0][1]
        self.assertNotEqual(nan, nan)

    def test_default_pattern_matches_package_json(self):
        import json
        import os

        from .helpers import REPO

        with open(os.path.join(REPO, "package.json")) as f:
            setting = json.load(f)["contributes"]["configuration"]["properties"]["runlog.outputMetrics.pattern"]
        self.assertEqual(setting["default"], _tee.DEFAULT_PATTERN)


class IdsTest(unittest.TestCase):
    def test_run_id_and_name(self):
        rid = _util.new_run_id(1795300000.123)
        self.assertTrue(re.match(r"^20261121-222640-123-[0-9a-f]{8}$", rid), rid)
        self.assertNotEqual(_util.new_run_id(), _util.new_run_id())
        self.assertEqual(_util.iso_utc(1795300000.5), "2026-11-21T22:26:40.500Z")
        import random

        random.seed(1)
        a = random.random()
        random.seed(1)
        _util.friendly_name()
        _util.new_run_id()
        self.assertEqual(random.random(), a)  # the user's seeded generator is untouched
        self.assertRegex(_util.friendly_name(), r"^[a-z]+-[a-z]+-\d{1,2}$")


class VersionTest(unittest.TestCase):
    def test_pyproject_version(self):
        import os

        from .helpers import SRC

        with open(os.path.join(SRC, "pyproject.toml")) as f:
            text = f.read()
        self.assertIn('version = "%s"' % runlog.__version__, text)


class TextTest(unittest.TestCase):
    def test_clean_text_and_raw_bytes(self):
        self.assertIs(_util.clean_text("caf\u00e9"), "caf\u00e9")  # valid text is returned as it is
        escaped = os.fsdecode(b"caf\xe9")  # what sys.argv and os.listdir hold for Latin-1 bytes
        self.assertEqual(_util.clean_text(escaped), "caf\ufffd")
        self.assertEqual(_util.clean_text("a\ud800b"), "a\ufffdb")  # a lone surrogate that is no byte escape
        self.assertEqual(base64.b64decode(_util.raw_bytes_b64(escaped)), b"caf\xe9")
        self.assertIsNone(_util.raw_bytes_b64("caf\u00e9"))
        entry = _util.put_text({}, "path", escaped)
        self.assertEqual(entry, {"path": "caf\ufffd", "pathBytes": base64.b64encode(b"caf\xe9").decode()})
        self.assertEqual(_util.put_text({}, "path", "ok"), {"path": "ok"})

    def test_dumps_doc_never_fails_on_surrogates(self):
        doc = {"k\udce9": ["\udcff", {"x": "\ud800"}], "n": 1}
        self.assertEqual(json.loads(_util.dumps_doc(doc).decode("utf-8")),
                         {"k\ufffd": ["\ufffd", {"x": "\ufffd"}], "n": 1})

    def test_wrapped_command_is_the_users(self):
        saved = getattr(sys, "orig_argv", None)
        try:
            sys.orig_argv = ["python3", "-u", "-m", "runlog", "run", "--name", "n", "--", "train.py", "--lr", "0.3"]
            self.assertEqual(_capture.wrapped_command(script="train.py", args=["--lr", "0.3"]),
                             ["python3", "-u", "train.py", "--lr", "0.3"])
            self.assertEqual(_capture.wrapped_command(module="pkg.train", args=[]), ["python3", "-u", "-m", "pkg.train"])
            sys.orig_argv = ["python3", "-X", "dev", "-mrunlog", "run", "t.py"]
            self.assertEqual(_capture.wrapped_command(script="t.py"), ["python3", "-X", "dev", "t.py"])
            # a debugger's launcher runs `-m runlog run`: none of its arguments (ports, ...) belong to a re-run
            sys.orig_argv = ["/usr/bin/python3", "/x/debugpy/launcher", "--port", "5678", "--", "-m", "runlog", "run",
                             "--", "t.py", "--lr", "1"]
            self.assertEqual(_capture.wrapped_command(script="t.py", args=["--lr", "1"]),
                             ["/usr/bin/python3", "t.py", "--lr", "1"])
        finally:
            if saved is None:
                del sys.orig_argv
            else:
                sys.orig_argv = saved


def warnings_to(buffer):
    """Runlog warns on sys.__stderr__ (the process's real stderr, whatever the program did to sys.stderr)."""
    return mock.patch.object(sys, "__stderr__", buffer)


class PointWriterTest(unittest.TestCase):
    """The branches of a failing write that a real full disk reaches only by chance: os.write and os.ftruncate are
    replaced to fail exactly where needed (the real full disk is tested in test_faults.py)."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="runlog-test-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.path = os.path.join(self.tmp, "metrics.jsonl")
        self.losses = _losses.Losses("r")
        self.writer = _points.PointWriter(self.path, self.losses)
        self.addCleanup(self.writer.close)

    def log(self, *steps):
        for step in steps:
            self.writer.buf.append(("x", step, step, 1.0))
        self.writer.drain()

    def lines(self):
        with open(self.path, "rb") as f:
            return f.read()

    def test_short_write_then_error_keeps_whole_lines_only(self):
        real_write = os.write
        calls = []

        def short_then_full(fd, data):
            calls.append(len(data))
            if len(calls) == 1:
                return real_write(fd, bytes(data[:40]))  # a line and a half
            raise OSError(28, "No space left on device")

        with mock.patch.object(_points.os, "write", short_then_full), warnings_to(io.StringIO()) as err:
            self.log(0, 1, 2)
        self.assertEqual(self.lines(), b"")  # the first line did not fit whole either: cut off
        self.assertEqual(self.losses.points, 3)
        self.assertIn("could not write 3 points", err.getvalue())
        self.log(3)
        self.assertEqual([json.loads(line)["step"] for line in self.lines().splitlines()], [3])

    def test_torn_line_that_cannot_be_cut_is_isolated(self):
        real_write = os.write
        calls = []

        def torn(fd, data):
            calls.append(1)
            if len(calls) == 1:
                return real_write(fd, bytes(data[:60]))
            raise OSError(28, "No space left on device")

        with mock.patch.object(_points.os, "write", torn), \
                mock.patch.object(_points.os, "ftruncate", side_effect=OSError(5, "I/O error")), \
                warnings_to(io.StringIO()):
            self.log(0, 1)
        self.log(2)
        lines = self.lines().split(b"\n")
        self.assertEqual(json.loads(lines[0])["step"], 0)
        self.assertRaises(ValueError, json.loads, lines[1])  # the torn piece: a line of its own, skipped by readers
        self.assertEqual(json.loads(lines[2])["step"], 2)  # never glued to the next line
        self.assertEqual(self.losses.points, 1)

    def test_warnings_are_rate_limited_with_counts(self):
        with warnings_to(io.StringIO()) as err:
            for _ in range(5):
                self.losses.dropped_points(10, OSError(28, "No space left on device"))
        warnings = err.getvalue().splitlines()
        self.assertEqual(len(warnings), 1)
        self.assertEqual(self.losses.take_record()["points"], 50)
        self.assertIsNone(self.losses.take_record())  # nothing new since


class DocumentQueueTest(unittest.TestCase):
    def test_queued_sets_of_replaced_fields_keep_only_the_last(self):
        from runlog import _document

        ops = [("default", ("metrics",), {}), ("set", ("metrics", "a"), 1), ("set", ("heartbeatAt",), "t1"),
               ("set", ("tags", "x"), "1"), ("set", ("metrics", "a"), 2), ("set", ("tags", "x"), "2"),
               ("set", ("heartbeatAt",), "t2"), ("upsert", "datasets", ("path",), {"path": "p"})]
        self.assertEqual(_document._compact(ops), [
            ("default", ("metrics",), {}), ("set", ("tags", "x"), "1"), ("set", ("metrics", "a"), 2),
            ("set", ("tags", "x"), "2"), ("set", ("heartbeatAt",), "t2"), ("upsert", "datasets", ("path",), {"path": "p"})])
