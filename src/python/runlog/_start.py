"""Starting a run: its id and folder, name and experiment from arguments or the editor's environment, the capture,
the one line that says where it is recorded, and making it the active run of this process.

When the store cannot be written (read-only, full), the program runs on unrecorded: one warning, and a NullRun that
accepts every call.
"""

import os
import shutil
import sys

from . import _capture, _notebook, _process, _util
from ._nullrun import NullRun
from ._run import Run
from ._store import default_experiment, find_store

# Where to see a run, for the line a run prints when it starts.
SEE_IT = "view it in VS Code's Runlog panel or with: runlog show %s"


def announce(run):
    """The one line a run prints when it starts (not when the editor launched it: the editor shows it itself)."""
    try:
        sys.stderr.write("runlog: recording run %s (%s) in %s \u2014 %s\n"
                         % (run.name, run.id, run.store, SEE_IT % run.id))
        sys.stderr.flush()
    except Exception:
        pass


def _records_output():
    """Whether a client-only run tees this process's output: not in interactive sessions and notebooks (their output
    is not the process's stdout), not when RUNLOG_CAPTURE_OUTPUT=0."""
    if os.environ.get("RUNLOG_CAPTURE_OUTPUT", "1").strip().lower() in ("0", "false", "no", "off"):
        return False
    if hasattr(sys, "ps1") or "ipykernel" in sys.modules or sys.flags.interactive:
        return False
    if _notebook.notebook_path() is not None:  # any VS Code notebook kernel, whatever runs it
        return False
    return True


def unrecorded(error, store, what="the program"):
    """Makes this process's runs unrecorded (one warning) and returns the NullRun that stands for them."""
    run = NullRun(str(error))
    run._pid = os.getpid()
    try:
        sys.stderr.write("runlog: not recording this run: cannot write to the store %s (%s); %s runs on unrecorded\n"
                         % (store, error, what))
        sys.stderr.flush()
    except Exception:
        pass
    _process.set_active(run)
    return run


def create_run(name=None, experiment=None, params=None, tags=None, source="client", command=None,
               git_folder=None, script=None, pinned=False, cwd=None, capture_script=None, capture_args=None,
               capture_module=None, what="the program"):
    """Creates a run in the store and makes it the active run of this process (a NullRun if the store cannot be
    written)."""
    if source == "client" and not os.environ.get("RUNLOG_RUN_ID"):  # a VS Code notebook's kernel: the editor's run
        attached = _notebook.attach(name, experiment, params, tags)
        if attached is not None:
            return attached
    parent = os.environ.get("RUNLOG_PARENT_RUN") or None
    env_id = None if parent else (os.environ.get("RUNLOG_RUN_ID") or None)
    name_explicit = bool(name)
    if not name and not parent and os.environ.get("RUNLOG_RUN_NAME"):
        name = os.environ["RUNLOG_RUN_NAME"]
        name_explicit = True
    if not name:
        name = _util.friendly_name()
    experiment_explicit = bool(experiment) or bool(os.environ.get("RUNLOG_EXPERIMENT"))
    experiment = experiment or default_experiment(script)
    if env_id and (env_id in (".", "..") or "/" in env_id or "\\" in env_id):
        raise ValueError("runlog: RUNLOG_RUN_ID is not a valid run id: %r" % env_id)
    if command is None:
        command = _capture.user_command()
    capture = _capture.basic(source, command, cwd, script=capture_script, args=capture_args, module=capture_module)
    _capture.prepare()
    if git_folder is None:
        main_file = sys.argv[0] if sys.argv else ""
        git_folder = os.path.dirname(os.path.abspath(main_file)) if main_file and os.path.isfile(main_file) \
            else os.getcwd()
    store = os.environ.get("RUNLOG_STORE") or ".runlog"
    made = None
    try:
        store = find_store(cwd)
        runs = os.path.join(store, "runs")
        if env_id:
            run_id = env_id
            os.makedirs(os.path.join(runs, run_id), exist_ok=True)
        else:
            while True:
                run_id = _util.new_run_id()
                try:
                    os.mkdir(os.path.join(runs, run_id))
                    made = os.path.join(runs, run_id)
                    break
                except FileExistsError:
                    continue
        run = Run(store, run_id, name, experiment, capture, parent=parent, pinned=pinned,
                  name_explicit=name_explicit, experiment_explicit=experiment_explicit, git_folder=git_folder)
    except OSError as e:
        if made:
            shutil.rmtree(made, ignore_errors=True)
        return unrecorded(e, store, what)
    if params:
        run.log_params(params)
    if tags:
        run.set_tags(tags)
    # children of this process create their own runs, linked to this one
    os.environ["RUNLOG_PARENT_RUN"] = run_id
    os.environ.pop("RUNLOG_RUN_ID", None)
    os.environ.pop("RUNLOG_RUN_NAME", None)
    _process.set_active(run)
    _process.install_hooks()
    if not env_id and not parent:
        announce(run)
    if source == "client" and not pinned and _records_output():
        try:
            run._record_output()
        except OSError:
            pass
    return run
