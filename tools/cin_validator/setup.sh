#!/usr/bin/env bash
# Create (once) a separate virtual environment holding the DfE CIN census validator.
#
# csc-validator-be-cin pins pandas 1.5 and needs numpy < 2, which cannot live beside Safehub's
# own dependencies, so it gets its own venv at $CIN_VENV (default /work/main/.venv-cin).
# Re-running is cheap: an environment that already imports the validator is left alone.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CIN_VENV="${CIN_VENV:-$ROOT/.venv-cin}"
PYTHON="${PYTHON:-python3.11}"
VERSION="${CIN_VALIDATOR_VERSION:-0.1.13}"

if [ -x "$CIN_VENV/bin/python" ] && "$CIN_VENV/bin/python" -c "import cin_validator, pytest" 2>/dev/null; then
  echo "cin validator ready in $CIN_VENV"
  exit 0
fi

"$PYTHON" -m venv "$CIN_VENV"
"$CIN_VENV/bin/python" -m pip install --quiet --upgrade pip
# numpy < 2: the validator's pandas 1.5 wheels are built against the numpy 1 ABI.
# pytest: the package's command line (python -m cin_validator) imports it without declaring it.
"$CIN_VENV/bin/python" -m pip install --quiet "csc-validator-be-cin==$VERSION" "numpy<2" pytest
"$CIN_VENV/bin/python" -c "import cin_validator, pytest"
echo "cin validator installed in $CIN_VENV"
