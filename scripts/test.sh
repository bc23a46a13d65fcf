#!/usr/bin/env bash
# Set up with the test tools (Chromium) and run the test suite; pytest's exit code is ours.
#   bash scripts/test.sh [pytest options], e.g. bash scripts/test.sh -q -m "not browser"
#   bash scripts/test.sh -q -m "not slow and not browser"   # the quick run (no site builds)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh --test
exec .venv/bin/python -m pytest "$@"
