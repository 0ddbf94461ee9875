#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs, then runs lint,
# typecheck, build, unit tests and the end-to-end smoke on each topology driver.
#
#   npm test                                   everything
#   MERIDIAN_TEST_DRIVERS=local npm test       e2e on the local driver only
#   MERIDIAN_TEST_DRIVERS= npm test            no e2e (static checks and unit tests)
set -euo pipefail
cd "$(dirname "$0")/.."

drivers=${MERIDIAN_TEST_DRIVERS-local containers}
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
step() { printf '\n== %s (%ds)\n' "$*" "$SECONDS"; }

# Whatever happens, leave nothing running: the e2e fixtures stop their topologies, and
# this takes down any a crashed suite left in its temporary workdir, then stops the
# Podman API service if this run started it.
cleanup() {
  local tmp state
  tmp=$(node -p 'require("os").tmpdir()')
  for state in "$tmp"/meridian-local-*/topology.json "$tmp"/meridian-containers-*/topology.json; do
    [[ -f $state ]] || continue
    echo "cleanup: taking down the topology left in $(dirname "$state")"
    npx tsx --conditions=@meridian/source infra/src/cli.ts down --workdir "$(dirname "$state")" || true
  done
  if [[ $drivers == *containers* ]]; then scripts/setup-containers.sh --stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

step "tools"
scripts/ensure-tools.sh
if [[ $drivers == *containers* ]]; then scripts/setup-containers.sh; fi

step "npm install"
# `npm install`, not `npm ci`: npm records only this platform's optional native packages
# (@swc/core-*) in the lock file and `npm ci` then rejects its own lock (npm/cli#4828).
# The lock still pins every version; install follows it.
npm install --no-audit --no-fund --loglevel=error

step "lint"
scripts/lint.sh
step "typecheck"
npx tsc -b
step "build"
npx nx run-many -t build --output-style=static
step "unit tests"
npx nx run-many -t test --output-style=static

for driver in $drivers; do
  step "e2e smoke: $driver driver"
  npx jest -c e2e/jest.config.js --runInBand "(smoke|shop|faults)-$driver"
done
step "done"
