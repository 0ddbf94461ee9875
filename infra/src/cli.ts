import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CassandraConnection } from '@meridian/cassandra';
import { KafkaConnection } from '@meridian/kafka';
import { DRIVER_NAMES, loadDriver, recordedDriver } from './drivers';
import { COMPONENT_START_TIMEOUT_MS, type DriverName, InfraError, type TopologyEndpoints } from './topology';
import { errorMessage } from '@meridian/contracts';

const USAGE = `Usage: npm run infra -- <up|down|status> [options]
       npm run infra -- <stop|start|disconnect|reconnect> <component> [options]
       npm run infra -- cql "<statement>" [--node NAME] [options]
       npm run infra -- tail <topic> [--dc dc1|dc2] [--count N] [--timeout SECONDS] [options]

Brings up, inspects and tears down Meridian's runtime: one Cassandra 5.0 cluster
spanning dc1 and dc2, and one Kafka 4.x (KRaft) broker per DC.

Commands:
  up       start everything and wait until it is ready; prints the endpoints
  status   show each node and broker, its endpoint and whether it answers
  down     stop and remove every process, container and network of the workdir
  stop     stop one component, keeping its data: a node (dc1-n1, dc1-n2, dc2-n1)
           or a broker (kafka-dc1, kafka-dc2), as status names them
  start    start a stopped component again and wait until it answers
  disconnect  cut a running component off the topology's network, a network
           partition (containers driver only); reconnect heals it
  cql      run one CQL statement on a node (default dc1-n1) at LOCAL_QUORUM and print
           the rows it returns, one JSON object per line
  tail     print the records of a topic of one DC's Kafka (default dc1) from its start,
           committed ones only, one value per line, until --count arrived or --timeout
           seconds (default 5) passed without reaching it

Options:
  --driver local|containers   local JVMs from Maven Central artifacts (default), or
                              containers through Testcontainers (Docker or Podman)
  --workdir DIR               state, data directories and logs (default: .meridian/topology)
  --dc1-nodes 1|2             a second Cassandra node in dc1, for RF=2 (default: 1)
  --timeout SECONDS           readiness timeout for up (default: 300) and start (default: 120)
  --json                      machine-readable output
  -h, --help                  this text

Environment (containers driver): MERIDIAN_CASSANDRA_IMAGE, MERIDIAN_KAFKA_IMAGE
override the images; DOCKER_HOST selects the engine.
`;

class UsageError extends Error {}

export async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      driver: { type: 'string' },
      workdir: { type: 'string', default: '.meridian/topology' },
      'dc1-nodes': { type: 'string', default: '1' },
      timeout: { type: 'string' },
      json: { type: 'boolean', default: false },
      node: { type: 'string', default: 'dc1-n1' },
      dc: { type: 'string', default: 'dc1' },
      count: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const [command, component] = positionals;
  if (command === 'cql' || command === 'tail') {
    if (positionals.length !== 2) throw new UsageError(command === 'cql' ? 'cql takes one statement, in quotes' : 'tail takes one topic');
    const workdir = resolve(values.workdir);
    const recorded = await recordedDriver(workdir);
    if (!recorded) throw new InfraError(`no topology is recorded in ${workdir}; start one with "npm run infra -- up" (or give the demo's: --workdir .meridian/demo)`);
    const status = await loadDriver(recorded).status(workdir);
    if (command === 'cql') return runCql(status, values.node, component ?? '');
    const count = values.count === undefined ? Number.MAX_SAFE_INTEGER : Number(values.count);
    if (!Number.isInteger(count) || count <= 0) throw new UsageError(`--count must be a positive whole number, got "${values.count ?? ''}"`);
    return tailTopic(status, values.dc, component ?? '', count, parseTimeout(values.timeout ?? '5'));
  }
  if (command === 'stop' || command === 'start' || command === 'disconnect' || command === 'reconnect') {
    if (component === undefined) throw new UsageError(`${command} needs a component, e.g. "${command} kafka-dc1"`);
    if (positionals.length > 2) throw new UsageError(`${command} takes one component, got "${positionals.slice(1).join(' ')}"`);
  } else if (positionals.length !== 1 || (command !== 'up' && command !== 'down' && command !== 'status')) {
    throw new UsageError(positionals.length === 0 ? 'missing command' : `unknown command "${positionals.join(' ')}"`);
  }
  const timeoutMs = parseTimeout(values.timeout ?? (command === 'up' ? '300' : String(COMPONENT_START_TIMEOUT_MS / 1000)));
  const workdir = resolve(values.workdir);
  const log = values.json ? (line: string) => process.stderr.write(`${line}\n`) : (line: string) => process.stdout.write(`${line}\n`);
  const recorded = await recordedDriver(workdir);
  const requested = parseDriver(values.driver);

  if (command === 'up') {
    if (recorded) throw new InfraError(`a ${recorded} topology is already recorded in ${workdir}; run "npm run infra -- down --workdir ${values.workdir}" first`);
    const dc1Nodes = values['dc1-nodes'] === '1' ? 1 : values['dc1-nodes'] === '2' ? 2 : undefined;
    if (dc1Nodes === undefined) throw new UsageError(`--dc1-nodes must be 1 or 2, got "${values['dc1-nodes']}"`);
    const driver = loadDriver(requested ?? 'local');
    const started = Date.now();
    const endpoints = await driver.up({ workdir, dc1Nodes, startTimeoutMs: timeoutMs }, log);
    log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    process.stdout.write(values.json ? `${JSON.stringify(endpoints, null, 2)}\n` : describe(endpoints));
    return 0;
  }

  if (!recorded) {
    if (command === 'down') {
      log(`nothing recorded in ${workdir}; nothing to stop`);
      return 0;
    }
    throw new InfraError(`no topology is recorded in ${workdir}; start one with "npm run infra -- up"`);
  }
  if (requested && requested !== recorded) throw new InfraError(`the topology in ${workdir} was started with --driver ${recorded}, not ${requested}`);
  const driver = loadDriver(recorded);
  if (command === 'down') {
    await driver.down(workdir, log);
    return 0;
  }
  if (command === 'stop' && component !== undefined) {
    await driver.stop(workdir, component, log);
    return 0;
  }
  if (command === 'start' && component !== undefined) {
    await driver.start(workdir, component, log, timeoutMs);
    return 0;
  }
  if (command === 'disconnect' && component !== undefined) {
    await driver.disconnect(workdir, component, log);
    return 0;
  }
  if (command === 'reconnect' && component !== undefined) {
    await driver.reconnect(workdir, component, log);
    return 0;
  }
  const status = await driver.status(workdir);
  process.stdout.write(values.json ? `${JSON.stringify(status, null, 2)}\n` : describe(status, status.state));
  return Object.values(status.state).every((s) => s === 'up') ? 0 : 3;
}

async function runCql(endpoints: TopologyEndpoints, nodeName: string, statement: string): Promise<number> {
  const node = endpoints.cassandra.find((n) => n.name === nodeName);
  if (!node) throw new UsageError(`--node must be one of ${endpoints.cassandra.map((n) => n.name).join(', ')}, got "${nodeName}"`);
  const cassandra = new CassandraConnection({ contactPoints: [`${node.cql.host}:${node.cql.port}`], localDataCenter: node.dc });
  try {
    const rows = await cassandra.execute(statement, [], 'LOCAL_QUORUM');
    for (const row of rows) process.stdout.write(`${JSON.stringify(row, (_key, value: unknown) => readable(value))}\n`);
    return 0;
  } catch (error) {
    throw new InfraError(`${nodeName}: ${errorMessage(error)}`);
  } finally {
    await cassandra.close();
  }
}

/** A driver value as people read it: numbers, text and booleans as they are, other types by their own text form. */
function readable(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value.constructor === Object) return value;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `0x${value.toString('hex')}`;
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  // The driver's own types (Long, Uuid, BigDecimal, InetAddress, LocalDate, ...) each print their CQL text form.
  return (value as { toString(): string }).toString();
}

async function tailTopic(endpoints: TopologyEndpoints, dc: string, topic: string, count: number, timeoutMs: number): Promise<number> {
  const broker = endpoints.kafka.find((k) => k.dc === dc);
  if (!broker) throw new UsageError(`--dc must be one of ${endpoints.kafka.map((k) => k.dc).join(', ')}, got "${dc}"`);
  const kafka = new KafkaConnection({ brokers: [broker.bootstrap], clientId: 'meridian-infra-tail' });
  try {
    const records = await kafka.readTopic(topic, { count, timeoutMs, isolation: 'read_committed', groupId: `meridian-infra-tail-${Date.now()}` });
    for (const record of records) process.stdout.write(`${record.value?.toString() ?? 'null'}\n`);
    process.stderr.write(`${records.length} record(s) from ${topic} in ${dc}\n`);
    return count === Number.MAX_SAFE_INTEGER || records.length >= count ? 0 : 3;
  } finally {
    await kafka.close();
  }
}

function parseTimeout(value: string): number {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds <= 0) throw new UsageError(`--timeout must be a positive number of seconds, got "${value}"`);
  return seconds * 1000;
}

function parseDriver(value: string | undefined): DriverName | undefined {
  if (value === undefined) return undefined;
  const driver = DRIVER_NAMES.find((name) => name === value);
  if (!driver) throw new UsageError(`--driver must be one of ${DRIVER_NAMES.join(', ')}, got "${value}"`);
  return driver;
}

function describe(endpoints: TopologyEndpoints, state?: Readonly<Record<string, string>>): string {
  const mark = (name: string) => (state ? ` [${state[name] ?? 'unknown'}]` : '');
  const lines = [`Topology (${endpoints.driver} driver, Cassandra ${endpoints.cassandraVersion}, Kafka ${endpoints.kafkaVersion}) in ${endpoints.workdir}`];
  for (const node of endpoints.cassandra) {
    lines.push(`  cassandra ${node.name.padEnd(8)} ${node.dc}  cql ${node.cql.host}:${node.cql.port}${mark(node.name)}`);
    lines.push(`      data ${node.dataDir}  cdc_raw ${node.cdcRawDir}`);
    lines.push(`      log  ${node.logFile}`);
  }
  for (const kafka of endpoints.kafka) {
    lines.push(`  kafka     ${`kafka-${kafka.dc}`.padEnd(8)} ${kafka.dc}  bootstrap ${kafka.bootstrap}${mark(`kafka-${kafka.dc}`)}`);
    lines.push(`      log  ${kafka.logFile}`);
  }
  return `${lines.join('\n')}\n`;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
        process.stderr.write(`error: ${error.message}\n\n${USAGE}`);
        process.exitCode = 2;
      } else if (error instanceof InfraError) {
        process.stderr.write(`error: ${error.message}\n${error.detail ? `\n${error.detail}\n` : ''}`);
        process.exitCode = 1;
      } else {
        throw error;
      }
    },
  );
}
