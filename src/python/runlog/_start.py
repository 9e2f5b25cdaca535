"""Starting a run: its id and folder, name and experiment from arguments or the editor's environment, the capture,
and making it the active run of this process."""

import os
import sys

from . import _capture, _notebook, _process, _util
from ._run import Run
from ._store import default_experiment, find_store


def create_run(name=None, experiment=None, params=None, tags=None, source="client", command=None,
               git_folder=None, script=None, pinned=False, cwd=None):
    """Creates a run in the store and makes it the active run of this process."""
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
    store = find_store(cwd)
    runs = os.path.join(store, "runs")
    if env_id:
        if env_id in (".", "..") or "/" in env_id or "\\" in env_id:
            raise ValueError("runlog: RUNLOG_RUN_ID is not a valid run id: %r" % env_id)
        run_id = env_id
        os.makedirs(os.path.join(runs, run_id), exist_ok=True)
    else:
        while True:
            run_id = _util.new_run_id()
            try:
                os.mkdir(os.path.join(runs, run_id))
                break
            except FileExistsError:
                continue
    if command is None:
        orig = getattr(sys, "orig_argv", None)
        command = [sys.executable] + (list(orig[1:]) if orig else list(sys.argv))
    capture = _capture.basic(source, command, cwd)
    _capture.prepare()
    if git_folder is None:
        main_file = sys.argv[0] if sys.argv else ""
        git_folder = os.path.dirname(os.path.abspath(main_file)) if main_file and os.path.isfile(main_file) \
            else os.getcwd()
    run = Run(store, run_id, name, experiment, capture, parent=parent, pinned=pinned,
              name_explicit=name_explicit, experiment_explicit=experiment_explicit, git_folder=git_folder)
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
    return run
