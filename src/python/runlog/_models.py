"""log_model: an artifact marked as a model, so that promotion (docs/promote.md) knows what to push.

The artifact record gains "model": {"name": ..., "flavor": ...}; everything else is log_artifact's.
"""

import os


def log_model(run, path, name=None, flavor=None):
    """Copies the model file or folder into the run's artifacts/ (like log_artifact) and marks it as a model.

    name: the model's name (default: the file or folder's base name); flavor: its framework, e.g. "sklearn",
    "pytorch", "onnx" (optional). Logging the same path again replaces the copy and its record. Returns the record.
    """
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise ValueError("runlog.log_model: name must be a non-empty string, got %r" % (name,))
    if flavor is not None and (not isinstance(flavor, str) or not flavor.strip()):
        raise ValueError("runlog.log_model: flavor must be a non-empty string or None, got %r" % (flavor,))
    entry = run.log_artifact(path)
    document = getattr(run, "_document", None)
    if entry is None or document is None:  # a NullRun: nothing is recorded
        return entry
    model = {"name": name.strip() if name else os.path.basename(os.fspath(path).rstrip("/\\"))}
    if flavor:
        model["flavor"] = flavor.strip()
    entry = dict(entry, model=model)
    document.upsert("artifacts", ("path",), entry)
    return entry
