#!/usr/bin/env bash
# Set up (or reuse) a venv holding the Python reference, swarm-safety==1.9.0,
# on CPython 3.11, and print its python's path. Used by generate_goldens.sh
# and coverage.sh.
#
# Environment:
#   SWARM_REF_VENV    venv to use or create (default: <repo>/.venv-ref, git-ignored)
#   SWARM_REF_PYTHON  interpreter that creates a new venv (default: python3.11)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${SWARM_REF_VENV:-$REPO_ROOT/.venv-ref}"
BASE_PYTHON="${SWARM_REF_PYTHON:-python3.11}"
REF_VERSION="1.9.0"

if [[ ! -x "$VENV/bin/python" ]]; then
    if ! command -v "$BASE_PYTHON" >/dev/null 2>&1; then
        echo "error: $BASE_PYTHON not found; set SWARM_REF_PYTHON to a CPython 3.11 interpreter" >&2
        exit 1
    fi
    echo "creating venv $VENV with $BASE_PYTHON" >&2
    "$BASE_PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"

# The goldens are only bit-exact for CPython 3.11: from 3.12 on, sum() of
# floats uses compensated summation and changes the last bits of many metrics.
PY_VERSION="$("$PY" -c 'import platform; print(platform.python_version())')"
if [[ "$PY_VERSION" != 3.11.* ]]; then
    {
        echo "################################################################"
        echo "WARNING: $PY is Python $PY_VERSION, not 3.11."
        echo "Python 3.12+ changed float sum() rounding (Neumaier summation);"
        echo "goldens generated with it will NOT match the 3.11 reference."
        echo "Recreate the venv with SWARM_REF_PYTHON=python3.11."
        echo "################################################################"
    } >&2
fi

INSTALLED="$("$PY" -c 'from importlib import metadata
try:
    print(metadata.version("swarm-safety"))
except metadata.PackageNotFoundError:
    print("none")')"
if [[ "$INSTALLED" != "$REF_VERSION" ]]; then
    echo "installing swarm-safety==$REF_VERSION into $VENV (found: $INSTALLED)" >&2
    "$PY" -m pip install --quiet "swarm-safety==$REF_VERSION" >&2
fi

echo "$PY"
