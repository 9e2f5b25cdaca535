"""Small helpers shared by the client: times, ids, names, JSON values, hashing, the run.json lock protocol.

Everything here follows docs/store-format.md. Stdlib only, Python >= 3.8.
"""

import base64
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


# ------------------------------------------------------------------------------------ text and bytes


def clean_text(text):
    """text made encodable as UTF-8: bytes that were not UTF-8 (surrogate escapes, as os.fsdecode and sys.argv
    hold them) and lone surrogates become U+FFFD. Encodable text is returned as it is."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # surrogates that are not escapes of bytes
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _clean(value):
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(k) if isinstance(k, str) else k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def raw_bytes_b64(text):
    """Base64 of the raw bytes behind text (os.fsencode), or None when text is valid UTF-8 as it is."""
    if not isinstance(text, str) or clean_text(text) is text:
        return None
    try:
        raw = os.fsencode(text)
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogatepass")
    return base64.b64encode(raw).decode("ascii")


def put_text(entry, field, text):
    """entry[field] = the encodable form of text, and entry[field + "Bytes"] = base64 of its raw bytes when they were
    not UTF-8 (a Latin-1 file name): the store keeps what is needed to find the file again."""
    entry[field] = clean_text(text)
    raw = raw_bytes_b64(text)
    if raw is not None:
        entry[field + "Bytes"] = raw
    return entry


def dumps_doc(doc):
    """run.json text as UTF-8 bytes; text that cannot be encoded (surrogates) is cleaned rather than failing."""
    try:
        return (json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(_clean(doc), indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")


# -------------------------------------------------------------------------------------- process identity

_process_start = {}


def process_start(pid=None):
    """"<boot id>:<start time in clock ticks>" of a process (Linux /proc), or None where that is unknown.

    Together with the pid it names one process: a pid reused after a reboot or by a later process differs."""
    pid = os.getpid() if pid is None else pid
    try:
        with open("/proc/sys/kernel/random/boot_id") as f:
            boot = f.read().strip()
        with open("/proc/%d/stat" % pid, "rb") as f:
            stat = f.read()
        ticks = stat[stat.rindex(b")") + 2:].split()[19]  # field 22 (fields after "comm)" start at 3)
        return "%s:%s" % (boot, ticks.decode("ascii"))
    except (OSError, ValueError, IndexError):
        return None


def own_process_start():
    pid = os.getpid()  # differs after fork: computed again for the child
    if pid not in _process_start:
        _process_start[pid] = process_start(pid)
    return _process_start[pid]


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists (another user's) or cannot tell: alive
    return True


# ---------------------------------------------------------------------------------------- run.json lock
#
# run.json.lock holds {"pid", "host", "processStart" (Linux), "at"}. It is created whole (a temporary file hard-linked
# to the lock's name, so nobody ever reads a half-written lock) and removed after the rename of run.json.
# A lock whose owner is on this host and gone (no such pid, or the pid now names another process) is broken at once;
# any other lock older than STALE_LOCK_SEC is stale.


def lock_payload():
    owner = {"pid": os.getpid(), "host": HOST}
    start = own_process_start()
    if start:
        owner["processStart"] = start
    owner["at"] = iso_utc()
    return json.dumps(owner).encode("utf-8")


def _create_lock(lock_path, payload):
    """True when lock_path was created by us (with its content), False when it exists."""
    tmp = "%s.%d.%s.tmp" % (lock_path, os.getpid(), os.urandom(3).hex())
    try:
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        try:
            os.write(fd, payload)
        finally:
            os.close(fd)
        os.link(tmp, lock_path)
        return True
    except FileExistsError:
        return False
    except FileNotFoundError:
        raise  # the run folder is gone
    except OSError:  # no hard links here (some network or FUSE file systems): exclusive create, then write
        try:
            fd = os.open(lock_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return False
        try:
            os.write(fd, payload)
        except OSError:
            pass  # a full disk: an empty lock still excludes others
        finally:
            os.close(fd)
        return True
    finally:
        try:
            os.remove(tmp)
        except OSError:
            pass


def lock_is_abandoned(lock_path, st, now=None):
    """Whether the lock (whose os.stat is st) may be broken: its owner is gone, or it is stale."""
    age = (time.time() if now is None else now) - st.st_mtime
    if age > STALE_LOCK_SEC:
        return True
    try:
        with open(lock_path, "rb") as f:
            owner = json.loads(f.read().decode("utf-8"))
    except FileNotFoundError:
        return False
    except (OSError, ValueError):
        return st.st_size == 0 and age > 2.0  # created but never written: its writer died at once
    if not isinstance(owner, dict) or owner.get("host") != HOST:
        return False
    pid = owner.get("pid")
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    if not _pid_alive(pid):
        return True
    start = owner.get("processStart")
    if isinstance(start, str) and start:
        current = process_start(pid)
        return current is not None and current != start
    return False


def _break_lock(lock_path, st):
    """Removes the abandoned lock st (and only it: a lock made meanwhile by a live writer is put back)."""
    aside = "%s.broken.%d.%s" % (lock_path, os.getpid(), os.urandom(3).hex())
    try:
        os.rename(lock_path, aside)
    except OSError:
        return
    try:
        moved = os.stat(aside)
        if (moved.st_ino, moved.st_dev) != (st.st_ino, st.st_dev):
            try:
                os.link(aside, lock_path)
            except OSError:
                pass
    finally:
        try:
            os.remove(aside)
        except OSError:
            pass


def acquire_lock(lock_path, timeout=15.0):
    """Takes run.json.lock. Returns True when held, False on timeout (a live owner kept it that long).

    Raises FileNotFoundError when the folder is gone.
    """
    payload = lock_payload()
    deadline = time.monotonic() + timeout
    delay = 0.001
    while True:
        if _create_lock(lock_path, payload):
            return True
        try:
            st = os.stat(lock_path)
        except FileNotFoundError:
            continue  # released meanwhile
        if lock_is_abandoned(lock_path, st):
            _break_lock(lock_path, st)
            continue
        if time.monotonic() > deadline:
            return False
        time.sleep(delay)
        delay = min(delay * 2, 0.02)


def release_lock(lock_path):
    try:
        os.remove(lock_path)
    except OSError:
        pass


def replace_file(path, data):
    """Writes data (bytes) to a temporary file beside path and renames it over path."""
    tmp = "%s.%d.%s.tmp" % (path, os.getpid(), os.urandom(3).hex())
    try:
        with open(tmp, "wb") as f:
            f.write(data)
    except BaseException:  # full disk: leave no partial temporary file behind
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise
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
            doc = json.loads(f.read().decode("utf-8-sig", "replace"))  # a BOM (added by some editors) is not an error
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None
