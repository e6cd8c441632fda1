"""`swarm-sweep check` against tables edited with pyarrow: its own results
pass; a perturbed runs.parquet fails with a readable message, and the JUnit
XML is well-formed with one test case per configuration."""

import shutil
import subprocess
import xml.etree.ElementTree as ET

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from conftest import BIN, GRID_SPEC, WORK


def check(against, junit):
    return subprocess.run([str(BIN), "check", str(GRID_SPEC), "--against", str(against), "--junit", str(junit)],
                          capture_output=True, text=True, env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"})


def test_check_passes_on_its_own_results_and_fails_on_edited_ones(grid):
    stored = WORK / "check_stored"
    shutil.rmtree(stored, ignore_errors=True)
    stored.mkdir(parents=True)
    shutil.copy(grid / "runs.parquet", stored / "runs.parquet")
    junit = WORK / "check.xml"

    p = check(stored, junit)
    assert p.returncode == 0, p.stdout + p.stderr
    suite = ET.parse(junit).getroot()
    assert suite.tag == "testsuites" and suite.get("tests") == "10" and suite.get("failures") == "0"
    assert len(suite.findall("./testsuite/testcase")) == 10

    # quality_gap of one configuration edited in pandas' usual tool, the
    # file rewritten by pyarrow (schema and metadata kept)
    table = pq.read_table(stored / "runs.parquet")
    label = "governance.freeze_threshold_toxicity=0.5,governance.freeze_threshold_violations=2"
    hit = pc.equal(pc.cast(table["config_label"], pa.string()), label)
    i = table.schema.get_field_index("quality_gap")
    edited = pc.if_else(hit, pc.add(table["quality_gap"], 0.01), table["quality_gap"])
    pq.write_table(table.set_column(i, "quality_gap", edited), stored / "runs.parquet")

    p = check(stored, junit)
    assert p.returncode == 5, p.stdout + p.stderr
    fails = [line for line in p.stdout.splitlines() if line.startswith("FAIL")]
    assert fails == ["FAIL  toxicity=0.5, violations=2  (22 metrics, 4 runs)"], p.stdout
    assert "quality_gap: " in p.stdout and " now, " in p.stdout and "(Δ -1.000e-2" in p.stdout, p.stdout
    assert "check failed: 9 of 10 configurations passed" in p.stdout
    suite = ET.parse(junit).getroot()
    assert suite.get("failures") == "1"
    failed = [c for c in suite.iter("testcase") if c.find("failure") is not None]
    assert [c.get("name") for c in failed] == ["toxicity=0.5, violations=2"]
    assert failed[0].find("failure").get("message").startswith("quality_gap: ")
