#!/usr/bin/env bash
# Byte-compare what two `swarm` binaries write for the same scenario files
# and seeds (`swarm run`: per-epoch metrics CSV and events JSONL), e.g. a
# branch's build against main's before and after a performance change:
#   scripts/parity/same_output.sh OLD_SWARM NEW_SWARM 1-20 FILE.yaml...
# Exit 1 and the differing files named if any output differs.
set -euo pipefail
[ $# -ge 4 ] || { sed -n 2,6p "$0"; exit 2; }
old=$1 new=$2 seeds=$3
shift 3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for f in "$@"; do
    "$old" run -q --seeds "$seeds" --out "$tmp/old" "$f"
    "$new" run -q --seeds "$seeds" --out "$tmp/new" "$f"
done
if ! diff -rq "$tmp/old" "$tmp/new"; then
    status=1
fi
n=$(find "$tmp/old" -type f | wc -l)
[ "$n" -gt 0 ] || { echo "no outputs written" >&2; exit 2; }
[ $status -eq 0 ] && echo "identical: $n files"
exit $status
