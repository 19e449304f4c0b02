#!/usr/bin/env bash
# Create (once) a separate virtual environment holding the DfE SSDA903 validator.
#
# csc-validator-be-903 (the DfE's 903 rules as the data-to-insight validator implements them)
# pins pandas < 2 and numpy < 1.25, which cannot live beside Safehub's own dependencies, so it
# gets its own venv at $SSDA903_VENV (default tools/ssda903_validator/.venv).
# Re-running is cheap: an environment that already imports the validator is left alone.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SSDA903_VENV="${SSDA903_VENV:-$HERE/.venv}"
PYTHON="${PYTHON:-python3.11}"
VERSION="${SSDA903_VALIDATOR_VERSION:-0.1.17}"

if [ -x "$SSDA903_VENV/bin/python" ] && "$SSDA903_VENV/bin/python" -c "import lac_validator" 2>/dev/null; then
  echo "ssda903 validator ready in $SSDA903_VENV"
  exit 0
fi

"$PYTHON" -m venv "$SSDA903_VENV"
"$SSDA903_VENV/bin/python" -m pip install --quiet --upgrade pip
"$SSDA903_VENV/bin/python" -m pip install --quiet "csc-validator-be-903==$VERSION"
"$SSDA903_VENV/bin/python" -c "import lac_validator"
echo "ssda903 validator installed in $SSDA903_VENV"
