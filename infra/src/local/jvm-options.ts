/**
 * JVM arguments for Cassandra 5.0 and Kafka 4.x processes started from Maven jars,
 * in place of their start scripts (cassandra-env.sh + conf/jvm*-server.options,
 * kafka-run-class.sh).
 */
import { basename, delimiter } from 'node:path';
import { pathToFileURL } from 'node:url';

/** What Cassandra 5.0's conf/jvm17-server.options opens up for Java 17 (JPMS section). */
const CASSANDRA_JAVA17_MODULE_ACCESS = [
  '--add-exports', 'java.base/jdk.internal.misc=ALL-UNNAMED',
  '--add-exports', 'java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED',
  '--add-exports', 'java.rmi/sun.rmi.registry=ALL-UNNAMED',
  '--add-exports', 'java.rmi/sun.rmi.server=ALL-UNNAMED',
  '--add-exports', 'java.sql/java.sql=ALL-UNNAMED',
  '--add-exports', 'java.base/java.lang.ref=ALL-UNNAMED',
  '--add-exports', 'jdk.unsupported/sun.misc=ALL-UNNAMED',
  '--add-exports', 'jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED',
  '--add-exports', 'jdk.attach/sun.tools.attach=ALL-UNNAMED',
  '--add-opens', 'java.base/java.lang.module=ALL-UNNAMED',
  '--add-opens', 'java.base/jdk.internal.loader=ALL-UNNAMED',
  '--add-opens', 'java.base/jdk.internal.ref=ALL-UNNAMED',
  '--add-opens', 'java.base/jdk.internal.reflect=ALL-UNNAMED',
  '--add-opens', 'java.base/jdk.internal.math=ALL-UNNAMED',
  '--add-opens', 'java.base/jdk.internal.module=ALL-UNNAMED',
  '--add-opens', 'java.base/jdk.internal.util.jar=ALL-UNNAMED',
  '--add-opens', 'jdk.management/com.sun.management.internal=ALL-UNNAMED',
  '--add-opens', 'java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-opens', 'java.base/java.io=ALL-UNNAMED',
  '--add-opens', 'java.base/java.lang.reflect=ALL-UNNAMED',
  '--add-opens', 'jdk.compiler/com.sun.tools.javac=ALL-UNNAMED',
  '--add-opens', 'java.base/java.lang=ALL-UNNAMED',
  '--add-opens', 'java.base/java.util=ALL-UNNAMED',
];

export const CASSANDRA_MAIN_CLASS = 'org.apache.cassandra.service.CassandraDaemon';
export const KAFKA_MAIN_CLASS = 'kafka.Kafka';
export const KAFKA_STORAGE_TOOL_CLASS = 'kafka.tools.StorageTool';

export interface CassandraJvmOptions {
  readonly classpath: readonly string[];
  readonly nodeDir: string;
  readonly yamlFile: string;
  readonly rackdcFile: string;
  readonly logbackFile: string;
  readonly logDir: string;
  /** Must exist (Cassandra warns otherwise); trigger jars would go there. */
  readonly triggersDir: string;
  readonly jmxPort: number;
  /** -Xmx, at least 256m (the -Xms); default 1g. */
  readonly heap?: string;
}

export function cassandraJvmArgs(o: CassandraJvmOptions): string[] {
  const heap = o.heap ?? '1g';
  const jamm = o.classpath.find((jar) => /^jamm-[\d.]+\.jar$/.test(basename(jar)));
  return [
    // From conf/jvm-server.options (GENERAL JVM SETTINGS); AlwaysPreTouch left out: slow start.
    '-ea',
    '-da:net.openhft...',
    '-XX:+UseThreadPriorities',
    '-Xss256k',
    '-XX:+UseTLAB',
    '-XX:+ResizeTLAB',
    '-XX:+PerfDisableSharedMem',
    // A node out of memory may corrupt data: exit, and show as down.
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.net.preferIPv4Stack=true',
    // Heap: a development node, not a production one. A small -Xms matters more than it
    // seems: Cassandra calls mlockall(MCL_CURRENT) at start, which succeeds where the
    // user may lock memory (root, or a raised RLIMIT_MEMLOCK) and then faults in and pins
    // the whole committed heap: with -Xms1g that took ~8 s of startup and pinned 1.5 GiB
    // per node here; with 256m, under a second and ~0.7 GiB.
    '-Xms256m',
    `-Xmx${heap}`,
    // From conf/jvm17-server.options.
    '-XX:+UseG1GC',
    '-XX:+ParallelRefProcEnabled',
    '-XX:MaxTenuringThreshold=1',
    '-XX:G1RSetUpdatingPauseTimePercent=5',
    '-XX:MaxGCPauseMillis=300',
    '-XX:InitiatingHeapOccupancyPercent=70',
    '-Djdk.attach.allowAttachSelf=true',
    ...CASSANDRA_JAVA17_MODULE_ACCESS,
    '-Dio.netty.tryReflectionSetAccessible=true',
    '-Dio.netty.allocator.useCacheForAllThreads=true',
    '-Dio.netty.allocator.maxOrder=11',
    // From cassandra-env.sh: jamm measures object sizes for memtable accounting.
    ...(jamm ? [`-javaagent:${jamm}`] : []),
    // What bin/cassandra and cassandra-env.sh pass.
    '-Dcassandra-foreground=yes',
    `-Dcassandra.config=${pathToFileURL(o.yamlFile).href}`,
    `-Dcassandra-rackdc.properties=${pathToFileURL(o.rackdcFile).href}`,
    `-Dlogback.configurationFile=${pathToFileURL(o.logbackFile).href}`,
    `-Dcassandra.logdir=${o.logDir}`,
    `-Dcassandra.storagedir=${o.nodeDir}`,
    `-Dcassandra.jmx.local.port=${o.jmxPort}`,
    `-Dcassandra.triggers_dir=${o.triggersDir}`,
    // Start fast: do not wait for gossip to settle. RING_DELAY stays at its 30 s default:
    // seeds started together end their first gossip round as soon as both listen, and a
    // node that is not a seed gets 2 x RING_DELAY to reach one on a starved machine.
    '-Dcassandra.skip_wait_for_gossip_to_settle=0',
    '-cp',
    o.classpath.join(delimiter),
  ];
}

export interface KafkaJvmOptions {
  readonly classpath: readonly string[];
  readonly log4j2File: string;
  readonly logDir: string;
  /** Default 512m. */
  readonly heap?: string;
}

/** kafka-server-start.sh / kafka-run-class.sh defaults, with a smaller heap. */
export function kafkaJvmArgs(o: KafkaJvmOptions): string[] {
  const heap = o.heap ?? '512m';
  return [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-XX:MaxInlineLevel=15',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${pathToFileURL(o.log4j2File).href}`,
    `-Dkafka.logs.dir=${o.logDir}`,
    '-cp',
    o.classpath.join(delimiter),
  ];
}

/** For the storage tool: a short-lived JVM, small heap, same classpath and logging. */
export function kafkaToolJvmArgs(o: KafkaJvmOptions): string[] {
  return ['-Xmx256m', '-XX:TieredStopAtLevel=1', `-Dlog4j2.configurationFile=${pathToFileURL(o.log4j2File).href}`, '-cp', o.classpath.join(delimiter)];
}
