#!/usr/bin/env python3
"""How much of SWARM's own scenario library the engine reproduces.

Runs every YAML file of the reference's scenario library through the Python
reference (swarm-safety 1.9.0, offline: no network, no API keys) and through
`swarm run`, seed by seed, and writes docs/coverage.md: one row per file
(exact / refused and why / the reference cannot run it and why / DIFFERS)
and the totals. With --goldens it also stores the reference's per-epoch
metrics of every file the engine runs, for the library parity test
(tests/library_parity.rs).

    coverage.py [SEEDS] [--library DIR] [--swarm BIN] [--out FILE]
                [--goldens DIR] [--cache DIR] [--jobs N] [--only SUBSTRING]

Run it through scripts/parity/coverage.sh, which sets up the reference venv.
Reference results are cached per (file bytes, seed) under --cache, so a
rerun only runs what changed; the report depends only on the inputs.
"""
import argparse
import concurrent.futures as cf
import csv
import hashlib
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))

# Floats must agree to this (the parity suite holds itself to exact equality).
TOLERANCE = 1e-9
# Seconds one file may take in the reference, per seed (plus a fixed start-up).
# Files with LLM agents stall on network retries offline; real runs of the
# library take a few seconds.
SECONDS_PER_SEED = int(os.environ.get("SWARM_COVERAGE_SECONDS_PER_SEED", "300"))
TIMED_OUT = "timed out"
# A reference child that uses no CPU this long is stalled.
STALL_SECONDS = 20
# Metric fields that both the goldens and `swarm run`'s metrics CSV carry.
COMPARED = ("epoch", "total_interactions", "accepted_interactions", "total_posts",
            "total_votes", "toxicity_rate", "quality_gap", "avg_payoff", "total_welfare",
            "net_social_welfare", "spread", "average_quality", "acceptance_rate",
            "conditional_loss_initiator", "conditional_loss_counterparty", "n_frozen",
            "n_quarantined", "ecosystem_threat_level", "active_threat_count",
            "contagion_depth", "ecosystem_collusion_risk", "n_flagged_pairs")


def parse_seeds(text):
    from generate_goldens import parse_seeds as parse
    return parse(text)


# --------------------------------------------------------------------------
# The reference side: one subprocess per file (and one more for the
# determinism check), so a crash, a hang or leaked global state stays there.
# --------------------------------------------------------------------------

def reference_child(path, seeds, out):
    """Child-process mode: run `path` at every seed, write JSON to `out`."""
    import traceback
    result = {"seeds": {}, "error": None, "n_agents": None}
    try:
        from generate_goldens import load, run_one
        from swarm.scenarios.loader import build_orchestrator
        result["n_agents"] = len(build_orchestrator(load(path, seeds[0]))._agents)
        for seed in seeds:
            records, _ = run_one(path, seed)
            result["seeds"][str(seed)] = records
    except BaseException as e:  # noqa: BLE001 - any failure is the reference's verdict
        last = traceback.extract_tb(e.__traceback__)[-1] if e.__traceback__ else None
        where = f" ({Path(last.filename).name}:{last.lineno})" if last else ""
        message = str(e).strip().splitlines()[0] if str(e).strip() else ""
        result["error"] = f"{type(e).__name__}: {message}{where}"[:300]
    Path(out).write_text(json.dumps(result))


def offline_env():
    """The environment for the reference: no API keys, no hub downloads."""
    env = {k: v for k, v in os.environ.items()
           if not (k.endswith("_API_KEY") or k.endswith("_TOKEN"))}
    env.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
                "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1",
                "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
                "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"})
    return env


def cpu_seconds(pid):
    """User + system CPU time of a process so far (Linux /proc), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def run_reference(path, seeds):
    """Run the reference on `path` in a child process. A child that uses no
    CPU for STALL_SECONDS is waiting on something that never comes offline
    (LLM agents retrying a provider): that is the reference failing."""
    with tempfile.TemporaryDirectory(prefix="swarm-coverage-") as tmp:
        out = Path(tmp) / "result.json"
        cmd = [sys.executable, str(Path(__file__).resolve()), ",".join(map(str, seeds)),
               "--reference-child", str(path), "--child-out", str(out)]
        deadline = time.monotonic() + 60 + SECONDS_PER_SEED * len(seeds)
        errors = Path(tmp) / "stderr.txt"
        with open(errors, "w") as err, subprocess.Popen(
                cmd, cwd=tmp, env=offline_env(), stdout=subprocess.DEVNULL, stderr=err) as proc:
            last_cpu, last_change = None, time.monotonic()
            verdict = None
            while proc.poll() is None:
                time.sleep(1)
                now = time.monotonic()
                cpu = cpu_seconds(proc.pid)
                if cpu != last_cpu:
                    last_cpu, last_change = cpu, now
                if now - last_change > STALL_SECONDS:
                    verdict = f"stalled (no CPU for {STALL_SECONDS} s: waiting on a network service)"
                elif now > deadline:
                    verdict = TIMED_OUT
                if verdict:
                    proc.kill()
                    proc.wait()
                    return {"seeds": {}, "error": verdict, "n_agents": None}
        stderr = errors.read_text(errors="replace")
        if not out.exists():
            tail = stderr.strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
            return {"seeds": {}, "error": f"crashed: {tail[0][:200]}", "n_agents": None}
        return json.loads(out.read_text())


class Cache:
    """Reference results per (file bytes, seed); a second process's run of
    the first seed is kept under 'again' for the determinism check."""

    def __init__(self, root):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def _path(self, digest, seed, tag):
        return self.root / f"{digest[:24]}-{tag}{seed}.json"

    def get(self, digest, seed, tag=""):
        p = self._path(digest, seed, tag)
        return json.loads(p.read_text()) if p.exists() else None

    def put(self, digest, seed, value, tag=""):
        p = self._path(digest, seed, tag)
        tmp = p.with_suffix(".tmp")
        tmp.write_text(json.dumps(value))
        tmp.replace(p)


def reference_results(path, digest, seeds, cache):
    """{seed: records} or an error string, plus whether a second process
    gave the same records for the first seed, and the agent count."""
    missing = [s for s in seeds if cache.get(digest, s) is None]
    if missing:
        got = run_reference(path, missing)
        if got["error"] == TIMED_OUT:
            # A verdict of this machine's load, not of the reference: not
            # cached, so the next run tries again.
            return {s: {"records": None, "error": TIMED_OUT, "n_agents": None}
                    for s in seeds}, None
        for s in missing:
            records = got["seeds"].get(str(s))
            cache.put(digest, s, {"records": records, "error": None if records is not None
                                  else got["error"] or "no result", "n_agents": got["n_agents"]})
    first = seeds[0]
    if cache.get(digest, first, "again") is None:
        got = run_reference(path, [first])
        if got["error"] == TIMED_OUT:
            return {s: {"records": None, "error": TIMED_OUT, "n_agents": None}
                    for s in seeds}, None
        cache.put(digest, first, {"records": got["seeds"].get(str(first)),
                                  "error": got["error"], "n_agents": got["n_agents"]}, "again")
    per_seed = {s: cache.get(digest, s) for s in seeds}
    again = cache.get(digest, first, "again")
    return per_seed, again


# --------------------------------------------------------------------------
# Our side.
# --------------------------------------------------------------------------

def run_ours(binary, path, seed):
    """('ok', records) | ('refused', reason) | ('error', message)."""
    with tempfile.TemporaryDirectory(prefix="swarm-coverage-ours-") as tmp:
        proc = subprocess.run([str(binary), "run", "-q", "--no-events", "--seed", str(seed),
                               "--out", tmp, str(path)], capture_output=True, text=True,
                              timeout=600)
        if proc.returncode == 2:
            return "refused", refusal_reason(proc.stderr, path)
        if proc.returncode != 0:
            return "error", f"exit {proc.returncode}: {proc.stderr.strip()[:200]}"
        csvs = list(Path(tmp).glob("*_metrics.csv"))
        if len(csvs) != 1:
            return "error", f"expected one metrics CSV, found {len(csvs)}"
        with open(csvs[0], newline="") as f:
            return "ok", list(csv.DictReader(f))


def refusal_reason(stderr, path):
    """The refusal's first error line, without the file name and line."""
    lines = [l for l in stderr.splitlines() if l and not l.startswith("warning:")]
    if not lines:
        return "refused (no message)"
    first = lines[0].removeprefix("Error: ").removeprefix("error: ")
    prefix = str(path)
    if first.startswith(prefix):
        first = first[len(prefix):].lstrip(":0123456789 ")
    more = len([l for l in lines[1:] if not l.startswith("refused:")])
    return first + (f" (and {more} more)" if more else "")


def first_difference(ours, theirs):
    """None when every compared field agrees, else a description."""
    if len(ours) != len(theirs):
        return f"{len(ours)} epochs, the reference {len(theirs)}"
    for row, ref in zip(ours, theirs):
        for field in COMPARED:
            if field not in ref:
                continue
            mine = row.get(field)
            want = ref[field]
            if mine is None or mine == "":
                return f"epoch {ref['epoch']}: {field} missing here, reference {want}"
            got = float(mine)
            same = (got == want or (math.isfinite(got) and math.isfinite(want)
                                    and abs(got - want) <= TOLERANCE))
            if not same:
                return f"epoch {ref['epoch']}: {field} {mine} here, reference {want!r}"
        for field in COMPARED:
            if field not in ref and row.get(field) not in (None, ""):
                return f"epoch {ref['epoch']}: {field} reported here, not by the reference"
    return None


# --------------------------------------------------------------------------
# One file.
# --------------------------------------------------------------------------

# The version of the code that produces reference results (reference_child
# and generate_goldens.run_one): bump it when a change there changes what
# they return, and cached results are recomputed.
HARNESS = "2"


def assess(path, rel, seeds, cache, binary):
    digest = hashlib.sha256(path.read_bytes() + HARNESS.encode()).hexdigest()
    per_seed, again = reference_results(path, digest, seeds, cache)
    errors = {r["error"] for r in per_seed.values() if r["error"]}
    n_agents = next((r["n_agents"] for r in per_seed.values() if r["n_agents"] is not None),
                    None)
    row = {"file": rel, "n_agents": n_agents, "goldens": {}}
    ours = {s: run_ours(binary, path, s) for s in seeds}
    refused = {v for k, v in ours.values() if k == "refused"}
    errors_ours = {v for k, v in ours.values() if k == "error"}
    if errors:
        row["reference"] = "fails"
        row["why"] = sorted(errors)[0]
    elif again["records"] != per_seed[seeds[0]]["records"]:
        row["reference"] = "nondeterministic"
        row["why"] = f"seed {seeds[0]} gave different results in two processes"
    elif n_agents == 0:
        row["reference"] = "no-agents"
        row["why"] = "builds no agents and runs all-zero epochs"
    else:
        row["reference"] = "runs"
    if errors_ours:
        row["result"] = "error"
        row["detail"] = sorted(errors_ours)[0]
        return row
    if refused:
        row["result"] = "refused"
        row["detail"] = sorted(refused)[0]
        return row
    if row["reference"] != "runs":
        # We ran it, but there is nothing deterministic to compare with.
        row["result"] = "unchecked"
        return row
    diffs = []
    for s in seeds:
        d = first_difference(ours[s][1], per_seed[s]["records"])
        if d:
            diffs.append(f"seed {s}: {d}")
        row["goldens"][s] = per_seed[s]["records"]
    if diffs:
        row["result"] = "DIFFERS"
        row["detail"] = diffs[0] + (f" (and {len(diffs) - 1} more seeds)" if len(diffs) > 1
                                    else "")
    else:
        row["result"] = "exact"
        row["detail"] = f"seeds {seeds_text(seeds)}"
    return row


def seeds_text(seeds):
    if seeds == list(range(seeds[0], seeds[-1] + 1)) and len(seeds) > 2:
        return f"{seeds[0]}-{seeds[-1]}"
    return ",".join(map(str, seeds))


# --------------------------------------------------------------------------
# Outputs.
# --------------------------------------------------------------------------

def golden_name(rel):
    return rel.removesuffix(".yaml").replace("/", "__") + ".json"


def write_golden(goldens_dir, rel, per_seed):
    """Merge `per_seed` into the library golden of `rel` (other seeds kept)."""
    from generate_goldens import dumps_golden
    path = goldens_dir / golden_name(rel)
    old = json.loads(path.read_text())["seeds"] if path.exists() else {}
    merged = {int(k): v for k, v in old.items()}
    merged.update({int(k): v for k, v in per_seed.items()})
    text = dumps_golden(rel, merged)
    if not path.exists() or path.read_text() != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def index_classes(library):
    index = library / "INDEX.tsv"
    if not index.exists():
        return {}
    lines = index.read_text().splitlines()[1:]
    return dict(line.split("\t", 1) for line in lines if "\t" in line)


def render(rows, seeds, classes, command):
    order = ["exact", "refused", "unchecked", "DIFFERS", "error"]
    totals = {k: sum(1 for r in rows if r["result"] == k) for k in order}
    ref_totals = {}
    for r in rows:
        ref_totals[r["reference"]] = ref_totals.get(r["reference"], 0) + 1
    targets = [r for r in rows if classes.get(r["file"]) == "target"]
    exact_targets = sum(1 for r in targets if r["result"] == "exact")
    out = ["# Coverage of SWARM's scenario library", "",
           f"Generated by `{command}` (do not edit): every YAML file of the "
           "reference's scenario library (../shared/reference-library, SWARM commit "
           "dc472fe8, swarm-safety 1.9.0) run through the Python reference offline "
           f"and through `swarm run`, seeds {seeds_text(seeds)}.", "",
           "## Totals", "",
           f"- **{exact_targets} of {len(targets)}** `target` files (INDEX.tsv: the reference "
           "runs them deterministically with agents) are **exact** on every seed.",
           f"- All {len(rows)} files: " + ", ".join(f"{totals[k]} {k}" for k in order
                                                    if totals[k]) + ".",
           "- The reference itself: " + ", ".join(f"{v} {k}" for k, v in sorted(
               ref_totals.items())) + ".",
           "- **DIFFERS** would mean `swarm run` exited 0 with numbers that are not the "
           "reference's. The fidelity guard exists so that this count is 0.",
           "", "Meaning of the result column:", "",
           "| result | meaning |", "|---|---|",
           "| exact | every seed: every epoch's counts equal and floats within 1e-9 "
           "(the parity suite asks for bit-for-bit) |",
           "| refused | `swarm run` exits 2 and names what it does not model |",
           "| unchecked | `swarm run` runs it, but the reference has nothing deterministic "
           "to compare with (it fails, is nondeterministic, or builds no agents) |",
           "| DIFFERS | exit 0 with different numbers: a bug |",
           "| error | `swarm run` failed otherwise: a bug |", "",
           "## Files", "",
           "| file | INDEX.tsv | reference | result | detail |", "|---|---|---|---|---|"]
    for r in rows:
        detail = r.get("detail", "")
        if "why" in r:
            detail = f"reference: {r['why']}" + (f"; here: {detail}" if detail else "")
        detail = detail.replace("|", "\\|")
        out.append(f"| {r['file']} | {classes.get(r['file'], '')} | {r['reference']} | "
                   f"{r['result']} | {detail} |")
    return "\n".join(out) + "\n"


def main(argv=None):
    cli = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    cli.add_argument("seeds", nargs="?", type=parse_seeds, default=parse_seeds("1-5"),
                     help="seeds, e.g. 1-5 (default) or 1,2,7")
    cli.add_argument("--library", type=Path,
                     default=REPO_ROOT.parent / "shared" / "reference-library")
    cli.add_argument("--swarm", type=Path, default=REPO_ROOT / "target/release/swarm")
    cli.add_argument("--out", type=Path, default=REPO_ROOT / "docs/coverage.md",
                     help="the report (default docs/coverage.md); '-' for stdout")
    cli.add_argument("--goldens", type=Path, default=None,
                     help="also store the reference's metrics of every file we run here")
    cli.add_argument("--cache", type=Path, default=REPO_ROOT / "target/coverage-cache")
    cli.add_argument("--jobs", type=int, default=2)
    cli.add_argument("--only", default=None, help="only files whose path contains this")
    cli.add_argument("--reference-child", type=Path, help=argparse.SUPPRESS)
    cli.add_argument("--child-out", type=Path, help=argparse.SUPPRESS)
    args = cli.parse_args(argv)

    if args.reference_child:
        reference_child(args.reference_child, args.seeds, args.child_out)
        return 0
    if not args.library.is_dir():
        sys.exit(f"error: no scenario library at {args.library}")
    if not args.swarm.exists():
        sys.exit(f"error: {args.swarm} not found: cargo build --release first")
    files = sorted(p for p in args.library.rglob("*.yaml"))
    rels = [p.relative_to(args.library).as_posix() for p in files]
    if args.only:
        pairs = [(p, r) for p, r in zip(files, rels) if args.only in r]
        files, rels = [p for p, _ in pairs], [r for _, r in pairs]
    cache = Cache(args.cache)
    classes = index_classes(args.library)
    rows = [None] * len(files)
    with cf.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {pool.submit(assess, p, r, args.seeds, cache, args.swarm): i
                   for i, (p, r) in enumerate(zip(files, rels))}
        for done in cf.as_completed(futures):
            i = futures[done]
            rows[i] = done.result()
            print(f"{rows[i]['result']:>9}  {rows[i]['file']}  {rows[i].get('detail', '')}",
                  file=sys.stderr)
    if args.goldens:
        for r in rows:
            if r["result"] in ("exact", "DIFFERS") and r["goldens"]:
                write_golden(args.goldens, r["file"], r["goldens"])
    command = "scripts/parity/coverage.sh " + seeds_text(args.seeds)
    text = render(rows, args.seeds, classes, command)
    if str(args.out) == "-":
        sys.stdout.write(text)
    elif not args.only:
        args.out.write_text(text)
        print(f"wrote {args.out}", file=sys.stderr)
    differs = sum(1 for r in rows if r["result"] in ("DIFFERS", "error"))
    return 1 if differs else 0


if __name__ == "__main__":
    sys.exit(main())
