#!/usr/bin/env bash
# Prepares this machine to run Meridian's containers without a Docker engine:
# Debian's podman with runc, limits the machine accepts, and podman's
# Docker-compatible API on unix:///run/podman/podman.sock for Testcontainers.
#
#   scripts/setup-containers.sh          install (if missing), configure, start the API
#   scripts/setup-containers.sh --stop   stop the API service this script started
#   scripts/setup-containers.sh --status say whether the API answers
#
# Idempotent: a second run changes nothing and only checks that the API answers.
# Needs root (re-runs itself through sudo when it is available).
set -euo pipefail

SOCKET_PATH=/run/podman/podman.sock
SOCKET_URL="unix://${SOCKET_PATH}"
STATE_DIR=/run/meridian-podman
PID_FILE="${STATE_DIR}/service.pid"
SERVICE_LOG=/var/log/meridian-podman-service.log
CONF=/etc/containers/containers.conf
CONF_MARKER='# Written by Meridian scripts/setup-containers.sh'
PACKAGES=(podman runc mmdebstrap netavark aardvark-dns iptables uidmap curl)

say() { printf 'setup-containers: %s\n' "$*"; }
die() { printf 'setup-containers: ERROR: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
}

need_root() {
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
      say "not root: re-running through sudo"
      exec sudo --preserve-env=CI "$0" "$@"
    fi
    die "must run as root (and sudo is not available)"
  fi
}

api_answers() {
  [[ -S $SOCKET_PATH ]] || return 1
  local reply
  reply=$(curl -sS --max-time 2 --unix-socket "$SOCKET_PATH" http://d/_ping 2>/dev/null) || return 1
  [[ $reply == OK ]]
}

# PID of the process listening on the socket, whoever started it (empty if none).
socket_owner_pid() {
  local pid=""
  if [[ -f $PID_FILE ]]; then
    pid=$(<"$PID_FILE")
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && grep -qa 'system' "/proc/$pid/cmdline" 2>/dev/null; then
      echo "$pid"; return 0
    fi
  fi
  if command -v ss >/dev/null 2>&1; then
    pid=$(ss -xlpn 2>/dev/null | awk -v s="$SOCKET_PATH" '$5 == s' | grep -o 'pid=[0-9]*' | head -n1 | cut -d= -f2 || true)
  fi
  echo "$pid"
}

stop_service() {
  local pid
  pid=$(socket_owner_pid)
  if [[ -z $pid ]]; then
    say "podman API service: not running"
    rm -f "$PID_FILE"
    return 0
  fi
  say "stopping podman API service (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "pid $pid did not stop on TERM; sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
  say "podman API service stopped"
}

install_packages() {
  local missing=() pkg
  for pkg in "${PACKAGES[@]}"; do
    if [[ $(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true) != "install ok installed" ]]; then
      missing+=("$pkg")
    fi
  done
  if ((${#missing[@]} == 0)); then
    say "packages present: ${PACKAGES[*]}"
    return 0
  fi
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
  say "installed: ${missing[*]}"
}

# Hard limit ("Max processes" / "Max open files") of a process, "unlimited" as a big number.
hard_limit_of() {
  local pid=$1 name=$2 v
  v=$(awk -v n="$name" 'index($0, n) == 1 { sub(n, ""); print $2 }' "/proc/$pid/limits")
  [[ $v == unlimited ]] && v=4294967295
  echo "${v:-0}"
}

min() { if (($1 < $2)); then echo "$1"; else echo "$2"; fi; }

# Limits given to every container. Podman's defaults (nofile 1048576, nproc 4194304) are
# refused on machines without CAP_SYS_RESOURCE: the container's limits must not exceed
# those of the podman process that starts it, which podman itself may lower below the
# shell's (nproc 32768 was seen while the shell allowed 96365). So: at most this
# process's hard limits, nproc at most 32768, and after the API service is up, at most
# the service's own limits (probe_service_limits).
NOFILE=0
NPROC=0
choose_limits() {
  NOFILE=$(min "$(hard_limit_of $$ 'Max open files')" 1048576)
  NPROC=$(min "$(hard_limit_of $$ 'Max processes')" 32768)
}

write_conf() {
  local want
  want=$(cat <<EOF
${CONF_MARKER}; rewritten whenever it differs.
# Limits probed from the podman processes on this machine; see shared/notes/containers-here.md.
[containers]
default_ulimits = ["nofile=${NOFILE}:${NOFILE}", "nproc=${NPROC}:${NPROC}"]

[engine]
# crun refuses cgroup v1 "hybrid" layouts; runc works on both.
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
)
  mkdir -p "$(dirname "$CONF")"
  if [[ -f $CONF ]] && [[ $(<"$CONF") == "$want" ]]; then
    say "$CONF up to date (nofile=$NOFILE nproc=$NPROC runtime=runc)"
    return 0
  fi
  if [[ -f $CONF ]] && ! grep -qF "$CONF_MARKER" "$CONF"; then
    cp -p "$CONF" "$CONF.before-meridian"
    say "kept the previous $CONF as $CONF.before-meridian"
  fi
  printf '%s\n' "$want" >"$CONF"
  say "wrote $CONF (nofile=$NOFILE nproc=$NPROC runtime=runc)"
  CONF_CHANGED=1
}

# The service's own limits bound what its containers may get: lower the conf to them.
probe_service_limits() {
  local pid nofile nproc
  pid=$(socket_owner_pid)
  [[ -n $pid && -r /proc/$pid/limits ]] || return 0
  nofile=$(min "$NOFILE" "$(hard_limit_of "$pid" 'Max open files')")
  nproc=$(min "$NPROC" "$(hard_limit_of "$pid" 'Max processes')")
  if ((nofile != NOFILE || nproc != NPROC)); then
    say "podman service allows only nofile=$nofile nproc=$nproc: lowering the defaults"
    NOFILE=$nofile NPROC=$nproc
    write_conf
    return 1
  fi
  say "podman service limits allow nofile=$NOFILE nproc=$NPROC"
}

# Seconds since the epoch at which a process started.
proc_start_epoch() {
  local pid=$1 ticks boot hz
  ticks=$(awk '{print $22}' "/proc/$pid/stat")
  boot=$(awk '/^btime/ {print $2}' /proc/stat)
  hz=$(getconf CLK_TCK)
  echo $((boot + ticks / hz))
}

start_service() {
  local pid
  pid=$(socket_owner_pid)
  if [[ -n $pid ]]; then
    # The service reads containers.conf once: restart it if it predates the file.
    if ((CONF_CHANGED)) || (($(proc_start_epoch "$pid") < $(stat -c %Y "$CONF"))); then
      say "podman API service (pid $pid) predates $CONF: restarting it"
      stop_service
    elif api_answers; then
      say "podman API answers on $SOCKET_URL (pid $pid)"
      return 0
    fi
  fi
  if api_answers; then
    say "podman API answers on $SOCKET_URL"
    return 0
  fi
  mkdir -p "$(dirname "$SOCKET_PATH")" "$STATE_DIR"
  rm -f "$SOCKET_PATH"
  say "starting: podman system service --time=0 $SOCKET_URL (log: $SERVICE_LOG)"
  setsid nohup podman system service --time=0 "$SOCKET_URL" </dev/null >>"$SERVICE_LOG" 2>&1 &
  pid=$!
  echo "$pid" >"$PID_FILE"
  for _ in $(seq 1 150); do
    if api_answers; then
      say "podman API answers OK on $SOCKET_URL (pid $pid)"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$SERVICE_LOG" >&2 || true
      die "podman system service exited; see $SERVICE_LOG"
    fi
    sleep 0.2
  done
  tail -n 20 "$SERVICE_LOG" >&2 || true
  die "podman API did not answer on $SOCKET_URL within 30 s"
}

check_runtime() {
  local rt
  rt=$(podman info --format '{{.Host.OCIRuntime.Name}}' 2>/dev/null || true)
  [[ $rt == runc ]] || die "podman's OCI runtime is '${rt:-unknown}', expected runc (check $CONF)"
  say "podman $(podman version --format '{{.Client.Version}}' 2>/dev/null) uses runc, cgroup $(podman info --format '{{.Host.CgroupsVersion}}' 2>/dev/null)"
}

main() {
  case "${1:-}" in
    -h | --help) usage; exit 0 ;;
    --stop) need_root "$@"; stop_service; exit 0 ;;
    --status)
      if api_answers; then say "podman API answers OK on $SOCKET_URL"; exit 0; fi
      say "podman API does not answer on $SOCKET_URL"; exit 1 ;;
    "") ;;
    *) usage >&2; exit 2 ;;
  esac
  need_root "$@"
  CONF_CHANGED=0
  install_packages
  choose_limits
  write_conf
  check_runtime
  start_service
  if ! probe_service_limits; then
    start_service
  fi
  # Meridian's containers driver finds this socket by itself (and with DOCKER_HOST set to it);
  # other Testcontainers users need the three variables.
  say "Meridian's containers driver uses it as it is; for other Testcontainers users: DOCKER_HOST=$SOCKET_URL TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1"
}

main "$@"
