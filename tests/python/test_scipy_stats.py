"""Our statistics against scipy: tests/it/scipy_stats.rs writes every case
with our results (the Makefile's test-python runs it with SWARM_SCIPY_CASES
set first), and tests/scipy/check_stats.py recomputes each with scipy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_statistics_agree_with_scipy():
    cases = os.environ.get("SWARM_SCIPY_CASES")
    if not cases or not Path(cases).is_file():
        pytest.fail("no cases: run `SWARM_SCIPY_CASES=FILE cargo test --test it scipy_stats::` "
                    "first and set SWARM_SCIPY_CASES (make test-python does both)")
    p = subprocess.run([sys.executable, str(ROOT / "tests/scipy/check_stats.py"), cases],
                       capture_output=True, text=True)
    print(p.stdout, p.stderr)
    assert p.returncode == 0, f"statistics disagree with scipy:\n{p.stdout}{p.stderr}"
