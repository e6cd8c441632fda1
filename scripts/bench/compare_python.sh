#!/usr/bin/env bash
# Side-by-side timing of swarm-sweep and the Python reference (swarm-safety
# 1.9.0) on the same work, on this machine, in one invocation:
#   1. whole runs in process, single thread: median seconds per run of
#      baseline, alignment_waltz_targeted_feedback, macpo_weak_to_strong
#      (ours: `swarm bench`, with its per-thread cache of seeded streams and
#      without (--no-seed-cache); theirs: build_orchestrator(...).run()),
#      in ROUNDS (default 5) interleaved rounds;
#   2. the 100-run alignment-waltz sweep (freeze_threshold_toxicity 5 ×
#      audit_probability 4 × 5 seeds): the reference's SweepRunner vs a whole
#      `swarm-sweep` process writing its Parquet (median of 9);
#   3. sweep throughput at 1 and 2 threads (scaling.sh: a sweep long enough
#      to time, pinned to that many CPUs).
# Prints the ratios. The reference goes into a venv (default .venv-bench,
# override with SWARM_BENCH_VENV); it needs PyPI the first time.
#
#   scripts/bench/compare_python.sh [PY_RUNS] [RUST_RUNS]
#
# Given scenario files instead, it times whole runs of each of them the
# same way (any scenario: the core ones, library files, your own), with the
# same seeds on both sides and the ratio per round (library_speed.sh; its
# environment variables PY_RUNS, RS_RUNS, ROUNDS apply, and the reference
# comes from scripts/parity/ref_python.sh's venv, default .venv-ref). A
# file the engine refuses stops it, with the engine's message, before any
# timing:
#
#   scripts/bench/compare_python.sh scenarios/baseline.yaml ../shared/reference-library/tierra.yaml
set -euo pipefail
if [ $# -gt 0 ] && { [ -f "$1" ] || [[ "$1" == *.yaml || "$1" == *.yml ]]; }; then
  files=()
  for f in "$@"; do
    [ -f "$f" ] || { echo "compare_python.sh: $f: no such scenario file" >&2; exit 2; }
    files+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")")
  done
  exec "$(dirname "$0")/library_speed.sh" "${files[@]}"
fi
cd "$(dirname "$0")/../.."
root=$(pwd)
py_runs=${1:-20}
rs_runs=${2:-500}
venv=${SWARM_BENCH_VENV:-$root/.venv-bench}

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "swarm-safety[analysis]==1.9.0"
fi
cargo build --release --quiet --bin swarm --bin swarm-sweep
bin="${CARGO_TARGET_DIR:-$root/target}/release"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "== per run, in process, one thread (median seconds per run)"
# The VM's speed drifts over seconds, so the engines take turns: ROUNDS
# rounds, each timing PY_RUNS/ROUNDS Python runs then RUST_RUNS Rust runs
# (with and without the seed cache) of each scenario; the figures are the
# medians over rounds.
rounds=${ROUNDS:-5}
py_per_round=$(( (py_runs + rounds - 1) / rounds ))
declare -A py_t rs_t rn_t
for r in $(seq "$rounds"); do
  for sc in baseline alignment_waltz_targeted_feedback macpo_weak_to_strong; do
    py_t[$sc]+="$(cd "$work" && "$venv/bin/python" "$root/scripts/bench/python_reference.py" \
          --scenario "$root/scenarios/$sc.yaml" --runs "$py_per_round" | sed -n 's/.*median_s=//p') "
    rs_t[$sc]+="$(taskset -c 0 "$bin/swarm" bench "scenarios/$sc.yaml" --runs "$rs_runs" \
          | sed -n 's/.* median_s=\([0-9.e-]*\).*/\1/p') "
    rn_t[$sc]+="$(taskset -c 0 "$bin/swarm" bench "scenarios/$sc.yaml" --runs "$rs_runs" --no-seed-cache \
          | sed -n 's/.* median_s=\([0-9.e-]*\).*/\1/p') "
  done
done
printf '%-36s %10s %10s %7s %14s %7s\n' scenario python_s rust_s ratio rust_nocache_s ratio
for sc in baseline alignment_waltz_targeted_feedback macpo_weak_to_strong; do
  py=$(echo ${py_t[$sc]} | tr ' ' '\n' | median)
  rs=$(echo ${rs_t[$sc]} | tr ' ' '\n' | median)
  rn=$(echo ${rn_t[$sc]} | tr ' ' '\n' | median)
  printf '%-36s %10.6f %10.6f %6.0fx %14.6f %6.0fx\n' "$sc" "$py" "$rs" "$(echo "$py / $rs" | bc -l)" \
    "$rn" "$(echo "$py / $rn" | bc -l)"
done

echo "== the 100-run alignment-waltz sweep (wall seconds)"
py=$(cd "$work" && "$venv/bin/python" "$root/scripts/bench/python_reference.py" \
      --sweep-base "$root/scenarios/alignment_waltz_targeted_feedback.yaml" --sweep-seeds 5 \
      | sed -n 's/.*wall_s=//p')
# date +%s.%N: a ~20 ms process is below GNU time's 10 ms resolution.
rs=$(for i in 1 2 3 4 5 6 7 8 9; do
       rm -rf "$work/w100"
       s=$(date +%s.%N)
       "$bin/swarm-sweep" benches/data/waltz_100.yaml --out "$work/w100" --no-analyze -q
       e=$(date +%s.%N)
       echo "$e - $s" | bc -l; done | median)
printf 'python SweepRunner %.3f s, swarm-sweep (105 runs incl. baseline arm, Parquet written) %.3f s: %.0fx\n' \
  "$py" "$rs" "$(echo "$py / $rs" | bc -l)"

echo "== scaling: 2,100 alignment-waltz runs pinned to 1 and 2 CPUs (scripts/bench/scaling.sh)"
scripts/bench/scaling.sh 7 100 1 2
