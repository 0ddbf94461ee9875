/**
 * bench/full-image: what full-row images cost the deduper, against the same deduper in the
 * same run with a delta channel only.
 *
 *   npm run bench:full-image [-- --mutations 20000] [-- --rounds 2] [-- --read-concurrency N] [-- --driver D] [-- --workdir DIR] [-- --keep-workdir]
 *
 * 1. A local topology with one dc1 node (or the running one in --workdir).
 * 2. A table with --mutations rows in dc1 (id int, a ~100-byte text), and a raw topic holding
 *    one raw mutation event per row as two replicas' readers would write it (two copies, same
 *    digest): the rows the deduper reads back exist, as after real writes.
 * 3. Rounds of two runs each, delta then full: a fresh deduper on that raw topic, with fresh
 *    output topics and group, and a configuration topic whose one channel of the table asks
 *    for `delta` or `full`. Each is timed from the deduper's start until its own count of
 *    events out (/metrics) reaches the mutations; its CPU comes from /proc. The full runs also
 *    give the read time histogram and how many images were read, not found or failed.
 *
 * Results go to bench/results/full-image.json.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CassandraConnection } from '@meridian/cassandra';
import type { PartitionUpdate } from '@meridian/commitlog';
import { channelSchema, configKey, destinationSchema, DIGEST_HEADER, RAW_MUTATION_VERSION, type RawMutationEvent, rawMutationKey, errorMessage } from '@meridian/contracts';
import { serviceInstances, startService, type TopologyEndpoints, waitHealthy } from '@meridian/infra';
import { KafkaConnection, type OutgoingRecord } from '@meridian/kafka';
import { uniqueName } from '@meridian/testing';
import { runBenchmark, UsageError } from '../support/command';
import { progressLog } from '../support/log';
import { describeMachine, machineAtEnd } from '../support/machine';
import { ProcessSampler, type ProcessUsage } from '../support/process-sampling';
import { MAX_REQUEST_BYTES, RAW_PARTITIONS, RAW_TOPIC_MAX_MESSAGE_BYTES } from '../support/raw-topic';
import { writeResults } from '../support/results';
import { logProblems } from '../support/service-log';
import { histogramBetween, type HistogramSummary, MetricsSnapshot, scrapeMetrics } from '../support/service-metrics';
import { type Cleanup, openTopology, TOPOLOGY_ARGS, TOPOLOGY_USAGE, topologyOptions, type TopologyOptions } from '../support/topology';

const DEDUPER_MAIN = join(resolve(__dirname, '..', '..'), 'apps', 'deduper', 'dist', 'main.js');
/** Clear of a demo's ports, the e2e suites' and the other benchmarks'. */
const PORT_OFFSET = 6000;
const KEYSPACE = 'bench_full_image';
const TABLE = 'rows';
const PAYLOAD = 'meridian bench payload '.repeat(5).slice(0, 100);
const REPLICAS = ['dc1-n1', 'dc1-n2'] as const;
const WRITES_IN_FLIGHT = 64;
const RUN_TIMEOUT_MS = 600_000;

const USAGE = `usage: npm run bench:full-image [-- options]
  --mutations N      rows written and mutations on the raw topic, two copies each (default 20000)
  --rounds N         delta-then-full rounds (default 2)
  --read-concurrency N  the deduper's MERIDIAN_IMAGE_READ_CONCURRENCY (default: the deduper's own)
${TOPOLOGY_USAGE}
  --help`;

interface Options extends TopologyOptions {
  readonly mutations: number;
  readonly rounds: number;
  readonly readConcurrency: number | undefined;
  readonly help: boolean;
}

function parseOptions(args: readonly string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      options: {
        mutations: { type: 'string', default: '20000' },
        rounds: { type: 'string', default: '2' },
        'read-concurrency': { type: 'string' },
        ...TOPOLOGY_ARGS,
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
  const problems: string[] = [];
  const mutations = Number(values.mutations);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(mutations) || mutations <= 0) problems.push(`--mutations must be a positive integer, got ${JSON.stringify(values.mutations)}`);
  if (!Number.isInteger(rounds) || rounds <= 0) problems.push(`--rounds must be a positive integer, got ${JSON.stringify(values.rounds)}`);
  const readConcurrency = values['read-concurrency'] === undefined ? undefined : Number(values['read-concurrency']);
  if (readConcurrency !== undefined && !(Number.isInteger(readConcurrency) && readConcurrency > 0)) problems.push(`--read-concurrency must be a positive integer, got ${JSON.stringify(values['read-concurrency'])}`);
  const topology = topologyOptions(values, problems);
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return { mutations, rounds, readConcurrency, ...topology, help: values.help };
}

const progress = progressLog('bench:full-image');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The rows, written as a service would: `WRITES_IN_FLIGHT` at a time at LOCAL_QUORUM. */
async function writeRows(cassandra: CassandraConnection, mutations: number): Promise<number> {
  await cassandra.execute(`CREATE KEYSPACE IF NOT EXISTS ${KEYSPACE} WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 1, 'dc2': 1}`);
  await cassandra.execute(`CREATE TABLE IF NOT EXISTS ${KEYSPACE}.${TABLE} (id int PRIMARY KEY, payload text)`);
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: WRITES_IN_FLIGHT }, async () => {
      for (let id = next++; id < mutations; id = next++) await cassandra.execute(`INSERT INTO ${KEYSPACE}.${TABLE} (id, payload) VALUES (?, ?)`, [id, `${id} ${PAYLOAD}`.slice(0, 100)], 'LOCAL_QUORUM');
    }),
  );
  return mutations / ((performance.now() - start) / 1000);
}

/** Each row's INSERT as the raw events of two replicas (as bench/pipeline makes them), in produce requests. */
async function fillRawTopic(kafka: KafkaConnection, topic: string, mutations: number): Promise<void> {
  const tableId = randomUUID();
  const startUs = BigInt(Date.now()) * 1000n;
  const producer = await kafka.producer();
  try {
    let request: OutgoingRecord[] = [];
    let bytes = 0;
    for (let id = 0; id < mutations; id++) {
      const timestamp = (startUs + BigInt(id)).toString();
      const content = {
        keyspace: KEYSPACE,
        table: TABLE,
        tableId,
        key: { id },
        partitionDeletion: null,
        staticRow: null,
        rows: [{ clustering: {}, liveness: { timestamp }, deletion: null, cells: { payload: { value: `${id} ${PAYLOAD}`.slice(0, 100), timestamp } } }],
        rangeTombstones: [],
      };
      const digest = createHash('sha256').update(JSON.stringify(content)).digest('hex');
      const key = rawMutationKey(KEYSPACE, TABLE, content.key);
      for (const [r, node] of REPLICAS.entries()) {
        const segment = `CommitLog-8-${r}.log`;
        const update: PartitionUpdate = { segment, position: 32 + id * 200, ...content };
        const event: RawMutationEvent<PartitionUpdate> = { version: RAW_MUTATION_VERSION, dc: 'dc1', node, segment, position: update.position, digest, update };
        const value = JSON.stringify(event);
        if (request.length > 0 && bytes + value.length > MAX_REQUEST_BYTES) {
          await producer.send(topic, request);
          request = [];
          bytes = 0;
        }
        request.push({ key, value, headers: { [DIGEST_HEADER]: digest } });
        bytes += key.length + value.length;
      }
    }
    if (request.length > 0) await producer.send(topic, request);
  } finally {
    await producer.close();
  }
}

interface DeduperRun {
  readonly image: 'delta' | 'full';
  readonly seconds: number;
  readonly mutationsPerSecond: number;
  /** From the first event out to the last: the rate with start-up left out. */
  readonly steadyMutationsPerSecond: number;
  readonly process: ProcessUsage;
  readonly images: { readonly full: number; readonly notFound: number; readonly readFailed: number };
  readonly read: HistogramSummary;
  readonly logProblems: readonly string[];
}

async function runDeduper(endpoints: TopologyEndpoints, kafka: KafkaConnection, rawTopic: string, options: Options, image: 'delta' | 'full', cleanup: Cleanup): Promise<DeduperRun> {
  const { mutations } = options;
  const configTopic = uniqueName('bench_config');
  await kafka.createTopics([{ topic: configTopic, partitions: 1, compacted: true }]);
  const destination = destinationSchema.parse({ name: 'bench', topic: uniqueName('bench_destination') });
  const channel = channelSchema.parse({ name: 'bench-rows', keyspace: KEYSPACE, table: TABLE, destination: 'bench', image });
  const writer = await kafka.producer();
  await writer.send(configTopic, [
    { key: configKey('destination', destination.name), value: JSON.stringify(destination) },
    { key: configKey('channel', channel.name), value: JSON.stringify(channel) },
  ]);
  await writer.close();

  const instance = serviceInstances(endpoints, 'dc1', PORT_OFFSET).find((s) => s.service === 'deduper');
  if (!instance) throw new Error('no deduper instance for dc1');
  const env = {
    MERIDIAN_RAW_TOPIC: rawTopic,
    MERIDIAN_MUTATIONS_TOPIC: uniqueName('bench_mutations'),
    MERIDIAN_DEDUP_CHANGELOG_TOPIC: uniqueName('bench_changelog'),
    MERIDIAN_DEDUPER_GROUP: uniqueName('bench_deduper'),
    MERIDIAN_DEAD_LETTER_TOPIC: uniqueName('bench_dead'),
    MERIDIAN_CONFIG_TOPIC: configTopic,
    ...(options.readConcurrency !== undefined ? { MERIDIAN_IMAGE_READ_CONCURRENCY: String(options.readConcurrency) } : {}),
  };
  const startMs = performance.now();
  const deduper = await startService({ ...instance, env: { ...instance.env, ...env } }, join(endpoints.workdir, 'services'));
  cleanup.add(`stopping the ${image} deduper`, () => deduper.stop());
  if (deduper.process.pid === undefined) throw new Error(`the deduper did not start; see ${deduper.logFile}`);
  const sampler = new ProcessSampler(deduper.process.pid);
  sampler.start();
  await waitHealthy(deduper, 60_000);
  let firstMs: number | undefined;
  let last = MetricsSnapshot.parse('');
  for (;;) {
    if (performance.now() - startMs > RUN_TIMEOUT_MS) throw new Error(`the ${image} deduper passed ${last.value('meridian_deduper_events_out_total')} of ${mutations} in ${RUN_TIMEOUT_MS / 1000} s; see ${deduper.logFile}`);
    last = await scrapeMetrics(deduper.instance.httpPort).catch(() => last);
    const out = last.value('meridian_deduper_events_out_total');
    if (out > 0) firstMs ??= performance.now();
    if (out >= mutations) break;
    await sleep(50);
  }
  const endMs = performance.now();
  const usage = sampler.stop();
  await deduper.stop();
  const images = (status: string) => last.value('meridian_deduper_image_reads_total', { status });
  return {
    image,
    seconds: (endMs - startMs) / 1000,
    mutationsPerSecond: mutations / ((endMs - startMs) / 1000),
    steadyMutationsPerSecond: firstMs !== undefined && endMs > firstMs ? mutations / ((endMs - firstMs) / 1000) : Number.NaN,
    process: usage,
    images: { full: images('full'), notFound: images('not_found'), readFailed: images('read_failed') },
    read: histogramBetween(undefined, last.histogram('meridian_deduper_image_read_seconds')),
    logProblems: logProblems(deduper.logFile),
  };
}

async function run(options: Options, cleanup: Cleanup): Promise<void> {
  const machine = await describeMachine();
  const { endpoints, started } = await openTopology('bench-full-image', ['kafka-dc1', 'dc1-n1'], options, cleanup, progress);
  const broker = endpoints.kafka.find((k) => k.dc === 'dc1');
  const node = endpoints.cassandra.find((n) => n.dc === 'dc1');
  if (!broker || !node) throw new Error('the topology has no Kafka or Cassandra node in dc1');
  const kafka = new KafkaConnection({ brokers: [broker.bootstrap], clientId: 'bench-full-image' });
  cleanup.add('closing the Kafka connection', () => kafka.close());
  const cassandra = new CassandraConnection({ contactPoints: [`${node.cql.host}:${node.cql.port}`], localDataCenter: 'dc1' });
  cleanup.add('closing the Cassandra connection', () => cassandra.close());

  progress(`writing ${options.mutations} rows to ${KEYSPACE}.${TABLE}`);
  const writesPerSecond = await writeRows(cassandra, options.mutations);
  const rawTopic = uniqueName('bench_raw');
  await kafka.createTopics([{ topic: rawTopic, partitions: RAW_PARTITIONS, maxMessageBytes: RAW_TOPIC_MAX_MESSAGE_BYTES }]);
  progress(`${writesPerSecond.toFixed(0)} writes/s; filling ${rawTopic} with ${options.mutations * REPLICAS.length} raw events`);
  await fillRawTopic(kafka, rawTopic, options.mutations);

  const runs: DeduperRun[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    for (const image of ['delta', 'full'] as const) {
      const result = await runDeduper(endpoints, kafka, rawTopic, options, image, cleanup);
      progress(
        `round ${round}, ${image}: ${result.mutationsPerSecond.toFixed(0)} mutations/s (steady ${result.steadyMutationsPerSecond.toFixed(0)}), ${result.process.cores.toFixed(2)} cores` +
          (image === 'full' ? `; reads ${result.read.count}, mean ${result.read.meanMs.toFixed(2)} ms, p50 <= ${result.read.p50AtMostMs} ms, p99 <= ${result.read.p99AtMostMs} ms` : ''),
      );
      runs.push(result);
    }
  }
  const mean = (image: string, figure: (r: DeduperRun) => number) => {
    const of = runs.filter((r) => r.image === image).map(figure);
    return of.reduce((a, b) => a + b, 0) / of.length;
  };
  const summary = {
    deltaMutationsPerSecond: mean('delta', (r) => r.mutationsPerSecond),
    fullMutationsPerSecond: mean('full', (r) => r.mutationsPerSecond),
    deltaSteadyMutationsPerSecond: mean('delta', (r) => r.steadyMutationsPerSecond),
    fullSteadyMutationsPerSecond: mean('full', (r) => r.steadyMutationsPerSecond),
    fullReadMeanMs: mean('full', (r) => r.read.meanMs),
  };
  const ratio = summary.fullSteadyMutationsPerSecond / summary.deltaSteadyMutationsPerSecond;
  process.stdout.write(
    `deduper, ${options.mutations} mutations (two copies each), ${options.rounds} round(s): delta ${summary.deltaMutationsPerSecond.toFixed(0)} mutations/s (steady ${summary.deltaSteadyMutationsPerSecond.toFixed(0)}), ` +
      `full ${summary.fullMutationsPerSecond.toFixed(0)} (steady ${summary.fullSteadyMutationsPerSecond.toFixed(0)}); full/delta steady = ${ratio.toFixed(2)}; mean read ${summary.fullReadMeanMs.toFixed(2)} ms\n`,
  );
  writeResults('full-image.json', {
    date: new Date().toISOString(),
    machine: machineAtEnd(machine),
    versions: { kafka: endpoints.kafkaVersion, cassandra: endpoints.cassandraVersion, node: process.version },
    options: { ...options, replicas: REPLICAS, rawPartitions: RAW_PARTITIONS, payloadBytes: PAYLOAD.length, writesInFlight: WRITES_IN_FLIGHT },
    topology: { driver: endpoints.driver, startedByThisRun: started, dc1Nodes: endpoints.cassandra.filter((n) => n.dc === 'dc1').length },
    writesPerSecond,
    runs,
    summary: { ...summary, fullOverDeltaSteady: ratio },
    notes: [
      'seconds: from spawning the deduper (start-up included) until its meridian_deduper_events_out_total reached the mutations; steady: from its first event out',
      'read times: meridian_deduper_image_read_seconds; p50 and p99 are the upper bounds of the histogram buckets they fall in',
    ],
  });
}

runBenchmark({ name: 'bench:full-image', usage: USAGE, parse: parseOptions, missing: () => (existsSync(DEDUPER_MAIN) ? undefined : `${DEDUPER_MAIN} missing; build the services first: npx nx run-many -t build`), run }, progress);
