"""A run that records nothing: what start_run() and the log_* functions use when the store cannot be written
(a read-only checkout, a full disk at start). The user's program runs on; one warning said it is not recorded."""

from ._values import key as _key, number as _number, step as _step


class NullRun:
    """Accepts what a Run accepts (and checks values the same way), writes nothing."""

    id = None
    dir = None
    store = None
    name = None
    experiment = None
    status = "unrecorded"
    params = {}
    tags = {}
    _ended = False
    _depth = 0
    _pinned = False

    def __init__(self, reason):
        self.reason = reason

    def __repr__(self):
        return "<runlog.NullRun (not recorded: %s)>" % self.reason

    def log_metric(self, key, value, step=None):
        if value.__class__ is not float and value.__class__ is not int:
            _number(key, value)
        if key.__class__ is not str:
            _key(key)
        if step is not None and step.__class__ is not int:
            _step(step)

    def log_metrics(self, metrics, step=None):
        for key, value in metrics.items():
            self.log_metric(key, value, step)

    def _log_scanned(self, key, value, step):
        pass

    def _noop(self, *args, **kwargs):
        return None

    log_param = log_params = set_tag = set_tags = set_name = set_experiment = _noop
    log_artifact = log_dataset = flush = end = _attach = _noop

    def __enter__(self):
        return self

    def __exit__(self, etype, value, tb):
        return False
