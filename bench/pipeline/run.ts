/**
 * bench/pipeline: the deduper and the publisher together, raw topic to destination topic,
 * against a ceiling measured in the same run: a plain consume-and-produce pass-through with
 * the same Kafka client and the same transactions, doing no work on the records.
 *
 *   npm run bench:pipeline [-- --events 200000] [-- --workdir DIR] [-- --keep-workdir]
 *
 * 1. A local topology in a fresh temporary workdir (or the running one in --workdir).
 * 2. A raw topic (6 partitions) filled without Cassandra: --events raw mutation events as a
 *    cdc-reader writes them, every mutation twice (from dc1-n1 and dc1-n2, same digest),
 *    interleaved, each one row with liveness and a ~100-byte text cell. A fresh
 *    configuration topic gets a destination and a channel for the table.
 * 3. Pipeline: the built deduper and publisher start on fresh topics and groups; timed from
 *    their start until a read_committed consumer has seen events/2 change events on the
 *    destination topic. Their CPU and RSS come from /proc, their figures from /metrics.
 * 4. Pass-through: a consumer group on the same raw topic that, per batch and in one
 *    transaction of a producer with a transactional id per partition (as the deduper has),
 *    produces every record unchanged to a fresh topic and commits the batch's offsets. It
 *    runs once before the pipeline and once after, and the ratio takes their mean: the
 *    machine may be shared, and its load drift then weighs on both sides alike.
 * 5. Dedup memory: a child process with --expose-gc fills a DedupWindow with 1,000,000 random
 *    digests and reports the heap it holds, next to the deduper's 110 B/entry estimate.
 *
 * Goal checked: pipeline mutations/s >= 0.7 x pass-through mutations/s (both count events/2
 * mutations), each from its first output to its last; the ratio with the pipeline's
 * start-up counted in is reported beside it. Results go to bench/results/pipeline.json.
 */
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import type { PartitionUpdate } from '@meridian/commitlog';
import { channelSchema, configKey, destinationSchema, DIGEST_HEADER, RAW_MUTATION_VERSION, type RawMutationEvent, rawMutationKey, errorMessage } from '@meridian/contracts';
import { type RunningService, serviceInstances, startService, type TopologyEndpoints, waitHealthy } from '@meridian/infra';
import { type ConsumedRecord, KafkaConnection, type OutgoingRecord, TransactionalStage } from '@meridian/kafka';
import { uniqueName } from '@meridian/testing';
import { progressLog } from '../support/log';
import { describeMachine, machineAtEnd } from '../support/machine';
import { NO_USAGE, ProcessSampler, type ProcessUsage } from '../support/process-sampling';
import { MAX_REQUEST_BYTES, RAW_PARTITIONS, RAW_TOPIC_MAX_MESSAGE_BYTES } from '../support/raw-topic';
import { writeResults } from '../support/results';
import { logProblems } from '../support/service-log';
import { TopicFollower } from '../support/topic-follower';
import { runBenchmark, usageErrorOf, UsageError } from '../support/command';
import { scrapeMetrics } from '../support/service-metrics';
import { type Cleanup, openTopology, TOPOLOGY_ARGS, TOPOLOGY_USAGE, topologyOptions, type TopologyOptions, topologyProcessIds } from '../support/topology';
import type { DedupMemory } from './dedup-memory';

const ROOT = resolve(__dirname, '..', '..');
const DEDUPER_MAIN = join(ROOT, 'apps', 'deduper', 'dist', 'main.js');
const PUBLISHER_MAIN = join(ROOT, 'apps', 'publisher', 'dist', 'main.js');
const DEDUP_MEMORY = join(__dirname, 'dedup-memory.ts');
/** The services' HTTP ports (8082, 8083 by default) moved clear of a demo's (80xx), an e2e suite's (100xx-12xxx) and bench:reader's (110xx). */
const PORT_OFFSET = 5000;
/** Producers filling the raw topic side by side: each has one request in flight (idempotence). */
const LOAD_PRODUCERS = 4;
/** As the publisher creates destination topics (MERIDIAN_DESTINATION_PARTITIONS). */
const DESTINATION_PARTITIONS = 6;
const REPLICAS = ['dc1-n1', 'dc1-n2'] as const;
const SAMPLE_MS = 250;
const PROGRESS_MS = 2000;
const RUN_TIMEOUT_MS = 900_000;
/** How long the destination is watched after the last expected event, so an extra one shows. */
const SETTLE_MS = 3000;
const RATIO_GOAL = 0.7;
const MEMORY_KEYS = 1_000_000;
/** The deduper's own estimate (apps/deduper/src/dedup/deduper.service.ts). */
const BYTES_PER_ENTRY_ESTIMATE = 110;
const PAYLOAD = 'meridian bench payload '.repeat(5).slice(0, 100);
const KEYSPACE = 'bench_pipeline';
const TABLE = 'rows';

const USAGE = `usage: npm run bench:pipeline [-- options]
  --events N         raw mutation events on the raw topic, two copies of each mutation (default 200000)
${TOPOLOGY_USAGE}
  --help`;

interface Options extends TopologyOptions {
  readonly events: number;
  readonly help: boolean;
}

function parseOptions(args: readonly string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      options: {
        events: { type: 'string', default: '200000' },
        ...TOPOLOGY_ARGS,
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw usageErrorOf(error);
  }
  const problems: string[] = [];
  const events = Number(values.events);
  if (!Number.isInteger(events) || events <= 0 || events % 2 !== 0) problems.push(`--events must be a positive even integer (two copies of each mutation), got ${JSON.stringify(values.events)}`);
  const topology = topologyOptions(values, problems);
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return { events, ...topology, help: values.help };
}

const progress = progressLog('bench:pipeline');

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- the raw load

interface Load {
  readonly events: number;
  readonly mutations: number;
  readonly bytes: number;
  readonly requests: number;
  readonly seconds: number;
}

/**
 * The raw events of `mutations` mutations, each as both replicas' readers would write it:
 * the same content (so the same digest) read at a different segment and position. Yielded
 * in produce requests of at most MAX_REQUEST_BYTES, built as they are asked for so the
 * whole load is never in memory at once.
 */
function* rawRequests(mutations: number): Generator<OutgoingRecord[]> {
  const tableId = randomUUID();
  const startUs = BigInt(Date.now()) * 1000n;
  const segments = REPLICAS.map((_, i) => `CommitLog-8-${Date.now() + i}.log`);
  const positions = REPLICAS.map(() => 32);
  let request: OutgoingRecord[] = [];
  let requestBytes = 0;
  for (let id = 0; id < mutations; id++) {
    const timestamp = (startUs + BigInt(id)).toString();
    // Key order as the decoder builds an update; the digest covers all but segment and position, as the reader's does.
    const content = {
      keyspace: KEYSPACE,
      table: TABLE,
      tableId,
      key: { id: String(id) },
      partitionDeletion: null,
      staticRow: null,
      rows: [{ clustering: {}, liveness: { timestamp }, deletion: null, cells: { payload: { value: `${id} ${PAYLOAD}`.slice(0, 100), timestamp } } }],
      rangeTombstones: [],
    };
    const json = JSON.stringify(content);
    const digest = createHash('sha256').update(json).digest('hex');
    const key = rawMutationKey(KEYSPACE, TABLE, content.key);
    for (let r = 0; r < REPLICAS.length; r++) {
      const segment = segments[r] ?? '';
      const position = positions[r] ?? 0;
      positions[r] = position + json.length + 40;
      const update: PartitionUpdate = { segment, position, ...content };
      const event: RawMutationEvent<PartitionUpdate> = { version: RAW_MUTATION_VERSION, dc: 'dc1', node: REPLICAS[r] ?? '', segment, position, digest, update };
      const value = JSON.stringify(event);
      const size = key.length + value.length;
      if (request.length > 0 && requestBytes + size > MAX_REQUEST_BYTES) {
        yield request;
        request = [];
        requestBytes = 0;
      }
      request.push({ key, value, headers: { [DIGEST_HEADER]: digest } });
      requestBytes += size;
    }
  }
  if (request.length > 0) yield request;
}

async function fillRawTopic(kafka: KafkaConnection, topic: string, events: number): Promise<Load> {
  const mutations = events / 2;
  const requests = rawRequests(mutations);
  const producers = await Promise.all(Array.from({ length: LOAD_PRODUCERS }, () => kafka.producer()));
  let sent = 0;
  let bytes = 0;
  let count = 0;
  const start = performance.now();
  const ticker = setInterval(() => progress(`load: ${sent} of ${events} raw events produced`), PROGRESS_MS);
  try {
    // Each producer takes the next request when its last one is acknowledged (generators are not re-entrant, but next() is synchronous).
    await Promise.all(
      producers.map(async (producer) => {
        for (let next = requests.next(); !next.done; next = requests.next()) {
          await producer.send(topic, next.value);
          sent += next.value.length;
          count++;
          for (const r of next.value) bytes += (r.key?.length ?? 0) + (r.value?.length ?? 0);
        }
      }),
    );
  } finally {
    clearInterval(ticker);
    await Promise.allSettled(producers.map((p) => p.close()));
  }
  if (sent !== events) throw new Error(`produced ${sent} raw events, not ${events}`);
  return { events, mutations, bytes, requests: count, seconds: (performance.now() - start) / 1000 };
}

/** A destination (its topic given) and a channel binding the bench table to it, as the coordinator writes them. */
async function writeConfiguration(kafka: KafkaConnection, configTopic: string, destinationName: string, topic: string): Promise<void> {
  await kafka.createTopics([{ topic: configTopic, partitions: 1, compacted: true }]);
  // Parsed by the schemas the publisher reads them with, so a field missing here fails here.
  const destination = destinationSchema.parse({ name: destinationName, topic, format: 'json' });
  const channelName = uniqueName('bench_channel');
  const channel = channelSchema.parse({ name: channelName, keyspace: KEYSPACE, table: TABLE, destination: destinationName, image: 'delta' });
  const producer = await kafka.producer();
  try {
    await producer.send(configTopic, [
      { key: configKey('destination', destinationName), value: JSON.stringify(destination) },
      { key: configKey('channel', channelName), value: JSON.stringify(channel) },
    ]);
  } finally {
    await producer.close();
  }
}

// ---------------------------------------------------------------- the services

/** A service's `meridian_*` figures from its /metrics (Prometheus text), by name with labels summed away. */
async function serviceFigures(service: RunningService): Promise<Map<string, number>> {
  return (await scrapeMetrics(service.instance.httpPort)).totals();
}

function exited(service: RunningService): string | undefined {
  const { exitCode, signalCode } = service.process;
  return exitCode !== null || signalCode !== null ? `${service.label} exited (${exitCode ?? signalCode ?? '?'}); see ${service.logFile}` : undefined;
}

// ---------------------------------------------------------------- counting the output

/**
 * Counts what a topic holds, as a read_committed consumer sees it: records, and distinct
 * keys (one per mutation: a key seen twice is a duplicate).
 */
class TopicCounter {
  records = 0;
  firstAtMs: number | undefined;
  lastAtMs: number | undefined;
  private readonly keys = new Set<string>();
  private readonly follower: TopicFollower;

  constructor(kafka: KafkaConnection, topic: string) {
    this.follower = new TopicFollower(kafka, topic, 'bench_count', 'read_committed', (records) => {
      this.take(records);
    });
  }

  get distinct(): number {
    return this.keys.size;
  }

  start(): Promise<void> {
    return this.follower.start();
  }

  stop(): Promise<void> {
    return this.follower.stop();
  }

  private take(records: readonly ConsumedRecord[]): void {
    if (records.length === 0) return;
    const now = performance.now();
    for (const record of records) this.keys.add(record.key?.toString() ?? '');
    this.records += records.length;
    this.firstAtMs ??= now;
    this.lastAtMs = now;
  }
}

// ---------------------------------------------------------------- 3. the pipeline

interface ServiceRun {
  readonly process: ProcessUsage;
  readonly healthyAfterMs: number | undefined;
  /** When its output count first reached the mutations (from its /metrics), after the services' start. */
  readonly doneAfterMs: number | undefined;
  readonly figures: Record<string, number>;
  readonly logProblems: readonly string[];
  readonly logFile: string;
}

interface PipelineRun {
  readonly mutations: number;
  readonly seconds: number;
  /** Distinct mutations delivered per second, raw to destination, from the services' start. */
  readonly mutationsPerSecond: number;
  readonly firstDeliveryAfterMs: number;
  /** From the first delivery to the last: the rate once both services are running. */
  readonly steadyMutationsPerSecond: number;
  readonly delivered: { readonly records: number; readonly distinctKeys: number; readonly expected: number; readonly exact: boolean };
  readonly deduper: ServiceRun & { readonly windowEntries: number; readonly windowBytesEstimate: number };
  readonly publisher: ServiceRun;
  /** The dc1 Kafka broker's JVM over the same time (undefined when its process was not found). */
  readonly broker: ProcessUsage | undefined;
  /** This process (the destination consumer and the polling) over the same time. */
  readonly bench: ProcessUsage | undefined;
  readonly topics: Readonly<Record<string, string>>;
  /** The machine's 1-minute load average when the last event arrived. */
  readonly loadAverage: number;
}

async function runPipeline(kafka: KafkaConnection, endpoints: TopologyEndpoints, rawTopic: string, events: number, cleanup: Cleanup): Promise<PipelineRun> {
  const mutations = events / 2;
  const topics = {
    raw: rawTopic,
    mutations: uniqueName('bench_mutations'),
    changelog: uniqueName('bench_changelog'),
    deduperGroup: uniqueName('bench_deduper'),
    deduperDeadLetters: uniqueName('bench_deduper_dead'),
    config: uniqueName('bench_config'),
    publisherGroup: uniqueName('bench_publisher'),
    publisherDeadLetters: uniqueName('bench_publisher_dead'),
    destination: uniqueName('bench_destination'),
  };
  const destinationName = uniqueName('bench_dest');
  await writeConfiguration(kafka, topics.config, destinationName, topics.destination);
  // Created here with the publisher's partition count, so the counting consumer's subscription cannot auto-create it.
  await kafka.createTopics([{ topic: topics.destination, partitions: DESTINATION_PARTITIONS }]);
  const counter = new TopicCounter(kafka, topics.destination);
  await counter.start();
  cleanup.add('stopping the destination consumer', () => counter.stop());

  const instances = serviceInstances(endpoints, 'dc1', PORT_OFFSET);
  const deduperInstance = instances.find((s) => s.service === 'deduper');
  const publisherInstance = instances.find((s) => s.service === 'publisher');
  if (!deduperInstance || !publisherInstance) throw new Error('no deduper or publisher instance for dc1');
  const logDir = join(endpoints.workdir, 'services');
  progress(`pipeline: starting the deduper (${rawTopic} -> ${topics.mutations}) and the publisher (-> ${topics.destination}); ${mutations} mutations to deliver`);
  const startMs = performance.now();
  const deduper = await startService(
    {
      ...deduperInstance,
      env: {
        ...deduperInstance.env,
        MERIDIAN_RAW_TOPIC: rawTopic,
        MERIDIAN_MUTATIONS_TOPIC: topics.mutations,
        MERIDIAN_DEDUP_CHANGELOG_TOPIC: topics.changelog,
        MERIDIAN_DEDUPER_GROUP: topics.deduperGroup,
        MERIDIAN_DEAD_LETTER_TOPIC: topics.deduperDeadLetters,
      },
    },
    logDir,
  );
  cleanup.add('stopping the deduper', () => deduper.stop());
  const publisher = await startService(
    {
      ...publisherInstance,
      env: {
        ...publisherInstance.env,
        MERIDIAN_CONFIG_TOPIC: topics.config,
        MERIDIAN_MUTATIONS_TOPIC: topics.mutations,
        MERIDIAN_PUBLISHER_GROUP: topics.publisherGroup,
        MERIDIAN_DEAD_LETTER_TOPIC: topics.publisherDeadLetters,
      },
    },
    logDir,
  );
  cleanup.add('stopping the publisher', () => publisher.stop());
  const services = [deduper, publisher];
  const samplers = services.map((s) => {
    if (s.process.pid === undefined) throw new Error(`${s.label} did not start; see ${s.logFile}`);
    const sampler = new ProcessSampler(s.process.pid);
    sampler.start();
    return sampler;
  });
  // The broker and this process share the machine with the services: their CPU shows whether they are what is saturated.
  const brokerPid = topologyProcessIds(endpoints).get('kafka-dc1');
  const brokerSampler = brokerPid === undefined ? undefined : new ProcessSampler(brokerPid);
  brokerSampler?.start();
  const benchCpu = new ProcessSampler(process.pid);
  benchCpu.start();
  const healthyAfterMs: (number | undefined)[] = [undefined, undefined];
  // Handled at once, so a service that dies early is reported by the wait below, not as an unhandled rejection.
  let unhealthy: Error | undefined;
  const healthy = services.map((s, i) =>
    waitHealthy(s, 60_000).then(
      () => {
        healthyAfterMs[i] = performance.now() - startMs;
      },
      (error: unknown) => {
        unhealthy = error instanceof Error ? error : new Error(String(error));
      },
    ),
  );

  // Each service's own count, polled to see when each stage was done: where the time goes.
  const doneAfterMs: (number | undefined)[] = [undefined, undefined];
  const outputFigure = ['meridian_deduper_events_out_total', 'meridian_publisher_events_total'];
  const lastFigures = [new Map<string, number>(), new Map<string, number>()];
  const watching = new AbortController();
  const watch = (async () => {
    while (!watching.signal.aborted) {
      await Promise.all(
        services.map(async (s, i) => {
          const figures = await serviceFigures(s).catch(() => undefined);
          if (!figures) return;
          lastFigures[i] = figures;
          if (doneAfterMs[i] === undefined && (figures.get(outputFigure[i] ?? '') ?? 0) >= mutations) doneAfterMs[i] = performance.now() - startMs;
        }),
      );
      await sleep(SAMPLE_MS);
    }
  })();

  const deadline = Date.now() + RUN_TIMEOUT_MS;
  let nextProgress = Date.now() + PROGRESS_MS;
  let endMs = Number.NaN;
  let loadAverage = Number.NaN;
  let usage: ProcessUsage[] = [];
  let brokerUsage: ProcessUsage | undefined;
  let benchUsage: ProcessUsage | undefined;
  const state = () => {
    const [d, p] = lastFigures;
    return `destination ${counter.records} of ${mutations}; deduper in ${d?.get('meridian_deduper_records_in_total') ?? 0}, out ${d?.get('meridian_deduper_events_out_total') ?? 0}; publisher out ${p?.get('meridian_publisher_events_total') ?? 0}`;
  };
  try {
    while (counter.records < mutations) {
      const died = services.map(exited).find((e) => e !== undefined);
      if (died !== undefined) throw new Error(`${died} while waiting for the destination (${state()})`);
      if (unhealthy !== undefined) throw unhealthy;
      if (Date.now() > deadline) throw new Error(`timed out after ${RUN_TIMEOUT_MS / 1000} s waiting for the destination (${state()}); see ${deduper.logFile} and ${publisher.logFile}`);
      if (Date.now() >= nextProgress) {
        progress(`pipeline: ${state()}`);
        nextProgress += PROGRESS_MS;
      }
      await sleep(20);
    }
    endMs = counter.lastAtMs ?? performance.now();
    loadAverage = loadavg()[0] ?? Number.NaN;
    usage = samplers.map((s) => s.stop());
    brokerUsage = brokerSampler?.stop();
    benchUsage = benchCpu.stop();
    await Promise.all(healthy);
    progress(`pipeline: ${counter.records} events on the destination after ${((endMs - startMs) / 1000).toFixed(1)} s; watching ${SETTLE_MS / 1000} s more for extra ones`);
    // Still watching the services' figures: the publisher's count may reach the total only after its consumer saw it.
    await sleep(SETTLE_MS);
  } finally {
    watching.abort();
    await watch;
  }
  const [deduperFigures, publisherFigures] = await Promise.all([serviceFigures(deduper), serviceFigures(publisher)]);
  await counter.stop();
  // Stopped before the pass-through, so that has the machine to itself.
  await Promise.all(services.map((s) => s.stop()));

  const seconds = (endMs - startMs) / 1000;
  const firstMs = counter.firstAtMs ?? endMs;
  const delivered = { records: counter.records, distinctKeys: counter.distinct, expected: mutations, exact: counter.records === mutations && counter.distinct === mutations };
  const serviceRun = (i: number, figures: Map<string, number>): ServiceRun => {
    const service = services[i];
    if (!service) throw new Error(`no service ${i}`);
    return {
      process: usage[i] ?? NO_USAGE,
      healthyAfterMs: healthyAfterMs[i],
      doneAfterMs: doneAfterMs[i],
      figures: Object.fromEntries(figures),
      logProblems: logProblems(service.logFile),
      logFile: service.logFile,
    };
  };
  return {
    mutations,
    seconds,
    mutationsPerSecond: mutations / seconds,
    firstDeliveryAfterMs: firstMs - startMs,
    steadyMutationsPerSecond: endMs > firstMs ? mutations / ((endMs - firstMs) / 1000) : Number.NaN,
    delivered,
    deduper: {
      ...serviceRun(0, deduperFigures),
      windowEntries: deduperFigures.get('meridian_deduper_window_entries') ?? Number.NaN,
      windowBytesEstimate: deduperFigures.get('meridian_deduper_window_bytes_estimate') ?? Number.NaN,
    },
    publisher: serviceRun(1, publisherFigures),
    broker: brokerUsage,
    bench: benchUsage,
    topics,
    loadAverage,
  };
}

// ---------------------------------------------------------------- 4. the pass-through ceiling

interface PassThrough {
  /** Before or after the pipeline. */
  readonly when: string;
  readonly records: number;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  /** events/2 over the same time: compares with the pipeline's mutations/s. */
  readonly mutationsPerSecond: number;
  readonly firstCommitAfterMs: number;
  readonly steadyRecordsPerSecond: number;
  readonly batches: number;
  readonly failedTransactions: number;
  /** The machine's 1-minute load average at the end: a shared machine's load moves the figures. */
  readonly loadAverage: number;
}

/**
 * Consume, produce unchanged, commit offsets in the transaction, a transaction per batch
 * and partitions handled side by side, through the same TransactionalStage as the deduper:
 * its Kafka work with none of its own (no window, no changelog), so its ceiling on this
 * machine.
 */
async function passThrough(kafka: KafkaConnection, rawTopic: string, events: number, when: string): Promise<PassThrough> {
  const output = uniqueName('bench_passthrough');
  const groupId = uniqueName('bench_passthrough');
  await kafka.createTopics([{ topic: output, partitions: RAW_PARTITIONS, maxMessageBytes: RAW_TOPIC_MAX_MESSAGE_BYTES }]);
  let committed = 0;
  let batches = 0;
  let failedTransactions = 0;
  let firstMs: number | undefined;
  let lastMs: number | undefined;
  progress(`pass-through ${when}: ${rawTopic} -> ${output}, one transaction per batch`);
  const startMs = performance.now();
  // The deduper's and the publisher's own stage, every partition at once as they handle them by default.
  const stage = new TransactionalStage(kafka, {
    groupId,
    input: rawTopic,
    concurrentPartitions: RAW_PARTITIONS,
    writesTo: [output],
    transform: (batch) => Promise.resolve({ records: [{ topic: output, records: batch.records.map((r) => ({ key: r.key, value: r.value })) }], deadLetters: [] }),
    committed: (batch) => {
      committed += batch.records.length;
      batches++;
      lastMs = performance.now();
      firstMs ??= lastMs;
    },
    failed: () => {
      failedTransactions++;
    },
    log: { log: () => undefined, warn: (line) => progress(`pass-through ${when}: ${line}`), error: (line) => progress(`pass-through ${when}: ${line}`) },
  });
  await stage.start();
  try {
    const deadline = Date.now() + RUN_TIMEOUT_MS;
    let nextProgress = Date.now() + PROGRESS_MS;
    while (committed < events) {
      if (Date.now() > deadline) throw new Error(`pass-through timed out after ${RUN_TIMEOUT_MS / 1000} s: ${committed} of ${events} records committed`);
      if (Date.now() >= nextProgress) {
        progress(`pass-through ${when}: ${committed} of ${events} records committed in ${batches} transactions`);
        nextProgress += PROGRESS_MS;
      }
      await sleep(20);
    }
  } finally {
    await stage.stop();
  }
  const endMs = lastMs ?? performance.now();
  const seconds = (endMs - startMs) / 1000;
  const first = firstMs ?? endMs;
  return {
    when,
    records: committed,
    seconds,
    recordsPerSecond: committed / seconds,
    mutationsPerSecond: events / 2 / seconds,
    firstCommitAfterMs: first - startMs,
    steadyRecordsPerSecond: endMs > first ? committed / ((endMs - first) / 1000) : Number.NaN,
    batches,
    failedTransactions,
    loadAverage: loadavg()[0] ?? Number.NaN,
  };
}

// ---------------------------------------------------------------- 5. dedup memory

/** Run apart with --expose-gc, so the heap it measures holds the window and little else. */
async function dedupMemory(): Promise<DedupMemory | { error: string }> {
  progress(`dedup memory: filling a DedupWindow with ${MEMORY_KEYS} digests in a child process`);
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--conditions=@meridian/source', '--import', 'tsx', DEDUP_MEMORY, String(MEMORY_KEYS)], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
    return JSON.parse(stdout) as DedupMemory;
  } catch (error) {
    return { error: errorMessage(error) };
  }
}

// ---------------------------------------------------------------- the run

async function run(options: Options, cleanup: Cleanup): Promise<void> {
  const machine = await describeMachine();
  // First, on a quiet machine: it needs no topology.
  const memory = await dedupMemory();
  if ('error' in memory) progress(`dedup memory: failed: ${memory.error}`);
  else progress(`dedup memory: ${memory.mibPerMillionKeys.toFixed(1)} MiB per million keys (${memory.bytesPerEntry.toFixed(0)} B/entry)`);

  const topology = await openTopology('bench-pipeline', ['kafka-dc1'], options, cleanup, progress);
  const { endpoints } = topology;
  const broker = endpoints.kafka.find((k) => k.dc === 'dc1');
  if (!broker) throw new Error('the topology has no Kafka in dc1');
  const kafka = new KafkaConnection({ brokers: [broker.bootstrap], clientId: 'bench-pipeline' });
  cleanup.add('closing the Kafka connection', () => kafka.close());

  // The first group and the first transaction on a fresh broker create its offsets and
  // transaction state topics, seconds of work that no timed phase should pay.
  const warmUpTopic = uniqueName('bench_warm_up');
  await kafka.createTopics([{ topic: warmUpTopic, partitions: 1 }]);
  await fillRawTopic(kafka, warmUpTopic, 2);
  await passThrough(kafka, warmUpTopic, 2, 'warm-up');

  // 2. The raw topic, as the cdc-readers of two replicas would have filled it.
  const rawTopic = uniqueName('bench_raw');
  await kafka.createTopics([{ topic: rawTopic, partitions: RAW_PARTITIONS, maxMessageBytes: RAW_TOPIC_MAX_MESSAGE_BYTES }]);
  progress(`load: producing ${options.events} raw events (${options.events / 2} mutations x ${REPLICAS.length} replicas) to ${rawTopic}`);
  const load = await fillRawTopic(kafka, rawTopic, options.events);
  progress(`load: ${(load.bytes / 2 ** 20).toFixed(1)} MiB in ${load.requests} requests, ${load.seconds.toFixed(1)} s`);

  // 3. and 4. The pipeline between two runs of the ceiling: the machine is shared, and the
  // mean of the two is fairer to the pipeline between them than either alone.
  const ceilings: PassThrough[] = [];
  const ceilingRun = async (when: string) => {
    const ceiling = await passThrough(kafka, rawTopic, options.events, when);
    progress(`pass-through ${when}: ${ceiling.recordsPerSecond.toFixed(0)} records/s = ${ceiling.mutationsPerSecond.toFixed(0)} mutations/s`);
    ceilings.push(ceiling);
  };
  await ceilingRun('before');
  const pipeline = await runPipeline(kafka, endpoints, rawTopic, options.events, cleanup);
  progress(`pipeline: ${pipeline.mutationsPerSecond.toFixed(0)} mutations/s`);
  await ceilingRun('after');
  const ceilingMutationsPerSecond = ceilings.reduce((sum, c) => sum + c.mutationsPerSecond, 0) / ceilings.length;

  // 6. Report. Throughput is compared once both sides run (first output to last): the
  // pipeline's start-up (two processes booting, joining groups, finding the topics) is
  // reported apart, with the ratio it would give counted in.
  const ceilingSteadyMutationsPerSecond = ceilings.reduce((sum, c) => sum + c.steadyRecordsPerSecond / 2, 0) / ceilings.length;
  const ratio = pipeline.steadyMutationsPerSecond / ceilingSteadyMutationsPerSecond;
  const ratioWithStartUp = pipeline.mutationsPerSecond / ceilingMutationsPerSecond;
  const goals = { ratioAtLeast: RATIO_GOAL, ratioMet: ratio >= RATIO_GOAL, deliveredExactlyOnce: pipeline.delivered.exact };
  printReport({ options, endpoints, load, pipeline, ceilings, ceilingMutationsPerSecond, ceilingSteadyMutationsPerSecond, ratio, ratioWithStartUp, goals, memory });
  writeResults('pipeline.json', {
    date: new Date().toISOString(),
    machine: machineAtEnd(machine),
    versions: { kafka: endpoints.kafkaVersion, cassandra: endpoints.cassandraVersion, node: process.version },
    options: { ...options, mutations: options.events / 2, replicas: REPLICAS, rawPartitions: RAW_PARTITIONS, payloadBytes: PAYLOAD.length, maxRequestBytes: MAX_REQUEST_BYTES, portOffset: PORT_OFFSET },
    topology: { driver: endpoints.driver, startedByThisRun: topology.started },
    load,
    pipeline,
    passThrough: { runs: ceilings, mutationsPerSecond: ceilingMutationsPerSecond, steadyMutationsPerSecond: ceilingSteadyMutationsPerSecond },
    ratio,
    ratioWithStartUp,
    goals,
    dedupMemory: { ...memory, estimateBytesPerEntry: BYTES_PER_ENTRY_ESTIMATE, estimateMiBPerMillionKeys: (BYTES_PER_ENTRY_ESTIMATE * 1e6) / 2 ** 20 },
    notes: [
      "pipeline: from spawning both services (their start-up included) until a read_committed consumer has seen events/2 change events on the destination topic",
      'passThrough: from joining the consumer group until the last transaction committed, run once before and once after the pipeline; mutationsPerSecond = (events/2) / seconds, to compare with the pipeline; the ratio uses the mean of the two',
      'steady figures: from the first output to the last, start-up excluded',
      'ratio: pipeline steady mutations/s over the mean of the pass-through runs\' steady mutations/s; ratioWithStartUp: the same with the whole-run figures, the pipeline\'s start-up counted in',
      "dedupMemory: V8 heapUsed after minus before filling one DedupWindow (after gc), in a child process run with --expose-gc",
    ],
  });
}

interface Report {
  readonly options: Options;
  readonly endpoints: TopologyEndpoints;
  readonly load: Load;
  readonly pipeline: PipelineRun;
  readonly ceilings: readonly PassThrough[];
  readonly ceilingMutationsPerSecond: number;
  readonly ceilingSteadyMutationsPerSecond: number;
  readonly ratio: number;
  readonly ratioWithStartUp: number;
  readonly goals: { ratioMet: boolean; deliveredExactlyOnce: boolean };
  readonly memory: DedupMemory | { error: string };
}

function printReport(r: Report): void {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  const n = (x: number | undefined, digits = 0) => (x === undefined ? '?' : Number.isFinite(x) ? x.toFixed(digits) : String(x));
  const pass = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  const { pipeline: p, load } = r;
  const d = p.deduper.figures;
  out(`deduper + publisher on Kafka ${r.endpoints.kafkaVersion} (${r.endpoints.driver} driver), ${cpus().length} CPUs`);
  out(`load: ${load.events} raw events = ${load.mutations} mutations x ${REPLICAS.length} replicas, ${n(load.bytes / 2 ** 20, 1)} MiB on ${RAW_PARTITIONS} partitions`);
  out();
  const header = ['', 'records', 'seconds', 'records/s', 'mutations/s', 'steady/s', 'CPU cores', 'RSS MiB', 'load 1m'];
  const widths = [30, 9, 8, 10, 12, 9, 9, 11, 8];
  const row = (cells: readonly string[]) => out(cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[i] ?? 0))).join(' '));
  const usage = (u: ProcessUsage) => [n(u.cores, 2), `${n(u.rssMiBMean)}/${n(u.rssMiBPeak)}`];
  row(header);
  row(['pipeline, raw -> destination', String(p.delivered.records), n(p.seconds, 2), '', n(p.mutationsPerSecond), n(p.steadyMutationsPerSecond), '', '', n(p.loadAverage, 1)]);
  row(['  deduper', String(d['meridian_deduper_records_in_total'] ?? '?'), n((p.deduper.doneAfterMs ?? Number.NaN) / 1000, 2), '', '', '', ...usage(p.deduper.process)]);
  row(['  publisher', String(p.publisher.figures['meridian_publisher_events_total'] ?? '?'), n((p.publisher.doneAfterMs ?? Number.NaN) / 1000, 2), '', '', '', ...usage(p.publisher.process)]);
  if (p.broker) row(['  Kafka broker (JVM)', '', '', '', '', '', ...usage(p.broker)]);
  if (p.bench) row(['  this process (counting)', '', '', '', '', '', ...usage(p.bench)]);
  for (const c of r.ceilings) row([`pass-through, ${c.when}`, String(c.records), n(c.seconds, 2), n(c.recordsPerSecond), n(c.mutationsPerSecond), n(c.steadyRecordsPerSecond / 2), '', '', n(c.loadAverage, 1)]);
  row(['pass-through, mean', '', '', '', n(r.ceilingMutationsPerSecond), n(r.ceilingSteadyMutationsPerSecond), '', '']);
  out();
  out('seconds: from the services\' start (pipeline, and when each service\'s own /metrics count reached the mutations) or');
  out('from joining the group (pass-through); steady/s: mutations/s from the first output to the last. RSS: mean/peak.');
  out(`load 1m: the machine's load average at the end of the phase (${cpus().length} CPUs); the pass-through runs before and after the pipeline.`);
  out(`services healthy after: deduper ${n(p.deduper.healthyAfterMs)} ms, publisher ${n(p.publisher.healthyAfterMs)} ms; first delivery after ${n(p.firstDeliveryAfterMs)} ms; pass-through's first commit after ${r.ceilings.map((c) => n(c.firstCommitAfterMs)).join(' and ')} ms`);
  out(`deduper: ${d['meridian_deduper_records_in_total'] ?? '?'} in, ${d['meridian_deduper_events_out_total'] ?? '?'} out, ${d['meridian_deduper_duplicates_total'] ?? '?'} duplicates, ${d['meridian_deduper_dead_letters_total'] ?? '?'} dead letters; window ${n(p.deduper.windowEntries)} entries, estimate ${n(p.deduper.windowBytesEstimate / 2 ** 20, 1)} MiB`);
  for (const c of r.ceilings) out(`pass-through ${c.when}: ${c.batches} transactions (${n(c.records / Math.max(1, c.batches))} records each)${c.failedTransactions > 0 ? `, ${c.failedTransactions} failed` : ''}`);
  out();
  out(`ratio = pipeline / pass-through steady mutations/s = ${n(r.ratio, 2)}  (goal >= ${RATIO_GOAL})  ${pass(r.goals.ratioMet)}`);
  out(`        with the pipeline's start-up counted in: ${n(r.ratioWithStartUp, 2)} (first delivery ${n(p.firstDeliveryAfterMs)} ms after the services were spawned)`);
  if (r.goals.deliveredExactlyOnce) {
    out(`destination: exactly ${p.delivered.expected} events, one per mutation  PASS`);
  } else {
    out(`!!! DESTINATION MISMATCH: ${p.delivered.records} events, ${p.delivered.distinctKeys} distinct mutations, expected exactly ${p.delivered.expected}  FAIL`);
  }
  if ('error' in r.memory) {
    out(`dedup memory: not measured: ${r.memory.error}`);
  } else {
    const m = r.memory;
    out(`dedup memory: ${n(m.mibPerMillionKeys, 1)} MiB heap per million keys (${n(m.bytesPerEntry)} B/entry, ${m.keys} keys) vs the deduper's estimate ${BYTES_PER_ENTRY_ESTIMATE} B/entry (${n((BYTES_PER_ENTRY_ESTIMATE * 1e6) / 2 ** 20, 1)} MiB)`);
  }
  for (const [name, s] of [['deduper', p.deduper], ['publisher', p.publisher]] as const) {
    out(`${name} log: ${s.logProblems.length} warning/error line(s)${s.logProblems.length > 0 ? '; first:' : ''}`);
    for (const line of s.logProblems.slice(0, 5)) out(`  ${line}`);
  }
}

runBenchmark(
  {
    name: 'bench:pipeline',
    usage: USAGE,
    parse: parseOptions,
    missing: () => {
      const missing = [DEDUPER_MAIN, PUBLISHER_MAIN].filter((main) => !existsSync(main));
      return missing.length > 0 ? `${missing.join(' and ')} missing; build the services first: npx nx run-many -t build` : undefined;
    },
    run,
  },
  progress,
);
