#!/usr/bin/env bash
# Set up (or reuse) a venv holding the Python reference, swarm-safety==1.9.0,
# and run generate_goldens.py with it. All arguments go to generate_goldens.py.
#
#   scripts/parity/generate_goldens.sh                 # all scenarios, seeds 1-20
#   scripts/parity/generate_goldens.sh --console       # + `swarm run` console captures
#   SWARM_REF_VENV=~/.venvs/swarm-ref scripts/parity/generate_goldens.sh --seeds 1,2
#
# Environment: SWARM_REF_VENV, SWARM_REF_PYTHON (see ref_python.sh).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PY="$("$REPO_ROOT/scripts/parity/ref_python.sh")"
cd "$REPO_ROOT"
exec "$PY" "$REPO_ROOT/scripts/parity/generate_goldens.py" "$@"
