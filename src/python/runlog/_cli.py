"""`python -m runlog run [--name N] [--experiment E] [--] script.py [args...]` (or `-m module [args...]`).

Records the script as a run without any code change: params from argv, the output (fd-level tee to the terminal
and output.log, scanned for metrics), git state, environment, exit code. The script runs in this process, as
`python script.py` would run it.
"""

import os
import runpy
import sys
import threading
import traceback

from . import __version__, _capture, _process, _start, _store, _values
from ._nullrun import NullRun
from ._tee import DEFAULT_PATTERN, OutputTee, Scanner

USAGE = """usage: python -m runlog run [--name NAME] [--experiment NAME] [--] script.py [args ...]
       python -m runlog run [--name NAME] [--experiment NAME] -m module [args ...]
       python -m runlog dataset version PATH [--store STORE] [--name NAME] [--track] [--progress]

Runs a Python script (or module) as a tracked run of the Runlog store: RUNLOG_STORE, else the nearest .runlog
folder above the working folder, else ./.runlog.

Environment: RUNLOG_STORE, RUNLOG_RUN_ID, RUNLOG_RUN_NAME, RUNLOG_EXPERIMENT, RUNLOG_OUTPUT_PATTERN
(unset: the default pattern, empty: no metrics from output), RUNLOG_SOURCE (script or debug).
"""


# The `runlog` command line (ls, show, export, ...) is a Node program that comes with the VS Code extension; the
# Python client only records runs. What to tell someone who typed `python -m runlog ls`:
NODE_CLI_COMMANDS = ("ls", "show", "export", "diff", "datasets")
NODE_CLI_HINT = """runlog: `%s` is a command of the runlog command line, not of the Python client (which records runs:
`python -m runlog run script.py`). The command line is a Node program that comes with Runlog:
  - in VS Code: run "Runlog: Install Command Line" from the Command Palette, then: runlog %s
  - in a checkout of the Runlog repository: npx runlog %s
It finds the store of the folder it runs in (%s here).
"""


class UsageError(Exception):
    pass


def _parse(args):
    opts = {"name": None, "experiment": None, "source": os.environ.get("RUNLOG_SOURCE") or "script", "module": None, "script": None, "args": []}
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if a == "--":
            if i >= len(args):
                raise UsageError("missing script")
            opts["script"] = args[i]
            opts["args"] = args[i + 1:]
            return opts
        if a == "-m":
            if i >= len(args):
                raise UsageError("-m needs a module name")
            opts["module"] = args[i]
            opts["args"] = args[i + 1:]
            return opts
        for flag in ("name", "experiment", "source"):
            if a == "--" + flag:
                if i >= len(args):
                    raise UsageError("--%s needs a value" % flag)
                opts[flag] = args[i]
                i += 1
                break
            if a.startswith("--%s=" % flag):
                opts[flag] = a.split("=", 1)[1]
                break
        else:
            if a.startswith("-") and a != "-":
                raise UsageError("unknown option %s" % a)
            opts["script"] = a
            opts["args"] = args[i:]
            return opts
    raise UsageError("missing script")


def _trim_traceback(tb):
    """Drops the frames of runpy and of runlog itself, so the traceback starts in the user's code."""
    ours = os.path.dirname(os.path.abspath(__file__))
    skip = (os.path.abspath(runpy.__file__),)
    while tb is not None:
        raw = tb.tb_frame.f_code.co_filename
        filename = os.path.abspath(raw)
        if raw.startswith("<frozen runpy") or filename in skip or os.path.dirname(filename) == ours:
            tb = tb.tb_next
            continue
        break
    return tb


def _print_exception(etype, value, tb):
    try:
        value.__traceback__ = tb  # the default hook prints the exception's own traceback
    except Exception:
        pass
    try:
        sys.excepthook(etype, value, tb)
    except Exception:
        traceback.print_exception(etype, value, tb)


def _join_user_threads():
    """Waits for the script's non-daemon threads, as the interpreter would before exiting."""
    me = threading.current_thread()
    for t in threading.enumerate():
        if t is not me and not t.daemon and t.is_alive():
            t.join()


def main(argv):
    if not argv or argv[0] in ("-h", "--help", "help"):
        sys.stdout.write(USAGE)
        return 0 if argv else 2
    if argv[0] in ("-V", "--version"):
        sys.stdout.write("runlog %s\n" % __version__)
        return 0
    if argv[0] == "dataset":
        from . import _datasets, _store

        return _datasets.cli(argv[1:], _store.find_store)
    if argv[0] in NODE_CLI_COMMANDS:
        rest = " ".join([argv[0]] + list(argv[1:]))
        store = os.environ.get("RUNLOG_STORE") or _store.nearest_store() or "no .runlog folder found"
        sys.stderr.write(NODE_CLI_HINT % (argv[0], rest, rest, store))
        return 2
    if argv[0] != "run":
        sys.stderr.write("runlog: unknown command %r (the Python client only runs scripts; ls, show and export are "
                         "commands of the runlog command line: npx runlog, or \"Runlog: Install Command Line\" in VS "
                         "Code)\n%s" % (argv[0], USAGE))
        return 2
    try:
        opts = _parse(argv[1:])
    except UsageError as e:
        sys.stderr.write("runlog: %s\n%s" % (e, USAGE))
        return 2
    if opts["source"] not in ("script", "debug"):
        sys.stderr.write("runlog: --source must be script or debug\n")
        return 2
    return run_script(opts, argv)


def run_script(opts, argv):
    module = opts["module"]
    script = opts["script"]
    script_args = list(opts["args"])
    cwd = os.getcwd()
    if module:
        sys.path[0] = cwd  # as `python -m module` would have it
        try:
            import importlib.util

            spec = importlib.util.find_spec(module)
        except Exception:
            spec = None
        if spec is None:
            sys.stderr.write("runlog: no module named %s\n" % module)
            return 2
        label = module
        git_folder = cwd
    else:
        path = os.path.abspath(script)
        if not os.path.exists(path):
            sys.stderr.write("runlog: can't open file %r: no such file\n" % script)
            return 2
        label = path
        git_folder = os.path.dirname(path) if os.path.isfile(path) else path

    experiment = opts["experiment"] or None
    if not experiment and not os.environ.get("RUNLOG_EXPERIMENT"):
        experiment = _store.default_experiment(module.rsplit(".", 1)[-1] + ".py" if module else path)
    run = _start.create_run(
        name=opts["name"] or None,
        experiment=experiment,
        source=opts["source"],
        command=_capture.wrapped_command(script=script, module=module, args=script_args),
        git_folder=git_folder,
        script=label,
        pinned=True,
        cwd=cwd,
        capture_script=None if module else path,
        capture_args=script_args,
        capture_module=module,
        what=module or script,
    )
    if isinstance(run, NullRun):  # the store cannot be written: run the script anyway, as python would
        return _run_unrecorded(module, script, path if not module else None, script_args, git_folder)
    if not opts["experiment"] and not os.environ.get("RUNLOG_EXPERIMENT"):
        run._experiment_explicit = False  # the script may still name it with start_run(experiment=...)
    params = _capture.params_from_argv(script_args)
    if params:
        run.log_params(params)

    pattern = os.environ.get("RUNLOG_OUTPUT_PATTERN")
    if pattern is None:
        pattern = DEFAULT_PATTERN
    scanner = None
    if pattern:
        try:
            scanner = Scanner(pattern, run._log_scanned)
        except Exception as e:
            sys.stderr.write("runlog: RUNLOG_OUTPUT_PATTERN is not a valid regular expression (%s); not scanning "
                             "output for metrics\n" % e)
    tee = OutputTee(os.path.join(run.dir, "output.log"), scanner, run._losses)
    tee.start()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(line_buffering=True)  # live output even though fd 1 is now a pipe
        except Exception:
            pass
    os.environ.setdefault("PYTHONUNBUFFERED", "1")  # same for Python child processes

    status, error, code = "finished", None, 0
    try:
        try:
            _exec_target(module, script, None if module else path, script_args, git_folder)
        except _process.Terminated:
            status, code = "interrupted", 143
        except SystemExit as e:
            code = _exit_code(e)
            if code != 0:
                status = "failed"
                error = {"type": "SystemExit", "message": str(e.code), "traceback": ""}
        except KeyboardInterrupt:
            etype, value, tb = sys.exc_info()
            _print_exception(etype, value, _trim_traceback(tb))
            status, code = "interrupted", 130
        except BaseException:
            etype, value, tb = sys.exc_info()
            tb = _trim_traceback(tb)
            _print_exception(etype, value, tb)
            status, code = "failed", 1
            error = _values.error_info(etype, value, tb)
    except KeyboardInterrupt:  # a second Ctrl-C while handling the first / waiting for threads
        status, code = "interrupted", 130
    except _process.Terminated:
        status, code = "interrupted", 143
    finally:
        tee.stop()
        run._finish(status, error=error, exit_code=code)
    return code


def _run_unrecorded(module, script, path, script_args, git_folder):
    """Runs the script as `python script.py` would (the warning that it is not recorded was printed)."""
    code = 0
    try:
        _exec_target(module, script, path, script_args, git_folder)
    except SystemExit as e:
        code = _exit_code(e)
    except KeyboardInterrupt:
        etype, value, tb = sys.exc_info()
        _print_exception(etype, value, _trim_traceback(tb))
        code = 130
    except BaseException:
        etype, value, tb = sys.exc_info()
        _print_exception(etype, value, _trim_traceback(tb))
        code = 1
    return code


def _exec_target(module, script, path, script_args, git_folder):
    """Runs the user's module or script as `python -m module` / `python script.py` would, then waits for its threads."""
    if module:
        sys.argv = [module] + script_args
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    else:
        sys.argv = [script] + script_args
        sys.path[0] = git_folder
        runpy.run_path(path, run_name="__main__")
    _join_user_threads()


def _exit_code(exit):
    """The process exit code a SystemExit means, as the interpreter computes it (a message prints and exits 1)."""
    c = exit.code
    if c is None:
        return 0
    if isinstance(c, int):
        return c
    sys.stderr.write("%s\n" % (c,))
    return 1
