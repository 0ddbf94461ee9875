import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { cassandraDirs, cassandraNodes, type CassandraNodeLayout, kafkaBrokerName, workdirLayout } from '../layout';
import { probeCql, probeKafka } from '../probes';
import { peersWithTokens } from '../ring';
import type {
  CassandraNodeEndpoint,
  ComponentState,
  DataCentre,
  KafkaEndpoint,
  ProgressLog,
  TopologyDriver,
  TopologyEndpoints,
  TopologySpec,
  TopologyStatus,
} from '../topology';
import { COMPONENT_START_TIMEOUT_MS, InfraError, cassandraOptionProblems, findComponent } from '../topology';
import { CONTAINER_DATA_DIR, CONTAINER_LOG_DIR, containerCassandraEnvironment, containerCassandraYaml, containerKafkaEnvironment, KAFKA_INTERNAL_PORT } from './container-config';
import { configureContainerEngine } from './container-engine';
import { selectImages } from './image-selection';
import { errorMessage } from '@meridian/contracts';

/** Every container and network carries this label, valued with the topology's workdir. */
const TOPOLOGY_LABEL = 'dev.meridian.topology';

interface ContainersState extends Partial<TopologyEndpoints> {
  readonly driver: 'containers';
  readonly network: string;
  /** `component` is the name `status` reports (`dc1-n1`, `kafka-dc1`). */
  readonly containers: { readonly name: string; readonly id: string; readonly component: string }[];
  /** Components cut off the network, with the address each had there and gets back. */
  readonly disconnected?: Readonly<Record<string, string>>;
}

/** How long `stop` waits after SIGTERM before SIGKILL, as the local driver: Cassandra drains, Kafka shuts down in a controlled way. */
const STOP_GRACE_MS = 20_000;

type Testcontainers = typeof import('testcontainers');
type Container = ReturnType<import('testcontainers').ContainerRuntimeClient['container']['getById']>;

/**
 * The topology as containers, through Testcontainers (Docker, or Podman's compatible API).
 * All containers join one network of their own, where they find each other by container
 * name; the host reaches CQL and Kafka through ports published on 127.0.0.1. Each node's
 * /var/lib/cassandra is a directory of the workdir, so a cdc-reader on the host can read
 * its cdc_raw.
 */
export class ContainersDriver implements TopologyDriver {
  readonly name = 'containers' as const;

  async up(spec: TopologySpec, log: ProgressLog): Promise<TopologyEndpoints> {
    const problems = cassandraOptionProblems(spec.cassandra);
    if (problems.length > 0) throw new InfraError(`Invalid topology spec: ${problems.join('; ')}`);
    const engine = await configureContainerEngine();
    const tc: Testcontainers = await import('testcontainers');
    const client = await tc.getContainerRuntimeClient();
    log(`container engine at ${engine}: ${client.info.containerRuntime.operatingSystem}, server version ${client.info.containerRuntime.serverVersion}`);
    const images = await selectImages(client, log);
    // Podman (4.x) lists an image's EXPOSEd ports in PortBindings even when they are not
    // published, and Testcontainers then waits forever for them to be bound: so every
    // port an image exposes is published (on random host ports).
    const exposedPorts = async (image: string): Promise<number[]> => {
      const config = (await client.image.inspect(tc.ImageName.fromString(image))).Config as { ExposedPorts?: Record<string, unknown> };
      return Object.keys(config.ExposedPorts ?? {}).flatMap((key) => (key.endsWith('/tcp') ? [Number.parseInt(key, 10)] : []));
    };
    const cassandraPorts = await exposedPorts(images.cassandra);
    const kafkaPorts = (await exposedPorts(images.kafka)).filter((port) => port !== 9092);

    const id = randomBytes(3).toString('hex');
    const prefix = `meridian-${id}`;
    const network = `${prefix}-net`;
    const state: ContainersState = { driver: 'containers', network, containers: [] };
    // Containers start side by side and each records itself: one write at a time, or two
    // renames of the same temporary file race and one fails.
    let saving: Promise<void> = Promise.resolve();
    const saveState = () => (saving = saving.catch(() => undefined).then(() => writeState(spec.workdir, state)));
    await mkdir(spec.workdir, { recursive: true });
    await client.network.create({ Name: network, Labels: { [TOPOLOGY_LABEL]: spec.workdir } });
    await saveState();

    const deadline = Date.now() + spec.startTimeoutMs;
    const remaining = () => Math.max(1000, deadline - Date.now());
    const start = async (component: string, name: string, container: import('testcontainers').GenericContainer) => {
      const running = await container
        .withName(name)
        .withNetworkMode(network)
        .withLabels({ [TOPOLOGY_LABEL]: spec.workdir })
        .withStartupTimeout(remaining())
        .start();
      state.containers.push({ name, id: running.getId(), component });
      await saveState();
      return running;
    };

    const nodes = cassandraNodes(spec.dc1Nodes);
    const containerName = (node: CassandraNodeLayout) => `${prefix}-${node.name}`;
    const seeds = nodes.filter((n) => n.seed).map(containerName).join(',');
    const nodeLogs = new Map<string, string[]>();

    const startCassandra = async (node: CassandraNodeLayout): Promise<CassandraNodeEndpoint> => {
      const nodeDir = workdirLayout.cassandraNodeDir(spec.workdir, node.name);
      const logDir = join(nodeDir, cassandraDirs.logs);
      await mkdir(logDir, { recursive: true });
      const lines: string[] = [];
      nodeLogs.set(node.name, lines);
      const console = createWriteStream(join(logDir, 'console.log'), { flags: 'a' });
      // A fixed host port, so that the node keeps its endpoint when `start` restarts its container.
      const cqlHostPort = await freeLoopbackPort();
      log(`starting ${node.name} (${node.dc}) from ${images.cassandra}`);
      const running = await start(
        node.name,
        containerName(node),
        new tc.GenericContainer(images.cassandra)
          .withEnvironment(containerCassandraEnvironment(node, seeds))
          // The entrypoint (official or ours) fills in this node's addresses and seeds.
          .withCopyContentToContainer([{ target: '/etc/cassandra/cassandra.yaml', content: containerCassandraYaml(node, seeds, spec.cassandra) }])
          .withBindMounts([
            { source: nodeDir, target: CONTAINER_DATA_DIR },
            { source: logDir, target: CONTAINER_LOG_DIR },
          ])
          .withExposedPorts({ container: node.cqlPort, host: cqlHostPort }, ...cassandraPorts.filter((port) => port !== node.cqlPort))
          .withLogConsumer((stream: Readable) => {
            stream.on('data', (chunk: Buffer | string) => {
              console.write(chunk);
              lines.push(...chunk.toString().split('\n'));
            });
          })
          .withWaitStrategy(tc.Wait.forLogMessage(/Startup complete/)),
      );
      log(`${node.name} is up`);
      return {
        name: node.name,
        dc: node.dc,
        cql: { host: running.getHost(), port: cqlHostPort },
        broadcastAddress: running.getIpAddress(network),
        dataDir: nodeDir,
        cdcRawDir: join(nodeDir, cassandraDirs.cdcRaw),
        logFile: join(logDir, 'system.log'),
      };
    };

    const startKafka = async (dc: DataCentre): Promise<KafkaEndpoint> => {
      const name = `${prefix}-kafka-${dc}`;
      const hostPort = await freeLoopbackPort();
      log(`starting kafka-${dc} from ${images.kafka}`);
      await start(
        kafkaBrokerName(dc),
        name,
        new tc.GenericContainer(images.kafka)
          .withEnvironment(containerKafkaEnvironment(name, `127.0.0.1:${hostPort}`, randomBytes(16).toString('base64url')))
          .withExposedPorts({ container: 9092, host: hostPort }, ...kafkaPorts)
          .withWaitStrategy(tc.Wait.forLogMessage(/Kafka Server started/)),
      );
      log(`kafka-${dc} is up`);
      return { dc, bootstrap: `127.0.0.1:${hostPort}`, internalBootstrap: `${name}:${KAFKA_INTERNAL_PORT}`, logFile: `container ${name} (docker logs ${name})` };
    };

    try {
      const [first, ...others] = nodes;
      if (!first) throw new InfraError('no Cassandra node to start');
      // The first seed alone first: the others then find a live seed by name at once.
      const [kafka1, kafka2, firstNode] = await Promise.all([startKafka('dc1'), startKafka('dc2'), startCassandra(first)]);
      const otherNodes = await Promise.all(others.map(startCassandra));
      const cassandra = [firstNode, ...otherNodes];
      await waitForRing(cassandra, remaining(), log);
      const endpoints: TopologyEndpoints = {
        driver: 'containers',
        workdir: spec.workdir,
        cassandraVersion: cassandraVersion(nodeLogs.get(first.name) ?? []),
        kafkaVersion: images.kafkaVersion,
        cassandra,
        kafka: [kafka1, kafka2],
      };
      Object.assign(state, endpoints);
      await saveState();
      return endpoints;
    } catch (error) {
      log(`start failed; removing what was started`);
      const tails = [...nodeLogs].map(([name, lines]) => `--- ${name}, last lines:\n${lines.filter((l) => l.trim() !== '').slice(-30).join('\n')}`).join('\n');
      await this.down(spec.workdir, log);
      const message = errorMessage(error);
      throw new InfraError(`could not start the containers topology: ${message}`, tails || undefined, { cause: error });
    }
  }

  async status(workdir: string): Promise<TopologyStatus> {
    const state = await readState(workdir);
    if (!state?.cassandra || !state.kafka) throw new InfraError(`no running containers topology is recorded in ${workdir}`);
    const entries: [string, ComponentState][] = await Promise.all([
      ...state.cassandra.map(async (n): Promise<[string, ComponentState]> => [n.name, (await probeCql(n.cql)) ? 'up' : 'down']),
      ...state.kafka.map(async (k): Promise<[string, ComponentState]> => {
        const [host = '', port = ''] = k.bootstrap.split(':');
        return [`kafka-${k.dc}`, (await probeKafka({ host, port: Number(port) })) ? 'up' : 'down'];
      }),
    ]);
    const { network: _network, containers: _containers, ...endpoints } = state;
    return { ...(endpoints as TopologyEndpoints), state: Object.fromEntries(entries) };
  }

  async down(workdir: string, log: ProgressLog): Promise<void> {
    const state = await readState(workdir);
    await configureContainerEngine();
    const { getContainerRuntimeClient } = await import('testcontainers');
    const client = await getContainerRuntimeClient();
    // By label as well as by the recorded ids: a crash between create and record leaves nothing behind.
    const labelled = (await client.container.list()).filter((c) => c.Labels[TOPOLOGY_LABEL] === workdir).map((c) => c.Id);
    const ids = new Set([...labelled, ...(state?.containers.map((c) => c.id) ?? [])]);
    await Promise.all(
      [...ids].map(async (id) => {
        const container = client.container.getById(id);
        await client.container.stop(container, { timeout: 10 }).catch(() => undefined);
        await client.container.remove(container, { removeVolumes: true }).catch(() => undefined);
      }),
    );
    if (ids.size > 0) log(`removed ${ids.size} container(s)`);
    if (state?.network) {
      await client.network
        .remove(client.network.getById(state.network))
        .then(() => log(`removed network ${state.network}`))
        .catch(() => undefined);
    }
    await rm(workdirLayout.stateFile(workdir), { force: true });
  }

  async saveLogs(workdir: string, into: string): Promise<string[]> {
    const state = await readState(workdir);
    if (!state) return [];
    await configureContainerEngine();
    const { getContainerRuntimeClient } = await import('testcontainers');
    const client = await getContainerRuntimeClient();
    await mkdir(into, { recursive: true });
    const saved: string[] = [];
    for (const recorded of state.containers) {
      const output = await containerOutput(client.container.getById(recorded.id));
      if (output === undefined) continue;
      const to = join(into, `${recorded.component}.output.log`);
      await writeFile(to, output);
      saved.push(to);
    }
    // Cassandra's own log files are on the host (bind-mounted), with more than its output.
    for (const node of state.cassandra ?? []) {
      const to = join(into, node.name);
      await cp(dirname(node.logFile), to, { recursive: true }).catch(() => undefined);
      saved.push(to);
    }
    return saved;
  }

  async stop(workdir: string, component: string, log: ProgressLog): Promise<void> {
    const { client, container } = await recordedContainer(workdir, component);
    if (!(await client.container.inspect(container)).State.Running) {
      log(`${component} is not running; nothing to stop`);
      return;
    }
    log(`stopping ${component}`);
    const began = Date.now();
    // Stopped, not removed: `start` brings back the same container, with its data and host ports.
    await client.container.stop(container, { timeout: STOP_GRACE_MS }); // milliseconds: Testcontainers converts
    log(`stopped ${component} after ${seconds(Date.now() - began)}`);
  }

  async start(workdir: string, component: string, log: ProgressLog, timeoutMs = COMPONENT_START_TIMEOUT_MS): Promise<void> {
    const { state, found, client, container } = await recordedContainer(workdir, component);
    if ((await client.container.inspect(container)).State.Running) {
      log(`${component} is running already`);
      return;
    }
    log(`starting ${component}`);
    const began = Date.now();
    await client.container.start(container).catch((error: unknown) => {
      throw new InfraError(`could not start ${component}'s container: ${errorMessage(error)}`, undefined, { cause: error });
    });
    let probe: () => Promise<boolean>;
    let logToRead: string;
    if (found.kind === 'cassandra') {
      // The host port is fixed, but the node's address on the network may change with a restart.
      const address = (await client.container.inspect(container)).NetworkSettings.Networks[state.network]?.IPAddress;
      if (address && address !== found.node.broadcastAddress) {
        const cassandra = state.cassandra?.map((n) => (n.name === component ? { ...n, broadcastAddress: address } : n));
        await writeState(workdir, { ...state, ...(cassandra ? { cassandra } : {}) });
        log(`${component} now has address ${address} on ${state.network} (was ${found.node.broadcastAddress})`);
      }
      probe = () => probeCql(found.node.cql);
      logToRead = found.node.logFile;
    } else {
      const [host = '', port = ''] = found.broker.bootstrap.split(':');
      probe = () => probeKafka({ host, port: Number(port) });
      logToRead = found.broker.logFile;
    }
    for (;;) {
      if (await probe()) break;
      const failure = !(await client.container.inspect(container)).State.Running
        ? `${component} exited before it answered`
        : Date.now() - began > timeoutMs
          ? `${component} did not answer within ${seconds(timeoutMs)}`
          : undefined;
      if (failure) throw new InfraError(`${failure}; see ${logToRead}`, await containerLogTail(container));
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    log(`${component} ready after ${seconds(Date.now() - began)}`);
  }

  async disconnect(workdir: string, component: string, log: ProgressLog): Promise<void> {
    const { state, client, container } = await recordedContainer(workdir, component);
    const address = (await client.container.inspect(container)).NetworkSettings.Networks[state.network]?.IPAddress;
    if (!address) {
      log(`${component} is not on ${state.network}; nothing to cut`);
      return;
    }
    // Recorded first: `reconnect` must give the same address back, the one Cassandra listens on.
    await writeState(workdir, { ...state, disconnected: { ...state.disconnected, [component]: address } });
    await client.container.dockerode.getNetwork(state.network).disconnect({ Container: container.id, Force: true });
    log(`${component} cut off ${state.network} (it had address ${address})`);
  }

  async reconnect(workdir: string, component: string, log: ProgressLog): Promise<void> {
    const { state, client, container } = await recordedContainer(workdir, component);
    const address = state.disconnected?.[component];
    if (!address) {
      log(`${component} is not cut off; nothing to reconnect`);
      return;
    }
    const name = state.containers.find((c) => c.component === component)?.name;
    await client.container.dockerode.getNetwork(state.network).connect({
      Container: container.id,
      EndpointConfig: { IPAMConfig: { IPv4Address: address }, ...(name ? { Aliases: [name] } : {}) },
    });
    const { [component]: _healed, ...stillCut } = state.disconnected ?? {};
    await writeState(workdir, { ...state, disconnected: stillCut });
    log(`${component} back on ${state.network} at ${address}`);
  }
}

/** The named component, its recorded container and a client for the engine; InfraError for an unknown name. */
async function recordedContainer(workdir: string, component: string) {
  const state = await readState(workdir);
  if (!state?.cassandra || !state.kafka) throw new InfraError(`no running containers topology is recorded in ${workdir}`);
  const found = findComponent({ workdir, cassandra: state.cassandra, kafka: state.kafka }, component);
  const recorded = state.containers.find((c) => c.component === component);
  if (!recorded) throw new InfraError(`no container is recorded for ${component} in ${workdir}; run \`down\` and \`up\` for that workdir`);
  await configureContainerEngine();
  const { getContainerRuntimeClient } = await import('testcontainers');
  const client = await getContainerRuntimeClient();
  const container = client.container.getById(recorded.id);
  await client.container.inspect(container).catch((error: unknown) => {
    throw new InfraError(`${component}'s container ${recorded.name} is gone (${errorMessage(error)}); run \`down\` for ${workdir}`, undefined, { cause: error });
  });
  return { state, found, client, container };
}

/** The container's output (stdout and stderr, which the engine multiplexes in 8-byte-headed frames), its last `lines` or all of it. */
async function containerOutput(container: Container, lines?: number): Promise<string | undefined> {
  const raw = await container.logs({ stdout: true, stderr: true, ...(lines === undefined ? {} : { tail: lines }), follow: false }).catch(() => undefined);
  if (!raw) return undefined;
  const frames: Buffer[] = [];
  for (let at = 0; at + 8 <= raw.length; ) {
    const type = raw[at];
    if (type !== 0 && type !== 1 && type !== 2) return raw.toString('utf8'); // not multiplexed (a TTY)
    const size = raw.readUInt32BE(at + 4);
    frames.push(raw.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return Buffer.concat(frames).toString('utf8');
}

async function containerLogTail(container: Container, lines = 40): Promise<string> {
  const output = await containerOutput(container, lines);
  return output === undefined ? '(no container output)' : `--- last lines of its output\n${output.trimEnd()}`;
}

/** Every node lists every other node, with its tokens, as a peer (see peersWithTokens). */
async function waitForRing(nodes: readonly CassandraNodeEndpoint[], timeoutMs: number, log: ProgressLog): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const missing: string[] = [];
    for (const node of nodes) {
      const peers = await peersWithTokens(node).catch((error: unknown) => error as Error);
      // A node that cannot be asked is not a ring that did not form: say which, where, and why.
      if (peers instanceof Error) missing.push(`${node.name} does not answer CQL at ${node.cql.host}:${node.cql.port} (${peers.message})`);
      else for (const peer of nodes) if (peer !== node && !peers.has(peer.broadcastAddress)) missing.push(`${node.name} does not list ${peer.name}`);
    }
    if (missing.length === 0) {
      log(`ring complete: ${nodes.map((n) => `${n.name} ${n.broadcastAddress}`).join(', ')}`);
      return;
    }
    if (Date.now() > deadline) throw new InfraError(`the ring did not form: ${missing.join('; ')}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function cassandraVersion(lines: readonly string[]): string {
  for (const line of lines) {
    const match = /Cassandra version: (\S+)/.exec(line);
    if (match?.[1]) return match[1];
  }
  return 'unknown';
}

/** A port free on 127.0.0.1 now, for listeners that must advertise their host port up front. */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not allocate a port'));
      });
    });
  });
}

async function writeState(workdir: string, state: ContainersState): Promise<void> {
  const file = workdirLayout.stateFile(workdir);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`);
  await rename(tmp, file);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

async function readState(workdir: string): Promise<ContainersState | undefined> {
  try {
    return JSON.parse(await readFile(workdirLayout.stateFile(workdir), 'utf8')) as ContainersState;
  } catch {
    return undefined;
  }
}
