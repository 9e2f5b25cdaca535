"""Small helpers shared by the client: times, ids, names, JSON values, hashing, the run.json lock protocol.

Everything here follows docs/store-format.md. Stdlib only, Python >= 3.8.
"""

import datetime
import hashlib
import json
import math
import os
import socket
import time

HOST = socket.gethostname()

STALE_LOCK_SEC = 10.0

_UTC = datetime.timezone.utc


def iso_utc(t=None):
    """ISO 8601 UTC with milliseconds and a Z, e.g. 2026-11-21T22:18:15.123Z."""
    if t is None:
        t = time.time()
    d = datetime.datetime.fromtimestamp(t, _UTC)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (d.microsecond // 1000)


def new_run_id(t=None):
    """YYYYMMDD-HHMMSS-mmm-xxxxxxxx: UTC start time to the millisecond + 32 random bits."""
    if t is None:
        t = time.time()
    d = datetime.datetime.fromtimestamp(t, _UTC)
    return d.strftime("%Y%m%d-%H%M%S-") + "%03d-%s" % (d.microsecond // 1000, os.urandom(4).hex())


# Word lists for friendly default run names (adjective-noun-number). Our own lists.
_ADJECTIVES = (
    "amber", "bold", "brave", "bright", "brisk", "calm", "clear", "clever", "cosmic", "crisp", "dapper",
    "eager", "early", "fancy", "fast", "fierce", "gentle", "glad", "golden", "grand", "happy", "humble",
    "jolly", "keen", "kind", "lively", "lucky", "mellow", "merry", "misty", "modest", "noble", "plucky",
    "polite", "proud", "quick", "quiet", "rapid", "ready", "rustic", "shiny", "silent", "silver", "smooth",
    "snowy", "solid", "sunny", "swift", "tidy", "vivid", "warm", "wild", "wise", "witty", "zesty",
)
_NOUNS = (
    "badger", "brook", "canyon", "cedar", "cloud", "comet", "coral", "crane", "delta", "dune", "falcon",
    "fern", "field", "fjord", "forest", "fox", "glacier", "grove", "harbor", "hawk", "heron", "hill",
    "island", "lake", "lark", "leaf", "lynx", "maple", "meadow", "meteor", "moon", "moss", "nebula",
    "oak", "ocean", "orbit", "otter", "owl", "pebble", "pine", "planet", "pond", "prairie", "quartz",
    "raven", "reef", "river", "robin", "sky", "spark", "star", "stone", "summit", "thunder", "tide",
    "valley", "willow", "wind", "wolf",
)


def _rand_below(n):
    # os.urandom, not the random module: never disturb (or depend on) the user's seeded generator.
    return int.from_bytes(os.urandom(4), "big") % n


def friendly_name():
    """e.g. calm-river-7"""
    return "%s-%s-%d" % (
        _ADJECTIVES[_rand_below(len(_ADJECTIVES))],
        _NOUNS[_rand_below(len(_NOUNS))],
        1 + _rand_below(99),
    )


def json_number(value):
    """A float as the store writes it: finite numbers as is, else "NaN" / "Infinity" / "-Infinity"."""
    if value.__class__ is float and not math.isfinite(value):
        if value != value:
            return "NaN"
        return "Infinity" if value > 0 else "-Infinity"
    return value


def param_value(value):
    """Params are string, number, boolean or null; anything else is stored as its str()."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return json_number(float(value))
    item = getattr(value, "item", None)  # numpy / torch scalars
    if callable(item):
        try:
            v = item()
        except Exception:
            v = None
        if isinstance(v, (bool, int, float, str)):
            return param_value(v)
    return str(value)


def dumps_doc(doc):
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


# ---------------------------------------------------------------------------------------------- hashing

_CHUNK = 1 << 20


def hash_file(path, copy_to=None):
    """sha256 hex and size of a file; optionally copies it to copy_to in the same pass."""
    h = hashlib.sha256()
    size = 0
    out = open(copy_to, "wb") if copy_to is not None else None
    try:
        with open(path, "rb") as f:
            while True:
                chunk = f.read(_CHUNK)
                if not chunk:
                    break
                h.update(chunk)
                size += len(chunk)
                if out is not None:
                    out.write(chunk)
    finally:
        if out is not None:
            out.close()
    return h.hexdigest(), size


def list_files(folder):
    """Sorted (relative posix path, absolute path) of the regular files under folder (symlinked files followed)."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in files:
            full = os.path.join(root, name)
            if os.path.isfile(full):
                rel = os.path.relpath(full, folder).replace(os.sep, "/")
                found.append((rel, full))
    found.sort()
    return found


def digest_path(path, copy_to=None):
    """Content digest of a file or folder, as recorded in `datasets` and `artifacts`.

    File: sha256 of its bytes. Folder: sha256 over one line "<relative posix path>\\0<sha256 hex>\\n" per file,
    sorted by path. Returns (hex digest, total size in bytes, file count). With copy_to, copies while hashing.
    """
    if os.path.isdir(path):
        h = hashlib.sha256()
        size = 0
        files = list_files(path)
        for rel, full in files:
            target = None
            if copy_to is not None:
                target = os.path.join(copy_to, *rel.split("/"))
                os.makedirs(os.path.dirname(target), exist_ok=True)
            digest, n = hash_file(full, target)
            size += n
            h.update(("%s\0%s\n" % (rel, digest)).encode("utf-8"))
        return h.hexdigest(), size, len(files)
    digest, size = hash_file(path, copy_to)
    return digest, size, 1


# ---------------------------------------------------------------------------------------- run.json lock


def acquire_lock(lock_path, timeout=15.0):
    """Creates lock_path exclusively (O_CREAT|O_EXCL) holding {"pid", "host"}; removes a lock older than 10 s.

    Returns True when held. Raises FileNotFoundError when the folder is gone; returns False on timeout.
    """
    payload = json.dumps({"pid": os.getpid(), "host": HOST}).encode("utf-8")
    deadline = time.monotonic() + timeout
    delay = 0.001
    while True:
        try:
            fd = os.open(lock_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                age = time.time() - os.stat(lock_path).st_mtime
            except FileNotFoundError:
                continue  # released meanwhile
            if age > STALE_LOCK_SEC:
                try:
                    os.remove(lock_path)
                except OSError:
                    pass
                continue
            if time.monotonic() > deadline:
                return False
            time.sleep(delay)
            delay = min(delay * 2, 0.02)
            continue
        try:
            os.write(fd, payload)
        finally:
            os.close(fd)
        return True


def release_lock(lock_path):
    try:
        os.remove(lock_path)
    except OSError:
        pass


def replace_file(path, data):
    """Writes data (bytes) to a temporary file beside path and renames it over path."""
    tmp = "%s.%d.%s.tmp" % (path, os.getpid(), os.urandom(3).hex())
    with open(tmp, "wb") as f:
        f.write(data)
    for attempt in range(50):
        try:
            os.replace(tmp, path)
            return
        except PermissionError:  # Windows: a reader holds the target open for a moment
            if attempt == 49:
                try:
                    os.remove(tmp)
                except OSError:
                    pass
                raise
            time.sleep(0.02)


def read_json(path):
    """The parsed JSON object at path, or None when missing / not an object / unparseable."""
    try:
        with open(path, "rb") as f:
            doc = json.loads(f.read().decode("utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None
