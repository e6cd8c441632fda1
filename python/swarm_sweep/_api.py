"""The package's functions: one run, a sweep, the analysis step and the
regression check, each the engine's (``swarm run``, ``swarm-sweep``,
``swarm-sweep analyze``, ``swarm-sweep check``) with tables as pyarrow
Tables and errors as exceptions (``swarm_sweep.errors``)."""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Union

import pyarrow as pa
import pyarrow.ipc
import pyarrow.parquet as pq

from . import _native
from ._inputs import Settings, Source, settings, source
from .errors import RunsFailedError, SwarmWarning

PathLike = Union[str, "os.PathLike[str]"]


def _warn(messages: Sequence[str]) -> None:
    for m in messages:
        warnings.warn(m, SwarmWarning, stacklevel=3)


def _number(v: Any) -> Any:
    return math.nan if v is None else v


class Run:
    """One finished run.

    Attributes:
        epochs: the per-epoch metrics (pyarrow Table), one row per epoch with
            the columns and values of ``swarm run``'s metrics CSV.
        summary: the run's metrics as runs.parquet holds them (dict).
        agents: every agent's final state (list of dicts).
        events: the event log as ``swarm run`` writes it (list of dicts), or
            None without ``events=True``.
        seed, scenario_id, warnings.
    """

    def __init__(self, out: Any) -> None:
        self.epochs: pa.Table = pa.ipc.open_stream(out.epochs).read_all()
        self.summary: Dict[str, Any] = {k: _number(v) for k, v in json.loads(out.summary).items()}
        self.agents: List[Dict[str, Any]] = json.loads(out.agents)
        self.events: Optional[List[Dict[str, Any]]] = (
            None if out.events is None
            else [json.loads(line) for line in bytes(out.events).decode().splitlines() if line]
        )
        self.seed: int = out.seed
        self.scenario_id: str = out.scenario_id
        self.warnings: List[str] = list(out.warnings)

    def to_pandas(self) -> Any:
        """The epochs as a pandas DataFrame."""
        return self.epochs.to_pandas()

    def to_polars(self) -> Any:
        """The epochs as a polars DataFrame."""
        import polars as pl

        return pl.from_arrow(self.epochs)

    def __repr__(self) -> str:
        return f"<Run {self.scenario_id} seed={self.seed}: {self.epochs.num_rows} epochs>"


def run(
    scenario: Source,
    seed: Optional[int] = None,
    overrides: Settings = None,
    events: bool = False,
    *,
    epochs: Optional[int] = None,
    steps: Optional[int] = None,
    strict: bool = False,
    allow_unmodelled: bool = False,
    fixes: Sequence[str] = (),
) -> Run:
    """Run one scenario, as ``swarm run`` does, in memory.

    Args:
        scenario: a scenario file's path, YAML text, or a dict with the
            file's structure.
        seed: the seed of every random stream; default ``simulation.seed``
            (else 0, with a warning).
        overrides: settings over the scenario's, as dotted parameter paths
            (``{"governance.audit_probability": 0.3}`` or
            ``["governance.audit_probability=0.3"]``), checked by the schema.
        events: also return the event log (``Run.events``).
        epochs, steps: replace ``simulation.n_epochs`` / ``steps_per_epoch``.
        strict: warnings (ignored or misspelled keys) are errors.
        allow_unmodelled: run keys the engine does not model (the results
            then differ from the reference's; a SwarmWarning says so).
        fixes: fixes of reference bugs to turn on (``swarm run --fix``).

    Raises:
        BadInputError: the scenario or a setting is invalid; the message
            names file, line and key path.
    """
    text, is_path = source(scenario, "scenario")
    out = _native.run(text, is_path, seed, settings(overrides), events, strict,
                      allow_unmodelled, list(fixes), epochs, steps)
    r = Run(out)
    _warn(r.warnings)
    return r


def _read(path: Path) -> Optional[pa.Table]:
    return pq.read_table(path, memory_map=False) if path.is_file() else None


@dataclass
class Sweep:
    """A finished sweep.

    Attributes:
        runs: runs.parquet (one row per run; parameters and run metrics).
        epochs: epochs.parquet (one row per run and epoch).
        comparisons: comparisons.parquet (each configuration against the
            baseline), or None when the analysis did not run.
        summary: summary.parquet (per configuration and metric), or None.
        out: the output directory (None when the sweep ran in a temporary one).
        name, n_runs, failed, reused (runs taken from an earlier call's
        journal or tables), ran (runs run by this call), warnings.
    """

    runs: pa.Table
    epochs: pa.Table
    comparisons: Optional[pa.Table]
    summary: Optional[pa.Table]
    out: Optional[Path]
    name: str
    n_runs: int
    failed: int
    reused: int
    ran: int
    warnings: List[str] = field(default_factory=list)

    def __repr__(self) -> str:
        where = f" → {self.out}" if self.out else ""
        return f"<Sweep {self.name}: {self.n_runs} runs, {self.failed} failed{where}>"


def sweep(
    spec: Source,
    out: Optional[PathLike] = None,
    jobs: Optional[int] = None,
    progress: bool = True,
    *,
    analyze: bool = True,
    plots: bool = True,
    events: bool = False,
    force_new: bool = False,
    fail_fast: bool = False,
    strict: bool = False,
    allow_unmodelled: bool = False,
) -> Sweep:
    """Run a sweep spec on the engine's thread pool, without the GIL.

    Args:
        spec: a spec file's path (docs/sweep.md; SWARM's own sweep files
            too), YAML text or a dict; relative paths in text or a dict start
            at the current directory.
        out: write the same files as ``swarm-sweep SPEC --out OUT`` here
            (tables, journal, per-run files, analysis); calling again with
            the same ``out`` resumes, as the command does. Without it the
            sweep runs in a temporary directory that is removed afterwards.
        jobs: worker threads (default: the number of CPUs).
        progress: show progress on standard error.
        analyze: run the analysis step (comparisons, summary; with ``out``
            also report.md and, with ``plots``, plots/).
        events: write runs/<run_key>/events.jsonl (with ``out``).
        force_new: start over instead of resuming (``--force-new``).
        fail_fast: stop at the first failed run (SweepStoppedError).

    Ctrl-C (KeyboardInterrupt) stops starting runs; the runs under way finish
    into the journal and the same call (the same ``out``) later resumes from
    it. Without ``out`` nothing is kept.

    Raises:
        BadInputError: an invalid spec (file:line: key path).
        RunsFailedError: some runs failed; ``.result`` is the Sweep.
        SweepStoppedError: ``fail_fast`` stopped the sweep.
    """
    text, is_path = source(spec, "spec")
    tmp = None
    if out is None:
        tmp = tempfile.mkdtemp(prefix="swarm-sweep-")
        target = Path(tmp)
    else:
        target = Path(out)
    try:
        o = _native.sweep(
            text, is_path, str(target), spec_dir=str(Path.cwd()), jobs=jobs,
            progress=progress, run_files=tmp is None, events=events,
            allow_unmodelled=allow_unmodelled, strict=strict, force_new=force_new,
            fail_fast=fail_fast, analyze=analyze, plots=plots and tmp is None,
        )
        result = Sweep(
            runs=pq.read_table(target / "runs.parquet", memory_map=False),
            epochs=pq.read_table(target / "epochs.parquet", memory_map=False),
            comparisons=_read(target / "comparisons.parquet"),
            summary=_read(target / "summary.parquet"),
            out=None if tmp else target,
            name=o.name, n_runs=o.n_runs, failed=o.failed, reused=o.reused, ran=o.ran,
            warnings=list(o.warnings),
        )
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    _warn(result.warnings)
    if result.failed:
        raise RunsFailedError(
            f"{result.failed} of {result.n_runs} runs failed (first: {o.first_failure}); "
            "the tables are in the exception's .result", result)
    return result


@dataclass
class Analysis:
    """The analysis of a results directory: summary.parquet,
    comparisons.parquet and the files written (report.md, plots/)."""

    summary: pa.Table
    comparisons: pa.Table
    files: List[Path]


def analyze(
    results_dir: PathLike,
    *,
    plots: bool = True,
    notes: Optional[PathLike] = None,
    metrics: Sequence[str] = (),
    jobs: Optional[int] = None,
) -> Analysis:
    """The analysis step (``swarm-sweep analyze RESULTS_DIR``): writes
    summary.parquet, comparisons.parquet, report.md and (with ``plots``)
    plots/ into ``results_dir`` and returns the tables.

    Raises:
        BadInputError: not a sweep's output directory, or an unknown metric.
    """
    d = Path(results_dir)
    files = _native.analyze(str(d), jobs=jobs, plots=plots,
                            notes=None if notes is None else str(notes), metrics=list(metrics))
    return Analysis(
        summary=pq.read_table(d / "summary.parquet", memory_map=False),
        comparisons=pq.read_table(d / "comparisons.parquet", memory_map=False),
        files=[Path(f) for f in files],
    )


@dataclass
class ConfigCheck:
    """One configuration of a check: whether it passed, and why not."""

    name: str
    passed: bool
    problems: List[str]


@dataclass
class Check:
    """The verdict of ``check``: ``passed`` and one ConfigCheck per
    configuration (the JUnit test cases of ``swarm-sweep check --junit``)."""

    passed: bool
    configs: List[ConfigCheck]
    junit: str

    def __bool__(self) -> bool:
        return self.passed


def check(
    spec: PathLike,
    against: PathLike,
    *,
    tolerance: Union[str, Sequence[str], None] = None,
    criteria: bool = False,
    jobs: Optional[int] = None,
    allow_unmodelled: bool = False,
    raise_on_regression: bool = False,
) -> Check:
    """Rerun the sweep ``spec`` (a file) and compare it with the results
    stored in ``against`` (``swarm-sweep check SPEC --against DIR``).

    Args:
        tolerance: ``ABS``, ``REL%``, ``METRIC=ABS`` or ``METRIC=REL%`` items
            (a list, or one comma-separated string); default: to the last bit.
        criteria: also require every run to meet its success criteria.
        raise_on_regression: raise RegressionError rather than return a
            failed Check.
    """
    if isinstance(tolerance, str):
        tolerance = [tolerance]
    with tempfile.TemporaryDirectory(prefix="swarm-sweep-check-") as tmp:
        junit = Path(tmp) / "check.xml"
        code = _native.check(os.fspath(spec), os.fspath(against), str(junit),
                             tolerance=list(tolerance or []), criteria=criteria, jobs=jobs,
                             allow_unmodelled=allow_unmodelled)
        xml = junit.read_text()
    configs = []
    for case in ET.fromstring(xml).iter("testcase"):
        failures = case.findall("failure")
        problems = [line for f in failures
                    for line in (f.text or f.get("message", "")).splitlines() if line.strip()]
        configs.append(ConfigCheck(case.get("name", ""), not failures, problems))
    result = Check(passed=code == 0, configs=configs, junit=xml)
    if not result.passed and raise_on_regression:
        from .errors import RegressionError

        failed = [c.name for c in configs if not c.passed]
        raise RegressionError(f"check failed: {len(failed)} of {len(configs)} configurations "
                              f"outside tolerance ({', '.join(failed)})")
    return result
