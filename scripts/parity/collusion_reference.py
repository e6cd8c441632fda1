#!/usr/bin/env python3
"""Per-epoch metrics and final agent state of the Python reference as JSON lines.

    collusion_reference.py SCENARIO.yaml SEED[,SEED...] > ref.jsonl

Run with the interpreter of a venv holding swarm-safety 1.9.0 (CPython 3.11).
One line per epoch (the EpochMetrics.to_dict() figures, the frozen and
quarantined counts when the metrics are taken, the security and collusion
report figures when present), then one `final_agents` line per seed
(reputation, resources, total payoff per agent). Pair it with
`cargo run --release --example collusion_parity` and compare_epochs.py.

The reference ranks feed posts with a wall-clock age term; under CPU load the
per-post datetime.now() calls can reorder equal-vote posts and change votes.
Here each post's age is its creation rank instead (newest first on ties, the
order the reference shows on an idle machine), so runs are repeatable.
"""
import itertools
import json
import sys
from pathlib import Path

import swarm.env.feed as feed
from swarm.models.events import EventType
from swarm.scenarios.loader import build_orchestrator, load_scenario

EPOCH_KEYS = ("total_interactions", "accepted_interactions", "total_posts", "total_votes",
              "toxicity_rate", "quality_gap", "avg_payoff", "total_welfare",
              "net_social_welfare")


def pin_post_ages():
    """Post.age_seconds := microseconds of creation rank behind the newest post."""
    counter = itertools.count()
    latest = [0]
    original_init = feed.Post.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self._rank = latest[0] = next(counter)

    feed.Post.__init__ = init
    feed.Post.age_seconds = property(lambda self: (latest[0] - self._rank) * 1e-6)


def run(path, seed):
    scenario = load_scenario(Path(path))
    config = scenario.orchestrator_config
    config.seed = seed
    config.log_path, config.log_events, scenario.event_log_path = None, False, None
    orch = build_orchestrator(scenario)
    counts = []

    def on_event(event):
        # Network decay logs a second EPOCH_COMPLETED carrying only the pruned count.
        if event.event_type == EventType.EPOCH_COMPLETED and \
                "network_edges_pruned" not in event.payload:
            engine = orch.governance_engine
            counts.append((len(orch.state.frozen_agents),
                           len(engine.get_quarantined_agents()) if engine else 0))

    orch.subscribe_events(on_event)
    records = []
    for metrics, (frozen, quarantined) in zip(orch.run(), counts):
        d = metrics.to_dict()
        rec = {"seed": seed, "epoch": d["epoch"]}
        rec.update((k, d[k]) for k in EPOCH_KEYS)
        rec["n_frozen"], rec["n_quarantined"] = frozen, quarantined
        for report in ("security_report", "collusion_report"):
            for k, v in (d.get(report) or {}).items():
                rec[k] = float(v) if isinstance(v, float) else int(v)
        records.append(rec)
    agents = {a: [s.reputation, s.resources, s.total_payoff]
              for a, s in orch.state.agents.items()}
    records.append({"seed": seed, "final_agents": agents})
    return records


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__.split("\n\n")[1])
    pin_post_ages()
    for seed in map(int, argv[1].split(",")):
        for rec in run(argv[0], seed):
            print(json.dumps(rec))


if __name__ == "__main__":
    main(sys.argv[1:])
