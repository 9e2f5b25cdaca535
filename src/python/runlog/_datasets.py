"""Dataset versions: content digest, manifest and tabular profiles of a file or folder (docs/datasets.md).

The one implementation of versioning: `runlog.log_dataset`, the editor's Track Dataset… and the `runlog` CLI all
come here (the editor and the CLI through `python -m runlog dataset version`). A version is recorded whole in the
store, content-addressed (datasets/sha256/<hex>.json), so two versions can be compared after the data changed.

Stdlib only, Python >= 3.8. Hashing streams (constant memory); a stat cache (size, mtime, inode) per dataset root
means unchanged files are not read again; a file that changes while it is read is read again, then reported.
"""

import bisect
import collections
import csv
import hashlib
import io
import itertools
import json
import math
import os
import time
import zlib

from . import _util

SCHEMA = 1
PROFILER = 1  # bump when profiles change meaning: cached profiles of an older profiler are recomputed
ROLES = ("train", "eval", "test", "input", "output")
TABULAR = {".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl"}

CHUNK_BYTES = 1 << 20
ROWS_PER_BATCH = 4096
SAMPLE_TARGET = 8192  # values kept per numeric column for its quantiles (all of them when there are fewer)
CATEGORY_CAP = 2000  # a column with more distinct values keeps no category counts (only a distinct estimate)
TOP_CATEGORIES = 50
KMV_K = 2048  # k-minimum-values sketch size: distinct estimates within ~2-3 %
QUANTILES = 101  # 0th..100th percentile
ATTEMPTS = 3
RACY_NS = 2_000_000_000
PROFILE_MAX_MB_DEFAULT = 2048  # larger tabular files are hashed but not profiled (profiling runs at tens of MB/s)


def _profile_max_bytes():
    try:
        return int(float(os.environ.get("RUNLOG_PROFILE_MAX_MB", PROFILE_MAX_MB_DEFAULT)) * 1024 * 1024)
    except ValueError:
        return PROFILE_MAX_MB_DEFAULT * 1024 * 1024  # files modified this recently are not trusted to the stat cache (mtime granularity)


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


class _HashingReader(io.RawIOBase):
    """A raw reader that hashes every byte it hands out, so a profile reads the same bytes the digest covers."""

    def __init__(self, f, on_bytes):
        self.f = f
        self.h = hashlib.sha256()
        self.n = 0
        self.on_bytes = on_bytes

    def readable(self):
        return True

    def readinto(self, b):
        k = self.f.readinto(b)
        if k:
            self.h.update(memoryview(b)[:k])
            self.n += k
            if self.on_bytes:
                self.on_bytes(k)
        return k


def _hash_and_profile(full, fmt, on_bytes):
    """(hex, size, profile or None, stat at start) of one read of the file; raises _Changed if it changed meanwhile."""
    before = os.stat(full)
    profile = None
    with open(full, "rb", buffering=0) as f:
        reader = _HashingReader(f, on_bytes)
        if fmt:
            buffered = io.BufferedReader(reader, CHUNK_BYTES)
            text = io.TextIOWrapper(buffered, encoding="utf-8", errors="replace", newline="")
            profile = _profile_jsonl(text) if fmt == "jsonl" else _profile_csv(text, "\t" if fmt == "tsv" else ",", fmt)
            text.detach()  # keep the buffered reader open: the rest of the bytes must still be hashed
            while buffered.read(CHUNK_BYTES):  # whatever the profiler did not need still counts for the digest
                pass
        else:
            buf = bytearray(CHUNK_BYTES)
            while reader.readinto(buf):
                pass
        after_fd = os.fstat(f.fileno())
    after = os.stat(full)
    if reader.n != before.st_size or not _same(before, after_fd) or not _same(before, after):
        raise _Changed()
    return reader.h.hexdigest(), reader.n, profile, before


class _Changed(Exception):
    pass


# ---------------------------------------------------------------------------------------------- profiles


class _Column:
    """Streaming statistics of one column. Numbers: exact min/max/mean, quantiles of a systematic sample.
    Categories: exact counts while there are few, else a k-minimum-values distinct estimate."""

    __slots__ = ("name", "count", "nulls", "kind", "integer", "lo", "hi", "total", "sample", "stride", "skip",
                 "counts", "kmv", "kmv_bound")

    def __init__(self, name):
        self.name = name
        self.count = 0
        self.nulls = 0
        self.kind = None  # "number" | "string" | "boolean" once values are seen
        self.integer = True
        self.lo = self.hi = None
        self.total = 0.0
        self.sample = []
        self.stride = 1
        self.skip = 0
        self.counts = collections.Counter()
        self.kmv = None
        self.kmv_bound = 1 << 32

    def add_numbers(self, nums):
        if not nums:
            return
        lo, hi = min(nums), max(nums)
        self.lo = lo if self.lo is None or lo < self.lo else self.lo
        self.hi = hi if self.hi is None or hi > self.hi else self.hi
        self.total += math.fsum(nums)
        self.sample.extend(nums[self.skip::self.stride])
        self.skip = (self.skip - len(nums)) % self.stride
        while len(self.sample) > 2 * SAMPLE_TARGET:
            # keep every other sampled value; the next value due is kept only if it falls on an even position
            if len(self.sample) % 2:
                self.skip += self.stride
            self.sample = self.sample[::2]
            self.stride *= 2

    def drop_numbers(self):
        self.lo = self.hi = None
        self.total = 0.0
        self.sample = []

    def add_keys(self, keys):
        """keys: the values as strings (for category shares and the distinct count)."""
        if self.counts is not None:
            self.counts.update(keys)
            if len(self.counts) <= CATEGORY_CAP:
                return
            keys = list(self.counts)
            self.counts = None
            self.kmv = set()
        # k minimum values of a 32-bit hash: only hashes below the current k-th smallest can matter (C-level
        # sort and bisect, no per-value Python code)
        hashes = sorted(set(map(zlib.crc32, map(str.encode, set(keys)))))
        self.kmv.update(hashes[: bisect.bisect_left(hashes, self.kmv_bound)])
        if len(self.kmv) > 2 * KMV_K:
            kept = sorted(self.kmv)[:KMV_K]
            self.kmv = set(kept)
            self.kmv_bound = kept[-1] + 1

    def result(self):
        out = {"name": self.name, "type": self.kind or "empty", "count": self.count, "nulls": self.nulls}
        if self.counts is not None:
            out["distinct"] = len(self.counts)
            out["distinctExact"] = True
        elif len(self.kmv) < KMV_K:
            out["distinct"] = len(self.kmv)
            out["distinctExact"] = True
        else:
            kth = sorted(self.kmv)[KMV_K - 1]
            out["distinct"] = int(round((KMV_K - 1) / ((kth + 1) / 4294967296.0)))
            out["distinctExact"] = False
        if self.kind == "number" and self.count:
            out["integer"] = self.integer
            out["min"] = self.lo
            out["max"] = self.hi
            out["mean"] = self.total / self.count
            out["quantiles"] = _quantiles(sorted(self.sample))
            out["sampled"] = self.stride > 1
        if self.counts is not None:
            top = self.counts.most_common(TOP_CATEGORIES)
            out["top"] = [[value, n] for value, n in top]
            out["otherCount"] = self.count - sum(n for _, n in top)
        return _finite(out)


def _finite(obj):
    """NaN/inf become the strings the store uses for them (JSON has no such numbers)."""
    for k, v in list(obj.items()):
        if isinstance(v, float) and not math.isfinite(v):
            obj[k] = _util.json_number(v)
        elif isinstance(v, list) and v and isinstance(v[0], float):
            obj[k] = [x if math.isfinite(x) else _util.json_number(x) for x in v]
    return obj


def _quantiles(values):
    if not values:
        return []
    n = len(values)
    out = []
    for i in range(QUANTILES):
        pos = i * (n - 1) / (QUANTILES - 1)
        j = int(pos)
        frac = pos - j
        v = values[j] if frac == 0 or j + 1 >= n else values[j] + (values[j + 1] - values[j]) * frac
        out.append(v)
    return out


def _profile_csv(text, delimiter, fmt):
    reader = csv.reader(text, delimiter=delimiter)
    header = next(reader, None)
    profile = {"format": fmt, "rows": 0, "malformedRows": 0, "malformedExamples": [], "columns": []}
    if header is None:
        return profile
    width = len(header)
    columns = [_Column(name) for name in _unique_names(header)]
    rows = 0
    records = 0
    malformed = 0
    examples = profile["malformedExamples"]
    while True:
        batch = list(itertools.islice(reader, ROWS_PER_BATCH))
        if not batch:
            break
        good = [r for r in batch if len(r) == width]
        if len(good) != len(batch):
            for i, r in enumerate(batch):
                if r and len(r) != width:  # a blank line is neither a row nor malformed
                    malformed += 1
                    if len(examples) < 5:
                        examples.append(records + i + 2)  # the line, when records are one line each
        records += len(batch)
        rows += len(good)
        if not good:
            continue
        for col, values in zip(columns, zip(*good)):
            nulls = values.count("")
            present = [v for v in values if v] if nulls else values
            col.nulls += nulls
            col.count += len(present)
            if not present:
                continue
            if col.kind in (None, "number"):
                nums = None
                if col.integer:
                    try:
                        nums = list(map(int, present))
                    except ValueError:
                        col.integer = False
                if nums is None:
                    try:
                        nums = list(map(float, present))
                    except ValueError:
                        col.kind = "string"
                        col.drop_numbers()
                if nums is not None:
                    col.kind = "number"
                    col.add_numbers(nums)
            col.add_keys(present)
    profile["rows"] = rows
    profile["malformedRows"] = malformed
    profile["columns"] = [c.result() for c in columns]
    return profile


def _unique_names(header):
    seen = collections.Counter()
    names = []
    for i, name in enumerate(header):
        name = name or "column_%d" % (i + 1)
        seen[name] += 1
        names.append(name if seen[name] == 1 else "%s_%d" % (name, seen[name]))
    return names


def _profile_jsonl(text):
    profile = {"format": "jsonl", "rows": 0, "malformedRows": 0, "malformedExamples": [], "columns": []}
    columns = collections.OrderedDict()
    line_no = 0
    while True:
        lines = list(itertools.islice(text, ROWS_PER_BATCH))
        if not lines:
            break
        docs = []
        for line in lines:
            line_no += 1
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
            except ValueError:
                doc = None
            if not isinstance(doc, dict):
                profile["malformedRows"] += 1
                if len(profile["malformedExamples"]) < 5:
                    profile["malformedExamples"].append(line_no)
                continue
            docs.append(doc)
        for doc in docs:
            for key in doc:
                if key not in columns:
                    col = _Column(key)
                    col.nulls = profile["rows"]  # absent in the rows before
                    columns[key] = col
        profile["rows"] += len(docs)
        for key, col in columns.items():
            values = [d.get(key) for d in docs]
            nulls = values.count(None)
            present = [v for v in values if v is not None] if nulls else values
            col.nulls += nulls
            col.count += len(present)
            if not present:
                continue
            types = set(map(type, present))
            if types <= {int, float} and col.kind in (None, "number"):
                col.kind = "number"
                col.integer = col.integer and types == {int}
                col.add_numbers(present)
                keys = list(map(repr, present)) if col.counts is not None or col.kmv is not None else None
            elif types == {bool} and col.kind in (None, "boolean"):
                col.kind = "boolean"
                keys = ["true" if v else "false" for v in present]
            elif types == {str} and col.kind in (None, "string"):
                col.kind = "string"
                keys = present
            else:
                if col.kind == "number":
                    col.drop_numbers()
                col.kind = "string"
                keys = [v if isinstance(v, str) else json.dumps(v, sort_keys=True) for v in present]
            if keys is not None:
                col.add_keys(keys)
    profile["columns"] = [c.result() for c in columns.values()]
    return profile


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
