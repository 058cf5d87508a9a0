#!/usr/bin/env bash
# Set up the development environment (if needed) and run every check:
# lint, format, types, and the test suite. Usage: bash scripts/check.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
# Reinstall when pyproject.toml changed since the last install.
stamp=.venv/.lagebild-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e '.[dev]'
    touch "$stamp"
fi

echo "== ruff check"
.venv/bin/ruff check lagebild tests
echo "== ruff format --check"
.venv/bin/ruff format --check lagebild tests
echo "== mypy --strict"
.venv/bin/mypy --strict lagebild
echo "== pytest"
.venv/bin/pytest "$@"
