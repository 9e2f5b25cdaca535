"""`pip install src/python` offline, with pip's default build isolation, into a fresh virtual environment."""

import os
import shutil
import subprocess
import sys
import unittest
import zipfile

from .helpers import SRC, TempDirTest, clean_env, write


def _has_pip():
    return subprocess.run([sys.executable, "-m", "pip", "--version"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode == 0


@unittest.skipUnless(_has_pip(), "pip is not available for this Python")
class PackagingTest(TempDirTest):
    def test_pip_install_into_venv_offline(self):
        venv = os.path.join(self.tmp, "venv")
        subprocess.run([sys.executable, "-m", "venv", venv], check=True, timeout=120)
        bindir = "Scripts" if os.name == "nt" else "bin"
        py = os.path.join(venv, bindir, "python")
        # a copy of the source folder, so no build output can land in the checkout
        src = os.path.join(self.tmp, "client")
        shutil.copytree(SRC, src, ignore=shutil.ignore_patterns("__pycache__", "tests", "bench"))
        env = clean_env(PYTHONPATH=None, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
        p = subprocess.run([py, "-m", "pip", "install", "--no-index", src], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=180)
        self.assertEqual(p.returncode, 0, p.stdout.decode())
        # installed into the venv, usable there without PYTHONPATH
        p = subprocess.run([py, "-c", "import runlog, sys; print(runlog.__file__); print(runlog.__version__)"],
                           env=env, cwd=self.tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(p.returncode, 0, p.stderr)
        where, version = p.stdout.decode().split()
        self.assertTrue(os.path.realpath(where).startswith(os.path.realpath(venv)), where)
        self.assertEqual(version, "0.1.0")
        script = write(os.path.join(self.tmp, "s.py"), "import runlog\nrunlog.log_metric('x', 1.5)\nprint('epoch 1 y=2')\n")
        store = os.path.join(self.tmp, "store")
        p = subprocess.run([py, "-m", "runlog", "run", script], env=dict(env, RUNLOG_STORE=store), cwd=self.tmp,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        runs = os.listdir(os.path.join(store, "runs"))
        self.assertEqual(len(runs), 1)
        with open(os.path.join(store, "runs", runs[0], "metrics.jsonl")) as f:
            keys = sorted(line.split('"')[3] for line in f)
        self.assertEqual(keys, ["x", "y"])
        p = subprocess.run([py, "-m", "pip", "show", "-f", "runlog"], env=env, stdout=subprocess.PIPE)
        self.assertIn(b"runlog/_run.py", p.stdout)
        self.assertNotIn(b"tests/", p.stdout)

    def test_backend_builds_wheel_and_sdist(self):
        out = os.path.join(self.tmp, "dist")
        out_editable = os.path.join(self.tmp, "dist-editable")
        code = ("import sys; sys.path.insert(0, '_backend'); import runlog_build as b; "
                "print(b.build_wheel(%r)); print(b.build_sdist(%r)); print(b.build_editable(%r))"
                % (out, out, out_editable))
        p = subprocess.run([sys.executable, "-c", code], cwd=SRC, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=clean_env(PYTHONPATH=None))
        self.assertEqual(p.returncode, 0, p.stderr)
        wheel, sdist, editable = p.stdout.decode().split("\n")[:3]
        self.assertEqual(wheel, "runlog-0.1.0-py3-none-any.whl")
        self.assertEqual(sdist, "runlog-0.1.0.tar.gz")
        with zipfile.ZipFile(os.path.join(out, wheel)) as zf:
            names = zf.namelist()
            record = zf.read("runlog-0.1.0.dist-info/RECORD").decode()
            metadata = zf.read("runlog-0.1.0.dist-info/METADATA").decode()
        self.assertIn("runlog/__init__.py", names)
        self.assertFalse([n for n in names if n.startswith(("tests/", "bench/", "_backend/")) or n.endswith(".pyc")])
        self.assertEqual(len(record.strip().splitlines()), len(names))
        self.assertIn("Requires-Python: >=3.8", metadata)
        with zipfile.ZipFile(os.path.join(out_editable, editable)) as zf:
            self.assertIn("__editable__.runlog.pth", zf.namelist())
