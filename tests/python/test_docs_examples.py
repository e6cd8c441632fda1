"""Every ```python block of docs/notebooks.md and README.md runs verbatim in
a checkout after `make sweep` (results/circuit_breaker/ from
sweeps/circuit_breaker.yaml). The two headline examples (polars, duckdb)
are at most five lines and print what they promise."""

import re
import subprocess
import sys

import pytest

from conftest import ROOT

DOCS = [ROOT / "docs/notebooks.md", ROOT / "README.md"]
BLOCK = re.compile(r"(?:<!-- example: (\w+) -->\n)?```python\n(.*?)```", re.S)


def blocks():
    for doc in DOCS:
        for i, m in enumerate(BLOCK.finditer(doc.read_text())):
            yield pytest.param(m.group(1), m.group(2), id=f"{doc.name}:{m.group(1) or i}")


def run(code, cwd):
    p = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, f"exit {p.returncode}\n{code}\n{p.stderr}"
    return p.stdout


def test_the_headline_examples_are_there():
    names = [m.group(1) for m in BLOCK.finditer((ROOT / "docs/notebooks.md").read_text()) if m.group(1)]
    assert names == ["polars", "duckdb"]


@pytest.mark.parametrize("name,code", list(blocks()))
def test_example_runs_verbatim(checkout, name, code):
    out = run(code, checkout)
    if name:
        assert len(code.strip().splitlines()) <= 5, f"the {name} example is longer than 5 lines"
    if name == "polars":
        assert "shape: (5, 8)" in out and "freeze_tox" in out and "p_holm" in out, out
    if name == "duckdb":
        assert "freeze_tox" in out and "quality_gap" in out, out
        for t in ["0.4", "0.5", "0.6", "0.7", "0.8"]:
            assert re.search(rf"│\s+{re.escape(t)}\s+│\s+80\s+│", out), f"no row for {t} with 80 runs:\n{out}"
