/**
 * bench/broker-restart: dc1's Kafka broker restarted again and again under a steady write
 * load, with Meridian running in both DCs; each time, every row must arrive exactly once on
 * each DC's destination, and the time from the broker answering again to the first new
 * event on each destination is taken.
 *
 *   npm run bench:broker-restart [-- --restarts 20] [-- --down 5] [-- --rate 100]
 *                                [-- --driver local|containers] [-- --workdir DIR]
 *
 * 1. A topology with both DCs (dc1-n1, dc1-n2, dc2-n1, a Kafka per DC); a keyspace replicated
 *    {'dc1': 2, 'dc2': 1} (so the deduper has copies to remove) and one `cdc = true` table.
 * 2. Both DCs' services (coordinator, deduper, publisher, a cdc-reader per node) on topics of
 *    their own; each DC's coordinator gets a destination and a channel for the table.
 * 3. Each round: rows written at --rate for ROUND_SECONDS; ROUND_FAULT_AFTER_S seconds in,
 *    dc1's broker is stopped, left down --down seconds and started again (the driver waits
 *    until it answers Kafka's ApiVersions). Then every acknowledged row of the round must be
 *    on both destinations within STALL_AFTER_S seconds: otherwise the round is a stall, and
 *    the run stops there with every log kept.
 *
 * A read_committed consumer per DC counts each row's events: a second event for a row is a
 * duplicate. Results go to bench/results/broker-restart-<driver>.json, the services' logs to
 * bench/results/tmp/broker-restart/.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CassandraConnection } from '@meridian/cassandra';
import { type DataCentre, loadDriver } from '@meridian/infra';
import { KafkaConnection } from '@meridian/kafka';
import { uniqueName } from '@meridian/testing';
import { positiveOption, runBenchmark, usageErrorOf, UsageError } from '../support/command';
import { progressLog } from '../support/log';
import { describeMachine, machineAtEnd } from '../support/machine';
import { RAW_PARTITIONS, RAW_TOPIC_MAX_MESSAGE_BYTES } from '../support/raw-topic';
import { RESULTS, writeResults } from '../support/results';
import { ROWS_COLUMNS, RowWriter } from '../support/row-writer';
import { logProblems } from '../support/service-log';
import { type Cleanup, openTopology, TOPOLOGY_ARGS, TOPOLOGY_USAGE, topologyOptions, type TopologyOptions } from '../support/topology';
import { configureChannel } from '../e2e/coordinator-config';
import { DestinationArrivals } from '../e2e/destination-arrivals';
import { MeridianDeployment, PIPELINE_SERVICES, runTopics } from '../e2e/deployment';

const ROOT = resolve(__dirname, '..', '..');
const DCS = ['dc1', 'dc2'] as const;
/** The services' HTTP ports moved clear of the demo's, the e2e suites' and the other benchmarks'. */
const PORT_OFFSET = 8000;
const PARTITIONS = 6;
const TABLE = 'rows';
const BROKER = 'kafka-dc1';
/** Each round writes this long; the broker goes down this far into it, so rows are written before, during and after. */
const ROUND_SECONDS = 16;
const ROUND_FAULT_AFTER_S = 4;
/** A round whose rows are not all delivered this long after its last write is a stall. */
const STALL_AFTER_S = 120;
/** The goal for each restart: broker answering to the first new event on each DC's destination. */
const RECOVERY_GOAL_MS = 10_000;
const CONFIGURE_TIMEOUT_MS = 60_000;
const PROGRESS_MS = 5000;
const CONCURRENCY = 8;

const USAGE = `usage: npm run bench:broker-restart [-- options]
  --restarts N       how many times dc1's broker is restarted (default 20)
  --down S           seconds the broker stays down each time (default 5)
  --rate R           rows written per second in dc1 (default 100)
${TOPOLOGY_USAGE}
  --help`;

interface Options extends TopologyOptions {
  readonly restarts: number;
  readonly downSeconds: number;
  readonly rate: number;
  readonly help: boolean;
}

function parseOptions(args: readonly string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      options: {
        restarts: { type: 'string', default: '20' },
        down: { type: 'string', default: '5' },
        rate: { type: 'string', default: '100' },
        ...TOPOLOGY_ARGS,
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw usageErrorOf(error);
  }
  const problems: string[] = [];
  const restarts = positiveOption('restarts', values.restarts, problems, true);
  const downSeconds = positiveOption('down', values.down, problems, false);
  const rate = positiveOption('rate', values.rate, problems, false);
  const topology = topologyOptions(values, problems);
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return { restarts, downSeconds, rate, ...topology, help: values.help };
}

const progress = progressLog('bench:broker-restart');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Round {
  readonly round: number;
  readonly rows: { readonly written: number; readonly failed: number };
  /** From the stop request to the broker answering again after its start. */
  readonly brokerDownMs: number;
  /** Per DC: the broker answering again to the first event of the round that arrived after it; 0 when every row had arrived before, null when rows are missing and none came after. */
  readonly recoveryMs: Record<DataCentre, number | null>;
  /** Per DC: events of this round's rows at the destination, and how many rows were expected. */
  readonly delivered: Record<DataCentre, { readonly events: number; readonly expected: number }>;
  /** Events of a row seen before, over the whole run so far. */
  readonly duplicates: Record<DataCentre, number>;
  /** Mutations of a row seen before on the DC's mutations topic, over the whole run so far: copies the deduper let through. */
  readonly mutationDuplicates: Record<DataCentre, number>;
  readonly stalled: boolean;
}

async function run(options: Options, cleanup: Cleanup): Promise<void> {
  const machine = await describeMachine();
  const topology = await openTopology('bench-broker-restart', ['dc1-n1', 'dc1-n2', 'dc2-n1', 'kafka-dc1', 'kafka-dc2'], options, cleanup, progress, 2);
  const { endpoints } = topology;
  const driver = loadDriver(endpoints.driver);
  const dc1Nodes = endpoints.cassandra.filter((n) => n.dc === 'dc1').map((n) => `${n.cql.host}:${n.cql.port}`);
  const cassandra = new CassandraConnection({ contactPoints: dc1Nodes, localDataCenter: 'dc1' });
  cleanup.add('closing the Cassandra connection', () => cassandra.close());
  const kafkaOf = (dc: DataCentre): KafkaConnection => {
    const broker = endpoints.kafka.find((k) => k.dc === dc);
    if (!broker) throw new Error(`the topology has no Kafka in ${dc}`);
    const connection = new KafkaConnection({ brokers: [broker.bootstrap], clientId: `bench-broker-restart-${dc}` });
    cleanup.add(`closing the Kafka connection to ${dc}`, () => connection.close());
    return connection;
  };
  const kafka = { dc1: kafkaOf('dc1'), dc2: kafkaOf('dc2') };

  const keyspace = uniqueName('bench_restart');
  await cassandra.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 2, 'dc2': 1}`);
  await cassandra.execute(`CREATE TABLE ${keyspace}.${TABLE} ${ROWS_COLUMNS} WITH cdc = true`);
  const writer = new RowWriter(cassandra, `${keyspace}.${TABLE}`, progress);
  cleanup.add('stopping the load generator', () => {
    writer.stop();
    return Promise.resolve();
  });

  const topics = runTopics(keyspace);
  const destination = `${keyspace}-destination`;
  const destinationTopic = `${keyspace}.destination`;
  for (const dc of DCS) {
    await kafka[dc].createTopics([
      { topic: topics.raw, partitions: RAW_PARTITIONS, maxMessageBytes: RAW_TOPIC_MAX_MESSAGE_BYTES },
      { topic: topics.mutations, partitions: PARTITIONS, maxMessageBytes: RAW_TOPIC_MAX_MESSAGE_BYTES },
      { topic: destinationTopic, partitions: PARTITIONS },
    ]);
  }
  const logDir = join(RESULTS, 'tmp', 'broker-restart');
  const deployment = new MeridianDeployment(endpoints, topics, PORT_OFFSET, logDir, cleanup, progress);
  progress('starting the Meridian services of both DCs');
  await deployment.start(PIPELINE_SERVICES);
  for (const dc of DCS) {
    const coordinator = deployment.one('coordinator', dc);
    await configureChannel(`http://127.0.0.1:${coordinator.instance.httpPort}`, { destination, topic: destinationTopic, channel: `${keyspace}-channel`, keyspace, table: TABLE }, CONFIGURE_TIMEOUT_MS);
  }
  const arrivals = {
    dc1: new DestinationArrivals(kafka.dc1, 'dc1', { destination: destinationTopic, mutations: topics.mutations }, keyspace, TABLE),
    dc2: new DestinationArrivals(kafka.dc2, 'dc2', { destination: destinationTopic, mutations: topics.mutations }, keyspace, TABLE),
  };
  for (const dc of DCS) {
    await arrivals[dc].start();
    cleanup.add(`stopping the ${dc} destination consumer`, () => arrivals[dc].stop());
  }

  const infraLog = (line: string) => progress(`infra: ${line}`);
  const rounds: Round[] = [];
  for (let round = 1; round <= options.restarts; round++) {
    progress(`round ${round} of ${options.restarts}: writing ${options.rate} rows/s for ${ROUND_SECONDS} s; ${BROKER} down ${options.downSeconds} s from ${ROUND_FAULT_AFTER_S} s in`);
    let brokerDownMs = 0;
    let answeringAt = 0;
    const fault = sleep(ROUND_FAULT_AFTER_S * 1000).then(async () => {
      const stoppedAt = Date.now();
      await driver.stop(endpoints.workdir, BROKER, infraLog);
      await sleep(options.downSeconds * 1000);
      await driver.start(endpoints.workdir, BROKER, infraLog);
      answeringAt = Date.now();
      brokerDownMs = answeringAt - stoppedAt;
    });
    const [write] = await Promise.all([writer.paced(`round ${round}`, options.rate, ROUND_SECONDS, CONCURRENCY), fault]);
    const delivered = await waitForRound(arrivals, writer.failed, write.fromId, write.toId, deployment, `round ${round}`);
    const recoveryMs = Object.fromEntries(
      DCS.map((dc) => {
        const first = arrivals[dc].firstArrivalAfter(write.fromId, write.toId, answeringAt);
        // A DC that had every row of the round before the broker answered had nothing to recover.
        if (first === undefined) return [dc, delivered[dc].events >= delivered[dc].expected ? 0 : null];
        return [dc, first - answeringAt];
      }),
    ) as Record<DataCentre, number | null>;
    const stalled = DCS.some((dc) => delivered[dc].events < delivered[dc].expected);
    const result: Round = { round, rows: { written: write.acknowledged, failed: write.failed }, brokerDownMs, recoveryMs, delivered, duplicates: { dc1: arrivals.dc1.duplicates, dc2: arrivals.dc2.duplicates }, mutationDuplicates: { dc1: arrivals.dc1.mutationDuplicates, dc2: arrivals.dc2.mutationDuplicates }, stalled };
    rounds.push(result);
    progress(
      `round ${round}: broker down ${(brokerDownMs / 1000).toFixed(1)} s; ${DCS.map((dc) => `${dc} ${delivered[dc].events}/${delivered[dc].expected}, first new event ${recoveryMs[dc] === null ? 'never' : `${(recoveryMs[dc] / 1000).toFixed(1)} s`} after the broker answered, ${result.duplicates[dc]} duplicate(s)`).join('; ')}`,
    );
    if (stalled || DCS.some((dc) => result.duplicates[dc] > 0)) break;
  }

  const logs = Object.fromEntries([...deployment.logFiles].map(([label, file]) => [label, logProblems(file)]));
  const recoveries = (dc: DataCentre) => rounds.map((r) => r.recoveryMs[dc]).filter((ms): ms is number => ms !== null);
  const summary = {
    restarts: rounds.length,
    stalls: rounds.filter((r) => r.stalled).length,
    duplicates: { dc1: arrivals.dc1.duplicates, dc2: arrivals.dc2.duplicates },
    duplicated: { dc1: arrivals.dc1.duplicated, dc2: arrivals.dc2.duplicated },
    mutationDuplicates: { dc1: arrivals.dc1.mutationDuplicates, dc2: arrivals.dc2.mutationDuplicates },
    recoveryMs: Object.fromEntries(DCS.map((dc) => [dc, { max: Math.max(...recoveries(dc)), mean: recoveries(dc).reduce((a, b) => a + b, 0) / Math.max(1, recoveries(dc).length) }])),
    recoveryGoalMs: RECOVERY_GOAL_MS,
    recoveryGoalMet: rounds.every((r) => DCS.every((dc) => r.recoveryMs[dc] !== null && r.recoveryMs[dc] <= RECOVERY_GOAL_MS)),
  };
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out();
  out(`dc1's broker restarted ${summary.restarts} time(s) (${endpoints.driver} driver), ${options.rate} rows/s written in dc1, the broker down ${options.downSeconds} s each time:`);
  out('round  broker down  dc1 rows  dc2 rows  dc1 first new event  dc2 first new event');
  for (const r of rounds) {
    const cell = (dc: DataCentre) => `${r.delivered[dc].events}/${r.delivered[dc].expected}`.padStart(9);
    const recovery = (dc: DataCentre) => (r.recoveryMs[dc] === null ? 'never' : `${(r.recoveryMs[dc] / 1000).toFixed(1)} s`).padStart(19);
    out(`${String(r.round).padStart(5)}  ${`${(r.brokerDownMs / 1000).toFixed(1)} s`.padStart(11)} ${cell('dc1')} ${cell('dc2')}  ${recovery('dc1')}  ${recovery('dc2')}${r.stalled ? '  STALLED' : ''}`);
  }
  for (const dc of DCS) for (const d of summary.duplicated[dc]) out(`!!! ${dc}: row ${d.id} twice: first ${d.first}; again ${d.again}`);
  out(`stalls: ${summary.stalls}; duplicates: dc1 ${summary.duplicates.dc1}, dc2 ${summary.duplicates.dc2} (on the mutations topics: dc1 ${summary.mutationDuplicates.dc1}, dc2 ${summary.mutationDuplicates.dc2}); first new event after the broker answered: dc1 max ${(summary.recoveryMs['dc1']?.max ?? Number.NaN) / 1000} s, dc2 max ${(summary.recoveryMs['dc2']?.max ?? Number.NaN) / 1000} s (goal <= ${RECOVERY_GOAL_MS / 1000} s: ${summary.recoveryGoalMet ? 'PASS' : 'FAIL'})`);
  writeResults(`broker-restart-${endpoints.driver}.json`, {
    date: new Date().toISOString(),
    machine: machineAtEnd(machine),
    versions: { cassandra: endpoints.cassandraVersion, kafka: endpoints.kafkaVersion, node: process.version },
    options: { ...options, roundSeconds: ROUND_SECONDS, faultAfterSeconds: ROUND_FAULT_AFTER_S, stallAfterSeconds: STALL_AFTER_S, replication: { dc1: 2, dc2: 1 } },
    summary,
    rounds,
    logProblems: logs,
    notes: [
      "recoveryMs: from the broker answering Kafka's ApiVersions again (the driver's start returning) to the first event of the round's rows arriving at this benchmark's read_committed consumer of the DC's destination; that consumer reconnects to the restarted broker too, so it is an upper bound",
      'a round is a stall when some acknowledged row of it is not on a destination 120 s after the round\'s last write; the run stops at the first stall or duplicate',
    ],
  });
  if (summary.stalls > 0 || summary.duplicates.dc1 > 0 || summary.duplicates.dc2 > 0) throw new Error(`a round stalled or delivered a row twice; the services' logs are kept in ${logDir}`);
}

/** Waits until both DCs have an event for every acknowledged row of [fromId, toId), or STALL_AFTER_S passes; returns what arrived. */
async function waitForRound(arrivals: Record<DataCentre, DestinationArrivals>, failed: ReadonlySet<number>, fromId: number, toId: number, deployment: MeridianDeployment, label: string): Promise<Record<DataCentre, { events: number; expected: number }>> {
  let expected = 0;
  for (let id = fromId; id < toId; id++) if (!failed.has(id)) expected++;
  const counts = () => Object.fromEntries(DCS.map((dc) => [dc, { events: arrivals[dc].countOf(fromId, toId, failed), expected }])) as Record<DataCentre, { events: number; expected: number }>;
  const deadline = Date.now() + STALL_AFTER_S * 1000;
  let nextProgress = Date.now() + PROGRESS_MS;
  for (;;) {
    deployment.checkAlive();
    const now = counts();
    if (DCS.every((dc) => now[dc].events >= expected) || Date.now() > deadline) return now;
    if (Date.now() >= nextProgress) {
      progress(`${label}: ${DCS.map((dc) => `${dc} ${now[dc].events} of ${expected}`).join(', ')} at the destinations`);
      nextProgress += PROGRESS_MS;
    }
    await sleep(250);
  }
}

runBenchmark(
  {
    name: 'bench:broker-restart',
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
