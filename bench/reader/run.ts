/**
 * bench/reader: the cdc-reader on real servers — how fast it drains a backlog of
 * cdc_raw, and its commit-to-topic latency at steady write rates — against two ceilings
 * measured in the same run: the rate at which this machine's Cassandra node takes writes
 * with no reader running (W), and the rate at which the same Kafka client produces the
 * same events with no decoding (P).
 *
 *   npm run bench:reader [-- --seconds 10] [-- --concurrency 64] [-- --rates 1000,2000]
 *                        [-- --workdir DIR] [-- --keep-workdir]
 *
 * 1. A local topology in a fresh temporary workdir (or the running one in --workdir).
 * 2. A keyspace in dc1 only, with a `cdc = true` table of ~100-byte rows.
 * 3. Writes as fast as --concurrency requests in flight allow, for --seconds: W.
 * 4. The built cdc-reader starts and drains what step 3 left in cdc_raw: D, events/s from
 *    its start to the last event arriving on the raw topic.
 * 5. At each rate of --rates (default 25, 50 and 75 % of W), writes paced evenly for
 *    --seconds while a consumer records, per event, its arrival minus its Cassandra
 *    writetime: measured at the consumer, so an upper bound (see RawTopicFollower). The
 *    Kafka record timestamp the reader's producer sets and the reader's own /metrics
 *    histogram are reported beside it, to show where the time goes.
 * 6. The raw events are read back and produced again to a fresh topic, in requests of at
 *    most 512 KiB as the reader's sink sends them: P.
 *
 * Goals checked: p99 < 500 ms at each steady rate, and D/W >= 1 (the reader drains faster
 * than the node can take writes, so it is never the node's bottleneck). Results go to
 * bench/results/reader.json; the reader's log and last /metrics to bench/results/tmp/.
 */
import { existsSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CassandraConnection } from '@meridian/cassandra';
import { type PartitionUpdate, writetimeMicros } from '@meridian/commitlog';
import { type RunningService, serviceInstances, startService, type TopologyEndpoints, waitHealthy } from '@meridian/infra';
import { type ConsumedRecord, KafkaConnection } from '@meridian/kafka';
import { uniqueName } from '@meridian/testing';
import { positiveListOption, positiveOption, runBenchmark, usageErrorOf, UsageError } from '../support/command';
import { type Latency, percentiles } from '../support/latency';
import { progressLog } from '../support/log';
import { describeMachine, machineAtEnd } from '../support/machine';
import { ProcessSampler, type ProcessUsage } from '../support/process-sampling';
import { type ProduceBaseline, produceBaseline } from '../support/produce-baseline';
import { RAW_PARTITIONS, RAW_TOPIC_MAX_MESSAGE_BYTES } from '../support/raw-topic';
import { RESULTS, writeResults } from '../support/results';
import { ROW_PAYLOAD_BYTES, ROWS_COLUMNS, RowWriter, type WriteRun } from '../support/row-writer';
import { type Histogram, histogramBetween, scrapeMetrics } from '../support/service-metrics';
import { logProblems } from '../support/service-log';
import { TopicFollower } from '../support/topic-follower';
import { type Cleanup, openTopology, TOPOLOGY_ARGS, TOPOLOGY_USAGE, topologyOptions, type TopologyOptions } from '../support/topology';

const ROOT = resolve(__dirname, '..', '..');
const READER_MAIN = join(ROOT, 'apps', 'cdc-reader', 'dist', 'main.js');
/** The reader's HTTP port is moved clear of a demo's or an e2e suite's (8081, 10081). */
const PORT_OFFSET = 3000;
/** Written before W is measured and not counted in it, so both JVMs' JITs are warm. */
const WARMUP_SECONDS = 2;
/**
 * The reader counts bytes read (and sets its backlog gauge) when a poll ends, after its
 * events are acknowledged and its position committed: its /metrics are read this long
 * after the last event arrived, so that poll has ended (its default poll interval is 250 ms).
 */
const READER_SETTLE_MS = 500;
const PROGRESS_MS = 2000;
const CATCH_UP_TIMEOUT_MS = 600_000;
const DRAIN_TIMEOUT_MS = 120_000;
const P99_GOAL_MS = 500;
const TABLE = 'rows';

const USAGE = `usage: npm run bench:reader [-- options]
  --seconds N        length of each measured write phase (default 10)
  --concurrency N    writes in flight (default 64)
  --rates R,R,...    steady write rates, writes/s (default 25, 50 and 75 % of the measured W)
${TOPOLOGY_USAGE}
  --help`;

interface Options extends TopologyOptions {
  readonly seconds: number;
  readonly concurrency: number;
  readonly rates: readonly number[] | undefined;
  readonly help: boolean;
}

function parseOptions(args: readonly string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      options: {
        seconds: { type: 'string', default: '10' },
        concurrency: { type: 'string', default: '64' },
        rates: { type: 'string' },
        ...TOPOLOGY_ARGS,
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw usageErrorOf(error);
  }
  const problems: string[] = [];
  const seconds = positiveOption('seconds', values.seconds, problems, false);
  const concurrency = positiveOption('concurrency', values.concurrency, problems, true);
  const rates = positiveListOption('rates', values.rates, problems);
  const topology = topologyOptions(values, problems);
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return { seconds, concurrency, rates, ...topology, help: values.help };
}

const progress = progressLog('bench:reader');

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- consumer

/** The fields of a raw mutation event read here (the whole contract: libs/contracts, libs/commitlog/docs/dump-format.md). */
interface RawEvent {
  readonly update: PartitionUpdate;
}

interface Arrival {
  readonly id: number;
  /** When the consumer was handed its batch (ms since the epoch). */
  readonly arrivedMs: number;
  /** Its Cassandra writetime, in ms (the driver's client-side timestamp: same clock as arrivedMs). */
  readonly writtenMs: number | undefined;
  /** The Kafka record timestamp: set by the reader's producer when it built the produce request. */
  readonly producedMs: number;
}

/**
 * Follows the raw topic from its start with one consumer-group member and records the
 * first arrival of each of the bench table's rows. Each fetched batch is stamped when it
 * is handed over: the fetch waits at most 50 ms but the broker answers as soon as records
 * are there, so what this adds to the latency is one fetch round trip and this process's
 * share of the CPU (it runs beside the load generator).
 */
class RawTopicFollower {
  readonly arrivals: Arrival[] = [];
  /** Events of a row already seen (the reader delivers at least once). */
  duplicates = 0;
  batches = 0;
  /** When a batch last brought a row not seen before. */
  lastNewMs = Date.now();
  private readonly ids = new Set<number>();
  private readonly follower: TopicFollower;

  constructor(
    kafka: KafkaConnection,
    topic: string,
    private readonly keyspace: string,
  ) {
    this.follower = new TopicFollower(kafka, topic, 'bench_reader', 'read_uncommitted', (records) => {
      const arrivedMs = Date.now();
      this.batches++;
      for (const record of records) this.take(record, arrivedMs);
    });
  }

  get received(): number {
    return this.ids.size;
  }

  start(): Promise<void> {
    return this.follower.start();
  }

  stop(): Promise<void> {
    return this.follower.stop();
  }

  describe(): string {
    return `consumer: ${this.batches} batches, new events ${((Date.now() - this.lastNewMs) / 1000).toFixed(1)} s ago`;
  }

  private take(record: ConsumedRecord, arrivedMs: number): void {
    if (!record.value) return;
    const { update } = JSON.parse(record.value.toString('utf8')) as RawEvent;
    if (update.keyspace !== this.keyspace || update.table !== TABLE) return;
    const id = Number(update.key['id']);
    if (this.ids.has(id)) {
      this.duplicates++;
      return;
    }
    this.ids.add(id);
    this.lastNewMs = arrivedMs;
    const micros = writetimeMicros(update);
    this.arrivals.push({ id, arrivedMs, writtenMs: micros === undefined ? undefined : Number(micros) / 1000, producedMs: Number(record.timestamp) });
  }
}

/** Arrivals of the rows [fromId, toId) whose writes were acknowledged. */
function arrivalsOf(follower: RawTopicFollower, run: WriteRun, failed: ReadonlySet<number>): Arrival[] {
  return follower.arrivals.filter((a) => a.id >= run.fromId && a.id < run.toId && !failed.has(a.id));
}

// ---------------------------------------------------------------- the reader process

/** The reader's own figures from its /metrics (Prometheus text). */
interface ReaderFigures {
  readonly events: number;
  readonly bytesRead: number;
  readonly backlogBytes: number;
  /** meridian_reader_latency_seconds: writetime to Kafka's acknowledgement. */
  readonly latency: Histogram;
}

async function readerFigures(reader: RunningService): Promise<{ figures: ReaderFigures; text: string }> {
  const metrics = await scrapeMetrics(reader.instance.httpPort);
  return {
    text: metrics.text,
    figures: {
      events: metrics.value('meridian_reader_events_total'),
      bytesRead: metrics.value('meridian_reader_bytes_read_total'),
      backlogBytes: metrics.value('meridian_reader_backlog_bytes'),
      latency: metrics.histogram('meridian_reader_latency_seconds'),
    },
  };
}

interface ReaderDelta {
  readonly events: number;
  readonly bytesRead: number;
  /** Mean writetime-to-acknowledgement, from the histogram's sum and count. */
  readonly latencyMeanMs: number;
  /** The bucket bounds the p50 and p99 fall under (Infinity: above the largest bucket). */
  readonly latencyP50AtMostMs: number;
  readonly latencyP99AtMostMs: number;
}

function readerDelta(before: ReaderFigures | undefined, after: ReaderFigures): ReaderDelta {
  const latency = histogramBetween(before?.latency, after.latency);
  return {
    events: after.events - (before?.events ?? 0),
    bytesRead: after.bytesRead - (before?.bytesRead ?? 0),
    latencyMeanMs: latency.meanMs,
    latencyP50AtMostMs: latency.p50AtMostMs,
    latencyP99AtMostMs: latency.p99AtMostMs,
  };
}

/** Polls until `done`, printing `describe()` every few seconds; fails if the reader exits or the time runs out. */
async function waitUntil(what: string, reader: RunningService, timeoutMs: number, done: () => boolean, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let nextProgress = Date.now() + PROGRESS_MS;
  // Says how far the reader itself is, so a stall shows on which side it is.
  const state = async () => {
    const figures = await readerFigures(reader).then(
      ({ figures: f }) => `reader: ${f.events} events acknowledged, ${(f.backlogBytes / 1024).toFixed(0)} KiB not read yet`,
      () => 'reader: /metrics does not answer',
    );
    return `${describe()}; ${figures}`;
  };
  while (!done()) {
    const { exitCode, signalCode } = reader.process;
    if (exitCode !== null || signalCode !== null) throw new Error(`the cdc-reader exited (${exitCode ?? signalCode ?? '?'}) while waiting for ${what}; see ${reader.logFile}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what} (${await state()}); see ${reader.logFile}`);
    if (Date.now() >= nextProgress) {
      progress(await state());
      nextProgress += PROGRESS_MS;
    }
    await sleep(100);
  }
}

// ---------------------------------------------------------------- figures

interface SteadyRate {
  readonly targetPerSecond: number;
  readonly write: WriteRun;
  readonly delivered: number;
  readonly deliveredPerSecond: number;
  /** Cassandra writetime to arrival at this benchmark's consumer: an upper bound. */
  readonly latencyAtConsumerMs: Latency;
  /** Cassandra writetime to the Kafka record timestamp (the reader's producer building the request). */
  readonly latencyAtProduceMs: Latency;
  /**
   * Time between the reader's produce requests (distinct record timestamps): how often it
   * sends, which bounds how long a write waits in cdc_raw before its event leaves.
   */
  readonly readerSendGapMs: Latency;
  readonly reader: ReaderDelta;
  readonly readerProcess: ProcessUsage;
  readonly p99GoalMet: boolean;
}

async function steadyRate(
  rate: number,
  options: Options,
  writer: RowWriter,
  follower: RawTopicFollower,
  reader: RunningService,
  sampler: ProcessSampler,
): Promise<SteadyRate> {
  const label = `steady ${rate}/s`;
  progress(`${label}: writing for ${options.seconds} s`);
  const before = (await readerFigures(reader)).figures;
  const startMs = Date.now();
  sampler.start();
  const write = await writer.paced(label, rate, options.seconds, options.concurrency);
  const mine = () => arrivalsOf(follower, write, writer.failed);
  await waitUntil(`${label}'s events`, reader, DRAIN_TIMEOUT_MS, () => mine().length >= write.acknowledged, () => `${label}: ${mine().length} of ${write.acknowledged} events on the raw topic; ${follower.describe()}`);
  const readerProcess = sampler.stop();
  await sleep(READER_SETTLE_MS);
  const readerFigs = readerDelta(before, (await readerFigures(reader)).figures);
  const arrivals = mine();
  const lastMs = Math.max(...arrivals.map((a) => a.arrivedMs));
  const written = arrivals.filter((a) => a.writtenMs !== undefined) as (Arrival & { writtenMs: number })[];
  const atConsumer = percentiles(written.map((a) => a.arrivedMs - a.writtenMs));
  const sends = [...new Set(arrivals.map((a) => a.producedMs))].sort((a, b) => a - b);
  const result: SteadyRate = {
    targetPerSecond: rate,
    write,
    delivered: arrivals.length,
    deliveredPerSecond: arrivals.length / ((lastMs - startMs) / 1000),
    latencyAtConsumerMs: atConsumer,
    latencyAtProduceMs: percentiles(written.map((a) => a.producedMs - a.writtenMs)),
    readerSendGapMs: percentiles(sends.slice(1).map((at, i) => at - (sends[i] ?? at))),
    reader: readerFigs,
    readerProcess,
    p99GoalMet: atConsumer.p99 < P99_GOAL_MS,
  };
  progress(`${label}: ${write.perSecond.toFixed(0)} written/s, p99 ${atConsumer.p99.toFixed(0)} ms at the consumer`);
  return result;
}

/** The produce-only ceiling: the raw topic's events, as they are, produced again by the same client. */
async function rawProduceBaseline(kafka: KafkaConnection, rawTopic: string): Promise<ProduceBaseline> {
  progress(`baseline: reading ${rawTopic} back`);
  const records = await kafka.readToEnd(rawTopic, 300_000);
  return produceBaseline(kafka, records, { prefix: 'bench_produce', partitions: RAW_PARTITIONS, maxMessageBytes: RAW_TOPIC_MAX_MESSAGE_BYTES }, progress);
}

// ---------------------------------------------------------------- the run

async function run(options: Options, cleanup: Cleanup): Promise<void> {
  const machine = await describeMachine();
  const topology = await openTopology('bench-reader', ['dc1-n1', 'kafka-dc1'], options, cleanup, progress);
  const { endpoints } = topology;
  const node = endpoints.cassandra.find((n) => n.name === 'dc1-n1');
  const broker = endpoints.kafka.find((k) => k.dc === 'dc1');
  if (!node || !broker) throw new Error('the topology has no dc1-n1 or no Kafka in dc1');

  const cassandra = new CassandraConnection({ contactPoints: [`${node.cql.host}:${node.cql.port}`], localDataCenter: 'dc1' });
  const kafka = new KafkaConnection({ brokers: [broker.bootstrap], clientId: 'bench-reader' });
  cleanup.add('closing the Cassandra connection', () => cassandra.close());
  cleanup.add('closing the Kafka connection', () => kafka.close());

  const keyspace = uniqueName('bench_reader');
  await cassandra.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 1}`);
  await cassandra.execute(`CREATE TABLE ${keyspace}.${TABLE} ${ROWS_COLUMNS} WITH cdc = true`);
  progress(`table ${keyspace}.${TABLE} created (cdc = true, replicated to dc1 only)`);
  const writer = new RowWriter(cassandra, `${keyspace}.${TABLE}`, progress);

  // 3. The node's write ceiling, with no reader running.
  progress(`write rate: ${WARMUP_SECONDS} s warm-up, then ${options.seconds} s flat out, ${options.concurrency} in flight, LOCAL_ONE`);
  await writer.flatOut('warm-up', WARMUP_SECONDS, options.concurrency);
  const writeRate = await writer.flatOut('write rate', options.seconds, options.concurrency);
  progress(`write rate: W = ${writeRate.perSecond.toFixed(0)} writes/s`);

  // 4. The reader starts and drains cdc_raw: everything written so far.
  const rawTopic = uniqueName('bench_raw');
  // Created here, as the reader would, so the consumer's subscription cannot auto-create it with one partition.
  await kafka.createTopics([{ topic: rawTopic, partitions: RAW_PARTITIONS, maxMessageBytes: RAW_TOPIC_MAX_MESSAGE_BYTES }]);
  const backlog = writer.acknowledged;
  const backlogIds = writer.issued;
  const follower = new RawTopicFollower(kafka, rawTopic, keyspace);
  await follower.start();
  cleanup.add('stopping the consumer', () => follower.stop());
  const instance = serviceInstances(endpoints, 'dc1', PORT_OFFSET).find((s) => s.service === 'cdc-reader' && s.node === 'dc1-n1');
  if (!instance) throw new Error('no cdc-reader instance for dc1-n1');
  progress(`catch-up: starting the cdc-reader for dc1-n1 into ${rawTopic}; ${backlog} rows are waiting in cdc_raw`);
  const catchUpStartMs = Date.now();
  const reader = await startService({ ...instance, env: { ...instance.env, MERIDIAN_RAW_TOPIC: rawTopic } }, join(endpoints.workdir, 'services'));
  cleanup.add('copying the reader log', () => {
    mkdirSync(join(RESULTS, 'tmp'), { recursive: true });
    copyFileSync(reader.logFile, join(RESULTS, 'tmp', 'reader.log'));
    return Promise.resolve();
  });
  cleanup.add('stopping the cdc-reader', () => reader.stop());
  const pid = reader.process.pid;
  if (pid === undefined) throw new Error(`the cdc-reader did not start; see ${reader.logFile}`);
  const sampler = new ProcessSampler(pid);
  sampler.start();
  let healthyAfterMs: number | undefined;
  // Handled at once, so a reader that dies early is reported by waitUntil below, not as an unhandled rejection.
  let unhealthy: Error | undefined;
  const healthy = waitHealthy(reader, 60_000).then(
    () => {
      healthyAfterMs = Date.now() - catchUpStartMs;
    },
    (error: unknown) => {
      unhealthy = error instanceof Error ? error : new Error(String(error));
    },
  );
  // Kafka's acknowledgement of the last backlog event, as the reader counts it.
  let acknowledgedAtMs: number | undefined;
  const ackWatch = (async () => {
    while (acknowledgedAtMs === undefined && reader.process.exitCode === null && reader.process.signalCode === null) {
      const figures = await readerFigures(reader).catch(() => undefined);
      if (figures && figures.figures.events >= backlog) acknowledgedAtMs = Date.now();
      else await sleep(100);
    }
  })();
  await waitUntil('the backlog on the raw topic', reader, CATCH_UP_TIMEOUT_MS, () => follower.received >= backlog, () => `catch-up: ${follower.received} of ${backlog} events on the raw topic; ${follower.describe()}`);
  await healthy;
  if (unhealthy !== undefined) throw unhealthy;
  await ackWatch;
  const catchUpUsage = sampler.stop();
  await sleep(READER_SETTLE_MS);
  const { figures: afterCatchUp } = await readerFigures(reader);
  const catchUpArrivals = follower.arrivals.filter((a) => a.id < backlogIds && !writer.failed.has(a.id));
  const firstMs = Math.min(...catchUpArrivals.map((a) => a.arrivedMs));
  const lastMs = Math.max(...catchUpArrivals.map((a) => a.arrivedMs));
  const catchUpSeconds = (lastMs - catchUpStartMs) / 1000;
  const catchUp = {
    events: backlog,
    seconds: catchUpSeconds,
    /** D: from the reader's start (process spawn) to the last event arriving at the consumer. */
    perSecond: backlog / catchUpSeconds,
    healthyAfterMs,
    firstEventAfterMs: firstMs - catchUpStartMs,
    lastEventAfterMs: lastMs - catchUpStartMs,
    /** From the reader's start to Kafka acknowledging its last backlog event (the reader's own count). */
    acknowledgedPerSecond: acknowledgedAtMs === undefined ? Number.NaN : backlog / ((acknowledgedAtMs - catchUpStartMs) / 1000),
    reader: readerDelta(undefined, afterCatchUp),
    readerProcess: catchUpUsage,
  };
  progress(`catch-up: D = ${catchUp.perSecond.toFixed(0)} events/s (${backlog} events in ${catchUpSeconds.toFixed(1)} s)`);

  // 5. Steady rates.
  const rates = options.rates ?? [0.25, 0.5, 0.75].map((f) => Math.max(10, Math.round((writeRate.perSecond * f) / 10) * 10));
  const steady: SteadyRate[] = [];
  for (const rate of rates) {
    await sleep(1000); // a pause between phases, so one's tail is not the next one's start
    steady.push(await steadyRate(rate, options, writer, follower, reader, sampler));
  }
  await follower.stop();
  const final = await readerFigures(reader);
  mkdirSync(join(RESULTS, 'tmp'), { recursive: true });
  writeFileSync(join(RESULTS, 'tmp', 'reader-metrics.txt'), final.text);
  await reader.stop(); // the baseline gets the machine to itself
  const readerLogProblems = logProblems(reader.logFile);

  // 6. The produce-only ceiling.
  const baseline = await rawProduceBaseline(kafka, rawTopic);
  progress(`baseline: P = ${baseline.perSecond.toFixed(0)} events/s`);

  // 7. Report.
  const ratios = { readerToProduce: catchUp.perSecond / baseline.perSecond, readerToWrites: catchUp.perSecond / writeRate.perSecond };
  const goals = { p99UnderMsAtEachRate: P99_GOAL_MS, p99Met: steady.every((s) => s.p99GoalMet), drainAtLeastWriteRate: ratios.readerToWrites >= 1 };
  printReport({ options, endpoints, writeRate, catchUp, steady, baseline, ratios, goals, duplicates: follower.duplicates, readerLogProblems });
  writeResults('reader.json', {
    date: new Date().toISOString(),
    machine: machineAtEnd(machine),
    versions: { cassandra: endpoints.cassandraVersion, kafka: endpoints.kafkaVersion, node: process.version },
    options: { ...options, rates, warmupSeconds: WARMUP_SECONDS, payloadBytes: ROW_PAYLOAD_BYTES, consistency: 'LOCAL_ONE' },
    topology: { driver: endpoints.driver, startedByThisRun: topology.started },
    writeRate,
    catchUp,
    steady,
    baseline,
    ratios,
    goals,
    duplicates: follower.duplicates,
    readerLogProblems,
    notes: [
      "latencyAtConsumerMs: Cassandra writetime (the driver's client-side timestamp) to arrival at this benchmark's consumer, which runs beside the load generator: an upper bound",
      "latencyAtProduceMs: writetime to the Kafka record timestamp set by the reader's producer when it built the produce request",
      "reader: the cdc-reader's own /metrics over the phase; latency there is writetime to Kafka's acknowledgement, given as histogram bucket bounds",
    ],
  });
}

interface Report {
  readonly options: Options;
  readonly endpoints: TopologyEndpoints;
  readonly writeRate: WriteRun;
  readonly catchUp: {
    events: number;
    seconds: number;
    perSecond: number;
    acknowledgedPerSecond: number;
    healthyAfterMs: number | undefined;
    firstEventAfterMs: number;
    lastEventAfterMs: number;
    readerProcess: ProcessUsage;
    reader: ReaderDelta;
  };
  readonly steady: readonly SteadyRate[];
  readonly baseline: ProduceBaseline;
  readonly ratios: { readerToProduce: number; readerToWrites: number };
  readonly goals: { p99Met: boolean; drainAtLeastWriteRate: boolean };
  readonly duplicates: number;
  readonly readerLogProblems: readonly string[];
}

function printReport(r: Report): void {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  const n = (x: number, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
  const bound = (ms: number) => (Number.isFinite(ms) ? `<=${n(ms)}` : ms === Number.POSITIVE_INFINITY ? '>60000' : '-');
  const pass = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  const { writeRate: w, catchUp: c, baseline: b } = r;
  out(`cdc-reader on Cassandra ${r.endpoints.cassandraVersion} / Kafka ${r.endpoints.kafkaVersion} (${r.endpoints.driver} driver), ${cpus().length} CPUs`);
  out();
  out(`W  Cassandra write rate, no reader   ${n(w.perSecond).padStart(8)} writes/s  (${w.acknowledged} rows in ${n(w.seconds, 1)} s, ${r.options.concurrency} in flight, LOCAL_ONE${w.failed > 0 ? `, ${w.failed} failed` : ''})`);
  out(`D  reader catch-up (drain)           ${n(c.perSecond).padStart(8)} events/s  (${c.events} events in ${n(c.seconds, 1)} s from the reader's start; to Kafka's ack of the last: ${n(c.acknowledgedPerSecond)}/s)`);
  out(`                                      after the reader's start: healthy ${c.healthyAfterMs ?? '?'} ms, first event ${c.firstEventAfterMs} ms, last ${c.lastEventAfterMs} ms`);
  out(`                                      reader CPU ${n(c.readerProcess.cores, 2)} cores, RSS ${n(c.readerProcess.rssMiBMean)} MiB mean / ${n(c.readerProcess.rssMiBPeak)} peak, ${n(c.reader.bytesRead / 2 ** 20, 1)} MiB of cdc_raw read`);
  out(`P  produce-only baseline             ${n(b.perSecond).padStart(8)} events/s  (${b.events} events, ${n(b.bytes / 2 ** 20, 1)} MiB in ${b.requests} requests of <= 512 KiB, ${n(b.seconds, 2)} s, idempotent producer)`);
  out();
  out("Steady rates. Latency is Cassandra writetime -> arrival at this benchmark's consumer (which shares the machine");
  out('with the load generator): an upper bound. "produce p99" is writetime -> the Kafka record timestamp the reader\'s');
  out('producer sets when it builds the request; "ack p99" the bucket of the reader\'s own /metrics histogram (writetime -> ack);');
  out('"send gap" the time between two of the reader\'s produce requests, p50/p99.');
  const header = ['target/s', 'written/s', 'delivered/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'produce p99', 'ack p99', 'send gap', 'CPU cores', 'RSS MiB', `p99<${P99_GOAL_MS}`];
  const row = (cells: readonly string[]) => out(cells.map((cell, i) => cell.padStart(Math.max(header[i]?.length ?? 0, 9))).join(' '));
  row(header);
  for (const s of r.steady) {
    const l = s.latencyAtConsumerMs;
    row([
      n(s.targetPerSecond),
      n(s.write.perSecond),
      n(s.deliveredPerSecond),
      n(l.p50),
      n(l.p95),
      n(l.p99),
      n(l.max),
      n(s.latencyAtProduceMs.p99),
      bound(s.reader.latencyP99AtMostMs),
      `${n(s.readerSendGapMs.p50)}/${n(s.readerSendGapMs.p99)}`,
      n(s.readerProcess.cores, 2),
      `${n(s.readerProcess.rssMiBMean)}/${n(s.readerProcess.rssMiBPeak)}`,
      pass(s.p99GoalMet),
    ]);
  }
  out();
  out(`D/P = ${n(r.ratios.readerToProduce, 2)}  (reader vs the produce-only ceiling)`);
  out(`D/W = ${n(r.ratios.readerToWrites, 2)}  (>= 1: the reader drains faster than the node takes writes)  ${pass(r.goals.drainAtLeastWriteRate)}`);
  out(`p99 < ${P99_GOAL_MS} ms at every steady rate: ${pass(r.goals.p99Met)}`);
  if (r.duplicates > 0) out(`duplicate events (the same row delivered again): ${r.duplicates}`);
  out(`reader log: ${r.readerLogProblems.length} warning/error line(s)${r.readerLogProblems.length > 0 ? '; first:' : ''}`);
  for (const line of r.readerLogProblems.slice(0, 5)) out(`  ${line}`);
}

runBenchmark(
  {
    name: 'bench:reader',
    usage: USAGE,
    parse: parseOptions,
    missing: () => (existsSync(READER_MAIN) ? undefined : `${READER_MAIN} is missing; build the services first: npx nx run-many -t build`),
    run,
  },
  progress,
);
