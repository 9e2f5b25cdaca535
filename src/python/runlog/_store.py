"""Where runs go: the store folder, and the default experiment name."""

import os
import sys


def nearest_store(cwd=None):
    """The nearest existing .runlog folder at or above cwd, or None (creates nothing)."""
    d = os.path.abspath(cwd or os.getcwd())
    while True:
        candidate = os.path.join(d, ".runlog")
        if os.path.isdir(candidate):
            return candidate
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def find_store(cwd=None):
    """RUNLOG_STORE, else the nearest .runlog folder at or above cwd, else ./.runlog (created with .gitignore *)."""
    env = os.environ.get("RUNLOG_STORE")
    cwd = os.path.abspath(cwd or os.getcwd())
    if env:
        path = os.path.abspath(os.path.join(cwd, os.path.expanduser(env)))
    else:
        path = nearest_store(cwd) or os.path.join(cwd, ".runlog")
    created = not os.path.isdir(path)
    os.makedirs(os.path.join(path, "runs"), exist_ok=True)
    if created:
        try:
            with open(os.path.join(path, ".gitignore"), "x") as f:
                f.write("*\n")
        except FileExistsError:
            pass
    return path


def default_experiment(script=None):
    env = os.environ.get("RUNLOG_EXPERIMENT")
    if env:
        return env
    main = sys.modules.get("__main__")
    # notebooks: VS Code sets __vsc_ipynb_file__, Jupyter servers set JPY_SESSION_NAME
    nb = getattr(main, "__vsc_ipynb_file__", None) or os.environ.get("JPY_SESSION_NAME")
    if script is None and nb:
        script = nb
    if script is None:
        script = sys.argv[0] if sys.argv else ""
    if script and script not in ("-c", "-m", "-"):
        base = os.path.basename(script.rstrip("/\\"))
        stem = os.path.splitext(base)[0]
        if stem == "__main__":  # python -m package: the package's name
            stem = os.path.basename(os.path.dirname(os.path.abspath(script)))
        if stem and stem not in ("ipykernel_launcher", "<stdin>", "<string>"):
            return stem
    return "default"
