"""Who writes a run, and the run.json lock protocol of docs/store-format.md (interfaces.md section 3).

A process is named by its pid plus "<boot id>:<start time in clock ticks>" (Linux), so a pid reused by another
process is told apart. run.json.lock names its owner; a lock whose owner is on this host and gone is broken at once.
"""

import json
import os
import time

from ._util import HOST, iso_utc

STALE_LOCK_SEC = 10.0


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


def _read_lock(path):
    """(identity, content) of the lock file at path, read through one descriptor (so both describe the same file),
    or None when there is none. identity: (inode, device, mtime, size)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        st = os.fstat(fd)
        content = os.read(fd, 65536)
    finally:
        os.close(fd)
    return (st.st_ino, st.st_dev, st.st_mtime, st.st_size), content


def lock_is_abandoned(identity, content, now=None):
    """Whether a lock (as _read_lock gave it) may be broken: its owner is on this host and gone, or it is stale."""
    age = (time.time() if now is None else now) - identity[2]
    if age > STALE_LOCK_SEC:
        return True
    try:
        owner = json.loads(content.decode("utf-8"))
    except ValueError:
        return identity[3] == 0 and age > 2.0  # created but never written: its writer died at once
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


def _break_lock(lock_path, judged):
    """Removes the abandoned lock `judged` (as _read_lock gave it), and only it: if what is renamed aside is another
    lock (a live writer took the lock meanwhile), it is put back. Same inode and same content (the owner's pid and
    the time it was taken) tell it is the same lock even where inode numbers are reused at once."""
    aside = "%s.broken.%d.%s" % (lock_path, os.getpid(), os.urandom(3).hex())
    try:
        os.rename(lock_path, aside)
    except OSError:
        return
    try:
        moved = _read_lock(aside)
        if moved is None or moved[0][:2] != judged[0][:2] or moved[1] != judged[1]:
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
        held = _read_lock(lock_path)
        if held is None:
            continue  # released meanwhile
        if lock_is_abandoned(*held):
            _break_lock(lock_path, held)
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
