"""Small pieces: argv params, the output scanner, ids and names, digests."""

import re
import unittest

from .helpers import runlog  # noqa: F401  (src/python first on sys.path)
from runlog import _capture, _tee, _util


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
