"""Throughput of runlog.log_metric / log_metrics against a bare loop writing the same JSON lines.

Run from the repository root:  python3 src/python/bench/bench_client.py [--points N]
Prints one JSON object: points/s of each variant (each timing includes the final flush to disk) and the ratios
(time of the runlog variant / time of the bare loop; the goal is <= 2).
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # src/python: benchmark this checkout, not an installed copy

KEYS = ["metric_%d" % i for i in range(10)]


def bare_single(path, n):
    """The reference: one json.dumps + write per point, file closed (flushed) at the end."""
    t0 = time.perf_counter()
    with open(path, "a") as f:
        write = f.write
        dumps = json.dumps
        now = time.time
        for i in range(n):
            write(dumps({"key": "loss", "value": i * 0.001, "step": i, "time": now()}) + "\n")
    return time.perf_counter() - t0


def bare_multi(path, n):
    """The reference for log_metrics: 10 keys per step, one line each."""
    t0 = time.perf_counter()
    with open(path, "a") as f:
        write = f.write
        dumps = json.dumps
        now = time.time
        for i in range(n // len(KEYS)):
            t = now()
            v = i * 0.001
            for k in KEYS:
                write(dumps({"key": k, "value": v, "step": i, "time": t}) + "\n")
    return time.perf_counter() - t0


def runlog_single(runlog, n):
    t0 = time.perf_counter()
    run = runlog.start_run(name="bench-single")
    log_metric = runlog.log_metric
    for i in range(n):
        log_metric("loss", i * 0.001)
    run.end()
    return time.perf_counter() - t0, run


def runlog_multi(runlog, n):
    t0 = time.perf_counter()
    run = runlog.start_run(name="bench-multi")
    log_metrics = runlog.log_metrics
    for i in range(n // len(KEYS)):
        v = i * 0.001
        log_metrics({k: v for k in KEYS}, step=i)
    run.end()
    return time.perf_counter() - t0, run


def count_lines(path):
    with open(path, "rb") as f:
        return sum(1 for _ in f)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--points", type=int, default=400000, help="points per variant and repetition")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (the best time counts)")
    args = parser.parse_args()
    n = args.points
    tmp = tempfile.mkdtemp(prefix="runlog-bench-")
    os.environ["RUNLOG_STORE"] = os.path.join(tmp, "store")
    os.environ["RUNLOG_EXPERIMENT"] = "bench"
    import runlog

    best = {"bare": [], "log_metric": [], "bare_multi": [], "log_metrics": []}
    try:
        for r in range(args.repeat):
            best["bare"].append(bare_single(os.path.join(tmp, "bare-%d.jsonl" % r), n))
            dt, run = runlog_single(runlog, n)
            assert count_lines(os.path.join(run.dir, "metrics.jsonl")) == n
            best["log_metric"].append(dt)
            best["bare_multi"].append(bare_multi(os.path.join(tmp, "bare-multi-%d.jsonl" % r), n))
            dt, run = runlog_multi(runlog, n)
            assert count_lines(os.path.join(run.dir, "metrics.jsonl")) == n // len(KEYS) * len(KEYS)
            best["log_metrics"].append(dt)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    t = {k: min(v) for k, v in best.items()}
    n_multi = n // len(KEYS) * len(KEYS)
    result = {
        "python": sys.version.split()[0],
        "points": n,
        "repeat": args.repeat,
        "points_per_sec": {
            "bare_loop": round(n / t["bare"]),
            "log_metric": round(n / t["log_metric"]),
            "bare_loop_10_keys": round(n_multi / t["bare_multi"]),
            "log_metrics_10_keys": round(n_multi / t["log_metrics"]),
        },
        "ratio": {
            "log_metric_vs_bare": round(t["log_metric"] / t["bare"], 3),
            "log_metrics_vs_bare": round(t["log_metrics"] / t["bare_multi"], 3),
        },
        "goal": "ratio <= 2",
    }
    result["ok"] = all(v <= 2 for v in result["ratio"].values())
    print(json.dumps(result))


if __name__ == "__main__":
    main()
