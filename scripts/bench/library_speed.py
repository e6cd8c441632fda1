"""Per-run time of the Python reference against `swarm bench` on library
scenarios: for each file, the reference's whole runs in process
(`build_orchestrator(load_scenario(...)).run()`, event logging off, offline,
in its own child process and working directory) and the engine's `swarm
bench`, taking turns for ROUNDS rounds; prints a Markdown table of medians
and the ratio. Both sides time the same seeds: the reference runs seeds
1..PY_RUNS once each, `swarm bench --cycle PY_RUNS` takes those seeds in
turn for RS_RUNS runs (a run's cost depends on its seed, so medians over
different seeds would compare different work). The ratio is the median of
each round's ratio: the two sides of a round are timed back to back, so a
machine that slows down for a while (a busy neighbour on a shared host)
slows both.

Run with the interpreter of a venv that has swarm-safety 1.9.0
(scripts/bench/library_speed.sh finds one).

    library_speed.py --swarm target/release/swarm FILE... [--py-runs 3]
                     [--rs-runs 200] [--rounds 3]
"""
import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "parity"))


def child(path, runs):
    """Child-process mode: median seconds per reference run of `path`."""
    from generate_goldens import load
    from swarm.scenarios.loader import build_orchestrator

    times = []
    for seed in range(1, runs + 1):
        scenario = load(path, seed)
        t = time.perf_counter()
        build_orchestrator(scenario).run()
        times.append(time.perf_counter() - t)
    print(statistics.median(times))


def python_median(path, runs):
    from coverage import offline_env

    with tempfile.TemporaryDirectory(prefix="swarm-speed-") as tmp:
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(path), "--py-runs", str(runs)],
            cwd=tmp, env=offline_env(), capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def rust_median(swarm, path, runs, seeds):
    done = subprocess.run([swarm, "bench", str(path), "--runs", str(runs),
                           "--cycle", str(seeds)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        # A scenario the engine refuses (or a bad file): its own message.
        sys.exit(f"swarm bench {path}: exit {done.returncode}\n{done.stderr.strip()}")
    out = done.stdout
    field = next(w for w in out.split() if w.startswith("median_s="))
    return float(field.split("=", 1)[1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*")
    ap.add_argument("--swarm")
    ap.add_argument("--child")
    ap.add_argument("--py-runs", type=int, default=3)
    ap.add_argument("--rs-runs", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    if a.child:
        child(a.child, a.py_runs)
        return
    # Refused or bad files stop here, before any timing.
    for f in a.files:
        rust_median(a.swarm, Path(f).resolve(), 1, 1)
    print("| file | reference s/run | swarm s/run | ratio |")
    print("|---|---:|---:|---:|")
    worst = None
    for f in a.files:
        f = str(Path(f).resolve())
        py, rs = [], []
        for _ in range(a.rounds):
            py.append(python_median(f, a.py_runs))
            rs.append(rust_median(a.swarm, f, a.rs_runs, a.py_runs))
        p, r = statistics.median(py), statistics.median(rs)
        ratio = statistics.median(a / b for a, b in zip(py, rs))
        worst = ratio if worst is None else min(worst, ratio)
        name = f.rsplit("reference-library/", 1)[-1]
        print(f"| {name} | {p:.4f} | {r:.6f} | {ratio:,.0f}x |", flush=True)
    if worst is not None:
        print(f"\nsmallest ratio: {worst:,.0f}x")


if __name__ == "__main__":
    main()
