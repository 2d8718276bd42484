#!/usr/bin/env bash
# Placeholder for the demo (`npm start`): it prepares the toolchain but deploys nothing yet.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
echo "demo not wired yet"
