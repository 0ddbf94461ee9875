#!/usr/bin/env bash
# Lint with the module-boundary rules, then prove those rules fire: a file that imports
# the Kafka client outside libs/kafka, and one where a lib imports an app, must fail.
set -euo pipefail
cd "$(dirname "$0")/.."
# @nx/enforce-module-boundaries reads Nx's cached project graph; make sure it exists
# (without it the rule skips itself with a warning, which --max-warnings=0 also rejects).
npx nx show projects >/dev/null
npx eslint --max-warnings=0 .

trap 'rm -f apps/publisher/src/boundary-probe.ts libs/config/src/boundary-probe.ts' EXIT
expect_violation() { # file, source, expected message
  printf '%s\n' "$2" >"$1"
  if out=$(npx eslint "$1" 2>&1); then
    echo "lint: the boundary rules let this through in $1: $2" >&2
    exit 1
  fi
  rm -f "$1"
  grep -qF "$3" <<<"$out" || { printf 'lint: expected "%s" for %s, got:\n%s\n' "$3" "$2" "$out" >&2; exit 1; }
}
expect_violation apps/publisher/src/boundary-probe.ts "import { Kafka } from 'kafkajs'; export const k = Kafka;" 'is not allowed to import "kafkajs"'
expect_violation apps/publisher/src/boundary-probe.ts "import { Client } from 'cassandra-driver'; export const c = Client;" 'is not allowed to import "cassandra-driver"'
expect_violation libs/config/src/boundary-probe.ts "import { KafkaConnection } from '@meridian/kafka'; export const k = KafkaConnection;" 'cannot depend on any libs'
echo "lint: clean, and the boundary rules fire"
