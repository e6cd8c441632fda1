#!/usr/bin/env bash
# Thread scaling of a whole swarm-sweep process: the circuit_breaker sweep
# with more seeds (default 100 seeds = 2,100 alignment-waltz runs, tables
# written, no per-run files), timed at each thread count with the process
# pinned to that many CPUs (taskset), repetitions interleaved so machine
# noise hits every count alike. Prints median wall seconds, runs/s, and the
# speed-up over one thread.
#
#   scripts/bench/scaling.sh [REPS] [SEEDS] [THREADS ...]   # default: 7 100 1 2
#
# On a 16-core machine: scripts/bench/scaling.sh 5 400 1 2 4 8 16
# SWARM_SWEEP_BIN=path times that binary instead of building this tree's.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
reps=${1:-7}
seeds=${2:-100}
shift $(( $# > 2 ? 2 : $# ))
threads=("$@")
[ ${#threads[@]} -gt 0 ] || threads=(1 2)

if [ -n "${SWARM_SWEEP_BIN:-}" ]; then
  bin=$SWARM_SWEEP_BIN
else
  cargo build --release --quiet --bin swarm-sweep
  bin="${CARGO_TARGET_DIR:-$root/target}/release/swarm-sweep"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed -e "s/count: 20}/count: $seeds}/" -e "s#^base: \.\./#base: $root/#" \
  sweeps/circuit_breaker.yaml > "$work/spec.yaml"
runs=$("$bin" "$work/spec.yaml" --dry-run -q | tail -n +2 | wc -l)
ncpu=$(nproc)

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

for ((r = 0; r < reps; r++)); do
  for t in "${threads[@]}"; do
    [ "$t" -le "$ncpu" ] || { echo "scaling.sh: $t threads but $ncpu CPUs" >&2; exit 2; }
    rm -rf "$work/out"
    s=$(date +%s.%N)
    taskset -c "0-$((t - 1))" "$bin" "$work/spec.yaml" --jobs "$t" --out "$work/out" \
      --no-analyze --no-metrics-csv -q
    e=$(date +%s.%N)
    echo "$e - $s" | bc -l >> "$work/t$t"
  done
done

printf '%8s %10s %10s %10s\n' threads median_s runs_per_s speedup
base=""
for t in "${threads[@]}"; do
  m=$(median < "$work/t$t")
  [ -n "$base" ] || base=$m
  printf '%8s %10.3f %10.0f %9.2fx\n' "$t" "$m" "$(echo "$runs / $m" | bc -l)" "$(echo "$base / $m" | bc -l)"
done
