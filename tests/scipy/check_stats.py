#!/usr/bin/env python3
"""Check swarm-sweep's statistics against scipy on the same data.

Usage: check_stats.py CASES_JSON

CASES_JSON is written by tests/it/scipy_stats.rs: for each case the input data
and what our Rust code computed. Every number is recomputed here with
numpy/scipy and must agree within TOL (absolute); the largest difference
per quantity is printed. Exit status 0 when everything agrees, 1 if not.
"""

import json
import math
import sys

import numpy as np
import scipy
from scipy import stats

TOL = 1e-6


def holm(ps):
    """Holm step-down adjustment (reference implementation, nulls skipped)."""
    idx = sorted((i for i, p in enumerate(ps) if p is not None), key=lambda i: ps[i])
    m = len(idx)
    out = [None] * len(ps)
    running = 0.0
    for rank, i in enumerate(idx):
        running = max(running, min(1.0, (m - rank) * ps[i]))
        out[i] = running
    return out


def main(path):
    with open(path) as f:
        doc = json.load(f)
    worst = {}
    failures = []

    def check(case, name, ours, want):
        if want is None or (isinstance(want, float) and math.isnan(want)):
            if ours is not None:
                failures.append(f"{case}: {name}: ours {ours!r}, scipy gives no value")
            return
        if ours is None:
            failures.append(f"{case}: {name}: ours is missing, scipy {want!r}")
            return
        if math.isinf(want) or math.isinf(ours):
            if ours != want:
                failures.append(f"{case}: {name}: ours {ours!r}, scipy {want!r}")
            return
        d = abs(ours - want)
        worst[name] = max(worst.get(name, 0.0), d)
        if d > TOL:
            failures.append(f"{case}: {name}: ours {ours!r}, scipy {want!r} (|diff| {d:.3g})")

    for c in doc["describe"]:
        x = np.array(c["x"], dtype=float)
        o = c["ours"]
        n = len(x)
        check(c["name"], "mean", o["mean"], float(np.mean(x)))
        check(c["name"], "median", o["median"], float(np.median(x)))
        check(c["name"], "q25", o["q25"], float(np.quantile(x, 0.25)))
        check(c["name"], "q75", o["q75"], float(np.quantile(x, 0.75)))
        check(c["name"], "iqm", o["iqm"], float(stats.trim_mean(x, 0.25)))
        check(c["name"], "min", o["min"], float(np.min(x)))
        check(c["name"], "max", o["max"], float(np.max(x)))
        if n >= 2:
            sd = float(np.std(x, ddof=1))
            sem = float(stats.sem(x))
            check(c["name"], "sd", o["sd"], sd)
            check(c["name"], "sem", o["sem"], sem)
            if sem > 0:
                lo, hi = stats.t.interval(0.95, n - 1, loc=float(np.mean(x)), scale=sem)
                check(c["name"], "ci95_lo", o["ci95_lo"], float(lo))
                check(c["name"], "ci95_hi", o["ci95_hi"], float(hi))
        if c.get("epochs") is not None and n >= 2:
            check(c["name"], "slope", o["slope"], float(stats.linregress(c["epochs"], x).slope))

    for c in doc["paired"]:
        b = np.array(c["baseline"], dtype=float)
        v = np.array(c["variant"], dtype=float)
        d = v - b
        o = c["ours"]
        name = c["name"]
        n = len(d)
        if n >= 2:
            r = stats.ttest_rel(v, b)
            check(name, "t_stat", o["t_stat"], float(r.statistic))
            check(name, "p_ttest", o["p_ttest"], float(r.pvalue))
            sdd = float(np.std(d, ddof=1))
            check(name, "d_z", o["d_z"], float(np.mean(d)) / sdd if sdd > 0 else None)
            sb, sv = float(np.std(b, ddof=1)), float(np.std(v, ddof=1))
            pooled = math.sqrt((sb * sb + sv * sv) / 2)
            j = 1 - 3 / (4 * (2 * (n - 1)) - 1)
            check(name, "hedges_g", o["hedges_g"],
                  (float(np.mean(v)) - float(np.mean(b))) / pooled * j if pooled > 0 else None)
        w = stats.wilcoxon(v, b)
        check(name, "w_statistic", o["w_statistic"], float(w.statistic))
        check(name, "p_wilcoxon", o["p_wilcoxon"], float(w.pvalue))

    fam = doc["holm"]
    for k, (ours, want) in enumerate(zip(fam["ours"], holm(fam["p"]))):
        check("holm", "p_holm", ours, want)

    print(f"scipy {scipy.__version__}, numpy {np.__version__}: "
          f"{len(doc['describe'])} samples, {len(doc['paired'])} paired cases")
    for k in sorted(worst):
        print(f"  max |ours - scipy| {k:12s} {worst[k]:.3g}")
    if failures:
        print(f"{len(failures)} disagreements (tolerance {TOL}):")
        for f in failures:
            print("  " + f)
        return 1
    print(f"all agree within {TOL}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
