/**
 * bench/e2e: Meridian end to end across two data centres — writes in dc1, change events on
 * the destination topics of dc1 and dc2 — against two ceilings measured in the same run: the
 * rate at which this machine's Cassandra takes the same writes with no CDC consumer running
 * (W), and the rate at which the same Kafka client produces the same change events with no
 * pipeline (P).
 *
 *   npm run bench:e2e [-- --seconds 30] [-- --rates 500,1000] [-- --backlog 200000]
 *                     [-- --concurrency 64] [-- --driver local|containers] [-- --workdir DIR]
 *
 * 1. A topology with both DCs (Cassandra dc1-n1 and dc2-n1, a Kafka per DC); a keyspace
 *    replicated {'dc1': 1, 'dc2': 1} with one `cdc = true` table of ~100-byte rows.
 * 2. W: writes to dc1 at LOCAL_ONE as fast as --concurrency requests in flight allow, for
 *    --seconds, with no Meridian service running.
 * 3. Both DCs' services start (coordinator, deduper, publisher, a cdc-reader per node) on
 *    topics of their own; each DC's coordinator gets a destination and a channel for the
 *    table over its REST API. The readers then deliver what step 2 left in cdc_raw.
 * 4. Steady rates (default 5, 25, 50, 75 and 100 % of W): writes paced evenly for --seconds,
 *    while a read_committed consumer per DC records each change event's arrival minus its
 *    Cassandra writetime (`source.writetime_us`). The readers' and publishers' latency
 *    histograms (/metrics) and the publisher's build time (the event's ts_ms) show where
 *    the time goes; every Meridian process, the JVMs and this process are sampled from /proc.
 * 5. Drain: the readers stop, --backlog rows are written flat out into cdc_raw, the readers
 *    start again, and the time until each DC's destination has every backlog event is taken.
 * 6. P: the services stop, and up to 200,000 of dc1's change events are produced again to a
 *    fresh topic by one idempotent producer, in requests of at most 512 KiB.
 *
 * Goals checked: p99 writetime-to-destination < 1 s at the highest rate, and delivered
 * events/s >= 0.95 x W there, in both DCs. Results go to bench/results/e2e.json, latency
 * against rate to bench/results/e2e-latency.svg, each service's log to bench/results/tmp/e2e/.
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CassandraConnection } from '@meridian/cassandra';
import { type DataCentre, type TopologyEndpoints } from '@meridian/infra';
import { KafkaConnection } from '@meridian/kafka';
import { uniqueName } from '@meridian/testing';
import { positiveListOption, positiveOption, runBenchmark, usageErrorOf, UsageError } from '../support/command';
import { type Latency, percentiles } from '../support/latency';
import { progressLog } from '../support/log';
import { describeMachine, machineAtEnd } from '../support/machine';
import { ProcessSamplers, type ProcessUsage } from '../support/process-sampling';
import { type ProduceBaseline, produceBaseline } from '../support/produce-baseline';
import { RAW_PARTITIONS, RAW_TOPIC_MAX_MESSAGE_BYTES } from '../support/raw-topic';
import { RESULTS, writeResults, writeResultText } from '../support/results';
import { ROW_PAYLOAD_BYTES, ROWS_COLUMNS, RowWriter, type WriteRun } from '../support/row-writer';
import { histogramBetween, type HistogramSummary } from '../support/service-metrics';
import { logProblems } from '../support/service-log';
import { lineChartSvg } from '../support/svg-chart';
import { type Cleanup, openTopology, TOPOLOGY_ARGS, TOPOLOGY_USAGE, topologyOptions, type TopologyOptions, topologyProcessIds } from '../support/topology';
import { configureChannel } from './coordinator-config';
import { DestinationArrivals } from './destination-arrivals';
import { MeridianDeployment, PIPELINE_SERVICES, runTopics, type StageFigures } from './deployment';

const ROOT = resolve(__dirname, '..', '..');
const DCS = ['dc1', 'dc2'] as const;
/** The services' HTTP ports moved clear of a demo's (80xx), the e2e suites' (100xx-12xxx) and the other benchmarks' (110xx, 130xx). */
const PORT_OFFSET = 7000;
/** As the publisher creates destination topics (MERIDIAN_DESTINATION_PARTITIONS), and the deduper the mutations topic. */
const PARTITIONS = 6;
/** 5 %: the latency of a machine with CPU to spare; then up to what Cassandra took with nothing else running. */
const DEFAULT_FRACTIONS = [0.05, 0.25, 0.5, 0.75, 1] as const;
/**
 * The drain test's full size. Writing it takes 1,000,000 / W seconds (6 to 8 minutes on the
 * 2-core machine this is run on), and both DCs drained it at over 3,000 events/s each on
 * that machine under load, so the whole run is expected to take 15 to 20 minutes (bench/README.md).
 */
const DEFAULT_BACKLOG = 1_000_000;
/** Written before W is measured and not counted in it, so both JVMs' JITs are warm. */
const WARMUP_SECONDS = 2;
/** Between phases, so one's tail is not the next one's start. */
const PAUSE_MS = 2000;
/** Histograms are read this long after the last event arrived, so the publisher has counted its commit. */
const SETTLE_MS = 500;
const PROGRESS_MS = 5000;
const CONFIGURE_TIMEOUT_MS = 60_000;
const P_MAX_EVENTS = 200_000;
const P99_GOAL_MS = 1000;
const DELIVERY_GOAL = 0.95;
const TABLE = 'rows';

const USAGE = `usage: npm run bench:e2e [-- options]
  --seconds N        length of the W measurement and of each steady rate (default 30)
  --rates R,R,...    steady write rates, writes/s (default 5, 25, 50, 75 and 100 % of the measured W)
  --backlog N        rows written into cdc_raw with the readers stopped, for the drain test (default 1000000)
  --concurrency N    writes in flight (default 64)
${TOPOLOGY_USAGE}
  --help`;

interface Options extends TopologyOptions {
  readonly seconds: number;
  readonly rates: readonly number[] | undefined;
  readonly backlog: number;
  readonly concurrency: number;
  readonly help: boolean;
}

function parseOptions(args: readonly string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      options: {
        seconds: { type: 'string', default: '30' },
        rates: { type: 'string' },
        backlog: { type: 'string', default: String(DEFAULT_BACKLOG) },
        concurrency: { type: 'string', default: '64' },
        ...TOPOLOGY_ARGS,
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw usageErrorOf(error);
  }
  const problems: string[] = [];
  const seconds = positiveOption('seconds', values.seconds, problems, false);
  const rates = positiveListOption('rates', values.rates, problems);
  const backlog = positiveOption('backlog', values.backlog, problems, true);
  const concurrency = positiveOption('concurrency', values.concurrency, problems, true);
  const topology = topologyOptions(values, problems);
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return { seconds, rates, backlog, concurrency, ...topology, help: values.help };
}

const progress = progressLog('bench:e2e');

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- figures

/** One DC's destination over one phase. */
interface DcFigures {
  readonly expected: number;
  readonly delivered: number;
  /** Delivered events over the span from the phase's first arrival at the destination to its last. */
  readonly deliveredPerSecond: number;
  /** After the phase's first write. */
  readonly firstArrivalAfterMs: number;
  readonly lastArrivalAfterMs: number;
  /** Cassandra writetime to arrival at this benchmark's read_committed consumer: an upper bound. */
  readonly latencyMs: Latency;
  /** Cassandra writetime to the mutation seen on the mutations topic by a read_committed consumer (the deduper's transaction committed). */
  readonly dedupedLatencyMs: Latency;
  /** Cassandra writetime to the publisher taking the event's batch in hand (the event's ts_ms). */
  readonly builtLatencyMs: Latency;
  /** The DC's readers' own histogram: writetime to Kafka's acknowledgement of the raw event. */
  readonly reader: HistogramSummary;
  /** The DC's publisher's own histogram: writetime to the commit of the event's transaction. */
  readonly publisher: HistogramSummary;
  /** The time of each batch transaction of the deduper and of the publisher (for the bench destination). */
  readonly transactions: { readonly deduper: HistogramSummary; readonly publisher: HistogramSummary };
}

interface Usage {
  /** Each Meridian process, by label (`cdc-reader[dc1-n1]@dc1`). */
  readonly meridian: Record<string, ProcessUsage>;
  /** The Cassandra and Kafka JVMs (local driver) and this process (load generator and consumers). */
  readonly others: Record<string, ProcessUsage>;
}

interface SteadyPhase {
  readonly targetPerSecond: number;
  readonly write: WriteRun;
  readonly complete: boolean;
  readonly dcs: Record<DataCentre, DcFigures>;
  readonly usage: Usage;
  readonly loadAverage: number;
}

interface DrainDc {
  readonly expected: number;
  readonly delivered: number;
  /** From the readers' start (process spawn) to the last backlog event at the destination. */
  readonly seconds: number;
  readonly perSecond: number;
  readonly firstArrivalAfterMs: number;
  readonly reader: HistogramSummary;
  readonly publisher: HistogramSummary;
}

interface Drain {
  readonly backlog: number;
  /** Writing the backlog, flat out, readers stopped (deduper, publisher and coordinator idle). */
  readonly write: WriteRun;
  readonly complete: boolean;
  readonly dcs: Record<DataCentre, DrainDc>;
  readonly usage: Usage;
  readonly loadAverage: number;
}

/** Samples the JVMs and this process beside the deployment's own samplers. */
class UsageSampling {
  private readonly others = new ProcessSamplers();

  constructor(
    private readonly deployment: MeridianDeployment,
    endpoints: TopologyEndpoints,
  ) {
    for (const [component, pid] of topologyProcessIds(endpoints)) this.others.add(component.startsWith('kafka-') ? component : `cassandra ${component}`, pid);
    this.others.add('bench (load, consumers)', process.pid);
  }

  restart(): void {
    this.deployment.samplers.restart();
    this.others.restart();
  }

  stop(): Usage {
    return { meridian: this.deployment.samplers.stop(), others: this.others.stop() };
  }
}

function dcFigures(arrivals: DestinationArrivals, fromId: number, toId: number, failed: ReadonlySet<number>, startMs: number, before: StageFigures, after: StageFigures): DcFigures {
  const a = arrivals.of(fromId, toId, failed);
  const spanMs = a.lastArrivalMs - a.firstArrivalMs;
  return {
    expected: a.expected,
    delivered: a.delivered,
    deliveredPerSecond: a.delivered > 1 && spanMs > 0 ? (a.delivered - 1) / (spanMs / 1000) : 0,
    firstArrivalAfterMs: a.firstArrivalMs - startMs,
    lastArrivalAfterMs: a.lastArrivalMs - startMs,
    latencyMs: percentiles(a.latenciesMs),
    dedupedLatencyMs: percentiles(a.dedupedMs),
    builtLatencyMs: percentiles(a.builtMs),
    reader: histogramBetween(before.reader, after.reader),
    publisher: histogramBetween(before.publisher, after.publisher),
    transactions: { deduper: histogramBetween(before.deduperTransactions, after.deduperTransactions), publisher: histogramBetween(before.publisherTransactions, after.publisherTransactions) },
  };
}

// ---------------------------------------------------------------- the run

interface Context {
  readonly options: Options;
  readonly writer: RowWriter;
  readonly deployment: MeridianDeployment;
  readonly arrivals: Record<DataCentre, DestinationArrivals>;
  readonly sampling: UsageSampling;
  readonly destination: string;
}

/**
 * Waits until both DCs' destinations hold an event for every acknowledged row of [fromId,
 * toId), printing how far each is; fails if a service exits. Resolves to false when
 * `timeoutMs` passes first: the phase is reported with what arrived.
 */
async function waitForArrivals(ctx: Context, label: string, fromId: number, toId: number, timeoutMs: number): Promise<boolean> {
  const { writer, arrivals, deployment } = ctx;
  let expected = 0;
  for (let id = fromId; id < toId; id++) if (!writer.failed.has(id)) expected++;
  // Polled cheaply by the count since the mark; confirmed by an exact count, since a write that
  // failed at the client may still have been applied, and its event count in the mark's.
  for (const dc of DCS) arrivals[dc].mark(fromId, toId);
  const exact = (dc: DataCentre) => arrivals[dc].countOf(fromId, toId, writer.failed);
  const deadline = Date.now() + timeoutMs;
  let nextProgress = Date.now() + PROGRESS_MS;
  const state = async () => {
    const parts = await Promise.all(
      DCS.map(async (dc) => {
        const f = await deployment.stageFigures(dc, ctx.destination).catch(() => undefined);
        const figures = f ? `; readers ${f.readerEvents} events, ${(f.readerBacklogBytes / 2 ** 20).toFixed(1)} MiB unread; publisher ${f.publisherEvents}` : '';
        return `${dc} ${exact(dc)} of ${expected}${figures}`;
      }),
    );
    return `${label}: at the destinations: ${parts.join(' | ')}`;
  };
  for (;;) {
    deployment.checkAlive();
    if (DCS.every((dc) => arrivals[dc].sinceMark >= expected) && DCS.every((dc) => exact(dc) >= expected)) return true;
    if (Date.now() > deadline) {
      progress(`${label}: gave up waiting after ${timeoutMs / 1000} s (${await state()})`);
      return false;
    }
    if (Date.now() >= nextProgress) {
      progress(await state());
      nextProgress += PROGRESS_MS;
    }
    await sleep(250);
  }
}

async function stageFiguresOfBoth(ctx: Context): Promise<Record<DataCentre, StageFigures>> {
  const [dc1, dc2] = await Promise.all(DCS.map((dc) => ctx.deployment.stageFigures(dc, ctx.destination)));
  if (!dc1 || !dc2) throw new Error('no figures');
  return { dc1, dc2 };
}

async function steadyPhase(ctx: Context, rate: number): Promise<SteadyPhase> {
  const { options, writer, sampling } = ctx;
  const label = `steady ${rate}/s`;
  progress(`${label}: writing for ${options.seconds} s`);
  const before = await stageFiguresOfBoth(ctx);
  sampling.restart();
  const startMs = Date.now();
  const ticker = setInterval(() => progress(`${label}: at the destinations: ${DCS.map((dc) => `${dc} ${ctx.arrivals[dc].received}`).join(', ')} rows in all`), PROGRESS_MS);
  let write: WriteRun;
  try {
    write = await writer.paced(label, rate, options.seconds, options.concurrency);
  } finally {
    clearInterval(ticker);
  }
  const complete = await waitForArrivals(ctx, label, write.fromId, write.toId, 60_000 + 4 * options.seconds * 1000);
  const usage = sampling.stop();
  const loadAverage = loadavg()[0] ?? Number.NaN;
  await sleep(SETTLE_MS);
  const after = await stageFiguresOfBoth(ctx);
  const dcs = {
    dc1: dcFigures(ctx.arrivals.dc1, write.fromId, write.toId, writer.failed, startMs, before.dc1, after.dc1),
    dc2: dcFigures(ctx.arrivals.dc2, write.fromId, write.toId, writer.failed, startMs, before.dc2, after.dc2),
  };
  progress(`${label}: ${write.perSecond.toFixed(0)} written/s; ${DCS.map((dc) => `${dc} ${dcs[dc].deliveredPerSecond.toFixed(0)} delivered/s, p99 ${dcs[dc].latencyMs.p99.toFixed(0)} ms`).join('; ')}`);
  return { targetPerSecond: rate, write, complete, dcs, usage, loadAverage };
}

async function drainPhase(ctx: Context, writeRate: number): Promise<Drain> {
  const { options, writer, deployment, sampling } = ctx;
  progress('drain: stopping both cdc-readers');
  await deployment.stopKind('cdc-reader');
  progress(`drain: writing ${options.backlog} rows flat out into cdc_raw, ${options.concurrency} in flight (about ${Math.round(options.backlog / writeRate)} s at W)`);
  const write = await writer.flatOutAtLeast('drain backlog', 0, options.backlog, options.concurrency);
  progress(`drain: ${write.acknowledged} rows written at ${write.perSecond.toFixed(0)}/s; starting both cdc-readers`);
  await sleep(PAUSE_MS);
  const before = await stageFiguresOfBoth(ctx);
  sampling.restart();
  const startMs = Date.now();
  await deployment.start(['cdc-reader']);
  progress(`drain: both cdc-readers healthy after ${((Date.now() - startMs) / 1000).toFixed(1)} s`);
  const complete = await waitForArrivals(ctx, 'drain', write.fromId, write.toId, 120_000 + options.backlog * 2);
  const usage = sampling.stop();
  const loadAverage = loadavg()[0] ?? Number.NaN;
  await sleep(SETTLE_MS);
  const after = await stageFiguresOfBoth(ctx);
  const drainDc = (dc: DataCentre): DrainDc => {
    const a = ctx.arrivals[dc].of(write.fromId, write.toId, writer.failed);
    const seconds = (a.lastArrivalMs - startMs) / 1000;
    return {
      expected: a.expected,
      delivered: a.delivered,
      seconds,
      perSecond: a.delivered / seconds,
      firstArrivalAfterMs: a.firstArrivalMs - startMs,
      // The readers are new processes: their histograms hold the drain only.
      reader: histogramBetween(undefined, after[dc].reader),
      publisher: histogramBetween(before[dc].publisher, after[dc].publisher),
    };
  };
  const dcs = { dc1: drainDc('dc1'), dc2: drainDc('dc2') };
  progress(`drain: ${DCS.map((dc) => `${dc} ${dcs[dc].delivered} events in ${dcs[dc].seconds.toFixed(1)} s = ${dcs[dc].perSecond.toFixed(0)}/s`).join('; ')}`);
  return { backlog: write.acknowledged, write, complete, dcs, usage, loadAverage };
}

async function run(options: Options, cleanup: Cleanup): Promise<void> {
  const began = performance.now();
  const machine = await describeMachine();
  const topology = await openTopology('bench-e2e', ['dc1-n1', 'dc2-n1', 'kafka-dc1', 'kafka-dc2'], options, cleanup, progress);
  const { endpoints } = topology;
  const node = endpoints.cassandra.find((n) => n.name === 'dc1-n1');
  if (!node) throw new Error('the topology has no dc1-n1');
  const cassandra = new CassandraConnection({ contactPoints: [`${node.cql.host}:${node.cql.port}`], localDataCenter: 'dc1' });
  cleanup.add('closing the Cassandra connection', () => cassandra.close());
  const kafkaOf = (dc: DataCentre): KafkaConnection => {
    const broker = endpoints.kafka.find((k) => k.dc === dc);
    if (!broker) throw new Error(`the topology has no Kafka in ${dc}`);
    const connection = new KafkaConnection({ brokers: [broker.bootstrap], clientId: `bench-e2e-${dc}` });
    cleanup.add(`closing the Kafka connection to ${dc}`, () => connection.close());
    return connection;
  };
  const kafka = { dc1: kafkaOf('dc1'), dc2: kafkaOf('dc2') };

  // 1. The table.
  const keyspace = uniqueName('bench_e2e');
  await cassandra.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 1, 'dc2': 1}`);
  await cassandra.execute(`CREATE TABLE ${keyspace}.${TABLE} ${ROWS_COLUMNS} WITH cdc = true`);
  progress(`table ${keyspace}.${TABLE} created (cdc = true, replicated to dc1 and dc2)`);
  const writer = new RowWriter(cassandra, `${keyspace}.${TABLE}`, progress);
  cleanup.add('stopping the load generator', () => {
    writer.stop();
    return Promise.resolve();
  });

  // 2. W: no Meridian service runs yet.
  progress(`W: ${WARMUP_SECONDS} s warm-up, then ${options.seconds} s flat out, ${options.concurrency} in flight, LOCAL_ONE, no CDC consumer running`);
  await writer.flatOut('warm-up', WARMUP_SECONDS, options.concurrency);
  const writeRate = await writer.flatOut('W', options.seconds, options.concurrency);
  progress(`W = ${writeRate.perSecond.toFixed(0)} writes/s`);

  // 3. The services, configured through each DC's coordinator.
  const topics = runTopics(keyspace);
  const destination = `${keyspace}-destination`;
  const destinationTopic = `${keyspace}.destination`;
  // Created here as the readers, the deduper and the publisher would, so no subscription auto-creates one with a single partition.
  await Promise.all(
    DCS.map((dc) =>
      kafka[dc].createTopics([
        { topic: topics.raw, partitions: RAW_PARTITIONS, maxMessageBytes: RAW_TOPIC_MAX_MESSAGE_BYTES },
        { topic: topics.mutations, partitions: PARTITIONS, maxMessageBytes: RAW_TOPIC_MAX_MESSAGE_BYTES },
        { topic: destinationTopic, partitions: PARTITIONS },
      ]),
    ),
  );
  const deployment = new MeridianDeployment(endpoints, topics, PORT_OFFSET, join(RESULTS, 'tmp', 'e2e'), cleanup, progress);
  progress('starting the coordinator, deduper and publisher of each DC');
  await deployment.start(PIPELINE_SERVICES.filter((s) => s !== 'cdc-reader'));
  for (const dc of DCS) {
    const coordinator = deployment.one('coordinator', dc);
    await configureChannel(`http://127.0.0.1:${coordinator.instance.httpPort}`, { destination, topic: destinationTopic, channel: `${keyspace}-channel`, keyspace, table: TABLE }, CONFIGURE_TIMEOUT_MS);
    progress(`${dc}: destination ${destination} (topic ${destinationTopic}) and a channel for ${keyspace}.${TABLE} created through the coordinator's API`);
  }
  const followed = { destination: destinationTopic, mutations: topics.mutations };
  const arrivals = {
    dc1: new DestinationArrivals(kafka.dc1, 'dc1', followed, keyspace, TABLE),
    dc2: new DestinationArrivals(kafka.dc2, 'dc2', followed, keyspace, TABLE),
  };
  for (const dc of DCS) {
    const follower = arrivals[dc];
    await follower.start();
    cleanup.add(`stopping the ${dc} destination consumer`, () => follower.stop());
  }
  const sampling = new UsageSampling(deployment, endpoints);
  const ctx: Context = { options, writer, deployment, arrivals, sampling, destination };

  const startupRows = writer.issued;
  progress(`starting both cdc-readers; ${writer.acknowledged} rows from W wait in cdc_raw`);
  const startupMs = Date.now();
  await deployment.start(['cdc-reader']);
  const startupComplete = await waitForArrivals(ctx, 'start-up', 0, startupRows, 120_000 + startupRows * 2);
  const startup = {
    rows: writer.acknowledged,
    complete: startupComplete,
    secondsByDc: Object.fromEntries(DCS.map((dc) => [dc, (arrivals[dc].of(0, startupRows, writer.failed).lastArrivalMs - startupMs) / 1000])),
  };
  progress(`start-up: W's rows delivered in ${DCS.map((dc) => `${dc} ${(startup.secondsByDc[dc] ?? Number.NaN).toFixed(1)} s`).join(', ')}`);

  // 4. Steady rates.
  const rates = options.rates ?? DEFAULT_FRACTIONS.map((f) => Math.max(10, Math.round((writeRate.perSecond * f) / 10) * 10));
  const steady: SteadyPhase[] = [];
  for (const rate of rates) {
    await sleep(PAUSE_MS);
    steady.push(await steadyPhase(ctx, rate));
  }

  // 5. Drain.
  await sleep(PAUSE_MS);
  const drain = await drainPhase(ctx, writeRate.perSecond);

  // 6. P, with the machine to the baseline alone.
  for (const dc of DCS) await arrivals[dc].stop();
  progress('stopping the Meridian services for the produce baseline');
  await deployment.stop(() => true);
  const logs = Object.fromEntries([...deployment.logFiles].map(([label, file]) => [label, logProblems(file)]));
  const sample = Math.min(P_MAX_EVENTS, arrivals.dc1.received);
  progress(`baseline: reading ${sample} change events back from ${destinationTopic} in dc1`);
  const records = await kafka.dc1.readTopic(destinationTopic, { count: sample, timeoutMs: 300_000, isolation: 'read_committed', groupId: uniqueName('bench_e2e_read') });
  const baseline = await produceBaseline(kafka.dc1, records, { prefix: 'bench_e2e_produce', partitions: PARTITIONS }, progress);
  progress(`P = ${baseline.perSecond.toFixed(0)} events/s`);

  // 7. Report.
  const top = steady.reduce<SteadyPhase | undefined>((best, s) => (best === undefined || s.targetPerSecond > best.targetPerSecond ? s : best), undefined);
  const ratios = {
    steady: steady.map((s) => ({
      targetPerSecond: s.targetPerSecond,
      ...Object.fromEntries(DCS.map((dc) => [dc, { deliveredToWritten: s.dcs[dc].deliveredPerSecond / s.write.perSecond, deliveredToW: s.dcs[dc].deliveredPerSecond / writeRate.perSecond }])),
    })),
    drain: Object.fromEntries(DCS.map((dc) => [dc, { drainToP: drain.dcs[dc].perSecond / baseline.perSecond, drainToW: drain.dcs[dc].perSecond / writeRate.perSecond }])),
  };
  const goalsIn = (dc: DataCentre) => ({
    p99Met: top !== undefined && top.complete && top.dcs[dc].latencyMs.p99 < P99_GOAL_MS,
    deliveredMet: top !== undefined && top.dcs[dc].deliveredPerSecond >= DELIVERY_GOAL * writeRate.perSecond,
  });
  const goals: Goals = { p99UnderMs: P99_GOAL_MS, deliveredAtLeastTimesW: DELIVERY_GOAL, highestRate: top?.targetPerSecond, dc1: goalsIn('dc1'), dc2: goalsIn('dc2') };
  const report: Report = {
    options,
    endpoints,
    keyspace,
    writeRate,
    startup,
    steady,
    drain,
    baseline,
    goals,
    duplicates: { dc1: arrivals.dc1.duplicates, dc2: arrivals.dc2.duplicates },
    logs,
    elapsedSeconds: (performance.now() - began) / 1000,
  };
  printReport(report);
  writeResults('e2e.json', {
    date: new Date().toISOString(),
    machine: machineAtEnd(machine),
    versions: { cassandra: endpoints.cassandraVersion, kafka: endpoints.kafkaVersion, node: process.version },
    options: { ...options, rates, warmupSeconds: WARMUP_SECONDS, payloadBytes: ROW_PAYLOAD_BYTES, consistency: 'LOCAL_ONE', replication: { dc1: 1, dc2: 1 }, portOffset: PORT_OFFSET },
    topology: { driver: endpoints.driver, startedByThisRun: topology.started },
    elapsedSeconds: report.elapsedSeconds,
    writeRate,
    startup,
    steady,
    drain,
    produceBaseline: { ...baseline, sampledFrom: destinationTopic },
    ratios,
    goals,
    duplicates: report.duplicates,
    foreignEvents: Object.fromEntries(DCS.map((dc) => [dc, arrivals[dc].foreign])),
    logProblems: logs,
    notes: [
      "latencyMs: Cassandra writetime (the driver's client-side timestamp, taken when the insert is sent, so the write's own round trip is included) to arrival at this benchmark's read_committed consumer of the destination topic, which shares the machine with the load generator: an upper bound on commit-to-topic latency",
      "dedupedLatencyMs: writetime to the mutation seen on the DC's mutations topic by this benchmark's read_committed consumer (reader, raw topic, the deduper's transaction)",
      "builtLatencyMs: writetime to the publisher taking the event's batch in hand (the event's ts_ms): all of the above and the publisher's fetch",
      "reader / publisher: the services' own /metrics histograms over the phase (writetime to Kafka's acknowledgement of the raw event; writetime to the commit of the destination transaction); meanMs is exact, p50/p99 are the bucket bounds they fall under",
      "deliveredPerSecond: the phase's events at the destination, over the span from the first one's arrival to the last one's: the written rate when the pipeline keeps up, less when its lag grows",
      "drain: from spawning both readers (start-up included) to the last backlog event at each DC's destination; both DCs' pipelines drain at once on the same machine, while P runs alone",
      'usage: CPU (cores = CPU time / wall time) and RSS of each process from /proc over the phase; the JVMs only with the local driver',
    ],
  });
  writeResultText('e2e-latency.svg', latencyChart(report));
}

// ---------------------------------------------------------------- report

interface Goals {
  readonly p99UnderMs: number;
  readonly deliveredAtLeastTimesW: number;
  readonly highestRate: number | undefined;
  readonly dc1: { readonly p99Met: boolean; readonly deliveredMet: boolean };
  readonly dc2: { readonly p99Met: boolean; readonly deliveredMet: boolean };
}

interface Report {
  readonly options: Options;
  readonly endpoints: TopologyEndpoints;
  readonly keyspace: string;
  readonly writeRate: WriteRun;
  readonly startup: { readonly rows: number; readonly complete: boolean; readonly secondsByDc: Record<string, number> };
  readonly steady: readonly SteadyPhase[];
  readonly drain: Drain;
  readonly baseline: ProduceBaseline;
  readonly goals: Goals;
  readonly duplicates: Record<DataCentre, number>;
  readonly logs: Record<string, string[]>;
  readonly elapsedSeconds: number;
}

const n = (x: number | undefined, digits = 0) => (x === undefined ? '?' : Number.isFinite(x) ? x.toFixed(digits) : String(x));
const bound = (ms: number) => (Number.isNaN(ms) ? '-' : Number.isFinite(ms) ? `<=${n(ms)}` : '>60000');
const pass = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

function table(header: readonly string[], rows: readonly (readonly string[])[], firstWidth: number): string[] {
  const widths = header.map((h, i) => Math.max(i === 0 ? firstWidth : 0, h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), ...rows.map(line)];
}

function printReport(r: Report): void {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  const w = r.writeRate;
  const b = r.baseline;
  const load = loadavg();
  out();
  out(`Meridian end to end: Cassandra ${r.endpoints.cassandraVersion} (dc1-n1, dc2-n1), Kafka ${r.endpoints.kafkaVersion} per DC, ${r.endpoints.driver} driver; ${cpus().length} CPUs, load average ${n(load[0], 1)} at the end`);
  out(`${r.keyspace}.${TABLE}: cdc = true, replicated {'dc1': 1, 'dc2': 1}; inserts of ~${ROW_PAYLOAD_BYTES}-byte rows in dc1 at LOCAL_ONE, ${r.options.concurrency} in flight; ${n(r.elapsedSeconds / 60, 1)} min in all`);
  out();
  out(`W  Cassandra write rate, no CDC consumer  ${n(w.perSecond).padStart(8)} writes/s  (${w.acknowledged} rows in ${n(w.seconds, 1)} s${w.failed > 0 ? `, ${w.failed} failed` : ''})`);
  out(`P  Kafka produce rate, same events       ${n(b.perSecond).padStart(8)} events/s  (${b.events} change events from dc1's destination, ${n(b.bytes / 2 ** 20, 1)} MiB in ${b.requests} requests of <= 512 KiB, one idempotent producer, nothing else running)`);
  out(`start-up: the ${r.startup.rows} rows of W delivered ${Object.entries(r.startup.secondsByDc).map(([dc, s]) => `in ${dc} ${n(s, 1)} s`).join(', ')} after both readers started${r.startup.complete ? '' : ' (INCOMPLETE)'}`);
  out();
  out("Steady rates. Latency in ms from the Cassandra writetime to arrival at a read_committed consumer of the DC's destination");
  out('topic; the consumer shares the machine with the load generator, so it is an upper bound. Stages: "reader" and "commit" are');
  out("the services' own histograms, mean/bucket bound of the p99 (writetime -> raw event acknowledged; -> destination transaction");
  out('committed); "deduped" is writetime -> the mutation seen on the mutations topic, "built" -> the publisher taking it in hand.');
  const rows: string[][] = [];
  for (const s of r.steady) {
    for (const dc of DCS) {
      const d = s.dcs[dc];
      const l = d.latencyMs;
      rows.push([
        dc === 'dc1' ? n(s.targetPerSecond) : '',
        dc === 'dc1' ? n(s.write.perSecond) : '',
        dc,
        n(d.deliveredPerSecond),
        n(d.deliveredPerSecond / s.write.perSecond, 2),
        n(d.deliveredPerSecond / w.perSecond, 2),
        n(l.p50),
        n(l.p95),
        n(l.p99),
        n(l.max),
        `${n(d.reader.meanMs)}/${bound(d.reader.p99AtMostMs)}`,
        `${n(d.dedupedLatencyMs.p50)}/${n(d.dedupedLatencyMs.p99)}`,
        `${n(d.builtLatencyMs.p50)}/${n(d.builtLatencyMs.p99)}`,
        `${n(d.publisher.meanMs)}/${bound(d.publisher.p99AtMostMs)}`,
        d.delivered < d.expected ? `${d.expected - d.delivered} missing` : '',
      ]);
    }
  }
  for (const line of table(['target/s', 'written/s', 'DC', 'delivered/s', 'del/written', 'del/W', 'p50', 'p95', 'p99', 'max', 'reader mean/p99', 'deduped p50/p99', 'built p50/p99', 'commit mean/p99', ''], rows, 8)) out(line);
  out();

  const d = r.drain;
  out(`Drain: ${d.backlog} rows written into cdc_raw with both readers stopped (at ${n(d.write.perSecond)}/s, deduper and publisher idle), then both readers started:`);
  for (const dc of DCS) {
    const x = d.dcs[dc];
    out(`  ${dc}: ${x.delivered} of ${x.expected} events at the destination in ${n(x.seconds, 1)} s from the readers' start = ${n(x.perSecond)} events/s (first after ${n(x.firstArrivalAfterMs / 1000, 1)} s); drain/P = ${n(x.perSecond / b.perSecond, 2)}, drain/W = ${n(x.perSecond / w.perSecond, 2)}`);
  }
  if (!d.complete) out('  INCOMPLETE: the drain timed out');
  out();

  out('CPU (cores) and RSS (peak MiB) per process, by phase:');
  const phases = [...r.steady.map((s) => ({ name: `${n(s.targetPerSecond)}/s`, usage: s.usage, loadAverage: s.loadAverage })), { name: 'drain', usage: d.usage, loadAverage: d.loadAverage }];
  const labels = [...new Set(phases.flatMap((p) => Object.keys(p.usage.meridian)))].sort();
  const others = [...new Set(phases.flatMap((p) => Object.keys(p.usage.others)))];
  const cell = (u: ProcessUsage | undefined) => (u ? `${n(u.cores, 2)} / ${n(u.rssMiBPeak)}` : '-');
  const usageRows = [
    ...labels.map((label) => [label, ...phases.map((p) => cell(p.usage.meridian[label]))]),
    ['all Meridian processes', ...phases.map((p) => `${n(Object.values(p.usage.meridian).reduce((sum, u) => sum + (Number.isFinite(u.cores) ? u.cores : 0), 0), 2)} cores`)],
    ...others.map((label) => [label, ...phases.map((p) => cell(p.usage.others[label]))]),
    ['load average (1 min)', ...phases.map((p) => n(p.loadAverage, 1))],
  ];
  for (const line of table(['', ...phases.map((p) => p.name)], usageRows, 28)) out(line);
  out();

  const g = r.goals;
  const top = r.steady.find((s) => s.targetPerSecond === g.highestRate);
  out(`Goals at the highest rate (${n(g.highestRate)}/s targeted, ${n(top?.write.perSecond)}/s written):`);
  for (const dc of DCS) {
    const x = top?.dcs[dc];
    out(`  ${dc}: p99 ${n(x?.latencyMs.p99)} ms < ${g.p99UnderMs} ms ${pass(g[dc].p99Met)}; delivered ${n(x?.deliveredPerSecond)}/s >= ${g.deliveredAtLeastTimesW} x W = ${n(g.deliveredAtLeastTimesW * w.perSecond)}/s ${pass(g[dc].deliveredMet)}`);
  }
  if (top) {
    out('Where the time goes at that rate (ms after the Cassandra writetime):');
    for (const dc of DCS) {
      const x = top.dcs[dc];
      out(`  ${dc}: raw event acknowledged ${n(x.reader.meanMs)} (mean) -> deduped ${n(x.dedupedLatencyMs.p50)} (p50) -> in the publisher's hands ${n(x.builtLatencyMs.p50)} (p50) -> destination committed ${n(x.publisher.meanMs)} (mean) -> seen ${n(x.latencyMs.p50)} (p50)`);
      const { deduper: d, publisher: p } = x.transactions;
      out(`       batch transactions: deduper ${d.count} of ${n(d.meanMs)} ms mean (p99 <= ${n(d.p99AtMostMs)}), ${n(x.delivered / Math.max(1, d.count), 1)} events each; publisher ${p.count} of ${n(p.meanMs)} ms mean (p99 <= ${n(p.p99AtMostMs)}), ${n(x.delivered / Math.max(1, p.count), 1)} events each`);
    }
    const busiest = Object.entries({ ...top.usage.meridian, ...top.usage.others })
      .filter(([, u]) => Number.isFinite(u.cores))
      .sort(([, a], [, b2]) => b2.cores - a.cores)
      .slice(0, 5);
    const total = Object.values({ ...top.usage.meridian, ...top.usage.others }).reduce((sum, u) => sum + (Number.isFinite(u.cores) ? u.cores : 0), 0);
    out(`  busiest: ${busiest.map(([label, u]) => `${label} ${n(u.cores, 2)}`).join(', ')}; sampled processes together ${n(total, 2)} of ${cpus().length} cores (load average ${n(top.loadAverage, 1)})`);
  }
  for (const dc of DCS) if (r.duplicates[dc] > 0) out(`!!! ${dc}: ${r.duplicates[dc]} duplicate events (a row delivered twice)`);
  const withProblems = Object.entries(r.logs).filter(([, lines]) => lines.length > 0);
  out(`service logs: ${withProblems.length === 0 ? 'no warnings or errors' : withProblems.map(([label, lines]) => `${label} ${lines.length}`).join(', ')}${withProblems.length > 0 ? ' warning/error line(s); first:' : ''}`);
  for (const [label, lines] of withProblems.slice(0, 3)) out(`  ${label}: ${lines[0] ?? ''}`);
}

function latencyChart(r: Report): string {
  const points = (dc: DataCentre, pick: (l: Latency) => number) => r.steady.map((s) => [s.write.perSecond, pick(s.dcs[dc].latencyMs)] as const);
  return lineChartSvg({
    title: 'Meridian: Cassandra writetime to destination topic, by write rate',
    subtitle: `${r.endpoints.driver} driver, ${cpus().length} CPUs, load average ${n(loadavg()[0], 1)}; arrival at a read_committed consumer (an upper bound)`,
    xLabel: 'writes/s in dc1 (as written)',
    yLabel: 'latency, ms',
    yLog: true,
    series: [
      { name: 'dc1 p50', color: '#1f77b4', points: points('dc1', (l) => l.p50) },
      { name: 'dc1 p99', color: '#1f77b4', dashed: true, points: points('dc1', (l) => l.p99) },
      { name: 'dc2 p50', color: '#d62728', points: points('dc2', (l) => l.p50) },
      { name: 'dc2 p99', color: '#d62728', dashed: true, points: points('dc2', (l) => l.p99) },
    ],
    yLines: [{ at: P99_GOAL_MS, label: `goal: p99 < ${P99_GOAL_MS} ms`, color: '#2ca02c' }],
    xLines: [{ at: r.writeRate.perSecond, label: `W ${n(r.writeRate.perSecond)}/s`, color: '#888' }],
  });
}

runBenchmark(
  {
    name: 'bench:e2e',
    usage: USAGE,
    parse: parseOptions,
    missing: () => {
      const missing = PIPELINE_SERVICES.map((s) => join(ROOT, 'apps', s, 'dist', 'main.js')).filter((main) => !existsSync(main));
      return missing.length > 0 ? `${missing.join(' and ')} missing; build the services first: npx nx run-many -t build` : undefined;
    },
    run,
  },
  progress,
);
