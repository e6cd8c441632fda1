#!/usr/bin/env python3
"""Compare two per-epoch JSON-lines files (reference first, ours second).

    compare_epochs.py ref.jsonl ours.jsonl [--show N]

Every field the reference reports must be present in ours with the same
value (floats exactly); prints the count of values compared, the
differences, and the largest absolute and relative float difference.
Exit status 1 when anything differs.
"""
import argparse
import json
import sys


def key(rec):
    return rec["seed"], rec.get("epoch", "final")


def main(argv=None):
    cli = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    cli.add_argument("reference")
    cli.add_argument("ours")
    cli.add_argument("--show", type=int, default=15, help="differences to print")
    args = cli.parse_args(argv)
    with open(args.ours) as f:
        ours = {key(r): r for r in map(json.loads, f)}
    compared, diffs, max_abs, max_rel = 0, [], 0.0, 0.0

    def same(where, want, got):
        nonlocal compared, max_abs, max_rel
        compared += 1
        if want == got and type(want) is type(got) or \
                isinstance(want, float) and isinstance(got, float) and want == got:
            return
        if isinstance(want, (int, float)) and isinstance(got, (int, float)):
            d = abs(want - got)
            max_abs = max(max_abs, d)
            max_rel = max(max_rel, d / abs(want)) if want else max_rel
        diffs.append(f"{where}: reference {want!r}, ours {got!r}")

    with open(args.reference) as f:
        for ref in map(json.loads, f):
            k = key(ref)
            mine = ours.get(k)
            if mine is None:
                diffs.append(f"{k}: missing in ours")
                continue
            if "final_agents" in ref:
                for agent, values in ref["final_agents"].items():
                    got = mine["final_agents"].get(agent, [None] * 3)
                    for name, want, g in zip(("reputation", "resources", "payoff"), values, got):
                        same(f"{k} {agent} {name}", want, g)
                continue
            for field, want in ref.items():
                if field != "seed":
                    same(f"{k} {field}", want, mine.get(field))
            for field in ("ecosystem_threat_level", "active_threat_count", "contagion_depth",
                          "ecosystem_collusion_risk", "n_flagged_pairs"):
                if field in mine and field not in ref:
                    diffs.append(f"{k} {field}: ours has a report, the reference none")
    print(f"compared {compared} values: {len(diffs)} differences; "
          f"max abs {max_abs:.3g}, max rel {max_rel:.3g}")
    for d in diffs[:args.show]:
        print("  " + d)
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
