#!/usr/bin/env bash
# Checks the Docker compose deployment (infra/compose/compose.yaml) on a machine with
# Podman and no container registry: Debian's docker-compose 1.29 against Podman's
# Docker-compatible API, with every image built locally.
#
#   scripts/compose-check.sh [--keep]
#
#  1. builds what is missing: the local Cassandra and Kafka images (infra/images, the
#     containers driver's), the local Node base image (infra/images/node), and then the
#     Meridian image through the compose file itself;
#  2. `docker-compose up -d`, and waits until every service is healthy;
#  3. writes rows to a CDC table through dc1 and waits for their change event on a
#     destination topic in dc2's Kafka (infra/src/compose/compose-check.ts);
#  4. waits for the one-shot setup service and checks that it succeeded, then runs the
#     demo's order flow through it (12 orders placed in dc1, decided in dc2);
#  5. `docker-compose down -v` (unless --keep), and checks that no container, network or
#     volume of the project is left.
# Prints how long each step took. Exit code 0 when every step passed.
#
# Environment: DOCKER_HOST (default: Podman's API of scripts/setup-containers.sh, started if
# needed), MERIDIAN_PUBLISH_ADDRESS (default 127.0.0.1; another loopback address keeps the
# published ports clear of anything on 127.0.0.1), COMPOSE_PROJECT_NAME (default
# meridian-check), CASSANDRA_IMAGE, KAFKA_IMAGE, NODE_IMAGE (default: the local images).
#
# Podman 4.3 runs health checks from systemd timers; where systemd is not running, this
# script runs them itself (`podman healthcheck run`) every 5 s while it waits.
set -euo pipefail
cd "$(dirname "$0")/.."

keep=no
case "${1:-}" in
  --keep) keep=yes ;;
  "") ;;
  -h | --help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "usage: scripts/compose-check.sh [--keep]" >&2; exit 2 ;;
esac

export COMPOSE_PROJECT_NAME=${COMPOSE_PROJECT_NAME:-meridian-check}
export MERIDIAN_PUBLISH_ADDRESS=${MERIDIAN_PUBLISH_ADDRESS:-127.0.0.1}
compose_file=infra/compose/compose.yaml
began=$SECONDS
step_began=$SECONDS
step() { printf '\n== %s (at %d s)\n' "$*" $((SECONDS - began)); step_began=$SECONDS; }
took() { printf 'compose-check: %s in %d s\n' "$*" $((SECONDS - step_began)); }
fail() { printf 'compose-check: FAILED: %s\n' "$*" >&2; exit 1; }

if [[ -z ${DOCKER_HOST:-} ]]; then
  if [[ -S /var/run/docker.sock ]]; then
    export DOCKER_HOST=unix:///var/run/docker.sock
  else
    scripts/setup-containers.sh >/dev/null
    export DOCKER_HOST=unix:///run/podman/podman.sock
  fi
fi
command -v docker-compose >/dev/null || fail "docker-compose is not installed (apt-get install docker-compose)"
compose() { docker-compose -f "$compose_file" "$@"; }

step "images"
versions=$(node --conditions=@meridian/source --import tsx -e \
  "const v = require('./infra/src/versions.ts'); console.log(v.CASSANDRA_VERSION, v.KAFKA_VERSION)")
read -r cassandra_version kafka_version <<<"$versions"
if [[ -z ${CASSANDRA_IMAGE:-} || -z ${KAFKA_IMAGE:-} ]]; then
  # The containers driver's local images, built from Debian packages and Maven Central.
  node --conditions=@meridian/source --import tsx -e \
    "require('./infra/src/containers/images.ts').ensureLocalImages((line) => console.log(line)).catch((e) => { console.error(e.message); process.exit(1); })"
fi
export CASSANDRA_IMAGE=${CASSANDRA_IMAGE:-localhost/meridian-cassandra:$cassandra_version}
export KAFKA_IMAGE=${KAFKA_IMAGE:-localhost/meridian-kafka:$kafka_version}
if [[ -z ${NODE_IMAGE:-} ]]; then
  export NODE_IMAGE=localhost/meridian-node:20
  node_version=$(node --version)
  recipe=$(cat infra/images/node/Containerfile <(echo "$node_version") | sha256sum | cut -c1-16)
  if [[ $(podman image inspect --format '{{index .Labels "dev.meridian.recipe"}}' "$NODE_IMAGE" 2>/dev/null || true) != "$recipe" ]]; then
    [[ $node_version == v20.* ]] || fail "this machine's Node.js is $node_version; the local Node base image takes this machine's Node 20"
    context=$(mktemp -d)
    trap 'rm -rf "$context"' EXIT
    node_bin=$(command -v node)
    cp "$(readlink -f "$node_bin")" "$context/node"
    cp -a "$(dirname "$(readlink -f "$(command -v npm)")")/.." "$context/npm"
    cp /etc/ssl/certs/ca-certificates.crt "$context/"
    cp infra/images/node/Containerfile "$context/"
    podman build --pull=never --layers=false --label "dev.meridian.recipe=$recipe" -t "$NODE_IMAGE" "$context" >/dev/null
    rm -rf "$context"
    trap - EXIT
    echo "compose-check: built $NODE_IMAGE with Node $node_version"
  fi
fi
echo "compose-check: CASSANDRA_IMAGE=$CASSANDRA_IMAGE KAFKA_IMAGE=$KAFKA_IMAGE NODE_IMAGE=$NODE_IMAGE"
took "images ready"

step "docker-compose build (the Meridian image)"
compose build meridian-image
took "built"

# Health checks, run here when the engine is Podman without systemd (see above).
ticker_pid=
engine=$(docker version 2>/dev/null || true)
if [[ $engine == *'Podman Engine'* && $(cat /proc/1/comm 2>/dev/null) != systemd ]]; then
  (
    while true; do
      # Every running container of the project at once, as an engine would; one without a
      # health check just says so.
      for id in $(podman ps --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME" --format '{{.ID}}' 2>/dev/null); do
        podman healthcheck run "$id" >/dev/null 2>&1 &
      done
      wait
      sleep 5
    done
  ) &
  ticker_pid=$!
  echo "compose-check: running health checks every 5 s (pid $ticker_pid): Podman without systemd does not"
fi
stop_ticker() { if [[ -n $ticker_pid ]]; then kill "$ticker_pid" 2>/dev/null || true; wait "$ticker_pid" 2>/dev/null || true; ticker_pid=; fi; }
take_down() {
  stop_ticker
  if [[ $keep == no ]]; then
    step "docker-compose down -v"
    compose down -v --remove-orphans
    took "down"
    local left
    left=$(podman ps -a --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME" --format '{{.Names}}'
      podman network ls --format '{{.Name}}' | grep "^${COMPOSE_PROJECT_NAME}_" || true
      podman volume ls --format '{{.Name}}' | grep "^${COMPOSE_PROJECT_NAME}_" || true)
    [[ -z $left ]] || { echo "compose-check: left behind: $left" >&2; return 1; }
    echo "compose-check: no container, network or volume of $COMPOSE_PROJECT_NAME is left"
  fi
}
trap 'take_down' EXIT

step "docker-compose up -d"
up_began=$SECONDS
compose up -d
took "up -d returned"

step "waiting for every service to be healthy"
services=$(compose config --services)
# "<service> <status> <exit code> <health>" of every container of the project, in one call.
states() {
  local ids
  ids=$(docker ps -aq --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME")
  [[ -z $ids ]] && return 0
  # shellcheck disable=SC2086 # one argument per id
  docker inspect --format '{{index .Config.Labels "com.docker.compose.service"}} {{.State.Status}} {{.State.ExitCode}} {{if .State.Health}}{{.State.Health.Status}}{{else}}-{{end}}' $ids
}
# "<status> <exit code> <health>" of one service's container ("not-created - -" before it exists).
state_of() {
  local found
  found=$(states | awk -v s="$1" '$1 == s { print $2, $3, $4; exit }')
  echo "${found:-not-created - -}"
}
deadline=$((SECONDS + 600))
while true; do
  waiting=()
  current=$(states)
  for service in $services; do
    [[ $service == setup ]] && continue
    found=$(awk -v s="$service" '$1 == s { print $2, $3, $4; exit }' <<<"$current")
    read -r status code health <<<"${found:-not-created - -}"
    if [[ $service == meridian-image ]]; then
      [[ $status != exited || $code == 0 ]] || fail "$service exited with code $code"
      [[ $status == exited ]] || waiting+=("$service:$status")
      continue
    fi
    [[ $status == running || $status == not-created || $status == created ]] || { compose logs --no-color --tail=30 "$service" >&2; fail "$service is $status (exit code $code)"; }
    [[ $health == healthy ]] || waiting+=("$service:$status/$health")
  done
  ((${#waiting[@]} == 0)) && break
  ((SECONDS < deadline)) || { compose ps >&2; fail "still waiting after 600 s for: ${waiting[*]}"; }
  sleep 2
done
compose ps
echo "compose-check: cold up: every service healthy $((SECONDS - up_began)) s after up -d began"
took "healthy"

step "a row written in dc1 arrives as a change event in dc2"
node --conditions=@meridian/source --import tsx infra/src/compose/compose-check.ts --address "$MERIDIAN_PUBLISH_ADDRESS"
took "cross-DC check"

step "the setup service: the demo's destinations and channels"
deadline=$((SECONDS + 300))
until read -r status code _ <<<"$(state_of setup)" && [[ $status == exited ]]; do
  ((SECONDS < deadline)) || fail "setup has not finished after 300 s"
  sleep 5
done
compose logs --no-color setup | sed 's/^/  /'
[[ $code == 0 ]] || fail "setup exited with code $code (its channels wait for the shop tables, which order-service and inventory-service create)"
took "setup done"

step "the demo's order flow: setup --orders 12"
compose run --rm -T setup --orders 12 --rate 4 | sed 's/^/  /'
took "order flow"

take_down
trap - EXIT
printf '\ncompose-check: passed in %d s\n' $((SECONDS - began))
