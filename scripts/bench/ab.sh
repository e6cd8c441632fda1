#!/usr/bin/env bash
# A/B per-run time of two `swarm` binaries: `swarm bench` on each scenario,
# pinned to one CPU, the binaries alternating within every round (and
# swapping which goes first each round) so machine noise hits both alike.
# Prints each binary's median seconds per run and the median of the
# per-round ratios B/A (below 1: B is faster).
#
#   scripts/bench/ab.sh BIN_A BIN_B [ROUNDS] [RUNS] [SCENARIO ...]
#   scripts/bench/ab.sh /tmp/base/swarm target/release/swarm 15 400 scenarios/baseline.yaml
#
# Scenarios default to scenarios/baseline.yaml and
# scenarios/alignment_waltz_targeted_feedback.yaml.
set -euo pipefail
a=$1 b=$2
rounds=${3:-11}
runs=${4:-400}
shift $(( $# > 4 ? 4 : $# ))
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(scenarios/baseline.yaml scenarios/alignment_waltz_targeted_feedback.yaml)

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
time_one() {
  taskset -c 0 "$1" bench "$2" --runs "$runs" --warmup 50 | sed -n 's/.* median_s=\([0-9.e-]*\).*/\1/p'
}

printf '%-52s %12s %12s %9s\n' scenario a_median_s b_median_s ratio_b/a
for sc in "${scenarios[@]}"; do
  ta=() tb=() ratios=()
  for ((r = 0; r < rounds; r++)); do
    if (( r % 2 == 0 )); then x=$(time_one "$a" "$sc"); y=$(time_one "$b" "$sc")
    else y=$(time_one "$b" "$sc"); x=$(time_one "$a" "$sc"); fi
    ta+=("$x") tb+=("$y") ratios+=("$(echo "$y / $x" | bc -l)")
  done
  printf '%-52s %12.3e %12.3e %9.3f\n' "$sc" \
    "$(printf '%s\n' "${ta[@]}" | median)" "$(printf '%s\n' "${tb[@]}" | median)" \
    "$(printf '%s\n' "${ratios[@]}" | median)"
done
