#!/usr/bin/env python3
"""Generate golden per-epoch metrics from the Python reference (swarm-safety 1.9.0).

Run with the interpreter of a venv that has swarm-safety==1.9.0 installed on
CPython 3.11 (see generate_goldens.sh, which sets one up):

    generate_goldens.py [SCENARIO.yaml ...] [--seeds 1-20] [--out tests/data/parity/]
                        [--interactions-seed 1] [--console]

For every scenario and seed the scenario is loaded with the package's own
loader, its simulation seed is replaced (the orchestrator and the loader
derive every random stream from it), event-log output is switched off, and
the orchestrator is run, with the feed ranking's wall clock pinned (see
FeedClockPin: the one timing race that changes results). Per epoch we record
the reference's EpochMetrics,
SoftMetrics over the epoch's finalized interactions, and the frozen /
quarantined agent counts at the moment the epoch's metrics are computed.

Writes, under --out:
  <scenario_id>.json                          per-epoch records for every seed
  <scenario_id>_seed<S>_interactions.jsonl    every finalized interaction of
                                              seed S (--interactions-seed)
  console/<scenario_id>_seed<seed>.txt        with --console: stdout of the
                                              real `swarm run` CLI for a few
                                              scenarios at their own seed
The output depends only on the inputs: same inputs, same bytes.
"""
import argparse
import datetime as dt
import json
import math
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from unittest import mock

import swarm.env.feed
from swarm.core.orchestrator import EpochMetrics
from swarm.env.feed import Feed
from swarm.metrics.soft_metrics import SoftMetrics
from swarm.models.events import EventType
from swarm.scenarios.loader import build_orchestrator, load_scenario

REFERENCE = "swarm-safety 1.9.0"
GENERATED_BY = "scripts/parity/generate_goldens.py"
REPO_ROOT = Path(__file__).resolve().parents[2]

# Keys taken verbatim from EpochMetrics.to_dict(), in this order.
EPOCH_KEYS = ("epoch", "total_interactions", "accepted_interactions", "total_posts",
              "total_votes", "toxicity_rate", "quality_gap", "avg_payoff",
              "total_welfare", "net_social_welfare")
INT_KEYS = {"epoch", "total_interactions", "accepted_interactions", "total_posts",
            "total_votes", "n_frozen", "n_quarantined", "active_threat_count",
            "contagion_depth", "n_flagged_pairs"}
SECURITY_KEYS = ("ecosystem_threat_level", "active_threat_count", "contagion_depth")
COLLUSION_KEYS = ("ecosystem_collusion_risk", "n_flagged_pairs")

# Scenarios whose `swarm run` console output --console captures (at the seed
# written in the scenario file).
CONSOLE_SCENARIOS = ("baseline", "alignment_waltz_targeted_feedback", "macpo_weak_to_strong")

# A run is retried when it may have hit one of the reference's wall-clock races.
MAX_ATTEMPTS = 5
# Security's contagion test passes only while a chain spans < ~29 s of wall
# time (spec: treat its velocity as infinite); with security on, slower runs
# are retried.
MAX_RUN_SECONDS = 20.0


class RacyRun(Exception):
    """The run's outcome may depend on wall-clock timing; run it again."""


class FeedClockPin:
    """Pins the one wall-clock race of the reference that changes its results.

    Feed.get_ranked_posts sorts posts by net_votes + 0.5 * replies -
    0.01 * age_hours, where each post's age comes from its own datetime.now()
    call. The age term is only meant to break ties between equal vote counts
    (newest post first: spec, docs/model/simulation.md §2.4). But if the
    process stalls while the keys are computed, two now() calls can be further
    apart than the two posts' creation times. Stalls of a few milliseconds
    happen within one key loop on the machine the goldens came from. Equal-vote
    posts then come out in another order, and the run diverges: total_votes
    differs by one between two runs of the same seed. So while a ranking is
    computed, the feed module's clock is frozen at one instant: every age is
    measured from the same now(), and the package's own method ranks
    equal-vote posts newest first. Post creation times still come from the real
    clock. They must increase strictly in creation order, or a tie falls back
    to oldest first. A run where they do not is rejected as racy.
    """

    class FrozenClock(dt.datetime):
        """Stands in for the feed module's `datetime`: now() is one fixed instant."""
        instant = None

        @classmethod
        def now(cls, tz=None):
            return cls.instant

    def __init__(self):
        self._original = Feed.get_ranked_posts
        self._n_checked, self._last_stamp = 0, None
        self.disorder = 0           # posts not created strictly after the previous one

    def _check_stamps(self, feed):
        posts = list(feed._posts.values())
        for post in posts[self._n_checked:]:
            if self._last_stamp is not None and post.created_at <= self._last_stamp:
                self.disorder += 1
            self._last_stamp = post.created_at
        self._n_checked = len(posts)

    def __enter__(self):
        pin, clock = self, self.FrozenClock

        def ranked_at_one_instant(feed, *args, **kwargs):
            pin._check_stamps(feed)
            clock.instant = dt.datetime.now()
            real = swarm.env.feed.datetime
            swarm.env.feed.datetime = clock
            try:
                return pin._original(feed, *args, **kwargs)
            finally:
                swarm.env.feed.datetime = real

        self._patch = mock.patch.object(Feed, "get_ranked_posts", ranked_at_one_instant)
        self._patch.start()
        return self

    def __exit__(self, *exc):
        self._patch.stop()
        return False


def parse_seeds(text):
    """'1-20', '1,2,5', '1-3,7' -> sorted list of distinct ints."""
    seeds = set()
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if "-" in part[1:]:                      # a range (allow no negative seeds)
            lo, hi = part.split("-", 1)
            lo, hi = int(lo), int(hi)
            if hi < lo:
                raise argparse.ArgumentTypeError(f"empty seed range {part!r}")
            seeds.update(range(lo, hi + 1))
        else:
            seeds.add(int(part))
    if not seeds:
        raise argparse.ArgumentTypeError("no seeds given")
    return sorted(seeds)


def plain(key, value):
    """A plain Python int or float (numpy scalars and bools converted), for json."""
    if hasattr(value, "item") and not isinstance(value, (int, float)):
        value = value.item()                     # numpy scalar
    if key in INT_KEYS:
        if isinstance(value, float):
            if not value.is_integer():
                raise ValueError(f"{key}={value!r} is not an integer")
        return int(value)
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{key}={value!r} is not finite (not valid JSON)")
    return value


def load(path, seed):
    """The package's loader with the seed replaced and event logging off."""
    scenario = load_scenario(Path(path))
    config = scenario.orchestrator_config
    config.seed = seed
    config.log_path = None
    config.log_events = False
    scenario.event_log_path = None
    return scenario


def run_one(path, seed):
    """Run one scenario at one seed, free of wall-clock races (see FeedClockPin).

    Returns (epoch records, interaction rows)."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return run_attempt(path, seed)
        except RacyRun as why:
            print(f"note: {path} seed {seed} attempt {attempt}: {why}; running it again",
                  file=sys.stderr)
    raise RuntimeError(f"{path} seed {seed}: no race-free run in {MAX_ATTEMPTS} attempts")


def run_attempt(path, seed):
    """One run; raises RacyRun if its outcome may depend on timing."""
    scenario = load(path, seed)
    orch = build_orchestrator(scenario)
    soft = SoftMetrics(orch.payoff_engine)
    epoch_interactions = []     # finalized interactions of the current epoch, in order
    interaction_rows = []
    snapshots = []              # one per EPOCH_COMPLETED event

    def on_interaction(ix, payoff_initiator, payoff_counterparty):
        epoch_interactions.append(ix)
        state = orch.state
        interaction_rows.append({
            "epoch": state.current_epoch, "step": state.current_step,
            "initiator": ix.initiator, "counterparty": ix.counterparty,
            "interaction_type": ix.interaction_type.value, "accepted": bool(ix.accepted),
            "p": ix.p, "v_hat": ix.v_hat, "c_a": ix.c_a, "c_b": ix.c_b,
            "payoff_initiator": payoff_initiator,
            "payoff_counterparty": payoff_counterparty,
        })

    def on_event(event):
        # EPOCH_COMPLETED is emitted right after the epoch's metrics are computed
        # and before state.advance_epoch(): frozen/quarantined sets and the list
        # of completed interactions are exactly those the metrics saw.
        if event.event_type != EventType.EPOCH_COMPLETED:
            return
        # Domain modules (network decay, dynamic toxicity, scholar, tierra)
        # emit EPOCH_COMPLETED events of their own; the orchestrator's is the
        # one that carries the epoch's metrics.
        if not {"total_interactions", "toxicity_rate"} <= set(event.payload or {}):
            return
        # The metrics were computed over the state's list. Domain handlers
        # (scholar, marketplace, ...) finalize interactions without the
        # completion callback, so the state's list is the one to use; for the
        # core loop the two are the same objects.
        ixs = list(orch.state.completed_interactions)
        n_accepted = sum(1 for i in ixs if i.accepted)
        engine = orch.governance_engine
        snapshots.append({
            "payload": event.payload,
            "toxicity_rate_all": soft.toxicity_rate_all(ixs),
            "spread": soft.spread(ixs),
            "average_quality": soft.average_quality(ixs),
            "conditional_loss_initiator": soft.conditional_loss_initiator(ixs),
            "conditional_loss_counterparty": soft.conditional_loss_counterparty(ixs),
            "acceptance_rate": n_accepted / len(ixs) if ixs else 0.0,
            "n_frozen": len(orch.state.frozen_agents),
            "n_quarantined": len(engine.get_quarantined_agents()) if engine is not None else 0,
        })
        epoch_interactions.clear()

    orch.on_interaction_complete(on_interaction)
    orch.subscribe_events(on_event)
    started = time.monotonic()
    with FeedClockPin() as pin:
        history = orch.run()
    elapsed = time.monotonic() - started
    if pin.disorder:
        raise RacyRun(f"{pin.disorder} post(s) not created strictly after the previous one")
    security = getattr(scenario.orchestrator_config.governance_config, "security_enabled", False)
    if security and elapsed > MAX_RUN_SECONDS:
        raise RacyRun(f"took {elapsed:.1f} s of wall time (contagion velocity test)")

    if len(history) != len(snapshots):
        raise RuntimeError(f"{path} seed {seed}: {len(history)} epochs of metrics, "
                           f"{len(snapshots)} EPOCH_COMPLETED events")
    records = []
    for metrics, snap in zip(history, snapshots):
        assert isinstance(metrics, EpochMetrics)
        d = metrics.to_dict()
        if json.dumps(d, default=repr) != json.dumps(snap["payload"], default=repr):
            raise RuntimeError(f"{path} seed {seed}: event payload != returned metrics")
        rec = {k: plain(k, d[k]) for k in EPOCH_KEYS}
        for k in ("toxicity_rate_all", "spread", "average_quality",
                  "conditional_loss_initiator", "conditional_loss_counterparty",
                  "acceptance_rate", "n_frozen", "n_quarantined"):
            rec[k] = plain(k, snap[k])
        if d.get("security_report") is not None:
            rec.update({k: plain(k, d["security_report"][k]) for k in SECURITY_KEYS})
        if d.get("collusion_report") is not None:
            rec.update({k: plain(k, d["collusion_report"][k]) for k in COLLUSION_KEYS})
        records.append(rec)
    for row in interaction_rows:
        for k in ("p", "v_hat", "c_a", "c_b", "payoff_initiator", "payoff_counterparty"):
            row[k] = plain(k, row[k])
    return records, interaction_rows


def dumps_golden(scenario_id, per_seed):
    """The golden JSON: fixed key order, one epoch record per line."""
    head = {"scenario_id": scenario_id, "reference": REFERENCE,
            "python": platform.python_version(), "generated_by": GENERATED_BY}
    lines = ["{"]
    lines += [f" {json.dumps(k)}: {json.dumps(v)}," for k, v in head.items()]
    lines.append(' "seeds": {')
    seeds = sorted(per_seed)
    for si, seed in enumerate(seeds):
        lines.append(f'  "{seed}": [')
        recs = per_seed[seed]
        for ri, rec in enumerate(recs):
            comma = "," if ri < len(recs) - 1 else ""
            lines.append("   " + json.dumps(rec, allow_nan=False) + comma)
        lines.append("  ]" + ("," if si < len(seeds) - 1 else ""))
    lines.append(" }")
    lines.append("}")
    text = "\n".join(lines) + "\n"
    assert json.loads(text)["seeds"].keys() == {str(s) for s in seeds}
    return text


def write_if_changed(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    old = path.read_text() if path.exists() else None
    if old != text:
        path.write_text(text)
    return "unchanged" if old == text else ("updated" if old is not None else "new")


def console_numbers(records):
    """The lines with numbers that `swarm run` prints (per-epoch table and run
    summary; see docs/model/outputs.md §1), rebuilt from our records."""
    lines = [f"{r['epoch']:<6} {r['total_interactions']:<13} {r['accepted_interactions']:<10} "
             f"{r['toxicity_rate']:<10.4f} {r['total_welfare']:<10.2f} "
             f"{r['net_social_welfare']:<10.2f}" for r in records]
    n = len(records)
    lines += [
        f"Total interactions: {sum(r['total_interactions'] for r in records)}",
        f"Accepted:          {sum(r['accepted_interactions'] for r in records)}",
        f"Avg toxicity:      {sum(r['toxicity_rate'] for r in records) / n:.4f}",
        f"Avg surplus:       {sum(r['total_welfare'] for r in records) / n:.2f}",
        f"Avg net welfare:   {sum(r['net_social_welfare'] for r in records) / n:.2f}"
        "  (surplus - externalities)",
    ]
    return lines


def capture_console(path, out_dir):
    """Run the real CLI on a copy of the scenario in an empty temp dir; save stdout.

    The CLI keeps the scenario's event log only when the log's parent directory
    is writable. `logs/` does not exist in the empty temp dir, so nothing is
    logged, and the copy keeps the repo clean whatever happens. The CLI runs
    unmodified, so its feed ranking is not pinned (FeedClockPin). Every line
    with numbers that it prints must match the pinned harness at the same seed,
    and a run that does not match is repeated.
    """
    scenario = load_scenario(Path(path))
    seed = scenario.orchestrator_config.seed
    entry = Path(sys.executable).parent / "swarm"
    cli = [str(entry)] if entry.exists() else [sys.executable, "-m", "swarm"]
    records, _ = run_one(path, seed)
    expected = console_numbers(records)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        with tempfile.TemporaryDirectory(prefix="swarm-console-") as tmp:
            copy = Path(tmp) / Path(path).name
            shutil.copyfile(path, copy)
            proc = subprocess.run(cli + ["run", copy.name], cwd=tmp, capture_output=True,
                                  text=True, check=False)
            leftovers = sorted(p.name for p in Path(tmp).iterdir() if p != copy)
        if proc.returncode != 0:
            raise RuntimeError(f"swarm run {path} failed ({proc.returncode}):\n{proc.stderr}")
        if proc.stderr.strip():
            print(f"warning: swarm run {path} wrote to stderr:\n{proc.stderr}",
                  file=sys.stderr)
        if leftovers:
            raise RuntimeError(f"swarm run {path} created {leftovers} in its temp dir")
        printed = set(proc.stdout.splitlines())
        missing = [line for line in expected if line not in printed]
        if not missing:
            target = out_dir / "console" / f"{scenario.scenario_id}_seed{seed}.txt"
            return target, write_if_changed(target, proc.stdout)
        print(f"note: swarm run {path} attempt {attempt} disagrees with the harness "
              f"(e.g. {missing[0]!r} not printed); running it again", file=sys.stderr)
    raise RuntimeError(f"swarm run {path}: no run matching the harness in {MAX_ATTEMPTS}")


def main(argv=None):
    cli = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    cli.add_argument("scenarios", nargs="*", type=Path,
                     help="scenario YAML files (default: scenarios/*.yaml)")
    cli.add_argument("--seeds", type=parse_seeds, default=parse_seeds("1-20"),
                     help="seeds, e.g. 1-20 or 1,2,5 (default 1-20)")
    cli.add_argument("--out", type=Path, default=REPO_ROOT / "tests/data/parity",
                     help="output directory (default tests/data/parity/)")
    cli.add_argument("--interactions-seed", type=int, default=1,
                     help="seed whose interactions are written as JSONL (default 1)")
    cli.add_argument("--console", action="store_true",
                     help="also capture `swarm run` stdout for " + ", ".join(CONSOLE_SCENARIOS))
    args = cli.parse_args(argv)

    version = metadata.version("swarm-safety")
    if version != "1.9.0":
        sys.exit(f"error: swarm-safety {version} is installed; the goldens need 1.9.0")
    if sys.version_info[:2] != (3, 11):
        print(f"WARNING: running on Python {platform.python_version()}, not 3.11: "
              "Python 3.12+ sums floats differently, so the goldens will NOT match "
              "the 3.11 reference bit for bit.", file=sys.stderr)

    paths = args.scenarios or sorted((REPO_ROOT / "scenarios").glob("*.yaml"))
    if not paths:
        sys.exit("error: no scenario files")
    summary = []
    for path in sorted(paths, key=lambda p: p.name):
        scenario_id = load_scenario(path).scenario_id
        per_seed, n_interactions, n_epochs = {}, 0, set()
        for seed in args.seeds:
            records, rows = run_one(path, seed)
            per_seed[seed] = records
            n_epochs.add(len(records))
            n_interactions += sum(r["total_interactions"] for r in records)
            if seed == args.interactions_seed:
                text = "".join(json.dumps(r, allow_nan=False) + "\n" for r in rows)
                target = args.out / f"{scenario_id}_seed{seed}_interactions.jsonl"
                print(f"{target}: {write_if_changed(target, text)}", file=sys.stderr)
        target = args.out / f"{scenario_id}.json"
        print(f"{target}: {write_if_changed(target, dumps_golden(scenario_id, per_seed))}",
              file=sys.stderr)
        if args.console and scenario_id in CONSOLE_SCENARIOS:
            target, status = capture_console(path, args.out)
            print(f"{target}: {status}", file=sys.stderr)
        summary.append((scenario_id, len(args.seeds),
                        "/".join(str(n) for n in sorted(n_epochs)), n_interactions))

    width = max(len("scenario"), *(len(s[0]) for s in summary))
    print(f"{'scenario':<{width}}  {'seeds':>5}  {'epochs':>6}  {'interactions':>12}")
    for scenario_id, n_seeds, epochs, n_ix in summary:
        print(f"{scenario_id:<{width}}  {n_seeds:>5}  {epochs:>6}  {n_ix:>12}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
