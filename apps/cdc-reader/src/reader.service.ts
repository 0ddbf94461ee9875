import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CassandraConnection, loadSchema } from '@meridian/cassandra';
import { SchemaIndex } from '@meridian/commitlog';
import { KafkaConnection, type RecordProducer } from '@meridian/kafka';
import { SERVICE_CONFIG } from '@meridian/service';
import type { CdcReaderConfig } from './config';
import { KafkaEventSink } from './emit/kafka-event-sink';
import { KafkaOffsetStore } from './offsets/kafka-offset-store';
import { CdcFollower } from './segments/cdc-follower';

const RETRY_MS = 2000;

/**
 * Runs the follower: loads the schema from this reader's own node, creates the topics,
 * then polls cdc_raw every MERIDIAN_POLL_MS. Any failure (Kafka or Cassandra away) is
 * logged once per kind and retried; nothing moves forward until it succeeds.
 */
@Injectable()
export class ReaderService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Reader');
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private schema: SchemaIndex | undefined;
  private follower: CdcFollower | undefined;
  private producer: RecordProducer | undefined;
  private lastFailure: string | undefined;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: CdcReaderConfig,
    private readonly kafka: KafkaConnection,
    private readonly cassandra: CassandraConnection,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.producer?.close();
  }

  private schedule(delayMs: number): void {
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), delayMs);
  }

  private async tick(): Promise<void> {
    try {
      const follower = await this.ready();
      const summary = await follower.poll();
      if (summary.events > 0 || summary.deletedSegments > 0) {
        this.logger.debug(`${summary.events} events sent, ${summary.deletedSegments} segments done`);
      }
      if (this.lastFailure) this.logger.log('streaming again');
      this.lastFailure = undefined;
      this.schedule(this.config.MERIDIAN_POLL_MS);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.lastFailure) this.logger.warn(`${message} (retrying every ${RETRY_MS / 1000}s)`);
      this.lastFailure = message;
      this.schedule(RETRY_MS);
    }
  }

  private async ready(): Promise<CdcFollower> {
    if (this.follower) return this.follower;
    const { MERIDIAN_RAW_TOPIC: rawTopic, MERIDIAN_READER_OFFSETS_TOPIC: offsetsTopic } = this.config;
    await this.refreshSchema();
    await this.kafka.createTopics([
      { topic: rawTopic, partitions: this.config.MERIDIAN_RAW_PARTITIONS },
      { topic: offsetsTopic, partitions: 1, compacted: true },
    ]);
    this.producer ??= await this.kafka.producer();
    this.follower = new CdcFollower({
      dc: this.config.MERIDIAN_DC,
      node: this.config.MERIDIAN_NODE,
      cdcRawDir: this.config.MERIDIAN_CDC_RAW_DIR,
      schema: () => {
        if (!this.schema) throw new Error('no schema loaded');
        return this.schema;
      },
      refreshSchema: () => this.refreshSchema(),
      offsets: new KafkaOffsetStore(this.kafka, this.producer, offsetsTopic, this.config.MERIDIAN_NODE),
      sink: new KafkaEventSink(this.producer, rawTopic),
      log: this.logger,
    });
    this.logger.log(`following ${this.config.MERIDIAN_CDC_RAW_DIR} into ${rawTopic}`);
    return this.follower;
  }

  /** Reloads the schema from this reader's node; if the node is away, decoding goes on with the schema it has. */
  private async refreshSchema(): Promise<void> {
    try {
      const description = await loadSchema(this.cassandra);
      this.schema = new SchemaIndex(description);
      this.logger.log(`schema loaded: ${description.tables.filter((t) => t.cdc).length} cdc table(s) of ${description.tables.length}`);
    } catch (error) {
      if (!this.schema) throw error;
      this.logger.warn(`schema refresh failed, decoding with the schema loaded before: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
