#!/usr/bin/env bash
# Entrypoint of localhost/meridian-cassandra. Same contract as the official
# `cassandra:5.0` image's entrypoint (docker-library/cassandra), re-implemented:
#  - no arguments, or a first argument starting with "-": run `cassandra -f <args>`;
#  - started as root with `cassandra`: give /etc/cassandra, /var/lib/cassandra and
#    /var/log/cassandra (files copied or mounted in included) to user cassandra
#    (uid 999) and re-run this script as that user (gosu);
#  - then edit $CASSANDRA_CONF/cassandra.yaml and cassandra-rackdc.properties in place
#    (rewriting the file's content, never replacing the file, so bind-mounted or
#    copied-in files work) from:
#      CASSANDRA_LISTEN_ADDRESS     default "auto" = the container's first non-loopback IPv4
#      CASSANDRA_BROADCAST_ADDRESS  default = the listen address ("auto" = container IP)
#      CASSANDRA_RPC_ADDRESS        default 0.0.0.0
#      CASSANDRA_BROADCAST_RPC_ADDRESS default = the broadcast address
#      CASSANDRA_SEEDS              default = the broadcast address ("cassandra" when
#                                   CASSANDRA_NAME is set); always written
#      CASSANDRA_CLUSTER_NAME, CASSANDRA_ENDPOINT_SNITCH, CASSANDRA_NUM_TOKENS,
#      CASSANDRA_START_RPC          written only when set, onto the line "key:" or
#                                   "# key:" if the file has one
#      CASSANDRA_DC, CASSANDRA_RACK  onto "dc=" / "rack=" of cassandra-rackdc.properties
#  - any other command runs as given (e.g. `nodetool status`, `bash`).
# JVM_OPTS, JVM_EXTRA_OPTS, MAX_HEAP_SIZE, HEAP_NEWSIZE and LOCAL_JMX are read by
# /opt/cassandra/bin/cassandra.
set -e

if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ]; then
  set -- cassandra -f "$@"
fi

if [ "$1" = cassandra ] && [ "$(id -u)" = 0 ]; then
  find "$CASSANDRA_CONF" /var/lib/cassandra /var/log/cassandra \! -user cassandra -exec chown cassandra '{}' +
  exec gosu cassandra "${BASH_SOURCE[0]}" "$@"
fi

# The container's first IPv4 address that is neither loopback nor link-local
# (what `hostname -i` gives on a bridge network; used when `ip` finds none).
container_ip() {
  local found
  found=$(ip -4 -o address show 2>/dev/null | awk '
    $2 == "lo" { next }
    {
      split($4, a, "/")
      if (a[1] ~ /^127\./ || a[1] ~ /^169\.254\./) next
      print a[1]
      exit
    }')
  if [ -z "$found" ]; then
    found=$(hostname -i | awk '{ print $1 }')
  fi
  echo "$found"
}

# Rewrites a file through sed without replacing it (mv breaks bind-mounted files).
edit_in_place() {
  local file=$1 tmp
  shift
  tmp=$(mktemp)
  sed "$@" "$file" >"$tmp"
  cat "$tmp" >"$file"
  rm -f "$tmp"
}

if [ "$1" = cassandra ]; then
  : "${CASSANDRA_RPC_ADDRESS=0.0.0.0}"

  : "${CASSANDRA_LISTEN_ADDRESS=auto}"
  if [ "$CASSANDRA_LISTEN_ADDRESS" = auto ]; then
    CASSANDRA_LISTEN_ADDRESS=$(container_ip)
  fi

  : "${CASSANDRA_BROADCAST_ADDRESS=$CASSANDRA_LISTEN_ADDRESS}"
  if [ "$CASSANDRA_BROADCAST_ADDRESS" = auto ]; then
    CASSANDRA_BROADCAST_ADDRESS=$(container_ip)
  fi
  : "${CASSANDRA_BROADCAST_RPC_ADDRESS:=$CASSANDRA_BROADCAST_ADDRESS}"

  if [ -n "${CASSANDRA_NAME:+1}" ]; then
    : "${CASSANDRA_SEEDS:=cassandra}"
  fi
  : "${CASSANDRA_SEEDS:=$CASSANDRA_BROADCAST_ADDRESS}"

  yaml="$CASSANDRA_CONF/cassandra.yaml"
  edit_in_place "$yaml" -r 's/(- seeds:).*/\1 "'"$CASSANDRA_SEEDS"'"/'

  for key in broadcast_address broadcast_rpc_address cluster_name endpoint_snitch \
    listen_address num_tokens rpc_address start_rpc; do
    var="CASSANDRA_${key^^}"
    val="${!var:-}"
    if [ -n "$val" ]; then
      edit_in_place "$yaml" -r 's/^(# )?('"$key"':).*/\2 '"$val"'/'
    fi
  done

  for key in dc rack; do
    var="CASSANDRA_${key^^}"
    val="${!var:-}"
    if [ -n "$val" ]; then
      edit_in_place "$CASSANDRA_CONF/cassandra-rackdc.properties" -r 's/^('"$key"'=).*/\1 '"$val"'/'
    fi
  done
fi

exec "$@"
