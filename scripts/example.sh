#!/usr/bin/env bash
# The main job on the bundled example (`npm run example`): installs what it needs on a fresh
# machine, builds Paddock, and runs `paddock test` on examples/hybrid-stack: eight images
# built as a graph, PostgreSQL, Redis, a migrations job, four services, the example's tests, coverage.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund; fi  # the committed lockfile, as users install
bash scripts/engine-bootstrap.sh
npm run -s build
cd examples/hybrid-stack
exec node ../../bin/paddock.js test "$@"
