#!/usr/bin/env bash
# The test command (`npm test`): installs what the tests need on a fresh machine, then runs
# typecheck, lint and every test suite. Docker-backed suites need a running engine and the
# registry suites a local registry, which engine-bootstrap.sh provides (as root on Debian);
# the report screenshot test needs Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*" >&2; }

step "npm dependencies"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund; fi  # the committed lockfile, as users install

step "Docker engine, base image and local registry"
bash scripts/engine-bootstrap.sh

step "Chromium (report screenshot test)"
bash scripts/install-chromium.sh

step "Podman (the kind provider's podman image-archive path)"
if ! command -v podman >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends podman >/dev/null
  else
    echo "podman is not installed: its test will be skipped (install podman to run it)" >&2
  fi
fi

step "build, typecheck, lint"
npm run -s build
npm run -s typecheck
npm run -s lint

step "tests"
npx vitest run "$@"

step "tests that need the engine to themselves (they prune the builder cache)"
if [ "$#" -eq 0 ]; then npx vitest run --config vitest.exclusive.config.ts; fi
