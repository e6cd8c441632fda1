#!/usr/bin/env bash
# Byte-compare what two `swarm` binaries write for the same scenario files
# and seeds (`swarm run`: per-epoch metrics CSV and events JSONL of every
# seed): the check that a speed-up changed no draw and no float. Overrides
# (PATH=VALUE) apply to every file. Exit 1, naming the differing files, if
# any output differs.
#
#   scripts/parity/same_output.sh OLD_SWARM NEW_SWARM SEEDS FILE.yaml... [PATH=VALUE ...]
#   scripts/parity/same_output.sh /tmp/main/swarm target/profiling/swarm 1-20 \
#       ../shared/reference-library/ldt_depth_sweep.yaml agents.ldt.config.cooperation_prior=0.2
set -euo pipefail
[ $# -ge 4 ] || { sed -n 2,10p "$0"; exit 2; }
old=$1 new=$2 seeds=$3
shift 3
files=() overrides=()
for arg in "$@"; do
  case "$arg" in
    *.yaml | *.yml) files+=("$arg") ;;
    *=*) overrides+=("$arg") ;;
    *) files+=("$arg") ;;
  esac
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in "${files[@]}"; do
  "$old" run -q --seeds "$seeds" --out "$tmp/old" "$f" "${overrides[@]}"
  "$new" run -q --seeds "$seeds" --out "$tmp/new" "$f" "${overrides[@]}"
done
n=$(find "$tmp/old" -type f | wc -l)
[ "$n" -gt 0 ] || { echo "no outputs written" >&2; exit 2; }
if ! diff -rq "$tmp/old" "$tmp/new"; then
  echo "DIFFER: ${files[*]} ${overrides[*]} (seeds $seeds)"
  exit 1
fi
echo "identical: $n files (seeds $seeds${overrides:+, ${overrides[*]}})"
