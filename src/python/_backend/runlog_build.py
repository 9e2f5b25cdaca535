"""A minimal PEP 517 / PEP 660 build backend for the runlog client, written with the standard library only.

Builds a pure-Python wheel (py3-none-any) of the `runlog` package, an sdist, and an editable wheel. It needs no
build requirements, so pip can build and install the client without network access, with build isolation.
Metadata (name, version, summary, requires-python) is read from pyproject.toml's [project] table with a tiny
line-based reader that understands exactly the simple `key = "value"` lines that file uses.
"""

import base64
import hashlib
import io
import os
import re
import tarfile
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "runlog"
TAG = "py3-none-any"


def _project():
    """name, version, description, requires-python from pyproject.toml [project] (simple string values only)."""
    values = {}
    section = None
    with open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("["):
                section = line.strip("[] ")
                continue
            if section != "project":
                continue
            m = re.match(r'([A-Za-z0-9_-]+)\s*=\s*"([^"]*)"', line)
            if m:
                values[m.group(1)] = m.group(2)
    for key in ("name", "version"):
        if key not in values:
            raise RuntimeError("pyproject.toml: [project] %s is missing" % key)
    return values


def _dist_name(project):
    return re.sub(r"[-_.]+", "_", project["name"]).lower()


def _metadata(project):
    lines = [
        "Metadata-Version: 2.1",
        "Name: %s" % project["name"],
        "Version: %s" % project["version"],
    ]
    if project.get("description"):
        lines.append("Summary: %s" % project["description"])
    if project.get("requires-python"):
        lines.append("Requires-Python: %s" % project["requires-python"])
    lines.append("License: MIT")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _wheel_file():
    return ("Wheel-Version: 1.0\nGenerator: runlog_build\nRoot-Is-Purelib: true\nTag: %s\n" % TAG).encode("utf-8")


def _package_files():
    """(archive name, absolute path) of the package's sources, sorted; no bytecode."""
    found = []
    base = os.path.join(ROOT, PACKAGE)
    for root, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".pyc", ".pyo")):
                continue
            full = os.path.join(root, name)
            found.append((os.path.relpath(full, ROOT).replace(os.sep, "/"), full))
    return found


def _date_time():
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))  # reproducible: 1980-01-01 by default
    return time.gmtime(max(epoch, 315532800))[:6]


def _record_hash(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")


def _write_wheel(wheel_directory, entries):
    """entries: (archive name, bytes). Adds dist-info (METADATA, WHEEL, RECORD). Returns the wheel's file name."""
    project = _project()
    dist = _dist_name(project)
    info = "%s-%s.dist-info" % (dist, project["version"])
    entries = list(entries) + [
        (info + "/METADATA", _metadata(project)),
        (info + "/WHEEL", _wheel_file()),
    ]
    filename = "%s-%s-%s.whl" % (dist, project["version"], TAG)
    os.makedirs(wheel_directory, exist_ok=True)
    record = []
    when = _date_time()
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zi = zipfile.ZipInfo(name, when)
            zi.external_attr = 0o644 << 16
            zi.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(zi, data)
            record.append("%s,%s,%d" % (name, _record_hash(data), len(data)))
        record.append("%s/RECORD,," % info)
        zi = zipfile.ZipInfo(info + "/RECORD", when)
        zi.external_attr = 0o644 << 16
        zi.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(zi, ("\n".join(record) + "\n").encode("utf-8"))
    return filename


def _read(path):
    with open(path, "rb") as f:
        return f.read()


# ------------------------------------------------------------------------------------------- PEP 517


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    project = _project()
    info = "%s-%s.dist-info" % (_dist_name(project), project["version"])
    path = os.path.join(metadata_directory, info)
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "METADATA"), "wb") as f:
        f.write(_metadata(project))
    with open(os.path.join(path, "WHEEL"), "wb") as f:
        f.write(_wheel_file())
    return info


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, [(name, _read(full)) for name, full in _package_files()])


_EDITABLE_FINDER = '''"""Editable install of runlog: imports the package from its source folder (and nothing else from there)."""
import importlib.util
import sys

_INIT = %r


class _RunlogEditableFinder:
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name != "runlog":
            return None
        return importlib.util.spec_from_file_location(name, _INIT, submodule_search_locations=[%r])


if not any(getattr(f, "__name__", "") == "_RunlogEditableFinder" for f in sys.meta_path):
    sys.meta_path.append(_RunlogEditableFinder)
'''


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    package_dir = os.path.join(ROOT, PACKAGE)
    finder = _EDITABLE_FINDER % (os.path.join(package_dir, "__init__.py"), package_dir)
    return _write_wheel(wheel_directory, [
        ("_runlog_editable.py", finder.encode("utf-8")),
        ("__editable__.runlog.pth", b"import _runlog_editable\n"),
    ])


def build_sdist(sdist_directory, config_settings=None):
    project = _project()
    base = "%s-%s" % (_dist_name(project), project["version"])
    filename = base + ".tar.gz"
    files = [("pyproject.toml", os.path.join(ROOT, "pyproject.toml"))]
    backend = os.path.join(ROOT, "_backend")
    for name in sorted(os.listdir(backend)):
        if name.endswith(".py"):
            files.append(("_backend/" + name, os.path.join(backend, name)))
    files += _package_files()
    mtime = time.mktime(_date_time() + (0, 0, -1))
    os.makedirs(sdist_directory, exist_ok=True)
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz", format=tarfile.PAX_FORMAT) as tf:
        def add(name, data):
            ti = tarfile.TarInfo(base + "/" + name)
            ti.size = len(data)
            ti.mode = 0o644
            ti.mtime = mtime
            tf.addfile(ti, io.BytesIO(data))

        add("PKG-INFO", _metadata(project))
        for name, full in files:
            add(name, _read(full))
    return filename
