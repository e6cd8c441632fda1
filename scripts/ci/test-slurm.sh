#!/usr/bin/env bash
# The real-cluster test (`make test-slurm`, run by .ci/run after `make test`):
# start a one-node Slurm cluster (scripts/ci/slurm-local.sh), run a small sweep
# as a 4-task job array of deploy/slurm/sweep.sbatch with `sbatch --wait`, merge
# it with deploy/slurm/merge.sbatch (a job that depends on the array), and
# check the tables are byte-identical to a one-process run. Then drop one
# shard's part and resubmit just that array task, as `status` advises.
#
#   scripts/ci/test-slurm.sh [SWARM_SWEEP_BINARY]   # default: target/debug/swarm-sweep
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
bin=$(realpath "${1:-target/debug/swarm-sweep}")
[ -x "$bin" ] || { echo "test-slurm: $bin not found (cargo build --bin swarm-sweep)" >&2; exit 2; }
spec=$root/tests/data/sweeps/small_grid.yaml
started=$(date +%s)

# shellcheck source=scripts/ci/slurm-local.sh
source scripts/ci/slurm-local.sh
work=$(mktemp -d /tmp/swarm-sweep-slurm-test.XXXXXX)
chmod 0755 "$work"
cleanup() {
    slurm_down
    rm -rf "$work"
}
trap cleanup EXIT
slurm_up

out=$work/results
export SWARM_SWEEP=$bin SPEC=$spec OUT=$out SHARDS=4 SWEEP_ARGS="--deterministic-timing"
fail() {
    echo "test-slurm: FAILED: $*" >&2
    for f in "$work"/*.out; do
        [ -e "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }
    done
    exit 1
}

echo "test-slurm: sbatch --wait --array=0-3 deploy/slurm/sweep.sbatch"
array=$(sbatch --parsable --wait --array=0-3 --cpus-per-task=1 --chdir="$work" \
    --output="$work/shard-%a.out" --export=ALL deploy/slurm/sweep.sbatch) ||
    fail "the array job failed"
array=${array%%;*}
for k in 1 2 3 4; do
    [ -s "$out/part-$k-of-4.json" ] || fail "shard $k/4 wrote no part manifest"
done

echo "test-slurm: sbatch --wait --dependency=afterany:$array deploy/slurm/merge.sbatch"
sbatch --wait --dependency="afterany:$array" --chdir="$work" --output="$work/merge.out" \
    --export=ALL deploy/slurm/merge.sbatch >/dev/null || fail "the merge job failed"
cat "$work/merge.out"
[ -s "$out/report.md" ] || fail "the merge job did not run the analysis step"

"$bin" "$spec" -q --deterministic-timing --no-analyze --out "$work/single"
for t in runs epochs; do
    cmp "$out/$t.parquet" "$work/single/$t.parquet" ||
        fail "$t.parquet differs from a one-process run"
done
echo "test-slurm: merged tables are byte-identical to a one-process run"

# A lost shard: status names it, one array task reruns it, merge again.
rm "$out/part-3-of-4.json" "$out/runs.part-3-of-4.parquet" "$out/epochs.part-3-of-4.parquet" \
    "$out/journal.part-3-of-4.jsonl" "$out/runs.parquet" "$out/epochs.parquet"
status=$("$bin" status "$out")
echo "$status"
grep -q "resubmit shards: 3 of 4" <<<"$status" || fail "status does not name shard 3"
grep -q -- "--array=2" <<<"$status" || fail "status does not give the array id"
sbatch --wait --array=2 --cpus-per-task=1 --chdir="$work" --output="$work/rerun-%a.out" \
    --export=ALL deploy/slurm/sweep.sbatch >/dev/null || fail "the resubmitted task failed"
"$bin" merge -q --no-analyze "$out" || fail "merge after the resubmission"
for t in runs epochs; do
    cmp "$out/$t.parquet" "$work/single/$t.parquet" || fail "$t.parquet differs after the rerun"
done
echo "test-slurm: PASSED in $(($(date +%s) - started)) s"
