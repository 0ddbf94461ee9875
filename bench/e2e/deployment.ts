import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type DataCentre, type RunningService, type ServiceInstance, type ServiceName, serviceInstances, serviceLabel, startService, type TopologyEndpoints, waitHealthy } from '@meridian/infra';
import { type Histogram, scrapeMetrics } from '../support/service-metrics';
import { ProcessSamplers } from '../support/process-sampling';
import type { Cleanup } from '../support/topology';

/** The services of the pipeline; the example services take no part. */
export const PIPELINE_SERVICES: readonly ServiceName[] = ['coordinator', 'deduper', 'publisher', 'cdc-reader'];
const HEALTHY_TIMEOUT_MS = 120_000;

/**
 * The topics and groups of one run, the same names in both DCs (each DC has its own Kafka),
 * fresh per run, so a topology reused with --workdir holds nothing a run would read again.
 */
export function runTopics(run: string) {
  return {
    raw: `${run}.raw`,
    readerOffsets: `${run}.reader.offsets`,
    mutations: `${run}.mutations`,
    changelog: `${run}.dedup.changelog`,
    deduperGroup: `${run}.deduper`,
    deduperDeadLetters: `${run}.mutations.dead`,
    config: `${run}.config`,
    publisherGroup: `${run}.publisher`,
    publisherDeadLetters: `${run}.publisher.dead`,
    status: `${run}.status`,
  } as const;
}

export type RunTopics = ReturnType<typeof runTopics>;

/** The settings that point a service at the run's topics. */
function topicEnv(service: ServiceName, topics: RunTopics): Record<string, string> {
  const common = { MERIDIAN_STATUS_TOPIC: topics.status };
  switch (service) {
    case 'cdc-reader':
      return { ...common, MERIDIAN_RAW_TOPIC: topics.raw, MERIDIAN_READER_OFFSETS_TOPIC: topics.readerOffsets };
    case 'deduper':
      return {
        ...common,
        MERIDIAN_RAW_TOPIC: topics.raw,
        MERIDIAN_MUTATIONS_TOPIC: topics.mutations,
        MERIDIAN_DEDUP_CHANGELOG_TOPIC: topics.changelog,
        MERIDIAN_DEDUPER_GROUP: topics.deduperGroup,
        MERIDIAN_DEAD_LETTER_TOPIC: topics.deduperDeadLetters,
      };
    case 'publisher':
      return {
        ...common,
        MERIDIAN_CONFIG_TOPIC: topics.config,
        MERIDIAN_MUTATIONS_TOPIC: topics.mutations,
        MERIDIAN_PUBLISHER_GROUP: topics.publisherGroup,
        MERIDIAN_DEAD_LETTER_TOPIC: topics.publisherDeadLetters,
      };
    case 'coordinator':
      return {
        ...common,
        MERIDIAN_CONFIG_TOPIC: topics.config,
        MERIDIAN_RAW_TOPIC: topics.raw,
        MERIDIAN_DEDUPER_GROUP: topics.deduperGroup,
        MERIDIAN_MUTATIONS_TOPIC: topics.mutations,
        MERIDIAN_PUBLISHER_GROUP: topics.publisherGroup,
      };
    default:
      return common;
  }
}

/** Stage latencies as the services count them, per DC, at one moment. */
export interface StageFigures {
  /** meridian_reader_latency_seconds of the DC's readers: writetime to Kafka's acknowledgement of the raw event. */
  readonly reader: Histogram;
  /** meridian_publisher_latency_seconds for the bench destination: writetime to the commit of the change event's transaction. */
  readonly publisher: Histogram;
  /** meridian_deduper_transaction_seconds: the time of each of the deduper's batch transactions. */
  readonly deduperTransactions: Histogram;
  /** meridian_publisher_transaction_seconds for the bench destination. */
  readonly publisherTransactions: Histogram;
  /** meridian_reader_backlog_bytes of the DC's readers: bytes of cdc_raw not read yet. */
  readonly readerBacklogBytes: number;
  readonly readerEvents: number;
  readonly publisherEvents: number;
}

/**
 * The Meridian services of both DCs against one topology, on the run's topics: started and
 * stopped by kind (the drain test stops and restarts the readers), sampled from /proc while
 * they run, and all stopped by the run's cleanup.
 */
export class MeridianDeployment {
  private readonly running = new Map<string, RunningService>();
  /** Each service's log, by label, kept after it stops (a restarted service appends to the same file). */
  readonly logFiles = new Map<string, string>();
  readonly samplers = new ProcessSamplers();
  private readonly instances: ServiceInstance[];

  /** The services' logs are copied to `keepLogsIn` once they have stopped, since a temporary workdir goes with the topology. */
  constructor(
    endpoints: TopologyEndpoints,
    private readonly topics: RunTopics,
    portOffset: number,
    keepLogsIn: string,
    cleanup: Cleanup,
    progress: (line: string) => void,
  ) {
    this.logDir = join(endpoints.workdir, 'services');
    this.instances = (['dc1', 'dc2'] as const).flatMap((dc) => serviceInstances(endpoints, dc, portOffset)).filter((i) => PIPELINE_SERVICES.includes(i.service));
    cleanup.add('stopping the Meridian services', async () => {
      await this.stop(() => true);
      mkdirSync(keepLogsIn, { recursive: true });
      for (const file of this.logFiles.values()) if (existsSync(file)) copyFileSync(file, join(keepLogsIn, basename(file)));
      progress(`the services' logs are in ${keepLogsIn}`);
    });
  }

  readonly logDir: string;

  /** Starts the services of these kinds in both DCs and waits until each answers /health with 200. */
  async start(kinds: readonly ServiceName[]): Promise<RunningService[]> {
    const started: RunningService[] = [];
    for (const instance of this.instances.filter((i) => kinds.includes(i.service))) {
      const label = serviceLabel(instance);
      if (this.running.has(label)) continue;
      const service = await startService({ ...instance, env: { ...instance.env, ...topicEnv(instance.service, this.topics) } }, this.logDir);
      this.running.set(label, service);
      this.logFiles.set(label, service.logFile);
      if (service.process.pid === undefined) throw new Error(`${label} did not start; see ${service.logFile}`);
      this.samplers.add(label, service.process.pid);
      started.push(service);
    }
    await Promise.all(started.map((s) => waitHealthy(s, HEALTHY_TIMEOUT_MS)));
    return started;
  }

  /** Stops the running services that `which` picks, gracefully (SIGTERM, then SIGKILL after 10 s). */
  async stop(which: (service: RunningService) => boolean): Promise<void> {
    const stopping = [...this.running.values()].filter(which);
    for (const service of stopping) {
      this.samplers.remove(service.label);
      this.running.delete(service.label);
    }
    await Promise.all(stopping.map((s) => s.stop()));
  }

  stopKind(kind: ServiceName): Promise<void> {
    return this.stop((s) => s.instance.service === kind);
  }

  services(): RunningService[] {
    return [...this.running.values()];
  }

  one(kind: ServiceName, dc: DataCentre): RunningService {
    const service = this.services().find((s) => s.instance.service === kind && s.instance.dc === dc);
    if (!service) throw new Error(`no ${kind} runs in ${dc}`);
    return service;
  }

  /** Throws naming the first service that has exited. */
  checkAlive(): void {
    for (const s of this.running.values()) {
      const { exitCode, signalCode } = s.process;
      if (exitCode !== null || signalCode !== null) throw new Error(`${s.label} exited (${exitCode ?? signalCode ?? '?'}); see ${s.logFile}`);
    }
  }

  /** The readers', the deduper's and the publisher's figures in `dc`; readers not running count as zero. */
  async stageFigures(dc: DataCentre, destination: string): Promise<StageFigures> {
    const readers = this.services().filter((s) => s.instance.service === 'cdc-reader' && s.instance.dc === dc);
    const readerMetrics = await Promise.all(readers.map((r) => scrapeMetrics(r.instance.httpPort)));
    const publisher = await scrapeMetrics(this.one('publisher', dc).instance.httpPort);
    const deduper = await scrapeMetrics(this.one('deduper', dc).instance.httpPort);
    return {
      reader: sumHistograms(readerMetrics.map((m) => m.histogram('meridian_reader_latency_seconds'))),
      publisher: publisher.histogram('meridian_publisher_latency_seconds', { destination }),
      deduperTransactions: deduper.histogram('meridian_deduper_transaction_seconds'),
      publisherTransactions: publisher.histogram('meridian_publisher_transaction_seconds', { destination }),
      readerBacklogBytes: readerMetrics.reduce((sum, m) => sum + m.value('meridian_reader_backlog_bytes'), 0),
      readerEvents: readerMetrics.reduce((sum, m) => sum + m.value('meridian_reader_events_total'), 0),
      publisherEvents: publisher.value('meridian_publisher_events_total', { destination }),
    };
  }
}

function sumHistograms(histograms: readonly Histogram[]): Histogram {
  const buckets = new Map<number, number>();
  for (const h of histograms) for (const [le, count] of h.buckets) buckets.set(le, (buckets.get(le) ?? 0) + count);
  return { buckets, sum: histograms.reduce((s, h) => s + h.sum, 0), count: histograms.reduce((s, h) => s + h.count, 0) };
}
