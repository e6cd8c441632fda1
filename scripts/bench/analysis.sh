#!/usr/bin/env bash
# The analysis step against the sweep it follows (issue 16; the numbers in
# docs/performance.md). Repetitions are interleaved so machine noise hits
# every measurement alike; medians are printed.
#
#   1. big: benches/data/analysis_1001.yaml (1,001 configurations × 20
#      seeds = 20,020 baseline runs): `swarm-sweep SPEC --no-analyze` vs
#      `swarm-sweep analyze DIR`, both at --jobs JOBS (target: analysis
#      ≤ 25% of the sweep);
#   2. main: sweeps/circuit_breaker.yaml as `make sweep` runs it (per-run
#      metrics.csv on) vs the same with --no-analyze (target: ≤ 1.5×);
#   3. files: the main job with --no-analyze, with and without
#      --no-metrics-csv: what writing runs/<key>/metrics.csv costs per run
#      (target: under 25% of the simulation's time per run), in wall time
#      and in CPU time (user + system, which the machine's load disturbs
#      less).
#
# Every main-job run writes a fresh output folder, and all are removed only
# at the end: on ext4 without a journal (this repository's disk), creating
# a file or folder right after thousands were deleted nearby costs up to
# ten times more (docs/performance.md "Per-run files"), so removing the last
# repetition's 840 inodes just before the next would time that instead.
# The outputs go under $TMPDIR (or /tmp): point it at a folder where nothing
# was deleted in the last minutes (its own removal at the end is such a
# deletion for the next run of this script).
#
#   scripts/bench/analysis.sh [REPS] [JOBS]        # default: 5 and nproc
#
# SWARM_SWEEP_BIN=path times that binary instead of building this tree's;
# BASELINE_BIN=path also times another binary (an older build) in the
# same interleaved loop, for ratios measured side by side.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
reps=${1:-5}
jobs=${2:-$(nproc)}

if [ -n "${SWARM_SWEEP_BIN:-}" ]; then
  bin=$SWARM_SWEEP_BIN
else
  cargo build --release --quiet --bin swarm-sweep
  bin="${CARGO_TARGET_DIR:-$root/target}/release/swarm-sweep"
fi
bins=("new=$bin")
[ -z "${BASELINE_BIN:-}" ] || bins+=("old=$BASELINE_BIN")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed -e "s#^base: \.\./\.\./#base: $root/#" benches/data/analysis_1001.yaml > "$work/big.yaml"
sed -e "s#^base: \.\./#base: $root/#" sweeps/circuit_breaker.yaml > "$work/main.yaml"

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# time NAME COMMAND...: append the wall seconds to $work/NAME and the CPU
# seconds (user + system, all threads) to $work/NAME.cpu
timed() {
  local name=$1; shift
  local t real user sys
  t=$( { TIMEFORMAT='%3R %3U %3S'; time "$@" > /dev/null 2> "$work/stderr"; } 2>&1 ) \
    || { echo "failed: $*" >&2; cat "$work/stderr" >&2; exit 1; }
  read -r real user sys <<< "$t"
  echo "$real" >> "$work/$name"
  echo "$user + $sys" | bc -l >> "$work/$name.cpu"
}

# An older build's `analyze` may have no --jobs (it ran on one thread).
analyze_jobs() { "$1" analyze --help | grep -q -- '--jobs' && echo "-j $jobs" || true; }

for ((r = 0; r < reps; r++)); do
  for nb in "${bins[@]}"; do
    n=${nb%%=*}; b=${nb#*=}
    rm -rf "$work/big-$n"
    timed "$n.big_sweep" "$b" "$work/big.yaml" -j "$jobs" -q --no-analyze --out "$work/big-$n"
    # shellcheck disable=SC2046
    timed "$n.big_analyze" "$b" analyze "$work/big-$n" -q $(analyze_jobs "$b")
    timed "$n.main_full" "$b" "$work/main.yaml" -j "$jobs" -q --out "$work/main-$n-$r-full"
    timed "$n.main_noanalyze" "$b" "$work/main.yaml" -j "$jobs" -q --no-analyze --out "$work/main-$n-$r-noanalyze"
    timed "$n.main_nofiles" "$b" "$work/main.yaml" -j "$jobs" -q --no-analyze --no-metrics-csv --out "$work/main-$n-$r-nofiles"
  done
done

big_runs=$("$bin" "$work/big.yaml" --dry-run -q | tail -n +2 | wc -l)
main_runs=$("$bin" "$work/main.yaml" --dry-run -q | tail -n +2 | wc -l)
echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); --jobs $jobs; $reps interleaved repetitions; medians (s)"
for nb in "${bins[@]}"; do
  n=${nb%%=*}
  m() { median < "$work/$n.$1"; }
  bs=$(m big_sweep); ba=$(m big_analyze)
  mf=$(m main_full); mn=$(m main_noanalyze); mx=$(m main_nofiles)
  echo "[$n] big ($big_runs runs): sweep $bs, analyze $ba, ratio $(echo "$ba / $bs" | bc -l | cut -c1-5)"
  echo "[$n] main ($main_runs runs): whole $mf, --no-analyze $mn, ratio $(echo "$mf / $mn" | bc -l | cut -c1-5)"
  echo "[$n] per-run files: --no-analyze $mn vs --no-metrics-csv $mx: $(echo "($mn - $mx) * 1000 * $jobs / $main_runs" | bc -l | cut -c1-6) ms per run, simulation $(echo "$mx * 1000 * $jobs / $main_runs" | bc -l | cut -c1-6) ms per run (thread-seconds)"
  cn=$(m main_noanalyze.cpu); cx=$(m main_nofiles.cpu)
  echo "[$n] per-run files, CPU: --no-analyze $cn vs --no-metrics-csv $cx: $(echo "($cn - $cx) * 1000 / $main_runs" | bc -l | cut -c1-6) ms per run, simulation $(echo "$cx * 1000 / $main_runs" | bc -l | cut -c1-6) ms per run, ratio $(echo "($cn - $cx) / $cx" | bc -l | cut -c1-5)"
done
