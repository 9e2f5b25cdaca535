"""Throughput of runlog.log_metric / log_metrics against a bare loop writing the same JSON lines.

Run from the repository root:  python3 src/python/bench/bench_client.py [--points N]
Prints one JSON object: points/s of each variant (each timing includes the final flush to disk) and the ratios
(time of the runlog variant / time of the bare loop; the goal is <= 2).

With --fast-loop [--points N, default 5,000,000]: the fast-loop case instead, each part in a fresh process: memory
growth and end() time after N points logged in a tight loop, and points lost when such a loop is killed with -9.
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


# ------------------------------------------------------------------------------------------ the fast loop

FAST_LOOP = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[2])
import runlog
n = int(sys.argv[1])
run = runlog.start_run(name="fast-loop")
rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
log = runlog.log_metric
t0 = time.perf_counter()
for i in range(n):
    log("loss", i * 0.001)
t1 = time.perf_counter()
run.end()
t2 = time.perf_counter()
rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"points": n, "loop_s": t1 - t0, "end_s": t2 - t1, "peak_rss_growth_mb": (rss1 - rss0) / 1024.0,
                  "dir": run.dir}))
"""

KILL_LOOP = r"""
import mmap, os, struct, sys
sys.path.insert(0, sys.argv[2])
import runlog
counter = mmap.mmap(os.open(sys.argv[1], os.O_RDWR), 8)
runlog.start_run(name="killed")
log, pack, i = runlog.log_metric, struct.pack_into, 0
while True:
    for _ in range(256):
        log("x", i, step=i)
        i += 1
    pack("q", counter, 0, i)
"""


def fast_loop(tmp, n):
    import subprocess

    src = os.path.dirname(HERE)
    env = dict(os.environ, RUNLOG_STORE=os.path.join(tmp, "store"), RUNLOG_CAPTURE_OUTPUT="0")
    out = subprocess.run([sys.executable, "-c", FAST_LOOP, str(n), src], env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, check=True).stdout
    result = json.loads(out.decode().splitlines()[-1])
    lines = count_lines(os.path.join(result.pop("dir"), "metrics.jsonl"))
    result.update(points_per_sec=round(n / result["loop_s"]), lines_written=lines)
    return result


def kill_loss(tmp, trials=3):
    """Points logged (as fast as possible) and not on disk when the process is killed with -9 after ~2 s."""
    import mmap
    import struct
    import subprocess

    src = os.path.dirname(HERE)
    results = []
    for k in range(trials):
        counter_path = os.path.join(tmp, "counter-%d" % k)
        with open(counter_path, "wb") as f:
            f.write(b"\0" * 8)
        with open(counter_path, "r+b") as f:
            counter = mmap.mmap(f.fileno(), 8)
        store = os.path.join(tmp, "kill-%d" % k)
        env = dict(os.environ, RUNLOG_STORE=store, RUNLOG_CAPTURE_OUTPUT="0")
        p = subprocess.Popen([sys.executable, "-c", KILL_LOOP, counter_path, src], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples = []
        t_kill = time.monotonic() + 2.0 + 0.37 * k
        while time.monotonic() < t_kill:
            samples.append((time.monotonic(), struct.unpack_from("q", counter, 0)[0]))
            time.sleep(0.005)
        p.kill()
        killed = time.monotonic()
        p.wait()
        logged = struct.unpack_from("q", counter, 0)[0] + 256  # a batch may have been under way
        runs = os.listdir(os.path.join(store, "runs"))
        kept = count_lines(os.path.join(store, "runs", runs[0], "metrics.jsonl"))
        second_before = max(n for t, n in samples if t <= killed - 1.0)
        results.append({"logged": logged, "kept": kept, "lost_at_most": logged - kept,
                        "logged_last_second": logged - second_before})
    return results


def main_fast_loop(n):
    tmp = tempfile.mkdtemp(prefix="runlog-bench-")
    try:
        loop = fast_loop(tmp, n)
        kills = kill_loss(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    worst = max(kills, key=lambda r: r["lost_at_most"] / r["logged_last_second"])
    print(json.dumps({
        "python": sys.version.split()[0],
        "fast_loop": loop,
        "kill_9": kills,
        "worst_lost_fraction_of_last_second": round(worst["lost_at_most"] / worst["logged_last_second"], 3),
    }))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--points", type=int, default=None, help="points per variant and repetition")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (the best time counts)")
    parser.add_argument("--fast-loop", action="store_true", help="the fast-loop case (memory, end(), kill -9)")
    args = parser.parse_args()
    if args.fast_loop:
        main_fast_loop(args.points or 5000000)
        return
    n = args.points or 400000
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
