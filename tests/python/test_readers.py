"""The four tables of a small sweep through pyarrow, pandas, polars and
duckdb: types, dotted parameter names, metadata, row counts, and duckdb
means against our summary table (docs/notebooks.md is the promise)."""

import hashlib
import json
import math

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import GRID_SPEC, ROOT

N_CONFIGS, N_SEEDS, N_EPOCHS = 10, 4, 10
GRID = ["governance.freeze_threshold_toxicity", "governance.freeze_threshold_violations"]
PARAMS = ["governance.circuit_breaker_enabled", *GRID]
TABLES = ["runs", "epochs", "summary", "comparisons"]
PREFIX = {"runs": "swarm_sweep", "epochs": "swarm_sweep", "summary": "swarm_analysis", "comparisons": "swarm_analysis"}


def meta(path):
    """Key-value metadata as pyarrow sees it (the embedded Arrow schema)."""
    return {k.decode(): v.decode() for k, v in pq.read_schema(path).metadata.items()}


def metrics(grid):
    return json.loads(meta(grid / "runs.parquet")["swarm_sweep.metric_columns"])


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_row_counts_in_every_reader(grid):
    m = len(metrics(grid))
    expected = {
        "runs": N_CONFIGS * N_SEEDS,
        "epochs": N_CONFIGS * N_SEEDS * N_EPOCHS,
        "summary": N_CONFIGS * m,
        "comparisons": (N_CONFIGS - 1) * m,
    }
    for table, n in expected.items():
        path = grid / f"{table}.parquet"
        assert pq.read_metadata(path).num_rows == n, table
        assert len(pd.read_parquet(path)) == n, table
        assert pl.read_parquet(path).height == n, table
        assert duckdb.sql(f"SELECT count(*) FROM '{path}'").fetchall() == [(n,)], table


@pytest.mark.parametrize("table", TABLES)
def test_pandas_types(grid, table):
    path = grid / f"{table}.parquet"
    schema = pq.read_schema(path)
    df = pd.read_parquet(path)
    strings = []
    for field in schema:
        dtype = df[field.name].dtype
        t = field.type
        assert not (pa.types.is_string(t) or pa.types.is_large_string(t)), f"{field.name}: plain string, not a dictionary"
        if pa.types.is_dictionary(t):
            assert pa.types.is_string(t.value_type), field.name
            assert isinstance(dtype, pd.CategoricalDtype), f"{field.name}: {dtype}"
            strings.append(field.name)
        elif pa.types.is_floating(t):
            assert t == pa.float64() and dtype == "float64", f"{field.name}: {t} -> {dtype}"
        elif pa.types.is_integer(t):
            assert t == pa.int64(), f"{field.name}: {t}"
            # pandas has no nullable int64 by default: nulls make it float64
            want = "float64" if df[field.name].isna().any() else "int64"
            assert dtype == want, f"{field.name}: {dtype}"
        elif pa.types.is_boolean(t):
            assert dtype == (object if df[field.name].isna().any() else bool), f"{field.name}: {dtype}"
        else:
            pytest.fail(f"{field.name}: unexpected type {t}")
    identity = {"runs": ["run_key", "scenario", "config_label", "arm", "status", "error"],
                "epochs": ["run_key", "scenario", "config_label", "arm"],
                "summary": ["scenario", "config_label", "arm", "metric"],
                "comparisons": ["scenario", "variant", "arm", "metric", "direction", "wilcoxon_method"]}[table]
    assert set(identity) <= set(strings), f"not categorical: {set(identity) - set(strings)}"
    floats = {"runs": ["toxicity_rate", "quality_gap", "wall_time_s"],
              "epochs": ["toxicity_rate", "quality_gap", "total_welfare"],
              "summary": ["mean", "sd", "ci95_lo", "ci95_hi", "iqm"],
              "comparisons": ["diff", "diff_ci_lo", "p_ttest", "p_holm", "hedges_g"]}[table]
    for c in floats + ["governance.freeze_threshold_toxicity"]:
        assert df[c].dtype == "float64", f"{c}: {df[c].dtype}"
    assert df["governance.freeze_threshold_violations"].dtype == "int64"
    assert df["governance.circuit_breaker_enabled"].dtype == bool


@pytest.mark.parametrize("table", TABLES)
def test_parameter_columns_carry_dotted_names(grid, table):
    path = grid / f"{table}.parquet"
    listed = json.loads(meta(path)[f"{PREFIX[table]}.param_columns"])
    assert listed == PARAMS
    dotted = lambda cols: [c for c in cols if "." in c]  # noqa: E731
    assert dotted(pd.read_parquet(path).columns) == PARAMS
    assert dotted(pl.read_parquet(path).columns) == PARAMS
    assert dotted(duckdb.sql(f"SELECT * FROM '{path}'").columns) == PARAMS


@pytest.mark.parametrize("table", TABLES)
def test_polars_types(grid, table):
    df = pl.read_parquet(grid / f"{table}.parquet")
    assert df.schema["scenario"] == pl.Categorical
    assert df.schema["governance.freeze_threshold_toxicity"] == pl.Float64
    assert df.schema["governance.freeze_threshold_violations"] == pl.Int64


def test_metadata_is_readable_in_every_reader(grid):
    spec_text = GRID_SPEC.read_text()
    base = ROOT / "scenarios/alignment_waltz_targeted_feedback.yaml"
    for table in ["runs", "epochs"]:
        path = grid / f"{table}.parquet"
        m = meta(path)
        assert m["swarm_sweep.table"] == table
        assert m["swarm_sweep.schema_version"] == "2"
        assert m["swarm_sweep.fidelity"] == "exact"
        assert json.loads(m["swarm_sweep.unmodelled"]) == {}
        assert m["swarm_sweep.name"] == "notebook_grid"
        # The spec's text is stored once: in the key-value list, not again
        # on the embedded Arrow schema (pq.read_schema).
        assert "swarm_sweep.spec_yaml" not in m
        assert m["swarm_sweep.spec_sha256"] == sha256(GRID_SPEC)
        assert json.loads(m["swarm_sweep.base_sha256"]) == [sha256(base)]
        assert json.loads(m["swarm_sweep.bases"])[0]["scenario"] == "alignment_waltz_targeted_feedback"
        assert json.loads(m["swarm_sweep.seeds"]) == list(range(N_SEEDS))
        assert m["swarm_sweep.engine_version"]
        # the same key-value pairs through pyarrow's file metadata, polars and duckdb
        kv = {k.decode(): v.decode() for k, v in pq.read_metadata(path).metadata.items() if k != b"ARROW:schema"}
        assert kv["swarm_sweep.spec_yaml"] == spec_text
        assert kv == {**m, "swarm_sweep.spec_yaml": spec_text}
        assert {k: v for k, v in pl.read_parquet_metadata(path).items() if k != "ARROW:schema"} == kv
        rows = duckdb.sql(f"SELECT decode(key), decode(value) FROM parquet_kv_metadata('{path}')").fetchall()
        assert {k: v for k, v in rows if k != "ARROW:schema"} == kv
    for table in ["summary", "comparisons"]:
        m = meta(grid / f"{table}.parquet")
        assert m["swarm_analysis.table"] == table
        assert m["swarm_analysis.sweep_name"] == "notebook_grid"
        assert m["swarm_analysis.spec_sha256"] == sha256(GRID_SPEC)
        assert json.loads(m["swarm_analysis.metrics"]) == metrics(grid)


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def test_duckdb_means_by_parameter_match_the_summary(grid):
    runs, summary = grid / "runs.parquet", grid / "summary.parquet"
    tox, vio = (f'"{p}"' for p in GRID)
    checked = 0
    for m in metrics(grid):
        value = f'CAST("{m}" AS DOUBLE)'
        # one configuration per (toxicity, violations) pair: our summary's mean and n
        rows = duckdb.sql(f"""
            WITH q AS (
                SELECT {tox} AS tox, {vio} AS vio, avg({value}) AS mean, count({value}) AS n
                FROM '{runs}'
                WHERE status = 'ok' AND arm <> 'baseline' AND NOT isnan(coalesce({value}, 0))
                GROUP BY ALL)
            SELECT q.tox, q.vio, q.mean, s.mean, q.n, s.n
            FROM q JOIN '{summary}' s
              ON s.metric = '{m}' AND s.arm <> 'baseline' AND s.{tox} = q.tox AND s.{vio} = q.vio
            ORDER BY ALL""").fetchall()
        assert len(rows) == N_CONFIGS - 1, m
        for t, v, ours_duck, ours, n_duck, n in rows:
            assert n_duck == n, (m, t, v)
            assert close(ours_duck, ours), f"{m} at {t}/{v}: duckdb {ours_duck}, summary {ours}"
            checked += 1
        # grouped by one parameter: the mean of the summary's means (every
        # configuration has the same number of runs)
        by_tox = duckdb.sql(f"""
            SELECT {tox}, avg({value}) FROM '{runs}'
            WHERE status = 'ok' AND arm <> 'baseline' AND {value} IS NOT NULL GROUP BY ALL ORDER BY 1""").fetchall()
        from_summary = duckdb.sql(f"""
            SELECT {tox}, avg(mean) FROM '{summary}'
            WHERE metric = '{m}' AND arm <> 'baseline' AND mean IS NOT NULL GROUP BY ALL ORDER BY 1""").fetchall()
        assert [t for t, _ in by_tox] == [t for t, _ in from_summary], m
        for (t, a), (_, b) in zip(by_tox, from_summary):
            assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), f"{m} at {t}: {a} vs {b}"
    assert checked == (N_CONFIGS - 1) * len(metrics(grid))


def test_pandas_groupby_matches_the_summary(grid):
    runs = pd.read_parquet(grid / "runs.parquet")
    summary = pd.read_parquet(grid / "summary.parquet")
    ok = runs[runs.status == "ok"]
    means = ok.groupby(["scenario", "config_id"], observed=True)["toxicity_rate"].mean()
    ours = summary[summary.metric == "toxicity_rate"].set_index(["scenario", "config_id"])["mean"]
    assert len(means) == N_CONFIGS
    pd.testing.assert_series_equal(means.sort_index(), ours.sort_index(), check_names=False,
                                   check_index_type=False, rtol=1e-12)
