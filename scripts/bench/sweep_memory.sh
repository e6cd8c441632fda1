#!/usr/bin/env bash
# Peak memory of swarm-sweep as a sweep grows: a 1k-run and a 100k-run
# baseline-only sweep of scenarios/baseline.yaml (seeds only, no per-run
# files, so the tables are what grows). Rows stream to Parquet in fixed
# row groups, so peak RSS should be about the same for both.
#
#   scripts/bench/sweep_memory.sh [RUNS ...]      # default: 1000 100000
#
# Needs GNU time (/usr/bin/time; Debian package `time`). Prints one line per
# size: runs, wall seconds (last repetition), median peak RSS in MiB over
# REPS runs (default 3), and the table sizes.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

if [ ! -x /usr/bin/time ]; then
  echo "sweep_memory.sh: /usr/bin/time not found (apt-get install time)" >&2
  exit 2
fi
cargo build --release --quiet --bin swarm-sweep
bin="${CARGO_TARGET_DIR:-$root/target}/release/swarm-sweep"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 100000)

printf '%10s %10s %14s %16s %18s\n' runs wall_s peak_rss_mib runs.parquet epochs.parquet
for n in "${sizes[@]}"; do
  spec="$work/baseline_$n.yaml"
  cat > "$spec" <<YAML
name: memory_baseline_$n
base: $root/scenarios/baseline.yaml
seeds: {start: 0, count: $n}
outputs:
  metrics_csv: false
YAML
  out="$work/out_$n"
  # --no-analyze: this measures the sweep engine; the analysis step that
  # otherwise follows it reads the tables back into memory. Each size runs
  # $REPS times (default 3); the median peak is printed.
  : > "$work/rss_$n"
  for ((r = 0; r < ${REPS:-3}; r++)); do
    rm -rf "$out"
    /usr/bin/time -v -o "$work/time_$n.txt" "$bin" "$spec" --out "$out" -q --no-analyze
    awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$work/time_$n.txt" >> "$work/rss_$n"
  done
  rss_kib=$(sort -n "$work/rss_$n" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  wall=$(awk '/Elapsed \(wall clock\)/ {print $NF}' "$work/time_$n.txt")
  printf '%10s %10s %14.1f %16s %18s\n' "$n" "$wall" "$(awk -v k="$rss_kib" 'BEGIN {print k / 1024}')" \
    "$(du -h "$out/runs.parquet" | cut -f1)" "$(du -h "$out/epochs.parquet" | cut -f1)"
done
