#!/bin/bash
# Submit a sweep as a Slurm job array of N shards plus a merge job that runs
# after the array (docs/scale-out.md, deploy/slurm/README.md):
#
#   deploy/slurm/submit.sh SPEC OUT N [swarm-sweep options ...]
#   deploy/slurm/submit.sh sweeps/circuit_breaker.yaml results/circuit_breaker 8
#
# Extra sbatch options go in SBATCH_ARGS, e.g. SBATCH_ARGS="--partition=long".
set -euo pipefail
if [ $# -lt 3 ]; then
    sed -n '2,9p' "$0" >&2
    exit 2
fi
spec=$1 out=$2 n=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
export SPEC=$spec OUT=$out SHARDS=$n SWEEP_ARGS="$*"
# shellcheck disable=SC2086  # SBATCH_ARGS is a word list on purpose
array=$(sbatch --parsable ${SBATCH_ARGS:-} --array="0-$((n - 1))" --export=ALL "$here/sweep.sbatch")
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SBATCH_ARGS:-} --dependency="afterany:${array%%;*}" --export=ALL "$here/merge.sbatch")
echo "submitted: array job ${array%%;*} ($n shards), merge job ${merge%%;*}"
echo "progress:  swarm-sweep status $out"
