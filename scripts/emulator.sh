#!/usr/bin/env bash
# Starts the Key Vault emulator (emulator/cli.ts) with ts-node; arguments such as --port and
# --data-file go to the emulator. Setup runs in minimal mode: Node.js and node_modules only.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SETUP_MINIMAL=1 source scripts/setup.sh
exec node node_modules/ts-node/dist/bin.js --transpile-only emulator/cli.ts "$@"
