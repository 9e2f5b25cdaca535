"""What a run records without code: interpreter, machine, packages, git state, params parsed from argv."""

import base64
import getpass
import os
import platform
import re
import subprocess
import sys

from . import _util
from ._util import HOST


def _user():
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry (containers) and no LOGNAME/USER
        return None


def _platform():
    try:
        return platform.platform()
    except Exception:
        return sys.platform


def user_command():
    """The command line this process was started with, as typed (`python train.py --lr 0.3`)."""
    orig = getattr(sys, "orig_argv", None)  # Python >= 3.10: includes the interpreter's own options
    if orig:
        return list(orig)
    return [sys.executable] + list(sys.argv)


def wrapped_command(script=None, module=None, args=()):
    """The user's command behind `python [opts] -m runlog run [runlog opts] script.py args`: `python [opts]
    script.py args` (or `python [opts] -m module args`), as a re-run would type it."""
    orig = getattr(sys, "orig_argv", None)
    prefix = [sys.executable]
    if orig:
        for i, token in enumerate(orig[1:], 1):
            if (token == "-m" and i + 1 < len(orig) and orig[i + 1] == "runlog") or token == "-mrunlog":
                prefix = list(orig[:i])
                break
    target = ["-m", module] if module else [script]
    return prefix + target + list(args)


def _text_list(capture, field, items):
    capture[field] = [_util.clean_text(a) for a in items]
    raw = [_util.raw_bytes_b64(a) for a in items]
    if any(r is not None for r in raw):  # argv that was not UTF-8: the raw bytes of every item, in base64
        capture[field + "Bytes"] = [
            r if r is not None else base64.b64encode(a.encode("utf-8")).decode("ascii")
            for r, a in zip(raw, items)
        ]


def basic(source, command, cwd=None, script=None, args=None, module=None):
    """The fields known at once (cheap): source, command, script, args, cwd, pid, processStart, host, user, platform,
    python. Text that is not valid UTF-8 (argv, the working folder) is kept readable, its raw bytes beside it."""
    capture = {"source": source}
    _text_list(capture, "command", list(command))
    if script is not None:
        _util.put_text(capture, "script", script)
    if module is not None:
        capture["module"] = _util.clean_text(module)
    _text_list(capture, "args", list(sys.argv[1:] if args is None else args))
    _util.put_text(capture, "cwd", cwd or os.getcwd())
    capture["pid"] = os.getpid()
    start = _util.own_process_start()
    if start:
        capture["processStart"] = start
    capture.update({
        "host": HOST,
        "user": _user(),
        "platform": _platform(),
        "python": {
            "executable": _util.clean_text(sys.executable),
            "version": platform.python_version(),
            "implementation": platform.python_implementation(),
        },
    })
    return capture


_metadata = None


def prepare():
    """Imports what the background capture needs, in the calling thread.

    (An import running in another thread while the program ends on Ctrl-C makes CPython exit with 1 instead of
    dying of SIGINT, so the capture thread must not import anything itself.)
    """
    global _metadata
    if _metadata is None:
        try:
            from importlib import metadata

            for dist in metadata.distributions():  # reading one triggers the lazy imports (email parser...)
                dist.metadata["Name"]
                dist.version
                break
            _metadata = metadata
        except ImportError:  # pragma: no cover - Python < 3.8
            _metadata = False


_packages = None


def packages():
    """Sorted name==version of the installed distributions visible to this interpreter (read once per process:
    later runs of the process, and forked children, reuse the list)."""
    global _packages
    if _packages is None:
        _packages = _read_packages()
    return list(_packages)


def _read_packages():
    prepare()
    metadata = _metadata
    if not metadata:
        return []
    seen = {}
    try:
        for dist in metadata.distributions():
            try:
                name = dist.metadata["Name"]
                version = dist.version
            except Exception:
                continue
            if not name:
                continue
            key = re.sub(r"[-_.]+", "-", name).lower()
            if key not in seen:  # first on sys.path wins, as for imports
                seen[key] = "%s==%s" % (name, version)
    except Exception:
        pass
    return sorted(seen.values(), key=lambda s: s.lower())


# ------------------------------------------------------------------------------------------------ git

_GIT_ENV = dict(os.environ, GIT_OPTIONAL_LOCKS="0", GIT_TERMINAL_PROMPT="0", LC_ALL="C")


def _git(cwd, *args, binary=False):
    try:
        p = subprocess.run(
            ("git",) + args,
            cwd=cwd,
            env=_GIT_ENV,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            timeout=20,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if p.returncode != 0:
        return None
    return p.stdout if binary else p.stdout.decode("utf-8", "replace").strip()


def _strip_credentials(url):
    # https://user:token@host/x.git -> https://host/x.git ; scp-like git@host:x stays as it is.
    return re.sub(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", r"\1", url)


MAX_UNTRACKED_LISTED = 200


def git_state(folder, run_dir):
    """capture.git for the repository containing folder, or None outside git (or without git).

    Writes `git diff HEAD` (working tree + staged changes against the last commit) to <run_dir>/git.diff when it is
    not empty. `dirty` is true when that diff is not empty or untracked (not ignored) files exist; untracked files
    are listed (up to 200) in `untracked`, their contents are not saved.
    """
    if not folder or not os.path.isdir(folder):
        return None
    top = _git(folder, "rev-parse", "--show-toplevel")
    if not top:
        return None
    commit = _git(top, "rev-parse", "--verify", "-q", "HEAD")
    branch = _git(top, "symbolic-ref", "--short", "-q", "HEAD")
    remote = None
    remotes = _git(top, "remote")
    if remotes:
        names = remotes.split()
        name = "origin" if "origin" in names else names[0]
        url = _git(top, "remote", "get-url", name)
        if url:
            remote = _strip_credentials(url)
    status = _git(top, "status", "--porcelain", "-z", "--untracked-files=all", binary=True)
    untracked = []
    changed = False
    if status:
        entries = status.split(b"\0")
        i = 0
        while i < len(entries):
            entry = entries[i]
            i += 1
            if len(entry) < 4:
                continue
            if entry.startswith(b"?? "):
                untracked.append(entry[3:].decode("utf-8", "replace"))
            else:
                changed = True
                if entry[:1] in (b"R", b"C") or entry[1:2] in (b"R", b"C"):
                    i += 1  # -z: the source path of a rename/copy follows as its own entry
    diff_file = None
    if commit:
        diff = _git(top, "diff", "HEAD", "--binary", binary=True)
        if diff:
            with open(os.path.join(run_dir, "git.diff"), "wb") as f:
                f.write(diff)
            diff_file = "git.diff"
            changed = True
    return {
        "commit": commit or None,
        "branch": branch or None,
        "dirty": bool(changed or untracked),
        "diffFile": diff_file,
        "remote": remote,
        "root": top,
        "untracked": untracked[:MAX_UNTRACKED_LISTED],
    }


# --------------------------------------------------------------------------------------- argv params

_INT = re.compile(r"[-+]?\d+\Z")
_FLOAT = re.compile(r"[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|inf|nan)\Z", re.IGNORECASE)
_NAME = re.compile(r"--?([A-Za-z_][\w.-]*)\Z")


def parse_value(text):
    """'3' -> 3, '0.1' -> 0.1, 'true'/'false' -> bool, anything else stays a string."""
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        v = float(text)
        # NaN / inf are not JSON: keep the text
        return v if v == v and v not in (float("inf"), float("-inf")) else text
    low = text.lower()
    if low == "true":
        return True
    if low == "false":
        return False
    return text


def _is_option(token):
    return token.startswith("-") and not _INT.match(token) and not _FLOAT.match(token) and token != "-"


def params_from_argv(args):
    """Params from command-line options: --lr 0.1, --lr=0.1, -n 3; bare flags (--verbose) -> True.

    Positional arguments are ignored; everything after a bare `--` too. A repeated option keeps its last value.
    """
    params = {}
    i = 0
    n = len(args)
    while i < n:
        token = args[i]
        i += 1
        if token == "--":
            break
        if not token.startswith("-") or not _is_option(token):
            continue
        if "=" in token:
            name, _, value = token.partition("=")
            m = _NAME.match(name)
            if m:
                params[m.group(1)] = parse_value(value)
            continue
        m = _NAME.match(token)
        if not m:
            continue
        if i < n and not _is_option(args[i]) and args[i] != "--":
            params[m.group(1)] = parse_value(args[i])
            i += 1
        else:
            params[m.group(1)] = True
    return params
