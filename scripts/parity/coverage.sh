#!/usr/bin/env bash
# How much of SWARM's scenario library the engine reproduces: every file of
# ../shared/reference-library through the reference (offline) and through
# `swarm run`, seed by seed; writes docs/coverage.md and stores the
# reference's metrics of every exact file in tests/data/library/ (the
# library parity test). Arguments go to coverage.py.
#
#   scripts/parity/coverage.sh            # seeds 1-5
#   scripts/parity/coverage.sh 1-20 --only dynamic_toxicity
#
# Environment: SWARM_REF_VENV, SWARM_REF_PYTHON (see ref_python.sh).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PY="$("$REPO_ROOT/scripts/parity/ref_python.sh")"
cd "$REPO_ROOT"
cargo build --release --quiet --bin swarm
exec "$PY" "$REPO_ROOT/scripts/parity/coverage.py" --goldens "$REPO_ROOT/tests/data/library" "$@"
