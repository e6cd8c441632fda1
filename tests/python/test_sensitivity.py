"""Our sensitivity indices against SALib's (issue 18): on the same design
and outputs, SALib's estimators give the same numbers. Ishigami's function,
evaluated on our design through the `sensitivity --spec/--y` hook, checks the
estimators to rounding; a small saltelli sweep of the waltz scenario checks
the whole path (design re-made from runs.parquet's metadata, seed averages)
within the bootstrap intervals; Morris likewise."""

import numpy as np
import pyarrow.parquet as pq
import pytest

from conftest import ROOT, WORK, swarm_sweep

SALib = pytest.importorskip("SALib")
from SALib.analyze import morris as salib_morris  # noqa: E402
from SALib.analyze import sobol as salib_sobol  # noqa: E402

ISHIGAMI = """name: ishigami
base: unused.yaml
seeds: [0]
sample:
  method: {method}
  n: {n}
  seed: 4
  second_order: {second_order}
  parameters:
    x.x1: {{dist: uniform, min: -3.141592653589793, max: 3.141592653589793}}
    x.x2: {{dist: uniform, min: -3.141592653589793, max: 3.141592653589793}}
    x.x3: {{dist: uniform, min: -3.141592653589793, max: 3.141592653589793}}
"""
PROBLEM = {"num_vars": 3, "names": ["x.x1", "x.x2", "x.x3"], "bounds": [[-np.pi, np.pi]] * 3}


def ishigami(x):
    return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def hook(method, n, name, second_order=False):
    d = WORK / name
    d.mkdir(parents=True, exist_ok=True)
    spec = d / "spec.yaml"
    spec.write_text(ISHIGAMI.format(method=method, n=n, second_order=str(second_order).lower()))
    swarm_sweep("sensitivity", "--spec", spec, "--out", d)
    design = pq.read_table(d / "design.parquet").to_pandas()
    x = design[PROBLEM["names"]].to_numpy()
    unit = design[["unit." + p for p in PROBLEM["names"]]].to_numpy()
    y = ishigami(x)
    np.savetxt(d / "y.txt", y, fmt="%.17g")
    swarm_sweep("sensitivity", "--spec", spec, "--y", d / "y.txt", "--out", d)
    ours = pq.read_table(d / "sensitivity.parquet").to_pandas().set_index("parameter")
    return ours.loc[PROBLEM["names"]], unit, y


def test_sobol_indices_match_salib_on_ishigami():
    ours, _, y = hook("saltelli", 1024, "ishigami_saltelli")
    si = salib_sobol.analyze(PROBLEM, y, calc_second_order=False, num_resamples=1000, seed=1)
    np.testing.assert_allclose(ours["S1"], si["S1"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours["ST"], si["ST"], rtol=1e-9, atol=1e-12)
    # The intervals come from different resamples: the same size.
    np.testing.assert_allclose(ours["S1_conf"], si["S1_conf"], rtol=0.25)
    np.testing.assert_allclose(ours["ST_conf"], si["ST_conf"], rtol=0.25)
    # And near the analytic values.
    np.testing.assert_allclose(ours["S1"], [0.3139, 0.4424, 0.0], atol=0.05)
    np.testing.assert_allclose(ours["ST"], [0.5576, 0.4424, 0.2437], atol=0.05)


def test_second_order_indices_match_salib_on_ishigami():
    ours, _, y = hook("saltelli", 1024, "ishigami_saltelli_s2", second_order=True)
    si = salib_sobol.analyze(PROBLEM, y, calc_second_order=True, num_resamples=1000, seed=1)
    np.testing.assert_allclose(ours["S1"], si["S1"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours["ST"], si["ST"], rtol=1e-9, atol=1e-12)
    pairs = pq.read_table(WORK / "ishigami_saltelli_s2" / "sensitivity_s2.parquet").to_pandas()
    names = PROBLEM["names"]
    assert [(names.index(a), names.index(b)) for a, b in zip(pairs["parameter_1"], pairs["parameter_2"])] == [
        (0, 1),
        (0, 2),
        (1, 2),
    ]
    for (_, row) in pairs.iterrows():
        j, l = names.index(row["parameter_1"]), names.index(row["parameter_2"])
        np.testing.assert_allclose(row["S2"], si["S2"][j, l], rtol=1e-9, atol=1e-12)
        # Other resamples: an interval of the same size.
        np.testing.assert_allclose(row["S2_conf"], si["S2_conf"][j, l], rtol=0.25)
    # And near the analytic values: only x1 and x3 act together.
    np.testing.assert_allclose(pairs["S2"], [0.0, 0.2437, 0.0], atol=0.06)


def test_morris_statistics_match_salib_on_ishigami():
    ours, unit, y = hook("morris", 50, "ishigami_morris")
    si = salib_morris.analyze(PROBLEM, unit, y, num_levels=4, num_resamples=1000, seed=1)
    np.testing.assert_allclose(ours["mu"], si["mu"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours["mu_star"], si["mu_star"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours["sigma"], si["sigma"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours["mu_star_conf"], si["mu_star_conf"], rtol=0.25, atol=1e-9)


SWEEP = """name: sens_check
base: {base}
seeds: {{start: 0, count: 3}}
overrides:
  simulation.n_epochs: 4
sample:
  method: {method}
  n: {n}
  seed: 9
  second_order: {second_order}
  parameters:
    governance.freeze_threshold_toxicity: {{dist: uniform, min: 0.3, max: 0.9}}
    governance.audit_probability: {{dist: uniform, min: 0.0, max: 0.5}}
    governance.transaction_tax_rate: {{dist: uniform, min: 0.0, max: 0.2}}
"""


@pytest.mark.parametrize("method,n,second_order", [("saltelli", 32, False), ("saltelli", 16, True), ("morris", 12, False)])
def test_a_sweeps_indices_match_salib_on_its_runs(method, n, second_order):
    d = WORK / f"sens_{method}{'_s2' if second_order else ''}"
    spec = WORK / f"{d.name}.yaml"
    spec.parent.mkdir(parents=True, exist_ok=True)
    base = ROOT / "scenarios/alignment_waltz_targeted_feedback.yaml"
    spec.write_text(SWEEP.format(base=base, method=method, n=n, second_order=str(second_order).lower()))
    swarm_sweep(spec, "-q", "--no-analyze", "--no-metrics-csv", "--force-new", "-o", d)
    swarm_sweep("sensitivity", d, "--metrics", "toxicity_rate,total_welfare")
    runs = pq.read_table(d / "runs.parquet").to_pandas()
    design = pq.read_table(d / "design.parquet").to_pandas()
    names = [c for c in design.columns if c != "point" and not c.startswith("unit.")]
    problem = {"num_vars": len(names), "names": names, "bounds": [[0, 1]] * len(names)}
    points = runs[runs["config_label"].str.startswith("point=")].copy()
    points["point"] = points["config_label"].str.slice(6).astype(int)
    # The design's values are the runs' parameter columns.
    first = points.drop_duplicates("point").sort_values("point")
    np.testing.assert_array_equal(first[names].to_numpy(), design[names].to_numpy())
    ours = pq.read_table(d / "sensitivity.parquet").to_pandas()
    for metric in ["toxicity_rate", "total_welfare"]:
        y = points.groupby("point")[metric].mean().sort_index().to_numpy()
        mine = ours[ours["metric"] == metric].set_index("parameter").loc[names]
        if method == "saltelli":
            si = salib_sobol.analyze(problem, y, calc_second_order=second_order, seed=1)
            for k in ["S1", "ST"]:
                np.testing.assert_allclose(mine[k], si[k], rtol=1e-9, atol=1e-12)
                assert (abs(mine[k] - si[k]) <= np.maximum(mine[k + "_conf"], 1e-12)).all()
            if second_order:
                pairs = pq.read_table(d / "sensitivity_s2.parquet").to_pandas()
                pairs = pairs[pairs["metric"] == metric]
                assert len(pairs) == len(names) * (len(names) - 1) // 2
                for (_, row) in pairs.iterrows():
                    j, l = names.index(row["parameter_1"]), names.index(row["parameter_2"])
                    np.testing.assert_allclose(row["S2"], si["S2"][j, l], rtol=1e-9, atol=1e-12)
        else:
            unit = design[["unit." + p for p in names]].to_numpy()
            si = salib_morris.analyze(problem, unit, y, num_levels=4, seed=1)
            np.testing.assert_allclose(mine["mu_star"], si["mu_star"], rtol=1e-9, atol=1e-12)
            np.testing.assert_allclose(mine["sigma"], si["sigma"], rtol=1e-9, atol=1e-12)
