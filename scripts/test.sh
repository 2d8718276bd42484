#!/usr/bin/env bash
# Runs every test under test/ (unit, integration and end to end) with mocha; .mocharc.json sets
# the spec, ts-node and the timeout. Extra arguments go to mocha, e.g. `npm test -- --grep toolchain`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
exec node node_modules/mocha/bin/mocha.js "$@"
