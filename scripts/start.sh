#!/usr/bin/env bash
# Set up (first run only does real work) and build the site and the PDFs.
#   bash scripts/start.sh [build options]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
exec .venv/bin/gongshi build "$@"
