"""Time the Python reference (swarm-safety 1.9.0) on the same work as our
benchmarks: whole runs of a scenario in process (median seconds per run),
and the 100-run alignment-waltz sweep through its own SweepRunner.

Run with the interpreter of a venv that has swarm-safety[analysis]==1.9.0
(scripts/bench/compare_python.sh sets one up). Prints `key=value` lines.
"""
import argparse
import statistics
import time
from pathlib import Path

from swarm.analysis.sweep import SweepConfig, SweepParameter, SweepRunner
from swarm.scenarios.loader import build_orchestrator, load_scenario


def load(path, seed):
    sc = load_scenario(Path(path))
    cfg = sc.orchestrator_config
    cfg.seed = seed
    cfg.log_path, cfg.log_events, sc.event_log_path = None, False, None
    return sc


def per_run(path, runs, seed_start):
    times = []
    for i in range(runs):
        sc = load(path, seed_start + i)
        t = time.perf_counter()
        build_orchestrator(sc).run()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def sweep(path, seeds):
    sc = load(path, 1)
    config = SweepConfig(
        base_scenario=sc,
        parameters=[
            SweepParameter("governance.freeze_threshold_toxicity", [0.4, 0.5, 0.6, 0.7, 0.8]),
            SweepParameter("governance.audit_probability", [0.0, 0.1, 0.2, 0.3]),
        ],
        runs_per_config=seeds,
        seed_base=1,
    )
    t = time.perf_counter()
    results = SweepRunner(config).run()
    return time.perf_counter() - t, len(results)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", action="append", default=[])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--sweep-base")
    ap.add_argument("--sweep-seeds", type=int, default=5)
    a = ap.parse_args()
    for path in a.scenario:
        print(f"python_per_run {Path(path).stem} median_s={per_run(path, a.runs, 1):.6f}", flush=True)
    if a.sweep_base:
        secs, n = sweep(a.sweep_base, a.sweep_seeds)
        print(f"python_sweep runs={n} wall_s={secs:.3f}", flush=True)


if __name__ == "__main__":
    main()
