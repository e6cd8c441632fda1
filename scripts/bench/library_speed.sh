#!/usr/bin/env bash
# Per-run time of the reference (swarm-safety 1.9.0, in process) against
# `swarm bench` on library scenarios, taking turns; prints a Markdown table
# and the smallest ratio (issue: every covered file ≥ 1000×).
#
#   scripts/bench/library_speed.sh                 # every file with a golden
#   scripts/bench/library_speed.sh ../shared/reference-library/tierra.yaml
#
# Environment: SWARM_REF_VENV / SWARM_REF_PYTHON (see ../parity/ref_python.sh),
# PY_RUNS (3), RS_RUNS (200), ROUNDS (3).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
PY="$(scripts/parity/ref_python.sh)"
cargo build --release --quiet --bin swarm
library="$root/../shared/reference-library"
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  for g in tests/data/library/*.json; do
    rel="$(basename "$g" .json)"
    files+=("$library/${rel//__//}.yaml")
  done
fi
exec taskset -c 0 "$PY" scripts/bench/library_speed.py --swarm "$root/target/release/swarm" \
  --py-runs "${PY_RUNS:-3}" --rs-runs "${RS_RUNS:-200}" --rounds "${ROUNDS:-3}" "${files[@]}"
