#!/usr/bin/env bash
# The demo, from a fresh clone: installs what it needs, builds the services, brings up
# both data centres and every service, and runs until Ctrl-C.
#
#   npm run demo                              local JVMs (needs only Java 17 and Maven)
#   npm run demo -- --driver containers       containers (Docker, or Podman: see scripts/setup-containers.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false

scripts/ensure-tools.sh
if [[ " $* " == *" containers "* || " $* " == *"--driver=containers"* ]] && [[ -z ${DOCKER_HOST:-} && ! -S /var/run/docker.sock ]]; then
  scripts/setup-containers.sh
fi
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "installing npm packages..."
  npm install --no-audit --no-fund --loglevel=error # not `npm ci`: see scripts/test.sh
fi
echo "building the services..."
npx nx run-many -t build --output-style=static >/dev/null
# node --import tsx, not the tsx CLI: the CLI kills its child when a Ctrl-C is not confirmed
# within a few milliseconds, and then the demo could not stop what it started.
exec node --conditions=@meridian/source --import tsx infra/src/demo.ts "$@"
