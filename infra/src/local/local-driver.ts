/**
 * The `local` topology driver: Cassandra 5.0 and Kafka 4.x as JVM processes on this
 * host, from jars that Maven resolves from Maven Central. Nothing is installed: the
 * jars stay in ~/.m2, each process gets its configuration, data and logs under the
 * workdir, and the state file there lets `status` and `down` find the processes again
 * from another CLI invocation.
 */
import { cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  COMPONENT_START_TIMEOUT_MS,
  InfraError,
  cassandraOptionProblems,
  findComponent,
  type CassandraNodeEndpoint,
  type CassandraOptions,
  type ComponentState,
  type KafkaEndpoint,
  type ProgressLog,
  type TopologyComponent,
  type TopologyDriver,
  type TopologyEndpoints,
  type TopologySpec,
  type TopologyStatus,
} from '../topology';
import {
  CASSANDRA_CLUSTER_NAME,
  CASSANDRA_LOG_FILE,
  KAFKA_LOG_FILE,
  cassandraDirs,
  cassandraNodes,
  cassandraSeeds,
  kafkaBrokerName,
  kafkaBrokers,
  kafkaDirs,
  workdirLayout,
  type CassandraNodeLayout,
  type KafkaBrokerLayout,
} from '../layout';
import { renderCassandraYaml } from '../config/cassandra-yaml';
import { renderCassandraRackdc } from '../config/cassandra-rackdc';
import { renderCassandraLogback } from '../config/cassandra-logback';
import { renderKafkaProperties } from '../config/kafka-properties';
import { renderKafkaLog4j2 } from '../config/kafka-log4j2';
import { findJava, type JavaRuntime } from './java-runtime';
import { defaultCacheDir, resolveClasspath, type ResolvedClasspath } from './maven-classpath';
import {
  isRecordedProcessAlive,
  runJvm,
  sleep,
  spawnJvm,
  startJvm,
  stopProcesses,
  writeArgFile,
  type JvmLaunch,
  type ProcessRecord,
  type StartedJvm,
} from './jvm-process';
import { CASSANDRA_MAIN_CLASS, KAFKA_MAIN_CLASS, KAFKA_STORAGE_TOOL_CLASS, cassandraJvmArgs, kafkaJvmArgs, kafkaToolJvmArgs } from './jvm-options';
import { peersWithTokens } from '../ring';
import { checkPortFree, probeCql, probeKafka, type Endpoint } from '../probes';
import { LogFollower } from './log-follower';

export interface LocalDriverOptions {
  /** Holds cassandra/pom.xml and kafka/pom.xml; default infra/maven. */
  readonly mavenDir?: string;
  /** Resolved classpaths are cached here by pom hash; default $XDG_CACHE_HOME/meridian or ~/.cache/meridian. */
  readonly cacheDir?: string;
  /** Where to look for a Java 17 after JAVA_HOME and PATH; default /usr/lib/jvm and macOS's JavaVirtualMachines. */
  readonly javaSearchDirs?: readonly string[];
  /** -Xmx of each Cassandra node, at least 256m; default 1g. */
  readonly cassandraHeap?: string;
  /** -Xms/-Xmx of each Kafka broker; default 512m. */
  readonly kafkaHeap?: string;
}

/** topology.json: the endpoints, plus what `down` needs. */
interface LocalState extends TopologyEndpoints {
  readonly driver: 'local';
  /** `starting` until `up` has seen everything ready. */
  readonly phase: 'starting' | 'up';
  readonly processes: readonly ProcessRecord[];
}

/** What every process start needs. */
interface StartContext {
  readonly workdir: string;
  readonly java: JavaRuntime;
  readonly cassandraClasspath: ResolvedClasspath;
  readonly kafkaClasspath: ResolvedClasspath;
  readonly options: LocalDriverOptions;
  readonly log: ProgressLog;
}

/** A process to start, and what its readiness waits for. */
interface Component {
  readonly name: string;
  readonly logFile: string;
  readonly consoleFile: string;
  /** Log lines still awaited, by what they show (each new line is tested against every pattern). */
  readonly awaiting: Map<string, RegExp>;
  /** Once no log line is awaited: undefined when ready, else what is still missing. */
  readonly check: () => Promise<string | undefined>;
  readonly start: () => Promise<void>;
  jvm?: StartedJvm;
  /** Its log and its JVM's stdout/stderr since this start (both files are appended to across runs). */
  log?: LogFollower;
  console?: LogFollower;
  startedAt?: number;
  /** What the last check found missing. */
  missing?: string;
  ready: boolean;
}

const POLL_MS = 250;

export class LocalDriver implements TopologyDriver {
  readonly name = 'local' as const;

  constructor(private readonly options: LocalDriverOptions = {}) {}

  async up(spec: TopologySpec, log: ProgressLog): Promise<TopologyEndpoints> {
    validateSpec(spec);
    const { workdir } = spec;
    const began = Date.now();
    await refuseIfRunning(workdir, log);

    const nodes = cassandraNodes(spec.dc1Nodes);
    const brokers = kafkaBrokers();
    await assertPortsFree(nodes, brokers);

    const java = await findJava(log, this.options.javaSearchDirs ? { searchDirs: this.options.javaSearchDirs } : {});
    const mavenDir = this.options.mavenDir ?? defaultMavenDir();
    const maven = { javaHome: java.home, cacheDir: this.options.cacheDir ?? defaultCacheDir(), log };
    const [cassandraClasspath, kafkaClasspath] = await Promise.all([
      resolveClasspath({ label: 'Cassandra', pom: join(mavenDir, 'cassandra', 'pom.xml'), mainJar: /^cassandra-all-(.+)\.jar$/ }, maven),
      resolveClasspath({ label: 'Kafka', pom: join(mavenDir, 'kafka', 'pom.xml'), mainJar: /^kafka_2\.13-(.+)\.jar$/ }, maven),
    ]);

    const endpoints: TopologyEndpoints = {
      driver: 'local',
      workdir,
      cassandraVersion: cassandraClasspath.version,
      kafkaVersion: kafkaClasspath.version,
      cassandra: nodes.map((n) => cassandraEndpoint(workdir, n)),
      kafka: brokers.map((b) => kafkaEndpoint(workdir, b)),
    };
    await Promise.all([...nodes.map((n) => writeCassandraConfig(workdir, n, nodes, spec.cassandra ?? {})), ...brokers.map((b) => writeKafkaConfig(workdir, b))]);

    const ctx: StartContext = { workdir, java, cassandraClasspath, kafkaClasspath, options: this.options, log };
    const components = [...nodes.map((n) => cassandraComponent(ctx, n, nodes)), ...brokers.map((b) => kafkaComponent(ctx, b))];
    const records = (): ProcessRecord[] => components.flatMap((c) => (c.jvm ? [c.jvm.record] : []));
    // Saved after each launch, so that `down` finds everything even if this process dies mid-way.
    let saving = Promise.resolve();
    const saveState = (phase: LocalState['phase']): Promise<void> =>
      (saving = saving.then(() => writeState(workdir, { ...endpoints, driver: 'local', phase, processes: records() })));

    log(
      `starting Cassandra ${endpoints.cassandraVersion} (${nodes.map((n) => `${n.name} ${n.address}`).join(', ')}) ` +
        `and Kafka ${endpoints.kafkaVersion} (${brokers.map((b) => `${b.name} ${b.address}:${b.port}`).join(', ')})`,
    );
    const launchedAt = Date.now();
    try {
      // Everything at once. Starting is CPU-bound (a Cassandra node alone takes ~8 s of CPU,
      // a broker ~4 s), so on 2 cores no order beats keeping both cores busy; and the two
      // seeds, started together, answer each other's first (shadow) gossip round as soon as
      // both listen instead of one waiting out RING_DELAY for the other.
      const launches = await Promise.allSettled(components.map((c) => c.start().then(() => saveState('starting'))));
      // Judged only once every launch has settled, so that none starts after the teardown.
      const failed = launches.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      await waitUntilReady(components, launchedAt + spec.startTimeoutMs, spec.startTimeoutMs, log);
    } catch (error: unknown) {
      log('start failed; stopping what was started');
      await stopProcesses(records(), log);
      await rm(workdirLayout.stateFile(workdir), { force: true });
      if (error instanceof InfraError) throw error;
      throw new InfraError(`Could not start the local topology: ${(error as Error).message}`, undefined, { cause: error });
    }
    await saveState('up');
    log(`topology up in ${seconds(Date.now() - began)} (ready ${seconds(Date.now() - launchedAt)} after launch)`);
    return endpoints;
  }

  async status(workdir: string): Promise<TopologyStatus> {
    const state = await readState(workdir);
    if (!state) throw new InfraError(`Nothing is up in ${workdir}: there is no ${workdirLayout.stateFile(workdir)}. Run \`up\` first.`);
    const byName = new Map(state.processes.map((p) => [p.name, p]));
    const check = async (name: string, probe: () => Promise<boolean>): Promise<[string, ComponentState]> => {
      const record = byName.get(name);
      const alive = record !== undefined && (await isRecordedProcessAlive(record));
      return [name, alive && (await probe()) ? 'up' : 'down'];
    };
    const entries = await Promise.all([
      ...state.cassandra.map((n) => check(n.name, () => probeCql(n.cql))),
      ...state.kafka.map((k) => check(kafkaBrokerName(k.dc), () => probeKafka(parseHostPort(k.bootstrap)))),
    ]);
    const { driver, cassandraVersion, kafkaVersion, cassandra, kafka } = state;
    return { driver, workdir: state.workdir, cassandraVersion, kafkaVersion, cassandra, kafka, state: Object.fromEntries(entries) };
  }

  async down(workdir: string, log: ProgressLog): Promise<void> {
    const state = await readState(workdir);
    if (!state) {
      log(`nothing to stop in ${workdir}`);
      return;
    }
    await stopProcesses(state.processes, log);
    await rm(workdirLayout.stateFile(workdir), { force: true });
    log(`local topology in ${workdir} stopped (data kept)`);
  }

  async saveLogs(workdir: string, into: string): Promise<string[]> {
    const state = await readState(workdir);
    if (!state) return [];
    const logDirs = [...state.cassandra.map((n) => [n.name, dirname(n.logFile)] as const), ...state.kafka.map((k) => [kafkaBrokerName(k.dc), dirname(k.logFile)] as const)];
    return Promise.all(
      logDirs.map(async ([name, dir]) => {
        const to = join(into, name);
        await cp(dir, to, { recursive: true });
        return to;
      }),
    );
  }

  async stop(workdir: string, component: string, log: ProgressLog): Promise<void> {
    const { record } = await recordedComponent(workdir, component);
    if (!record || !(await isRecordedProcessAlive(record))) {
      log(`${component} is not running; nothing to stop`);
      return;
    }
    // The record stays in the state: `start` needs its launch, and `down` skips a dead pid.
    await stopProcesses([record], log);
  }

  async start(workdir: string, component: string, log: ProgressLog, timeoutMs = COMPONENT_START_TIMEOUT_MS): Promise<void> {
    const { found, record } = await recordedComponent(workdir, component);
    if (!record) throw new InfraError(`${component} was never started in ${workdir}; run \`down\` and \`up\` for that workdir`);
    if (await isRecordedProcessAlive(record)) {
      log(`${component} is running already (pid ${record.pid})`);
      return;
    }
    const logFile = found.kind === 'cassandra' ? found.node.logFile : found.broker.logFile;
    const probe = found.kind === 'cassandra' ? () => probeCql(found.node.cql) : () => probeKafka(parseHostPort(found.broker.bootstrap));
    const started: FollowedLogs = {
      logFile,
      consoleFile: record.launch.consoleFile,
      log: await LogFollower.fromEnd(logFile),
      console: await LogFollower.fromEnd(record.launch.consoleFile),
    };
    const began = Date.now();
    log(`starting ${component}`);
    const jvm = await spawnJvm(record.launch);
    await updateProcesses(workdir, (records) => records.map((r) => (r.name === component ? jvm.record : r)));
    for (;;) {
      if (await probe()) break;
      const exit = jvm.exit;
      const failure = exit
        ? `${component} exited (${exit.signal ?? `code ${exit.code}`}) before it answered`
        : Date.now() - began > timeoutMs
          ? `${component} did not answer within ${seconds(timeoutMs)}`
          : undefined;
      if (failure) {
        const detail = await failureDetail(started); // reads the logs, which logToRead then judges
        throw new InfraError(`${failure}; see ${logToRead(started)}`, detail);
      }
      await sleep(POLL_MS);
    }
    log(`${component} ready after ${seconds(Date.now() - began)}`);
  }
  disconnect(): Promise<void> {
    return Promise.reject(new InfraError('the local driver cannot cut a component off the network: its JVMs share the host\'s loopback; use the containers driver'));
  }

  reconnect(): Promise<void> {
    return Promise.reject(new InfraError('the local driver cannot cut a component off the network, so there is nothing to reconnect'));
  }

}

/** The named component and its process record (undefined if it never started); InfraError for an unknown name. */
async function recordedComponent(workdir: string, name: string): Promise<{ found: TopologyComponent; record: ProcessRecord | undefined }> {
  const state = await readState(workdir);
  if (!state) throw new InfraError(`Nothing is up in ${workdir}: there is no ${workdirLayout.stateFile(workdir)}. Run \`up\` first.`);
  return { found: findComponent(state, name), record: state.processes.find((p) => p.name === name) };
}

function validateSpec(spec: TopologySpec): void {
  const problems: string[] = [];
  if (!isAbsolute(spec.workdir)) problems.push(`workdir must be an absolute path, got ${JSON.stringify(spec.workdir)}`);
  const dc1Nodes: number = spec.dc1Nodes; // callers in plain JS or from a CLI may pass anything
  if (dc1Nodes !== 1 && dc1Nodes !== 2) problems.push(`dc1Nodes must be 1 or 2, got ${String(spec.dc1Nodes)}`);
  if (!(spec.startTimeoutMs > 0)) problems.push(`startTimeoutMs must be positive, got ${spec.startTimeoutMs}`);
  problems.push(...cassandraOptionProblems(spec.cassandra));
  if (problems.length > 0) throw new InfraError(`Invalid topology spec: ${problems.join('; ')}`);
}

/** A live topology in the workdir is an error; the state of a dead one is cleared. */
async function refuseIfRunning(workdir: string, log: ProgressLog): Promise<void> {
  const state = await readState(workdir);
  if (!state) return;
  const alive: string[] = [];
  for (const p of state.processes) if (await isRecordedProcessAlive(p)) alive.push(`${p.name} (pid ${p.pid})`);
  if (alive.length > 0) throw new InfraError(`A topology is already running in ${workdir}: ${alive.join(', ')}. Run \`down\` for it first.`);
  log('removing the state of a previous run (none of its processes is alive)');
  await rm(workdirLayout.stateFile(workdir), { force: true });
}

async function assertPortsFree(nodes: readonly CassandraNodeLayout[], brokers: readonly KafkaBrokerLayout[]): Promise<void> {
  const wanted: { what: string; at: Endpoint }[] = [
    ...nodes.flatMap((n) => [
      { what: `${n.name} CQL`, at: { host: n.address, port: n.cqlPort } },
      { what: `${n.name} storage`, at: { host: n.address, port: n.storagePort } },
      { what: `${n.name} JMX`, at: { host: '127.0.0.1', port: n.jmxPort } },
    ]),
    ...brokers.flatMap((b) => [
      { what: b.name, at: { host: b.address, port: b.port } },
      { what: `${b.name} controller`, at: { host: b.address, port: b.controllerPort } },
    ]),
  ];
  const results = await Promise.all(wanted.map((w) => checkPortFree(w.at)));
  const problems = results.flatMap((r, i) => (r.free ? [] : [`${r.message} (needed by ${wanted[i]?.what ?? '?'})`]));
  if (problems.length > 0) throw new InfraError(`${problems.join('; ')}. Stop it, or run \`down\` for the workdir that started it.`);
}

/** infra/maven, from infra/src/local (tsx, jest) or infra/dist/local (built). */
function defaultMavenDir(): string {
  return join(__dirname, '..', '..', 'maven');
}

function cassandraEndpoint(workdir: string, n: CassandraNodeLayout): CassandraNodeEndpoint {
  const dir = workdirLayout.cassandraNodeDir(workdir, n.name);
  return {
    name: n.name,
    dc: n.dc,
    cql: { host: n.address, port: n.cqlPort },
    broadcastAddress: n.address,
    dataDir: dir,
    cdcRawDir: join(dir, cassandraDirs.cdcRaw),
    logFile: join(dir, cassandraDirs.logs, CASSANDRA_LOG_FILE),
  };
}

function kafkaEndpoint(workdir: string, b: KafkaBrokerLayout): KafkaEndpoint {
  return {
    dc: b.dc,
    bootstrap: `${b.address}:${b.port}`,
    logFile: join(workdirLayout.kafkaDir(workdir, b.dc), kafkaDirs.logs, KAFKA_LOG_FILE),
  };
}

/** Cassandra's configuration files, rewritten on every start; data directories created. */
async function writeCassandraConfig(workdir: string, n: CassandraNodeLayout, all: readonly CassandraNodeLayout[], options: CassandraOptions): Promise<void> {
  const dir = workdirLayout.cassandraNodeDir(workdir, n.name);
  const conf = join(dir, cassandraDirs.conf);
  await Promise.all([...Object.values(cassandraDirs).map((d) => join(dir, d)), join(conf, 'triggers')].map((d) => mkdir(d, { recursive: true })));
  await Promise.all([
    writeFile(
      join(conf, 'cassandra.yaml'),
      renderCassandraYaml({
        clusterName: CASSANDRA_CLUSTER_NAME,
        initialToken: n.initialToken,
        seeds: cassandraSeeds(all),
        listenAddress: n.address,
        rpcAddress: n.address,
        broadcastAddress: n.address,
        cqlPort: n.cqlPort,
        storagePort: n.storagePort,
        dataDir: dir,
        storageCompatibilityMode: options.storageCompatibilityMode,
        commitlogCompression: options.commitlogCompression,
      }),
    ),
    writeFile(join(conf, 'cassandra-rackdc.properties'), renderCassandraRackdc({ dc: n.dc, rack: n.rack })),
    writeFile(join(conf, 'logback.xml'), renderCassandraLogback({ file: join(dir, cassandraDirs.logs, CASSANDRA_LOG_FILE) })),
  ]);
}

/** Kafka's configuration files, rewritten on every start; directories created. */
async function writeKafkaConfig(workdir: string, b: KafkaBrokerLayout): Promise<void> {
  const dir = workdirLayout.kafkaDir(workdir, b.dc);
  await Promise.all(Object.values(kafkaDirs).map((d) => mkdir(join(dir, d), { recursive: true })));
  await Promise.all([
    writeFile(
      join(dir, kafkaDirs.conf, 'server.properties'),
      renderKafkaProperties({
        nodeId: b.nodeId,
        listener: { host: b.address, port: b.port },
        controller: { host: b.address, port: b.controllerPort },
        logDir: join(dir, kafkaDirs.data),
      }),
    ),
    writeFile(join(dir, kafkaDirs.conf, 'log4j2.properties'), renderKafkaLog4j2({ file: join(dir, kafkaDirs.logs, KAFKA_LOG_FILE) })),
  ]);
}

/**
 * A Cassandra node is ready when
 *  - its log says `Startup complete` (it is NORMAL itself and serves CQL),
 *  - its log says every other node `is now UP` (gossip: alive as seen from here), and
 *  - over CQL, its system.peers_v2 lists every other node with its token. Cassandra
 *    writes a peer's tokens there when it applies the peer's NORMAL state (a peer can be
 *    UP before it is NORMAL, and no INFO line marks that moment), and only from then on
 *    does this node place replicas on that peer.
 * Over all nodes: the ring is complete and every node knows it.
 */
function cassandraComponent(ctx: StartContext, n: CassandraNodeLayout, all: readonly CassandraNodeLayout[]): Component {
  const dir = workdirLayout.cassandraNodeDir(ctx.workdir, n.name);
  const conf = join(dir, cassandraDirs.conf);
  const peers = all.filter((p) => p !== n);
  const awaiting = new Map<string, RegExp>([['Startup complete', /\bStartup complete$/]]);
  for (const peer of peers) {
    const at = escapeRegExp(`/${peer.address}:${peer.storagePort}`);
    awaiting.set(`${peer.name} UP`, new RegExp(`InetAddress ${at} is now UP|Node ${at} has restarted, now UP`));
  }
  const component: Component = {
    name: n.name,
    logFile: join(dir, cassandraDirs.logs, CASSANDRA_LOG_FILE),
    consoleFile: join(dir, cassandraDirs.logs, 'console.log'),
    awaiting,
    ready: false,
    check: async () => {
      const normal = await peersWithTokens({ cql: { host: n.address, port: n.cqlPort }, dc: n.dc }).catch((error: unknown) => error as Error);
      if (normal instanceof Error) return `CQL: ${normal.message}`;
      const missing = peers.filter((p) => !normal.has(p.address)).map((p) => p.name);
      return missing.length === 0 ? undefined : `${missing.join(', ')} NORMAL (tokens in system.peers_v2)`;
    },
    start: () =>
      launch(component, {
        name: n.name,
        java: ctx.java.java,
        jvmArgs: cassandraJvmArgs({
          classpath: ctx.cassandraClasspath.entries,
          nodeDir: dir,
          yamlFile: join(conf, 'cassandra.yaml'),
          rackdcFile: join(conf, 'cassandra-rackdc.properties'),
          logbackFile: join(conf, 'logback.xml'),
          logDir: join(dir, cassandraDirs.logs),
          triggersDir: join(conf, 'triggers'),
          jmxPort: n.jmxPort,
          ...(ctx.options.cassandraHeap ? { heap: ctx.options.cassandraHeap } : {}),
        }),
        argFile: join(conf, 'jvm.args'),
        mainClass: CASSANDRA_MAIN_CLASS,
        mainArgs: [],
        cwd: dir,
        consoleFile: component.consoleFile,
        marker: marker(n.name, ctx.workdir),
      }),
  };
  return component;
}

/**
 * A Kafka broker is ready when its log says `Kafka Server started` and it answers
 * ApiVersions. Its storage is formatted first if it never was (a standalone KRaft quorum).
 */
function kafkaComponent(ctx: StartContext, b: KafkaBrokerLayout): Component {
  const dir = workdirLayout.kafkaDir(ctx.workdir, b.dc);
  const conf = join(dir, kafkaDirs.conf);
  const properties = join(conf, 'server.properties');
  const jvm = { classpath: ctx.kafkaClasspath.entries, log4j2File: join(conf, 'log4j2.properties'), logDir: join(dir, kafkaDirs.logs) };
  const component: Component = {
    name: b.name,
    logFile: join(dir, kafkaDirs.logs, KAFKA_LOG_FILE),
    consoleFile: join(dir, kafkaDirs.logs, 'console.log'),
    awaiting: new Map([['Kafka Server started', /Kafka Server started/]]),
    ready: false,
    check: async () => ((await probeKafka({ host: b.address, port: b.port })) ? undefined : `an answer to ApiVersions on ${b.address}:${b.port}`),
    start: async () => {
      const formatted = await readFile(join(dir, kafkaDirs.data, 'meta.properties')).then(
        () => true,
        () => false,
      );
      if (!formatted) {
        const argFile = join(conf, 'storage-tool.args');
        await writeArgFile(argFile, kafkaToolJvmArgs(jvm));
        const format = ['format', '--cluster-id', kafkaClusterId(), '--config', properties, '--standalone', '--ignore-formatted'];
        const console = await LogFollower.fromEnd(component.consoleFile);
        const code = await runJvm(ctx.java.java, [`@${argFile}`, KAFKA_STORAGE_TOOL_CLASS, ...format], dir, component.consoleFile);
        if (code !== 0) {
          await console.poll();
          throw new InfraError(`${b.name}: formatting its storage failed (exit code ${code}); see ${component.consoleFile}`, console.tail().join('\n'));
        }
        ctx.log(`${b.name}: storage formatted`);
      }
      await launch(component, {
        name: b.name,
        java: ctx.java.java,
        jvmArgs: kafkaJvmArgs({ ...jvm, ...(ctx.options.kafkaHeap ? { heap: ctx.options.kafkaHeap } : {}) }),
        argFile: join(conf, 'jvm.args'),
        mainClass: KAFKA_MAIN_CLASS,
        mainArgs: [properties],
        cwd: dir,
        consoleFile: component.consoleFile,
        marker: marker(b.name, ctx.workdir),
      });
    },
  };
  return component;
}

async function launch(c: Component, l: JvmLaunch): Promise<void> {
  c.log = await LogFollower.fromEnd(c.logFile);
  c.console = await LogFollower.fromEnd(c.consoleFile);
  c.startedAt = Date.now();
  c.jvm = await startJvm(l);
}

async function waitUntilReady(components: readonly Component[], deadline: number, timeoutMs: number, log: ProgressLog): Promise<void> {
  for (;;) {
    for (const c of components) {
      if (c.ready || !c.jvm || !c.log) continue;
      for (const line of await c.log.poll()) {
        for (const [what, pattern] of c.awaiting) if (pattern.test(line)) c.awaiting.delete(what);
      }
      const exit = c.jvm.exit;
      if (exit) {
        throw new InfraError(`${c.name} exited (${exit.signal ?? `code ${exit.code}`}) before it was ready; see ${logToRead(c)}`, await failureDetail(c));
      }
      if (c.awaiting.size === 0) {
        c.missing = await c.check();
        if (c.missing === undefined) {
          c.ready = true;
          log(`${c.name} ready after ${seconds(Date.now() - (c.startedAt ?? 0))}`);
        }
      }
    }
    if (components.every((c) => c.ready)) return;
    if (Date.now() > deadline) {
      const late = components.find((c) => !c.ready);
      if (!late) return;
      const waitingFor = [...late.awaiting.keys(), ...(late.awaiting.size === 0 && late.missing ? [late.missing] : [])];
      throw new InfraError(
        `${late.name} was not ready within ${seconds(timeoutMs)}` +
          (waitingFor.length > 0 ? ` (still waiting for: ${waitingFor.join(', ')})` : '') +
          `; see ${logToRead(late)}`,
        await failureDetail(late),
      );
    }
    await sleep(POLL_MS);
  }
}

type FollowedLogs = Pick<Component, 'logFile' | 'consoleFile' | 'log' | 'console'>;

/** Its log, or its console output when it logged nothing (the JVM failed before logging started). */
function logToRead(c: FollowedLogs): string {
  return (c.log?.tail().length ?? 0) > 0 ? c.logFile : c.consoleFile;
}

/** The last lines of the component's log since it started, and of its console if that holds anything. */
async function failureDetail(c: FollowedLogs): Promise<string> {
  const parts: string[] = [];
  for (const [file, follower] of [
    [c.logFile, c.log],
    [c.consoleFile, c.console],
  ] as const) {
    await follower?.poll();
    const tail = follower?.tail() ?? [];
    if (tail.length > 0) parts.push(`--- last lines of ${file}\n${tail.join('\n')}`);
  }
  return parts.join('\n') || `(${c.logFile} and ${c.consoleFile} are empty)`;
}

function marker(name: string, workdir: string): string {
  return `-Dmeridian.process=${name}@${workdir}`;
}

/** A Kafka cluster id: 16 random bytes, URL-safe base64 without padding, never starting with '-' (as Uuid.randomUuid). */
function kafkaClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function parseHostPort(s: string): Endpoint {
  const i = s.lastIndexOf(':');
  return { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

async function readState(workdir: string): Promise<LocalState | undefined> {
  const file = workdirLayout.stateFile(workdir);
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch (error: unknown) {
    throw new InfraError(`${file} is not valid JSON; stop its processes by hand, then remove it`, undefined, { cause: error });
  }
  const driver = (state as { driver?: unknown } | null)?.driver;
  if (driver !== 'local') throw new InfraError(`${file} belongs to the ${String(driver)} driver, not the local one`);
  return state as LocalState;
}

/** Serialises read-modify-write of state files within this process (concurrent `start`s). */
let stateUpdates = Promise.resolve();

function updateProcesses(workdir: string, change: (records: readonly ProcessRecord[]) => ProcessRecord[]): Promise<void> {
  const update = stateUpdates.then(async () => {
    const state = await readState(workdir);
    if (state) await writeState(workdir, { ...state, processes: change(state.processes) });
  });
  stateUpdates = update.catch(() => undefined);
  return update;
}

async function writeState(workdir: string, state: LocalState): Promise<void> {
  const file = workdirLayout.stateFile(workdir);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(state, null, 2) + '\n');
  await rename(tmp, file);
}
