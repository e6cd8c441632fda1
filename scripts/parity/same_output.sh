#!/usr/bin/env bash
# Byte-compare what two `swarm` binaries write for the same runs (metrics
# CSV and events JSONL of every seed): the check that a speed-up changed
# no draw and no float. Exit 1 at the first difference.
#
#   scripts/parity/same_output.sh BIN_A BIN_B SEEDS SCENARIO [PATH=VALUE ...]
#   scripts/parity/same_output.sh /tmp/main/swarm target/profiling/swarm 1-20 \
#       ../shared/reference-library/ldt_depth_sweep.yaml agents.ldt.config.cooperation_prior=0.2
set -euo pipefail
a=$1 b=$2 seeds=$3 scenario=$4
shift 4
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$a" run -q --seeds "$seeds" --out "$dir/a" "$scenario" "$@"
"$b" run -q --seeds "$seeds" --out "$dir/b" "$scenario" "$@"
n=$(find "$dir/a" -type f | wc -l)
if ! diff -r -q "$dir/a" "$dir/b" >/dev/null; then
  diff -r -q "$dir/a" "$dir/b" | head -5
  echo "DIFFER: $scenario $* (seeds $seeds)"
  exit 1
fi
echo "same: $scenario $* (seeds $seeds, $n files)"
