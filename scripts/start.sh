#!/usr/bin/env bash
# The demo (`npm start`): prepares the toolchain, then deploys the dev stack to the local Key Vault
# emulator with `pulumi up --yes` (scripts/demo.ts starts and stops the emulator).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
exec node -r ts-node/register/transpile-only scripts/demo.ts "$@"
