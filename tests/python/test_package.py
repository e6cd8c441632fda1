"""The Python package (pyproject.toml, python/): `make test-python` installs
it into the test venv with maturin. Checks that it is the engine the
binaries are: `run` gives `swarm run`'s epochs to the last bit, `sweep` the
tables `swarm-sweep` writes; errors carry the commands' messages; Ctrl-C
leaves a journal the next call resumes; and the compat shim gives
swarm-safety 1.9.0's own numbers (the reference is installed beside it)."""

import json
import math
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import swarm_sweep
from swarm_sweep import compat, errors

from conftest import BIN, GRID_SPEC, ROOT, WORK

SWARM = BIN.parent / "swarm"
BASELINE = ROOT / "scenarios/baseline.yaml"
WALTZ = ROOT / "scenarios/alignment_waltz_targeted_feedback.yaml"


def swarm(*args):
    if not SWARM.is_file():
        pytest.exit(f"{SWARM} not found: build it (cargo build --bin swarm)", 2)
    return subprocess.run([str(SWARM), *map(str, args)], capture_output=True, text=True)


def csv_text(table: pa.Table) -> str:
    """The table as `swarm run`'s metrics CSV (floats as Python's repr,
    which is how the CSV writes them; null as an empty cell)."""
    def cell(v):
        return "" if v is None else repr(v) if isinstance(v, float) else str(v)
    cols = table.to_pydict()
    lines = [",".join(table.column_names)]
    for i in range(table.num_rows):
        lines.append(",".join(cell(cols[c][i]) for c in table.column_names))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("scenario,seed", [(BASELINE, 3), (WALTZ, 7), (WALTZ, 1)])
def test_run_gives_swarm_runs_epochs_bit_for_bit(scenario, seed, tmp_path):
    p = swarm("run", scenario, "--seed", seed, "--out", tmp_path, "-q", "--no-events")
    assert p.returncode == 0, p.stderr
    (csv,) = tmp_path.glob("*_metrics.csv")
    r = swarm_sweep.run(scenario, seed=seed)
    assert r.seed == seed and csv.name == f"{r.scenario_id}_metrics.csv"
    assert csv_text(r.epochs) == csv.read_text()
    assert r.epochs.schema.field("epoch").type == pa.int64()
    assert r.to_pandas().shape == (r.epochs.num_rows, r.epochs.num_columns)
    assert r.to_polars().shape == (r.epochs.num_rows, r.epochs.num_columns)


def test_run_events_and_settings_are_swarm_runs(tmp_path):
    args = ["governance.audit_probability=0.3", "simulation.n_epochs=4"]
    p = swarm("run", BASELINE, *args, "--seed", 2, "--out", tmp_path, "-q")
    assert p.returncode == 0, p.stderr
    r = swarm_sweep.run(BASELINE, seed=2, events=True,
                        overrides={"governance.audit_probability": 0.3, "simulation.n_epochs": 4})
    assert csv_text(r.epochs) == next(tmp_path.glob("*_metrics.csv")).read_text()
    events = [json.loads(line) for line in next(tmp_path.glob("*_events.jsonl")).read_text().splitlines()]
    assert r.events == events and len(events) > 100
    assert swarm_sweep.run(BASELINE, seed=2, overrides=args).epochs.equals(r.epochs)


def test_a_scenario_as_text_or_dict_is_the_file():
    text = BASELINE.read_text()
    r = swarm_sweep.run(BASELINE, seed=5)
    assert swarm_sweep.run(text, seed=5).epochs.equals(r.epochs)
    import yaml  # PyYAML comes with swarm-safety
    assert swarm_sweep.run(yaml.safe_load(text), seed=5).epochs.equals(r.epochs)
    assert len(r.agents) > 0 and {"agent_id", "agent_type", "total_payoff"} <= set(r.agents[0])


def test_a_runs_summary_is_its_row_of_runs_parquet(grid):
    """The baseline arm of notebook_grid.yaml, seed 0, run alone."""
    r = swarm_sweep.run(WALTZ, seed=0, overrides={"simulation.n_epochs": 10,
                                                  "governance.circuit_breaker_enabled": False})
    runs = pq.read_table(grid / "runs.parquet").to_pylist()
    (row,) = [x for x in runs if x["arm"] == "baseline" and x["seed"] == 0]
    assert set(r.summary) >= {"toxicity_rate", "quality_gap", "n_frozen", "mean_epoch_toxicity_rate"}
    assert {k: v for k, v in r.summary.items() if k in row} == {k: row[k] for k in r.summary if k in row}
    assert len([k for k in r.summary if k in row]) >= 20


def test_a_bad_scenario_raises_the_commands_message(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BASELINE.read_text().replace("governance:", "governance:\n  audit_probability: 7.5", 1))
    p = swarm("run", bad, "-q", "--out", tmp_path)
    assert p.returncode == 2
    with pytest.raises(swarm_sweep.BadInputError) as e:
        swarm_sweep.run(bad)
    assert e.value.exit_code == 2 and isinstance(e.value, ValueError)
    assert f"{bad}:" in str(e.value) and "governance.audit_probability" in str(e.value)
    assert f"Error: {e.value}" in p.stderr
    with pytest.raises(swarm_sweep.BadInputError, match="governance.no_such_lever"):
        swarm_sweep.run(BASELINE, overrides={"governance.no_such_lever": 1})


def test_every_exit_code_has_its_class():
    for code, meaning in swarm_sweep._native.exit_codes():
        if code == 0:
            continue
        e = errors.from_code(code, "m")
        assert isinstance(e, KeyboardInterrupt if code == 130 else errors.SwarmError), meaning
        assert code == 130 or e.exit_code == code


def tables(d):
    return {t: pq.read_table(Path(d) / f"{t}.parquet") for t in ("runs", "epochs", "comparisons")}


def test_sweep_gives_the_clis_tables(grid):
    s = swarm_sweep.sweep(GRID_SPEC, progress=False)
    cli = tables(grid)
    assert (s.n_runs, s.failed, s.out) == (40, 0, None)
    timing = cli["runs"].schema.get_field_index("wall_time_s")
    assert s.runs.remove_column(timing).equals(cli["runs"].remove_column(timing))
    assert s.epochs.equals(cli["epochs"])
    assert s.comparisons.equals(cli["comparisons"])
    # A dict spec with the same content (its paths then start at the current directory).
    import yaml
    spec = yaml.safe_load(GRID_SPEC.read_text())
    spec["base"] = str(WALTZ)
    assert swarm_sweep.sweep(spec, progress=False).epochs.equals(cli["epochs"])


def test_sweep_with_out_writes_the_clis_files_and_resumes(grid, tmp_path):
    out = tmp_path / "out"
    s = swarm_sweep.sweep(GRID_SPEC, out=out, jobs=2, progress=False, plots=False)
    assert s.out == out and s.ran == 40
    for f in ("runs.parquet", "epochs.parquet", "summary.parquet", "comparisons.parquet", "report.md"):
        assert (out / f).is_file(), f
    again = swarm_sweep.sweep(GRID_SPEC, out=out, progress=False, plots=False)
    assert (again.ran, again.reused) == (0, 40)
    assert again.epochs.equals(pq.read_table(grid / "epochs.parquet"))
    a = swarm_sweep.analyze(out, plots=False)
    assert a.comparisons.equals(pq.read_table(grid / "comparisons.parquet"))


def test_a_bad_spec_raises_with_its_key_path(tmp_path):
    spec = tmp_path / "bad.yaml"
    spec.write_text(GRID_SPEC.read_text().replace("freeze_threshold_violations", "freeze_threshold_violatoins")
                    .replace("../../../scenarios", str(ROOT / "scenarios")))
    with pytest.raises(swarm_sweep.BadInputError) as e:
        swarm_sweep.sweep(spec, progress=False)
    assert f"{spec}:" in str(e.value) and "freeze_threshold_violatoins" in str(e.value)
    p = subprocess.run([str(BIN), str(spec), "-q", "--dry-run"], capture_output=True, text=True)
    assert p.returncode == 2 and f"Error: {e.value}" in p.stderr


def test_check_passes_against_the_clis_results_and_finds_a_regression(grid, tmp_path):
    c = swarm_sweep.check(GRID_SPEC, grid, jobs=2)
    assert c.passed and len(c.configs) == 10 and all(x.passed for x in c.configs)
    # The same sweep with one epoch less: every configuration moves.
    changed = tmp_path / "changed.yaml"
    changed.write_text(GRID_SPEC.read_text().replace("../../../scenarios", str(ROOT / "scenarios"))
                       .replace("simulation.n_epochs: 10", "simulation.n_epochs: 9"))
    c = swarm_sweep.check(changed, grid)
    assert not c.passed and not any(x.passed for x in c.configs) and c.configs[0].problems
    with pytest.raises(swarm_sweep.RegressionError) as e:
        swarm_sweep.check(changed, grid, raise_on_regression=True)
    assert e.value.exit_code == 5
    with pytest.raises(swarm_sweep.BadInputError, match="runs.parquet not found"):
        swarm_sweep.check(GRID_SPEC, tmp_path)


INTERRUPTED = """
import sys, swarm_sweep
try:
    swarm_sweep.sweep(sys.argv[1], out=sys.argv[2], jobs=1, progress=False, analyze=False)
except KeyboardInterrupt:
    sys.exit(130)
sys.exit(0)
"""


def test_ctrl_c_leaves_a_journal_the_next_call_resumes(tmp_path):
    # 600 long runs (a baseline and two arms) on one thread: seconds, so the signal comes mid-sweep.
    spec = tmp_path / "long.yaml"
    spec.write_text(textwrap.dedent(f"""\
        name: long
        base: {WALTZ}
        seeds: {{start: 1, count: 200}}
        overrides: {{simulation.n_epochs: 200}}
        grid: {{governance.audit_probability: [0.1, 0.3]}}
        outputs: {{metrics_csv: false}}
        """))
    out = tmp_path / "out"
    journal = out / "journal.jsonl"
    child = subprocess.Popen([sys.executable, "-c", INTERRUPTED, str(spec), str(out)])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and child.poll() is None:
        if journal.is_file() and journal.read_text().count("\n") > 20:
            break
        time.sleep(0.02)
    assert child.poll() is None, "the sweep ended before it could be interrupted"
    child.send_signal(signal.SIGINT)
    assert child.wait(60) == 130
    assert not (out / "runs.parquet").exists()
    s = swarm_sweep.sweep(spec, out=out, progress=False, analyze=False)
    assert s.reused > 0 and s.ran > 0 and s.reused + s.ran == s.n_runs == 600
    fresh = swarm_sweep.sweep(spec, progress=False, analyze=False)
    assert s.epochs.equals(fresh.epochs)
    print(f"interrupted after {s.reused} of {s.n_runs} runs")


@pytest.mark.parametrize("scenario", [BASELINE, WALTZ], ids=["baseline", "waltz"])
def test_compat_gives_swarm_safetys_numbers(scenario):
    ref_loader = pytest.importorskip("swarm.scenarios")
    for seed in range(1, 6):
        config = ref_loader.load_scenario(scenario)
        config.orchestrator_config.seed = seed
        reference = ref_loader.build_orchestrator(config).run()
        ours = compat.run_scenario(scenario, seed)
        assert len(ours) == len(reference)
        for a, b in zip(ours, reference):
            want = {k: v for k, v in b.to_dict().items() if k in compat.NUMERIC_FIELDS
                    or k in ("security_report", "collusion_report")}
            got = {k: v for k, v in a.to_dict().items() if k in want}
            assert got == want, (scenario.name, seed, a.epoch)
            assert all(type(got[k]) is type(want[k]) for k in compat.NUMERIC_FIELDS)
        # The import switch: the same calls, this module.
        c = compat.load_scenario(scenario)
        c.orchestrator_config.seed = seed
        assert [m.to_dict() for m in compat.build_orchestrator(c).run()] == [m.to_dict() for m in ours]


def test_compat_sweep_runner_is_swarm_safetys():
    ref = pytest.importorskip("swarm.analysis.sweep")
    from swarm.scenarios import load_scenario

    def runner(module, base):
        config = module.SweepConfig(base_scenario=base, runs_per_config=2, seed_base=10)
        config.add_parameter("governance.audit_probability", [0.1, 0.4])
        config.add_parameter("n_epochs", [3])
        r = module.SweepRunner(config)
        r.run()
        return r

    theirs = runner(ref, load_scenario(BASELINE))
    ours = runner(compat, compat.load_scenario(BASELINE))
    assert [r.to_dict() for r in ours.results] == [r.to_dict() for r in theirs.results]
    assert ours.summary() == theirs.summary()


def test_compat_refuses_what_it_does_not_cover():
    from swarm.scenarios import load_scenario

    with pytest.raises(TypeError, match="does not keep the file"):
        compat.run_scenario(load_scenario(BASELINE), 1)
    with pytest.raises(swarm_sweep.BadInputError, match="seed_base"):
        compat.SweepRunner(compat.SweepConfig(base_scenario=BASELINE, seed_base=None)).run()


NOTEBOOK = ROOT / "notebooks/python_package.ipynb"


def test_the_package_notebook_runs(monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert all(c.outputs == [] and c.execution_count is None for c in nb.cells if c.cell_type == "code"), \
        "clear the notebook's outputs before committing"
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    WORK.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, WORK / "python_package.ipynb")
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "12 runs, 120 epoch rows" in text, text
    assert "BadInputError: governance.freeze_threshold_toxicity" in text, text
    assert "epochs; last: {'epoch': " in text, text
    html = [o.data["text/html"] for o in outputs if o.output_type == "execute_result" and "text/html" in o.data]
    assert len(html) == 2 and "mean_variant" in html[1] and html[1].count("<tr") == 1 + 2
    assert len([o for o in outputs if "image/png" in o.get("data", {})]) == 1


FAILING = """
import sys, swarm_sweep
try:
    swarm_sweep.sweep(sys.argv[1], progress=False, analyze=False)
except swarm_sweep.RunsFailedError as e:
    r = e.result
    print("failed", e.exit_code, r.failed, r.n_runs, r.runs.num_rows, r.runs.column("status")[0])
try:
    swarm_sweep.sweep(sys.argv[1], progress=False, fail_fast=True)
except swarm_sweep.SweepStoppedError as e:
    print("stopped", e.exit_code, "fail_fast" in str(e))
"""


def test_failed_runs_and_fail_fast_raise_their_classes():
    # Every run over a tiny memory limit is recorded as failed (docs/cli.md).
    env = dict(os.environ, SWARM_MAX_RUN_MEMORY="1K")
    p = subprocess.run([sys.executable, "-c", FAILING, str(GRID_SPEC)], env=env,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == ["failed 3 40 40 40 failed", "stopped 4 True"], p.stdout


def test_analyze_raises_on_a_folder_without_results(tmp_path):
    with pytest.raises(swarm_sweep.BadInputError, match="runs.parquet not found"):
        swarm_sweep.analyze(tmp_path)
