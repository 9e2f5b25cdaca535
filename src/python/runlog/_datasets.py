"""Dataset versions: content digest, manifest and tabular profiles of a file or folder (docs/datasets.md).

The one implementation of versioning: `runlog.log_dataset`, the editor's Track Dataset… and the `runlog` CLI all
come here (the editor and the CLI through `python -m runlog dataset version`). A version is recorded whole in the
store, content-addressed (datasets/sha256/<hex>.json), so two versions can be compared after the data changed.

Stdlib only, Python >= 3.8. Hashing streams (constant memory); a stat cache (size, mtime, inode) per dataset root
means unchanged files are not read again; a file that changes while it is read is read again, then reported.
Tabular profiles are computed in the same read, by _tabular.py.
"""

import gc
import hashlib
import itertools
import json
import operator
import os
import time

from . import _util

SCHEMA = 1
PROFILER = 2  # bump when profiles change meaning: cached profiles of an older profiler are recomputed
ROLES = ("train", "eval", "test", "input", "output")
PROFILE_MODES = ("auto", "full", "sample")  # as _tabular.PROFILE_MODES (imported only when a file is profiled)
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
    return os.path.join(store, "datasets", "cache", "stat-%s.bin" % key)


def _profile_cache_path(store, hex_digest):
    return os.path.join(store, "datasets", "cache", "profile-%s.json" % hex_digest)


def _write_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    _util.replace_file(path, json.dumps(obj, separators=(",", ":"), allow_nan=False).encode("utf-8"))


# ---------------------------------------------------------------------------------------------- walking


_NAME = operator.attrgetter("name")


def _walk(root, problems):
    """Files below root as sorted [(relative posix path, (size, mtime ns, inode))]; follows symlinks, never in a loop.

    Only the three numbers of each stat are kept (a stat result is ten times their size: 100,000 of them cost
    more in page faults than the stat calls themselves). Where the OS allows, a folder is listed through its
    descriptor, so each stat is an fstatat relative to it, as find does (a fifth less system time than stat of
    the whole path)."""
    found = []
    seen = set()
    stack = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        fd = None
        try:
            try:
                if _SCANDIR_FD:
                    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
                    st = os.fstat(fd)
                else:
                    st = os.stat(folder)
                key = (st.st_dev, st.st_ino)
                if key in seen:
                    problems.append({"path": prefix.rstrip("/") or ".",
                                     "problem": "symlink loop (folder already included), skipped"})
                    continue
                seen.add(key)
                with os.scandir(folder if fd is None else fd) as it:
                    entries = list(it)
            except OSError as e:
                problems.append({"path": prefix.rstrip("/") or ".", "problem": "cannot read folder: %s" % (e.strerror or e)})
                continue
            _list_folder(folder, prefix, entries, found, stack, problems)
        finally:
            if fd is not None:
                os.close(fd)  # after the entries' stat calls, which are relative to it
    found.sort()  # by relative path
    return found


_SCANDIR_FD = os.scandir in os.supports_fd and hasattr(os, "O_DIRECTORY")


def _list_folder(folder, prefix, entries, found, stack, problems):
    try:
        # the usual folder in C-level maps (no Python code per file); any error: the careful loop below
        files = list(filter(os.DirEntry.is_file, entries))
        found.extend(list(zip(map(prefix.__add__, map(_NAME, files)), map(_STAT_KEY, map(os.DirEntry.stat, files)))))
        if len(files) == len(entries):
            return
        entries = [e for e in entries if not e.is_file()]
    except OSError:
        pass
    for entry in entries:
        rel = prefix + entry.name
        try:
            if entry.is_dir():
                if entry.name == ".runlog" and not entry.is_symlink():
                    continue  # a store inside the dataset is not data (and changes while we write to it)
                stack.append((os.path.join(folder, entry.name), rel + "/"))
            elif entry.is_file():
                found.append((rel, _STAT_KEY(entry.stat())))
            elif entry.is_symlink():
                problems.append({"path": rel, "problem": "broken symbolic link, skipped"})
        except OSError as e:
            problems.append({"path": rel, "problem": "cannot read: %s" % (e.strerror or e)})


def _same(a, b):
    return a.st_size == b.st_size and a.st_mtime_ns == b.st_mtime_ns and a.st_ino == b.st_ino


# ---------------------------------------------------------------------------------------------- hashing


def _hash_and_profile(full, fmt, on_bytes, mode="auto"):
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

            from . import _tabular  # imported when needed: a re-check of plain files starts faster

            if fmt == "jsonl":
                profile = _tabular.profile_jsonl(f.read, on_block)
            else:
                profile = _tabular.profile_csv(f.read, on_block, "\t" if fmt == "tsv" else ",", fmt, mode,
                                               before.st_size)
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


def version(path, store, progress=None, profile=True, manifest=True):
    """Versions the file or folder at path: returns its record (also saved in the store, content-addressed).

    The record: {"schema", "digest": "sha256:<hex>", "kind", "size", "files", "manifest": [{"path", "size",
    "digest"}], "profiles": {path: profile}, "problems": [{"path", "problem"}], "createdAt"}. With manifest=False
    the returned record has no "manifest" when the store already holds this version (a re-check of 100,000
    unchanged files then builds no 100,000 dicts); the stored record always has it.

    profile: False (hash only), True or "auto" (CSV/TSV files over _tabular.SAMPLE_ABOVE_BYTES get an exact row count
    and statistics of a sample, marked by the profile's "sample"), "full" (exact statistics of every row) or "sample".
    """
    if profile is True:
        profile = "auto"
    if profile is not False and profile not in PROFILE_MODES:
        raise ValueError("profile must be one of auto, full, sample (or False), got %r" % (profile,))
    gc_enabled = gc.isenabled()
    gc.disable()  # hundreds of thousands of stat results and tuples, no reference cycles: collections only cost time
    try:
        return _version(path, store, progress, profile, manifest)
    finally:
        if gc_enabled:
            gc.enable()


def _version(path, store, progress, profile, want_manifest):
    root = os.path.abspath(os.fspath(path))
    if not os.path.exists(root):
        raise DatasetError("no such file or folder: %s" % root)
    problems = []
    is_folder = os.path.isdir(root)
    if is_folder:
        files = _walk(root, problems)
    else:
        try:
            files = [(os.path.basename(root), _STAT_KEY(os.stat(root)))]
        except OSError as e:
            raise DatasetError("cannot read %s: %s" % (root, e.strerror or e))
    cache_file = _cache_path(store, root)
    started_ns = time.time_ns()
    # each file's signature is "<path>\0(<size>, <mtime ns>, <inode>)"; the stat cache holds the signatures and
    # digests of the files last hashed. A re-check of unchanged files is one string comparison of all signatures;
    # otherwise one dict lookup per file. No Python code runs per file on either way.
    sigs = list(map(_SIGNATURE.__mod__, files))
    cached_text, cached_digests, cached_folder_digest = _load_stat_cache(cache_file, root)
    sig_text = "\0".join(sigs)
    all_paths = list(map(_FIRST, files))
    all_sizes = list(map(_FIRST, map(_SECOND, files)))
    report = _Progress(progress, sum(all_sizes), len(files))
    unchanged = False
    paths, sizes, digests = [], [], []
    new_sigs, new_digests = [], []
    profiles = {}
    if files and sig_text == cached_text:
        hits = cached_digests
        unchanged = True
    else:
        hits = list(map(dict(zip(_split_signatures(cached_text), cached_digests)).get, sigs))
    if None not in hits and not (profile and _any_tabular(all_paths)):
        # the fast path of a re-check: nothing changed, nothing to read
        paths = all_paths
        sizes = all_sizes
        digests = new_digests = hits
        new_sigs = sigs
        report.bytes, report.files = report.total_bytes, len(files)
    else:
        profile_max = _profile_max_bytes()
        racy_from = started_ns - RACY_NS
        for (rel, st), sig, hex_digest in zip(files, sigs, hits):  # st: (size, mtime ns, inode)
            fmt = TABULAR.get(os.path.splitext(rel)[1].lower()) if profile else None
            if hex_digest is not None and not fmt:
                new_sigs.append(sig)
                new_digests.append(hex_digest)
                paths.append(rel)
                sizes.append(st[0])
                digests.append(hex_digest)
                report.file_done(st[0])
                continue
            if fmt and st[0] > profile_max:
                fmt = None
                problems.append({"path": rel, "problem": "not profiled: larger than %d MB (RUNLOG_PROFILE_MAX_MB)"
                                 % (profile_max // (1024 * 1024))})
            prof = None
            if hex_digest is not None and fmt:
                prof = _read_profile(store, hex_digest, profile)
                if prof is None:
                    hex_digest = None  # hash again: the profile needs the bytes anyway
            if hex_digest is not None:
                size = st[0]
                report.file_done(size)
            else:
                full = os.path.join(root, *rel.split("/")) if is_folder else root
                result = _read_file(full, fmt, report, problems, rel, profile)
                if result is None:
                    continue
                hex_digest, size, prof, st = result
                if fmt and prof is not None:
                    _write_json(_profile_cache_path(store, hex_digest), {"profiler": PROFILER, "profile": prof})
                report.file_done()
                st = _STAT_KEY(st)
                sig = _SIGNATURE % (rel, st)
            if st[1] < racy_from:  # files modified just now may change again within the mtime granularity
                new_sigs.append(sig)
                new_digests.append(hex_digest)
            paths.append(rel)
            sizes.append(size)
            digests.append(hex_digest)
            if fmt and prof is not None:
                profiles[rel] = prof
                if prof.get("malformedRows"):
                    where = " (first at lines %s)" % ", ".join(map(str, prof["malformedExamples"])) \
                        if prof["malformedExamples"] else ""
                    problems.append({"path": rel, "problem": "%d malformed rows%s%s, left out of the profile" % (
                        prof["malformedRows"], " in the sample" if "sample" in prof else "", where)})
                if prof.get("error"):
                    problems.append({"path": rel, "problem": prof["error"]})
    report._maybe(force=True)
    if is_folder and unchanged and cached_folder_digest and new_digests is cached_digests:
        digest = cached_folder_digest  # the same paths and digests as when the cache was saved
    elif is_folder:
        lines = "".join(map("%s\0%s\n".__mod__, zip(paths, digests)))
        digest = hashlib.sha256(lines.encode("utf-8", "surrogateescape")).hexdigest()
    elif digests:
        digest = digests[0]
    else:
        raise DatasetError("cannot version %s: %s" % (root, problems[0]["problem"] if problems else "unreadable"))
    record = {
        "schema": SCHEMA,
        "digest": "sha256:" + digest,
        "kind": "folder" if is_folder else "file",
        "size": sum(sizes),
        "files": len(paths),
        "profiles": profiles,
        "problems": problems,
        "createdAt": _util.iso_utc(),
    }
    target = record_path(store, digest)
    # content-addressed: an existing record of this digest holds the same manifest (it is not read or rewritten);
    # only one written without profiles (profile=False) or by an older schema is replaced
    existing = _util.read_json(target) if profiles or not os.path.exists(target) else {"schema": SCHEMA, "profiles": {}}
    write = existing is None or existing.get("schema") != SCHEMA or _incomplete(existing, record)
    if write or want_manifest:
        record["manifest"] = [{"path": p, "size": n, "digest": d} for p, n, d in zip(paths, sizes, digests)]
    if write:
        _write_json(target, record)
    if new_digests != cached_digests or "\0".join(new_sigs) != cached_text or digest != cached_folder_digest:
        # the folder digest is kept when the cache covers every file (none too recent to trust)
        whole = is_folder and len(new_sigs) == len(files) == len(paths)
        _save_stat_cache(cache_file, root, new_sigs, new_digests, digest if whole else "-")
    return record


_STAT_KEY = operator.attrgetter("st_size", "st_mtime_ns", "st_ino")
_FIRST = operator.itemgetter(0)
_SECOND = operator.itemgetter(1)
_STAT_CACHE_MAGIC = "runlog-stat-cache-3"
_SIGNATURE = "%s\0%r"  # (path, (size, mtime ns, inode))


def _any_tabular(paths):
    names = ("\0".join(paths) + "\0").lower()
    return any(suffix + "\0" in names for suffix in TABULAR)


def _load_stat_cache(cache_file, root):
    """(signatures joined by NUL, digests, folder digest or None) of the files hashed at root before, in path order.

    The file: magic, root and the folder digest (when the cache covers every file, else "-"), the signatures, and
    the digests, each section NUL-separated (file names cannot hold NUL; no field is empty) and the sections
    separated by two NULs: loading is a read and two splits.
    """
    try:
        with open(cache_file, "rb") as f:
            sections = f.read().decode("utf-8", "surrogateescape").split("\0\0")
        header = sections[0].split("\0")
        if len(sections) == 3 and len(header) == 3 and header[:2] == [_STAT_CACHE_MAGIC, root]:
            digests = sections[2].split("\0")
            if sections[1].count("\0") == 2 * len(digests) - 1:
                return sections[1], digests, header[2] if len(header[2]) == 64 else None
    except (OSError, ValueError):
        pass
    return "", [], None


def _split_signatures(text):
    fields = text.split("\0") if text else []
    return map("%s\0%s".__mod__, zip(fields[0::2], fields[1::2]))


def _save_stat_cache(cache_file, root, sigs, digests, folder_digest):
    if not sigs:
        return
    header = "\0".join((_STAT_CACHE_MAGIC, root, folder_digest))
    text = "\0\0".join((header, "\0".join(sigs), "\0".join(digests)))
    try:
        os.makedirs(os.path.dirname(cache_file), exist_ok=True)
        _util.replace_file(cache_file, text.encode("utf-8", "surrogateescape"))
    except OSError:
        pass  # the cache only saves time


def _incomplete(existing, record):
    """An existing record lacks profiles that this one has (e.g. recorded with profile=False), or has a sampled
    profile where this one is exact (profile="full")."""
    old = existing.get("profiles") or {}
    if len(old) < len(record["profiles"]):
        return True
    return any(isinstance(old.get(p), dict) and "sample" in old[p] and "sample" not in prof
               for p, prof in record["profiles"].items())


def _read_profile(store, hex_digest, mode="auto"):
    """The cached profile of these bytes; a sampled one does not do when the exact one is asked for."""
    doc = _util.read_json(_profile_cache_path(store, hex_digest))
    if doc and doc.get("profiler") == PROFILER and isinstance(doc.get("profile"), dict):
        if mode == "full" and "sample" in doc["profile"]:
            return None
        return doc["profile"]
    return None


def _read_file(full, fmt, report, problems, rel, mode="auto"):
    for attempt in range(ATTEMPTS):
        done = [0]

        def on_bytes(n):
            done[0] += n
            report.add_bytes(n)

        try:
            return _hash_and_profile(full, fmt, on_bytes, mode)
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


def entry_for_run(path, name, role, store, profile="auto"):
    """The `datasets` entry of run.json for a logged dataset (the version itself goes to the store)."""
    if role not in ROLES:
        raise ValueError("runlog.log_dataset: role must be one of %s, got %r" % (", ".join(ROLES), role))
    src = os.path.abspath(os.fspath(path))
    if not os.path.exists(src):
        raise FileNotFoundError("runlog.log_dataset: no such file or folder: %s" % src)
    if profile not in PROFILE_MODES:
        raise ValueError("runlog.log_dataset: profile must be one of %s, got %r" % (", ".join(PROFILE_MODES), profile))
    record = version(src, store, profile=profile, manifest=False)
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

USAGE = """usage: python -m runlog dataset version PATH [--store STORE] [--name NAME] [--track] [--no-profile]
       [--profile auto|full|sample] [--progress]

Records the version of a file or folder in the store and prints it as JSON (digest, size, files, problems).
--track also lists it under NAME in the Datasets view; --progress writes progress lines (JSON) to stderr.
--profile: auto (default) profiles CSV/TSV files over 256 MB from a sample (exact row count and digest), full
profiles every row, sample always samples.
"""


def cli(argv, find_store):
    import sys

    if not argv or argv[0] != "version" or len(argv) < 2:
        sys.stderr.write(USAGE)
        return 2
    path = None
    opts = {"store": None, "name": None, "track": False, "profile": "auto", "progress": False}
    args = iter(argv[1:])
    for a in args:
        if a == "--profile":
            value = next(args, None)
            if value not in PROFILE_MODES:
                sys.stderr.write("runlog: --profile needs one of %s\n%s" % (", ".join(PROFILE_MODES), USAGE))
                return 2
            opts["profile"] = value if opts["profile"] is not False else False
        elif a in ("--store", "--name"):
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
        record = version(path, store, progress if opts["progress"] else None, opts["profile"], manifest=False)
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
