#!/usr/bin/env python3
"""Diff our event log's interactions against the reference's, in order.

Usage:
  diff_interactions.py OURS_events.jsonl REFERENCE.jsonl

OURS is what `swarm run` writes (<out>/<scenario_id>_events.jsonl).
REFERENCE is either a golden interaction file
(tests/data/parity/<scenario_id>_seed1_interactions.jsonl) or the
`--events` output of ../shared/tools/trace_reference.py for the same
scenario and seed. Prints the first interaction where any field differs
(floats compared exactly) with its neighbours, or "identical" with the count.
Exit status 1 on a difference.
"""
import json
import sys

FIELDS = ["epoch", "step", "initiator", "counterparty", "type", "accepted", "p", "v_hat",
          "c_a", "c_b", "payoff_initiator", "payoff_counterparty"]
ALIASES = {"interaction_type": "type"}


def ours(path):
    out = []
    with open(path) as f:
        for line in f:
            e = json.loads(line)
            if e["event_type"] != "interaction_completed":
                continue
            p = e["payload"]
            out.append({
                "epoch": e["epoch"], "step": e["step"],
                "initiator": e["initiator_id"], "counterparty": e["counterparty_id"],
                "type": p["interaction_type"], "accepted": p["accepted"],
                "p": p["p"], "v_hat": p["v_hat"], "c_a": p["c_a"], "c_b": p["c_b"],
                "payoff_initiator": p["payoff_initiator"],
                "payoff_counterparty": p["payoff_counterparty"],
            })
    return out


def reference(path):
    out = []
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            out.append({ALIASES.get(k, k): v for k, v in r.items()})
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    a, b = ours(sys.argv[1]), reference(sys.argv[2])
    for i, (x, y) in enumerate(zip(a, b)):
        diff = [k for k in FIELDS if k in y and x.get(k) != y[k]]
        if diff:
            print(f"first difference at interaction {i} (epoch {y.get('epoch')}, step {y.get('step')}): "
                  + ", ".join(f"{k}: ours {x.get(k)!r} vs reference {y[k]!r}" for k in diff))
            for j in range(max(0, i - 2), min(len(b), i + 2)):
                print(f"  ref[{j}] {json.dumps(b[j])}")
                if j < len(a):
                    print(f"  our[{j}] {json.dumps(a[j])}")
            sys.exit(1)
    if len(a) != len(b):
        print(f"same first {min(len(a), len(b))} interactions, but ours has {len(a)} and the reference {len(b)}")
        sys.exit(1)
    print(f"identical: {len(a)} interactions")


if __name__ == "__main__":
    main()
