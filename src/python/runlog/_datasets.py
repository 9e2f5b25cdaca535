"""Dataset versions: content digest, manifest and tabular profiles of a file or folder (docs/datasets.md).

The one implementation of versioning: `runlog.log_dataset`, the editor's Track Dataset… and the `runlog` CLI all
come here (the editor and the CLI through `python -m runlog dataset version`). A version is recorded whole in the
store, content-addressed (datasets/sha256/<hex>.json), so two versions can be compared after the data changed.

Stdlib only, Python >= 3.8. Hashing streams (constant memory); a stat cache (size, mtime, inode) per dataset root
means unchanged files are not read again; a file that changes while it is read is read again, then reported.
"""

import hashlib
import json
import os
import time

from . import _tabular, _util

SCHEMA = 1
PROFILER = 2  # bump when profiles change meaning: cached profiles of an older profiler are recomputed
ROLES = ("train", "eval", "test", "input", "output")
TABULAR = {".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl"}

CHUNK_BYTES = 1 << 20  # read size of files that are only hashed (tabular files: _tabular.BLOCK_BYTES)
ATTEMPTS = 3
RACY_NS = 2_000_000_000  # files modified this recently are not trusted to the stat cache (mtime granularity)
PROFILE_MAX_MB_DEFAULT = 2048  # larger tabular files are hashed but not profiled (profiling runs at tens of MB/s)


def _profile_max_bytes():
    try:
        return int(float(os.environ.get("RUNLOG_PROFILE_MAX_MB", PROFILE_MAX_MB_DEFAULT)) * 1024 * 1024)
    except ValueError:
        return PROFILE_MAX_MB_DEFAULT * 1024 * 1024


class DatasetError(Exception):
    """A dataset that cannot be versioned at all (missing path, nothing readable)."""


# ------------------------------------------------------------------------------------------------- store


def versions_dir(store):
    return os.path.join(store, "datasets", "sha256")


def record_path(store, hex_digest):
    return os.path.join(versions_dir(store), hex_digest + ".json")


def _cache_path(store, root):
    key = hashlib.sha256(root.encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return os.path.join(store, "datasets", "cache", "stat-%s.json" % key)


def _profile_cache_path(store, hex_digest):
    return os.path.join(store, "datasets", "cache", "profile-%s.json" % hex_digest)


def _write_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    _util.replace_file(path, json.dumps(obj, separators=(",", ":"), allow_nan=False).encode("utf-8"))


# ---------------------------------------------------------------------------------------------- walking


def _walk(root, problems):
    """Files below root as sorted [(relative posix path, full path, stat)]; follows symlinks, never in a loop."""
    found = []
    seen = set()
    stack = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            st = os.stat(folder)
            key = (st.st_dev, st.st_ino)
            if key in seen:
                problems.append({"path": prefix.rstrip("/") or ".", "problem": "symlink loop (folder already included), skipped"})
                continue
            seen.add(key)
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as e:
            problems.append({"path": prefix.rstrip("/") or ".", "problem": "cannot read folder: %s" % (e.strerror or e)})
            continue
        for entry in entries:
            rel = prefix + entry.name
            try:
                if entry.is_dir():
                    if entry.name == ".runlog" and not entry.is_symlink():
                        continue  # a store inside the dataset is not data (and changes while we write to it)
                    stack.append((entry.path, rel + "/"))
                elif entry.is_file():
                    found.append((rel, entry.path, entry.stat()))
                elif entry.is_symlink():
                    problems.append({"path": rel, "problem": "broken symbolic link, skipped"})
            except OSError as e:
                problems.append({"path": rel, "problem": "cannot read: %s" % (e.strerror or e)})
    found.sort()  # by relative path (paths are unique, so the stat results are never compared)
    return found


def _same(a, b):
    return a.st_size == b.st_size and a.st_mtime_ns == b.st_mtime_ns and a.st_ino == b.st_ino


# ---------------------------------------------------------------------------------------------- hashing


def _hash_and_profile(full, fmt, on_bytes):
    """(hex, size, profile or None, stat at start) of one read of the file; raises _Changed if it changed meanwhile.

    A tabular file is profiled from the very blocks that are hashed, so a profile describes the bytes of the digest.
    """
    before = os.stat(full)
    profile = None
    h = hashlib.sha256()
    size = 0
    with open(full, "rb", buffering=0) as f:
        if fmt:
            done = [0]

            def on_block(block):
                h.update(block)
                done[0] += len(block)
                if on_bytes:
                    on_bytes(len(block))

            if fmt == "jsonl":
                profile = _tabular.profile_jsonl(f.read, on_block)
            else:
                profile = _tabular.profile_csv(f.read, on_block, "\t" if fmt == "tsv" else ",", fmt)
            size = done[0]
        else:
            buf = bytearray(CHUNK_BYTES)
            view = memoryview(buf)
            readinto = f.readinto
            while True:
                k = readinto(buf)
                if not k:
                    break
                h.update(view[:k])
                size += k
                if on_bytes:
                    on_bytes(k)
        after_fd = os.fstat(f.fileno())
    after = os.stat(full)
    if size != before.st_size or not _same(before, after_fd) or not _same(before, after):
        raise _Changed()
    return h.hexdigest(), size, profile, before


class _Changed(Exception):
    pass


# ---------------------------------------------------------------------------------------------- versions


class _Progress:
    """Reports (bytes done, bytes total, files done, files total) at most ten times a second."""

    def __init__(self, callback, total_bytes, total_files):
        self.callback = callback
        self.total_bytes = total_bytes
        self.total_files = total_files
        self.bytes = 0
        self.files = 0
        self.last = 0.0

    def add_bytes(self, n):
        self.bytes += n
        self._maybe()

    def file_done(self, skipped_bytes=0):
        self.files += 1
        self.bytes += skipped_bytes
        self._maybe()

    def _maybe(self, force=False):
        now = time.monotonic()
        if self.callback and (force or now - self.last >= 0.1):
            self.last = now
            self.callback(self.bytes, self.total_bytes, self.files, self.total_files)


def version(path, store, progress=None, profile=True):
    """Versions the file or folder at path: returns its record (also saved in the store, content-addressed).

    The record: {"schema", "digest": "sha256:<hex>", "kind", "size", "files", "manifest": [{"path", "size",
    "digest"}], "profiles": {path: profile}, "problems": [{"path", "problem"}], "createdAt"}.
    """
    root = os.path.abspath(os.fspath(path))
    if not os.path.exists(root):
        raise DatasetError("no such file or folder: %s" % root)
    problems = []
    is_folder = os.path.isdir(root)
    if is_folder:
        files = _walk(root, problems)
    else:
        try:
            files = [(os.path.basename(root), root, os.stat(root))]
        except OSError as e:
            raise DatasetError("cannot read %s: %s" % (root, e.strerror or e))
    cache_file = _cache_path(store, root)
    cache = (_util.read_json(cache_file) or {}).get("files") or {}
    new_cache = {}
    started_ns = time.time_ns()
    report = _Progress(progress, sum(st.st_size for _, _, st in files), len(files))
    manifest = []
    profiles = {}
    tabular_suffixes = tuple(TABULAR) if profile else ()
    profile_max = _profile_max_bytes()
    cache_get = cache.get
    unchanged_bytes = unchanged_files = 0
    for rel, full, st in files:
        cached = cache_get(rel)
        if (cached is not None and cached[0] == st.st_size and cached[1] == st.st_mtime_ns
                and cached[2] == st.st_ino and not rel.lower().endswith(tabular_suffixes)):
            # the fast path of a re-check: unchanged since it was hashed, nothing to read
            manifest.append({"path": rel, "size": cached[0], "digest": cached[3]})
            new_cache[rel] = cached
            unchanged_bytes += cached[0]
            unchanged_files += 1
            continue
        fmt = TABULAR.get(os.path.splitext(rel)[1].lower()) if profile else None
        if fmt and st.st_size > profile_max:
            fmt = None
            problems.append({"path": rel, "problem": "not profiled: larger than %d MB (RUNLOG_PROFILE_MAX_MB)"
                             % (profile_max // (1024 * 1024))})
        hex_digest = None
        if cached and cached[:3] == [st.st_size, st.st_mtime_ns, st.st_ino]:
            hex_digest = cached[3]
            prof = _read_profile(store, hex_digest) if fmt else None
            if fmt and prof is None:
                hex_digest = None  # hash again: the profile needs the bytes anyway
        if hex_digest is not None:
            size = st.st_size
            report.file_done(size)
        else:
            result = _read_file(full, fmt, report, problems, rel)
            if result is None:
                continue
            hex_digest, size, prof, st = result
            if fmt and prof is not None:
                _write_json(_profile_cache_path(store, hex_digest), {"profiler": PROFILER, "profile": prof})
            report.file_done()
        if st.st_mtime_ns < started_ns - RACY_NS:
            new_cache[rel] = [st.st_size, st.st_mtime_ns, st.st_ino, hex_digest]
        manifest.append({"path": rel, "size": size, "digest": hex_digest})
        if fmt and prof is not None:
            profiles[rel] = prof
            if prof.get("malformedRows"):
                problems.append({"path": rel, "problem": "%d malformed rows (first at lines %s), left out of the profile"
                                 % (prof["malformedRows"], ", ".join(map(str, prof["malformedExamples"])))})
            if prof.get("error"):
                problems.append({"path": rel, "problem": prof["error"]})
    report.bytes += unchanged_bytes
    report.files += unchanged_files
    report._maybe(force=True)
    if is_folder:
        lines = "".join("%s\0%s\n" % (m["path"], m["digest"]) for m in manifest)
        digest = hashlib.sha256(lines.encode("utf-8", "surrogateescape")).hexdigest()
    elif manifest:
        digest = manifest[0]["digest"]
    else:
        raise DatasetError("cannot version %s: %s" % (root, problems[0]["problem"] if problems else "unreadable"))
    record = {
        "schema": SCHEMA,
        "digest": "sha256:" + digest,
        "kind": "folder" if is_folder else "file",
        "size": sum(m["size"] for m in manifest),
        "files": len(manifest),
        "manifest": manifest,
        "profiles": profiles,
        "problems": problems,
        "createdAt": _util.iso_utc(),
    }
    target = record_path(store, digest)
    # content-addressed: an existing record of this digest holds the same manifest; only one written without
    # profiles (profile=False) or by an older schema is replaced
    existing = _util.read_json(target) if profiles or not os.path.exists(target) else {"schema": SCHEMA, "profiles": {}}
    if existing is None or existing.get("schema") != SCHEMA or _incomplete(existing, record):
        _write_json(target, record)
    if new_cache != cache:
        try:
            _write_json(cache_file, {"root": root, "files": new_cache})
        except OSError:
            pass  # the cache only saves time
    return record


def _incomplete(existing, record):
    """An existing record lacks profiles that this one has (e.g. recorded with profile=False)."""
    return len(existing.get("profiles") or {}) < len(record["profiles"])


def _read_profile(store, hex_digest):
    doc = _util.read_json(_profile_cache_path(store, hex_digest))
    if doc and doc.get("profiler") == PROFILER and isinstance(doc.get("profile"), dict):
        return doc["profile"]
    return None


def _read_file(full, fmt, report, problems, rel):
    for attempt in range(ATTEMPTS):
        done = [0]

        def on_bytes(n):
            done[0] += n
            report.add_bytes(n)

        try:
            return _hash_and_profile(full, fmt, on_bytes)
        except _Changed:
            report.bytes -= done[0]
            if attempt == ATTEMPTS - 1:
                problems.append({"path": rel, "problem": "changed while it was read (%d times), not recorded" % ATTEMPTS})
        except FileNotFoundError:
            report.bytes -= done[0]
            problems.append({"path": rel, "problem": "vanished while it was read, not recorded"})
            return None
        except OSError as e:
            report.bytes -= done[0]
            problems.append({"path": rel, "problem": "cannot read: %s" % (e.strerror or e)})
            return None
    return None


# ------------------------------------------------------------------------------------------ tracked names


def track(store, name, path, record):
    """Appends a Track Dataset… entry (a version recorded without a run) to datasets/tracked.jsonl."""
    line = json.dumps({"name": name, "path": os.path.abspath(path), "digest": record["digest"],
                       "size": record["size"], "files": record["files"], "at": _util.iso_utc()})
    folder = os.path.join(store, "datasets")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "tracked.jsonl"), "a", encoding="utf-8") as f:
        f.write(line + "\n")


def entry_for_run(path, name, role, store):
    """The `datasets` entry of run.json for a logged dataset (the version itself goes to the store)."""
    if role not in ROLES:
        raise ValueError("runlog.log_dataset: role must be one of %s, got %r" % (", ".join(ROLES), role))
    src = os.path.abspath(os.fspath(path))
    if not os.path.exists(src):
        raise FileNotFoundError("runlog.log_dataset: no such file or folder: %s" % src)
    record = version(src, store)
    entry = _util.put_text(
        {"name": _util.clean_text(str(name) if name else os.path.basename(src.rstrip("/\\")))}, "path", src
    )
    entry.update({
        "role": role,
        "digest": record["digest"][len("sha256:"):],
        "size": record["size"],
        "files": record["files"],
        "loggedAt": _util.iso_utc(),
    })
    if record["problems"]:
        entry["problems"] = len(record["problems"])
    return entry


# ------------------------------------------------------------------------------------------------- CLI

USAGE = """usage: python -m runlog dataset version PATH [--store STORE] [--name NAME] [--track] [--no-profile] [--progress]

Records the version of a file or folder in the store and prints it as JSON (digest, size, files, problems).
--track also lists it under NAME in the Datasets view; --progress writes progress lines (JSON) to stderr.
"""


def cli(argv, find_store):
    import sys

    if not argv or argv[0] != "version" or len(argv) < 2:
        sys.stderr.write(USAGE)
        return 2
    path = None
    opts = {"store": None, "name": None, "track": False, "profile": True, "progress": False}
    args = iter(argv[1:])
    for a in args:
        if a in ("--store", "--name"):
            value = next(args, None)
            if value is None:
                sys.stderr.write("runlog: %s needs a value\n%s" % (a, USAGE))
                return 2
            opts[a[2:]] = value
        elif a == "--track":
            opts["track"] = True
        elif a == "--no-profile":
            opts["profile"] = False
        elif a == "--progress":
            opts["progress"] = True
        elif a == "--json":
            pass  # the output is always JSON
        elif path is None and not a.startswith("--"):
            path = a
        else:
            sys.stderr.write("runlog: unexpected argument %r\n%s" % (a, USAGE))
            return 2
    if path is None:
        sys.stderr.write(USAGE)
        return 2
    store = os.path.abspath(opts["store"]) if opts["store"] else find_store()

    def progress(done, total, files, total_files):
        sys.stderr.write(json.dumps({"progress": {"bytes": done, "totalBytes": total, "files": files,
                                                  "totalFiles": total_files}}) + "\n")
        sys.stderr.flush()

    try:
        record = version(path, store, progress if opts["progress"] else None, opts["profile"])
    except DatasetError as e:
        sys.stderr.write("runlog: %s\n" % e)
        return 1
    name = opts["name"] or os.path.basename(os.path.abspath(path).rstrip("/\\"))
    if opts["track"]:
        track(store, name, path, record)
    sys.stdout.write(json.dumps({
        "name": name,
        "path": os.path.abspath(path),
        "digest": record["digest"],
        "kind": record["kind"],
        "size": record["size"],
        "files": record["files"],
        "problems": record["problems"],
        "record": record_path(store, record["digest"][len("sha256:"):]),
    }) + "\n")
    return 0
