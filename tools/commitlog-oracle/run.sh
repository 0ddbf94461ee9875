#!/usr/bin/env bash
# Runs the commit log oracle (see README.md):
#   tools/commitlog-oracle/run.sh --schema schema.json [--cdc-idx] segment.log...
# Builds it with Maven the first time, and again whenever its sources or POMs change;
# afterwards it is a plain `java` start from the cached target/classpath.txt.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/target/commitlog-oracle.jar"
classpath_file="$here/target/classpath.txt"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

stale() {
  [[ ! -f "$jar" || ! -f "$classpath_file" ]] && return 0
  [[ -n "$(find "$here/src" "$here/pom.xml" "$here/../../infra/maven/cassandra/pom.xml" -newer "$jar" -print -quit)" ]] && return 0
  # ~/.m2 may have been cleaned since the classpath was cached.
  local entry
  IFS=: read -r -a entries < "$classpath_file"
  for entry in "${entries[@]}"; do [[ -e "$entry" ]] || return 0; done
  return 1
}

if stale; then
  mkdir -p "$here/target"
  # Tests may start several oracles at once: one builds, the others wait for it.
  exec 9> "$here/target/.build.lock"
  flock 9
  if stale; then
    # Quiet on success; on failure, Maven's output says why.
    if ! log="$(mvn -q -B -Dstyle.color=never -f "$here/pom.xml" package 2>&1)"; then
      printf '%s\n' "$log" >&2
      echo "commitlog-oracle: the Maven build failed" >&2
      exit 3
    fi
  fi
  flock -u 9
  exec 9>&-
fi

# Cassandra's classes reach into JDK internals. Reading a commit log in-process needs only
# what FileUtils' static initializer looks up (sun.nio.ch.DirectBuffer.cleaner() and
# jdk.internal.ref.Cleaner.clean(), to free direct buffers); both appear in
# conf/jvm17-server.options, which a node needs in full. Without them every mutation fails
# with "FATAL: Cassandra is unable to access required classes".
exec "$java" \
  --add-exports java.base/sun.nio.ch=ALL-UNNAMED \
  --add-exports java.base/jdk.internal.ref=ALL-UNNAMED \
  -XX:+UseSerialGC \
  -cp "$jar:$(cat "$classpath_file")" \
  dev.meridian.oracle.CommitLogOracle "$@"
