#!/usr/bin/env bash
# Runs every test under test/ with mocha (.mocharc.json sets ts-node and the timeout). Extra
# arguments go to mocha, e.g. `npm test -- --grep toolchain`.
#
# The unit tests run in a mocha process of their own: loading nock patches Node's HTTP stack for
# the whole process, and the gRPC calls of the toolchain tests then never complete.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh

status=0
node node_modules/mocha/bin/mocha.js "test/unit/**/*.test.ts" "$@" || status=$?
node node_modules/mocha/bin/mocha.js "test/integration/**/*.test.ts" "test/e2e/**/*.test.ts" "$@" ||
    status=$?
exit "$status"
