#!/bin/sh
# One command from a fresh clone: install the npm dependencies and the test tools, then
# synthesize the example fleet (apps/fleet.yaml) into dist/.
set -eu
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
sh scripts/test-tools.sh
npx cdk8s synth --no-check-upgrade
