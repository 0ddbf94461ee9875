#!/usr/bin/env bash
# Makes sure this machine has what Meridian's local topology needs: Node 20.19+ with
# npm, a Java 17 JDK and Maven. Installs Debian packages for the missing ones when
# run as root (or through sudo); otherwise says what to install.
set -euo pipefail

say() { printf 'ensure-tools: %s\n' "$*"; }
die() { printf 'ensure-tools: ERROR: %s\n' "$*" >&2; exit 1; }

missing=()
node_ok() { command -v node >/dev/null && node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; }
java17_ok() {
  local java=${JAVA_HOME:+$JAVA_HOME/bin/}java
  command -v "$java" >/dev/null 2>&1 && "$java" -version 2>&1 | grep -qE 'version "(17|11)\.' && return 0
  ls -d /usr/lib/jvm/*17* >/dev/null 2>&1
}
node_ok || die "Node.js 20.19 or newer (below 23) is required; found $(node --version 2>/dev/null || echo none)"
java17_ok || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || missing+=(maven)
command -v curl >/dev/null || missing+=(curl)

if ((${#missing[@]})); then
  run=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || die "missing ${missing[*]}: install them (apt-get install ${missing[*]}) and run again"
    run=(sudo)
  fi
  say "installing ${missing[*]}"
  "${run[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${run[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
say "node $(node --version), $(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g'), java 17 present"
