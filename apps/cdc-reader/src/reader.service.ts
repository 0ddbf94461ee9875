import { type FSWatcher, watch } from 'node:fs';
import { dirname, join } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CassandraConnection, loadSchema, schemaVersion } from '@meridian/cassandra';
import { SchemaIndex } from '@meridian/commitlog';
import { KafkaConnection, type RecordProducer } from '@meridian/kafka';
import { Backoff, DEFAULT_RETRY, FailureNotice, Metrics, SERVICE_CONFIG } from '@meridian/service';
import type { CdcReaderConfig } from './config';
import { KafkaEventSink } from './emit/kafka-event-sink';
import { ReaderMetrics } from './figures/reader-metrics';
import { KafkaOffsetStore } from './offsets/kafka-offset-store';
import { cdcRawUsage } from './segments/cdc-files';
import { CdcFollower } from './segments/cdc-follower';
import { CdcSpaceWatch, DEFAULT_CDC_TOTAL_SPACE_BYTES, parseStorageSize } from './space/cdc-space';
import { errorMessage } from '@meridian/contracts';

const USAGE_CHECK_MS = 5000;
/**
 * A mutation can be as large as half a commit log segment (32 MiB by default); the raw
 * topic takes any record up to a whole one, so no mutation Cassandra accepts is refused.
 */
const RAW_TOPIC_MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

/**
 * Runs the follower: loads the schema from this reader's own node, creates the topics,
 * then reads cdc_raw whenever a file there changes (and every MERIDIAN_POLL_MS in case an
 * event was missed). A failure (Kafka or Cassandra away) is logged once per kind and
 * retried with backoff; nothing moves forward until it succeeds, and the files stay.
 */
@Injectable()
export class ReaderService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Reader');
  private readonly figures: ReaderMetrics;
  private readonly spaceWatch: CdcSpaceWatch;
  private timer: NodeJS.Timeout | undefined;
  private usageTimer: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private stopped = false;
  private polling = false;
  /** Counts file events: one during a poll means polling again as soon as it ends. */
  private fileEvents = 0;
  /** Set while polls fail: the backoff, not file events, decides when to try again. */
  private failing = false;
  private readonly backoff = new Backoff(DEFAULT_RETRY);
  private schema: SchemaIndex | undefined;
  private loadedSchemaVersion: string | undefined;
  private readonly schemaCheckFailures = new FailureNotice((line) => this.logger.warn(line));
  private cdcTotalSpaceBytes = DEFAULT_CDC_TOTAL_SPACE_BYTES;
  private follower: CdcFollower | undefined;
  private producer: RecordProducer | undefined;
  private readonly failures = new FailureNotice((line) => this.logger.warn(line));

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: CdcReaderConfig,
    private readonly kafka: KafkaConnection,
    private readonly cassandra: CassandraConnection,
    metrics: Metrics,
  ) {
    this.figures = new ReaderMetrics(metrics);
    this.spaceWatch = new CdcSpaceWatch(config.MERIDIAN_CDC_WARN_PERCENT);
  }

  onApplicationBootstrap(): void {
    this.watchCdcRaw();
    this.schedule(0);
    void this.checkUsage();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.usageTimer);
    this.watcher?.close();
    await this.producer?.close();
  }

  /** Cassandra rewrites a segment's `_cdc.idx` on every sync: each rewrite is a file event here. */
  private watchCdcRaw(): void {
    try {
      this.watcher = watch(this.config.MERIDIAN_CDC_RAW_DIR, () => this.onFileEvent());
      this.watcher.on('error', (error) => {
        this.logger.warn(`watching ${this.config.MERIDIAN_CDC_RAW_DIR} failed (${error.message}); scanning every ${this.config.MERIDIAN_POLL_MS} ms instead`);
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch (error) {
      this.logger.warn(`cannot watch ${this.config.MERIDIAN_CDC_RAW_DIR} (${errorMessage(error)}); scanning every ${this.config.MERIDIAN_POLL_MS} ms instead`);
    }
  }

  private onFileEvent(): void {
    if (this.stopped || this.failing) return;
    this.fileEvents++;
    if (!this.polling) this.schedule(0);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), delayMs);
  }

  private async tick(): Promise<void> {
    this.polling = true;
    const eventsBefore = this.fileEvents;
    try {
      const follower = await this.ready();
      const summary = await follower.poll();
      this.figures.polled(summary);
      if (this.failures.recovered()) this.logger.log('streaming again');
      this.failing = false;
      this.backoff.reset();
      this.schedule(this.fileEvents !== eventsBefore || summary.waitingForSchema ? 0 : this.config.MERIDIAN_POLL_MS);
    } catch (error) {
      this.failing = true;
      this.failures.failed(error, (message) => `${message} (the files stay in cdc_raw; retrying with backoff up to ${DEFAULT_RETRY.maxDelayMs / 1000}s)`);
      this.schedule(this.backoff.next());
    } finally {
      this.polling = false;
    }
  }

  private async ready(): Promise<CdcFollower> {
    if (this.follower) return this.follower;
    const { MERIDIAN_RAW_TOPIC: rawTopic, MERIDIAN_READER_OFFSETS_TOPIC: offsetsTopic, MERIDIAN_CDC_RAW_DIR: cdcRawDir } = this.config;
    await this.refreshSchema();
    await this.readCdcSettings();
    await this.kafka.createTopics([
      { topic: rawTopic, partitions: this.config.MERIDIAN_RAW_PARTITIONS, maxMessageBytes: RAW_TOPIC_MAX_MESSAGE_BYTES },
      { topic: offsetsTopic, partitions: 1, compacted: true },
    ]);
    this.producer ??= await this.kafka.producer();
    const kafkaSink = new KafkaEventSink(this.producer, rawTopic);
    this.follower = new CdcFollower({
      dc: this.config.MERIDIAN_DC,
      node: this.config.MERIDIAN_NODE,
      cdcRawDir,
      quarantineDir: this.config.MERIDIAN_QUARANTINE_DIR ?? join(dirname(cdcRawDir), 'meridian-quarantine'),
      schema: () => {
        if (!this.schema) throw new Error('no schema loaded');
        return this.schema;
      },
      refreshSchema: () => this.refreshSchema(),
      checkSchema: () => this.checkSchema(),
      offsets: new KafkaOffsetStore(this.kafka, this.producer, offsetsTopic, this.config.MERIDIAN_NODE),
      sink: {
        send: async (events) => {
          await kafkaSink.send(events);
          this.figures.acknowledged(events);
        },
      },
      log: this.logger,
    });
    this.logger.log(`following ${cdcRawDir} into ${rawTopic}`);
    return this.follower;
  }

  /** Reloads the schema when the node's schema version is not the one loaded; if the node is away, goes on with the schema it has. */
  private async checkSchema(): Promise<void> {
    let version: string;
    try {
      version = await schemaVersion(this.cassandra);
    } catch (error) {
      this.schemaCheckFailures.failed(error, (message) => `cannot check the schema version, decoding with the schema loaded before: ${message}`);
      return;
    }
    if (this.schemaCheckFailures.recovered()) this.logger.log('schema version checks work again');
    if (version !== this.loadedSchemaVersion) await this.refreshSchema();
  }

  /** Reloads the schema from this reader's node (true); if the node is away, decoding goes on with the schema it has (false). */
  private async refreshSchema(): Promise<boolean> {
    try {
      // Read first: a change made while the schema loads shows as a new version next time.
      const version = await schemaVersion(this.cassandra);
      const description = await loadSchema(this.cassandra);
      this.schema = new SchemaIndex(description);
      this.loadedSchemaVersion = version;
      this.logger.log(`schema loaded: ${description.tables.filter((t) => t.cdc).length} cdc table(s) of ${description.tables.length}`);
      return true;
    } catch (error) {
      if (!this.schema) throw error;
      this.logger.warn(`schema refresh failed, decoding with the schema loaded before: ${errorMessage(error)}`);
      return false;
    }
  }

  /** The node's CDC settings, from its `system_views.settings`: is CDC on, and how large may cdc_raw grow. */
  private async readCdcSettings(): Promise<void> {
    const rows = await this.cassandra.execute("SELECT name, value FROM system_views.settings WHERE name IN ('cdc_enabled', 'cdc_total_space')");
    const setting = (name: string) => rows.find((row) => row['name'] === name)?.['value'];
    if (setting('cdc_enabled') === 'false') {
      this.logger.warn('cdc_enabled is false on this node: nothing reaches cdc_raw until it is set to true in cassandra.yaml and the node restarted');
    }
    const raw = setting('cdc_total_space');
    const total = typeof raw === 'string' ? parseStorageSize(raw) : undefined;
    if (total === undefined) this.logger.warn(`the node does not say its cdc_total_space (${JSON.stringify(raw)}); assuming Cassandra's default of 4096 MiB`);
    this.cdcTotalSpaceBytes = total ?? DEFAULT_CDC_TOTAL_SPACE_BYTES;
  }

  private async checkUsage(): Promise<void> {
    try {
      const usage = await cdcRawUsage(this.config.MERIDIAN_CDC_RAW_DIR);
      this.figures.cdcRaw(usage, this.cdcTotalSpaceBytes);
      const warning = this.spaceWatch.check(usage.bytes, this.cdcTotalSpaceBytes);
      if (warning?.level === 'warn') this.logger.warn(warning.message);
      else if (warning) this.logger.log(warning.message);
    } catch {
      // /health reports an unreadable cdc_raw
    }
    if (!this.stopped) this.usageTimer = setTimeout(() => void this.checkUsage(), USAGE_CHECK_MS);
  }
}
