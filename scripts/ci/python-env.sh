#!/usr/bin/env bash
# The Python environment of `make test-python`: a virtual environment in
# target/py (PY_VENV to move it) with the pinned packages of
# scripts/ci/requirements.txt. Quiet, and a no-op when it is up to date.
# Prints the environment's python on stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=${PY_VENV:-target/py}
python=${PYTHON:-python3}
req=scripts/ci/requirements.txt
stamp=$venv/.requirements.txt

if [ -x "$venv/bin/python" ] && cmp -s "$req" "$stamp" 2>/dev/null; then
  echo "$venv/bin/python"
  exit 0
fi
"$python" -c 'import sys; assert sys.version_info >= (3, 11), "Python >= 3.11 needed, found " + sys.version' >&2
echo "python-env: installing $(grep -c '==' "$req") pinned packages into $venv (a few minutes the first time)" >&2
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" >&2
# A kernel inside the venv, so the notebook runs with these packages.
"$venv/bin/python" -m ipykernel install --prefix "$venv" --name python3 >/dev/null 2>&1
cp "$req" "$stamp"
echo "$venv/bin/python"
