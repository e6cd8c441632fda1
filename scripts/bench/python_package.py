#!/usr/bin/env python3
"""Per-run time of the reference, `build_orchestrator(load_scenario(path)).run()`,
against `swarm_sweep.run(path, seed)` (which includes building the epochs'
pyarrow Table), in the same Python process (docs/performance.md, "From
Python"). Needs swarm-safety 1.9.0 and the package installed (the test venv
target/py of `make test-python` has both):

    target/py/bin/python scripts/bench/python_package.py [REF_RUNS] [OUR_RUNS] [ROUNDS]
"""

import statistics
import sys
import time
from pathlib import Path

import swarm_sweep
from swarm.scenarios import build_orchestrator, load_scenario

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ["baseline", "alignment_waltz_targeted_feedback"]


def per_run(f, seeds):
    times = []
    for s in seeds:
        t = time.perf_counter()
        f(s)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def reference(path):
    def one(seed):
        c = load_scenario(path)
        c.orchestrator_config.seed = seed
        build_orchestrator(c).run()
    return one


def ours(path):
    return lambda seed: swarm_sweep.run(path, seed=seed).epochs


def main():
    ref_runs, our_runs, rounds = (int(a) for a in (sys.argv[1:] + ["10", "500", "3"][len(sys.argv) - 1:]))
    print(f"swarm_sweep {swarm_sweep.__version__}; medians per run; {rounds} interleaved rounds")
    print("| scenario | round | reference | swarm_sweep.run | ratio |")
    print("|---|---|---|---|---|")
    for name in SCENARIOS:
        path = ROOT / "scenarios" / f"{name}.yaml"
        ours(path)(0)  # warm-up: first load of the module's lazy state
        for r in range(rounds):
            a = per_run(reference(path), range(1, ref_runs + 1))
            b = per_run(ours(path), range(1, our_runs + 1))
            print(f"| {name} | {r + 1} | {a:.3f} s | {b * 1e6:.0f} µs | {a / b:,.0f}× |", flush=True)


if __name__ == "__main__":
    main()
