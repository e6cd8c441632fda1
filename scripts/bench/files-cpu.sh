#!/usr/bin/env bash
# What per-run metrics.csv files cost in CPU time (issue 16; the numbers in
# docs/performance.md "Per-run files"): the main job (sweeps/circuit_breaker.yaml,
# --no-analyze, -j 2) with and without --no-metrics-csv, each binary in turn,
# repetitions interleaved; medians of user + system seconds, per run.
#
#   scripts/bench/files-cpu.sh REPS DIR BIN...
#
# Every run writes a fresh folder under DIR (created; it must not exist) and
# DIR is removed only at the end: on ext4 without a journal, creating files
# right after thousands were deleted nearby costs several times more, so
# put DIR where nothing was deleted in the last minutes (not /tmp on a
# machine where tests run), and wait a few minutes before running it again
# next to where it ran (its own removal of DIR is such a deletion).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -ge 3 ] || { echo "usage: $0 REPS DIR BIN..." >&2; exit 2; }
reps=$1; dir=$2; shift 2
mkdir "$dir"
trap 'rm -rf "$dir"' EXIT
sed -e "s#^base: \.\./#base: $(pwd)/#" sweeps/circuit_breaker.yaml > "$dir/main.yaml"
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for ((r = 0; r < reps; r++)); do
  n=0
  for b in "$@"; do
    n=$((n + 1))
    for v in files nofiles; do
      extra=(); [ "$v" = nofiles ] && extra=(--no-metrics-csv)
      t=$( { TIMEFORMAT='%3U %3S'; time "$b" "$dir/main.yaml" -j 2 -q --no-analyze "${extra[@]}" \
        --out "$dir/out-$r-$n-$v" > /dev/null; } 2>&1 )
      read -r user sys <<< "$t"
      echo "$user + $sys" | bc -l >> "$dir/cpu-$n-$v"
    done
  done
done
runs=$("$1" "$dir/main.yaml" --dry-run -q | tail -n +2 | wc -l)
echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); $reps interleaved repetitions; $runs runs"
n=0
for b in "$@"; do
  n=$((n + 1))
  f=$(median < "$dir/cpu-$n-files"); x=$(median < "$dir/cpu-$n-nofiles")
  echo "$b: CPU s with files $f, without $x; per run: files $(echo "($f - $x) * 1000 / $runs" | bc -l | cut -c1-6) ms, the rest $(echo "$x * 1000 / $runs" | bc -l | cut -c1-6) ms, ratio $(echo "($f - $x) / $x" | bc -l | cut -c1-5)"
done
