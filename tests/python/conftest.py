"""Fixtures of the Python checks (`make test-python`): the swarm-sweep
binary, the small sweep's results, and a directory laid out like a checkout
after `make sweep` for the documentation's examples. Results go to
target/py-tests/ and are made afresh each session (PY_TESTS_REUSE=1 keeps
existing ones, for quick iterations on the tests themselves)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# relative paths are relative to the repository root
BIN = ROOT / os.environ.get("SWARM_SWEEP_BIN", "target/debug/swarm-sweep")
WORK = ROOT / os.environ.get("PY_TESTS_DIR", "target/py-tests")
GRID_SPEC = ROOT / "tests/data/sweeps/notebook_grid.yaml"


def swarm_sweep(*args):
    if not BIN.is_file():
        pytest.exit(f"{BIN} not found: build it (cargo build) or set SWARM_SWEEP_BIN", 2)
    p = subprocess.run([str(BIN), *map(str, args)], capture_output=True, text=True)
    assert p.returncode == 0, f"swarm-sweep {' '.join(map(str, args))}: exit {p.returncode}\n{p.stderr}"
    return p


def sweep(spec, out):
    """Run `spec` into `out`, then its analysis (tables only, no plots)."""
    if os.environ.get("PY_TESTS_REUSE") and (out / "comparisons.parquet").is_file():
        return out
    if out.exists():
        shutil.rmtree(out)
    swarm_sweep(spec, "-q", "--no-analyze", "--no-metrics-csv", "--deterministic-timing", "-o", out)
    swarm_sweep("analyze", out, "-q", "--no-plots")
    return out


@pytest.fixture(scope="session")
def grid():
    """tests/data/sweeps/notebook_grid.yaml: 10 configurations x 4 seeds x 10 epochs."""
    return sweep(GRID_SPEC, WORK / "notebook_grid")


@pytest.fixture(scope="session")
def checkout():
    """A directory whose results/circuit_breaker/ holds the tables of
    sweeps/circuit_breaker.yaml, as `make sweep` leaves them, with links to
    the repository's scenarios/ and sweeps/ (the README's Python example
    runs them)."""
    d = WORK / "checkout"
    sweep(ROOT / "sweeps/circuit_breaker.yaml", d / "results/circuit_breaker")
    # The repository's scenarios and specs, for the examples that run them.
    for name in ("scenarios", "sweeps"):
        link = d / name
        if not link.is_symlink():
            link.symlink_to(ROOT / name)
    return d
