import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigState, parseConfigRecord, errorMessage } from '@meridian/contracts';
import { type GroupConsumer, KafkaConnection, type PartitionBatch } from '@meridian/kafka';
import { Backoff, Metrics, RetryLoop, SERVICE_CONFIG } from '@meridian/service';
import type { PublisherConfig } from './config';
import { DestinationPipeline } from './destinations/destination-pipeline';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const TRANSACTION_SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * Follows the configuration topic and runs one pipeline per unpaused destination: a
 * destination created, paused, resumed or deleted there starts or stops its pipeline as
 * soon as the record arrives, with no restart.
 */
@Injectable()
export class PublisherService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Publisher');
  private readonly config = new ConfigState();
  private readonly pipelines = new Map<string, DestinationPipeline>();
  private configConsumer: GroupConsumer | undefined;
  private reconciling: Promise<void> = Promise.resolve();
  private reconcileTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly retry = new RetryLoop(this.logger);
  /** Between tries of a reconcile that left a destination not started. */
  private readonly reconcileBackoff = new Backoff();
  private readonly figures;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly settings: PublisherConfig,
    private readonly kafka: KafkaConnection,
    metrics: Metrics,
  ) {
    const published = metrics.counter('meridian_publisher_events_total', 'Change events committed to destination topics', ['destination']);
    const deadLettered = metrics.counter('meridian_publisher_dead_letters_total', 'Mutation events sent to the dead-letter topic', ['destination']);
    const channelEvents = metrics.counter('meridian_publisher_channel_events_total', 'Change events committed to destination topics, per channel', ['channel']);
    const latency = metrics.histogram('meridian_publisher_latency_seconds', 'Seconds from Cassandra writetime to the commit of the event on its destination topic', LATENCY_BUCKETS, ['destination']);
    const transactionSeconds = metrics.histogram('meridian_publisher_transaction_seconds', "Time of each batch's Kafka transaction, from its first send to its commit", TRANSACTION_SECONDS_BUCKETS, ['destination']);
    this.figures = {
      published: (destination: string, events: number) => published.inc({ destination }, events),
      channelEvents: (channel: string, events: number) => channelEvents.inc({ channel }, events),
      latency: (destination: string, seconds: number) => latency.observe({ destination }, seconds),
      transaction: (destination: string, seconds: number) => transactionSeconds.observe({ destination }, seconds),
      deadLettered: (destination: string, records: number) => deadLettered.inc({ destination }, records),
    };
  }

  onApplicationBootstrap(): void {
    this.retry.keep(`following ${this.settings.MERIDIAN_CONFIG_TOPIC}`, () => this.followConfig());
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.retry.stop();
    clearTimeout(this.reconcileTimer);
    await this.configConsumer?.stop().catch(() => undefined);
    await Promise.allSettled([...this.pipelines.values()].map((p) => p.stop()));
  }

  /** Reads the configuration topic from its start, and on, with a group of its own that commits nothing. */
  private async followConfig(): Promise<void> {
    await this.kafka.createTopics([{ topic: this.settings.MERIDIAN_CONFIG_TOPIC, partitions: 1, compacted: true }]);
    this.configConsumer = await this.kafka.consume({
      groupId: `${this.settings.MERIDIAN_PUBLISHER_GROUP}.config.${randomUUID()}`,
      topics: [this.settings.MERIDIAN_CONFIG_TOPIC],
      isolation: 'read_committed',
      eachBatch: (batch) => this.applyConfig(batch),
    });
    this.logger.log(`following ${this.settings.MERIDIAN_CONFIG_TOPIC}`);
  }

  private async applyConfig(batch: PartitionBatch): Promise<void> {
    for (const record of batch.records) {
      const key = record.key?.toString() ?? '';
      try {
        this.config.apply(parseConfigRecord(key, record.value?.toString() ?? null));
      } catch (error) {
        this.logger.error(`ignored: ${errorMessage(error)}`);
      }
    }
    this.reconciling = this.reconciling.then(() => this.reconcile());
    await this.reconciling;
  }

  private retryReconcile(delayMs: number): void {
    clearTimeout(this.reconcileTimer);
    this.reconcileTimer = setTimeout(() => {
      if (!this.stopped) this.reconciling = this.reconciling.then(() => this.reconcile());
    }, delayMs);
  }

  /** Starts the pipelines of unpaused destinations and stops those of paused or deleted ones. */
  private async reconcile(): Promise<void> {
    const wanted = new Set(this.config.destinations().filter((d) => !d.paused).map((d) => d.name));
    let notStarted = 0;
    for (const [name, pipeline] of this.pipelines) {
      if (wanted.has(name)) continue;
      this.pipelines.delete(name);
      await pipeline.stop();
      this.logger.log(`destination ${name} ${this.config.destination(name) ? 'paused' : 'removed'}`);
    }
    for (const name of wanted) {
      if (this.pipelines.has(name)) continue;
      const pipeline = new DestinationPipeline(
        name,
        this.kafka,
        () => this.config,
        {
          mutationsTopic: this.settings.MERIDIAN_MUTATIONS_TOPIC,
          groupId: `${this.settings.MERIDIAN_PUBLISHER_GROUP}.${name}`,
          deadLetterTopic: this.settings.MERIDIAN_DEAD_LETTER_TOPIC,
          destinationPartitions: this.settings.MERIDIAN_DESTINATION_PARTITIONS,
          concurrentPartitions: this.settings.MERIDIAN_CONCURRENT_PARTITIONS_PER_DESTINATION,
          maxEventBytes: this.settings.MERIDIAN_MAX_EVENT_BYTES,
        },
        this.figures,
        this.logger,
      );
      try {
        await pipeline.start();
        this.pipelines.set(name, pipeline);
        this.logger.log(`destination ${name} publishing`);
      } catch (error) {
        notStarted++;
        this.logger.warn(`destination ${name} could not start (retrying with backoff): ${errorMessage(error)}`);
      }
    }
    if (notStarted === 0) this.reconcileBackoff.reset();
    else this.retryReconcile(this.reconcileBackoff.next());
  }
}
