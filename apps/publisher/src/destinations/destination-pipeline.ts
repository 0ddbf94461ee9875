import { type ConfigState, DEAD_LETTER_HEADERS, errorMessage, type Logger } from '@meridian/contracts';
import { type KafkaConnection, type PartitionBatch, type StageOutput, TransactionalStage } from '@meridian/kafka';
import { type RoutedBatch, routeBatch } from './route-batch';

/** Room for a record's key, headers and batch framing beside its value. */
const RECORD_OVERHEAD_BYTES = 64 * 1024;

export interface PipelineSettings {
  readonly mutationsTopic: string;
  /** This destination's consumer group: its own progress through the mutations topic. */
  readonly groupId: string;
  readonly deadLetterTopic: string;
  readonly destinationPartitions: number;
  readonly concurrentPartitions: number;
  readonly maxEventBytes: number;
}

export interface PipelineFigures {
  published(destination: string, events: number): void;
  channelEvents(channel: string, events: number): void;
  /** Seconds from a published event's Cassandra writetime to the commit of its transaction. */
  latency(destination: string, seconds: number): void;
  transaction(destination: string, seconds: number): void;
  deadLettered(destination: string, records: number): void;
}

/** A batch's change events by topic, with what routing found. */
interface Published extends StageOutput {
  readonly routed: RoutedBatch;
}

/**
 * One destination's flow: a transactional stage on the mutations topic in its own
 * consumer group, each batch one Kafka transaction holding the change events for its
 * channels, any dead letters and the batch's offsets. Stopping it (a pause) leaves its
 * offsets where the last transaction put them; starting it again reads on from there.
 */
export class DestinationPipeline {
  private stage: TransactionalStage<Published> | undefined;
  /** Topics known to exist: not checked again until a batch fails. */
  private readonly topicsCreated = new Set<string>();
  /** Topics this pipeline has found or created since it started. */
  private readonly topicsSeen = new Set<string>();

  constructor(
    readonly destination: string,
    private readonly kafka: KafkaConnection,
    private readonly config: () => ConfigState,
    private readonly settings: PipelineSettings,
    private readonly figures: PipelineFigures,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    if ((await this.kafka.partitionCount(this.settings.mutationsTopic)) === undefined) {
      throw new Error(`${this.settings.mutationsTopic} does not exist yet (the dedupers create it)`);
    }
    const prefixed = (line: string) => `${this.destination}: ${line}`;
    const stage = new TransactionalStage(this.kafka, {
      groupId: this.settings.groupId,
      input: this.settings.mutationsTopic,
      deadLetterTopic: this.settings.deadLetterTopic,
      deadLetterHeaders: { [DEAD_LETTER_HEADERS.destination]: this.destination },
      concurrentPartitions: this.settings.concurrentPartitions,
      // Its topics follow the channels: each is added when a batch first writes to it.
      writesTo: [],
      transform: (batch) => this.route(batch),
      committed: (batch, output, seconds) => this.report(batch, output, seconds),
      failed: (batch, error) => {
        // Perhaps a topic was deleted under it: the batch's next try checks them all again.
        this.topicsCreated.clear();
        this.log.warn(prefixed(`batch of ${batch.topic}/${batch.partition} not committed, will be consumed again: ${errorMessage(error)}`));
      },
      log: { log: (line) => this.log.log(prefixed(line)), warn: (line) => this.log.warn(prefixed(line)), error: (line) => this.log.error(prefixed(line)) },
    });
    await stage.start();
    this.stage = stage;
  }

  async stop(): Promise<void> {
    await this.stage?.stop();
    this.stage = undefined;
  }

  private async route(batch: PartitionBatch): Promise<Published> {
    const destination = this.config().destination(this.destination);
    // Deleted or paused since this batch was fetched: leave its offsets for the next run.
    if (!destination || destination.paused) throw new Error(`destination ${this.destination} is ${destination ? 'paused' : 'deleted'}`);
    const routed = routeBatch(batch.records, destination, this.config(), this.settings.maxEventBytes, Date.now());
    await this.createTopics(routed.records.map((r) => r.topic));
    const byTopic = new Map<string, { key: string; value: string }[]>();
    for (const { topic, key, value } of routed.records) {
      const records = byTopic.get(topic);
      if (records) records.push({ key, value });
      else byTopic.set(topic, [{ key, value }]);
    }
    return { records: [...byTopic].map(([topic, records]) => ({ topic, records })), deadLetters: routed.rejected, routed };
  }

  private report(batch: PartitionBatch, { routed }: Published, transactionSeconds: number): void {
    for (const { record, reason } of routed.rejected) this.log.error(`${this.destination}: ${batch.topic}/${batch.partition}@${record.offset} sent to ${this.settings.deadLetterTopic}: ${reason}`);
    const committedMs = Date.now();
    this.figures.transaction(this.destination, transactionSeconds);
    this.figures.published(this.destination, routed.records.length);
    for (const [channel, events] of routed.channelEvents) this.figures.channelEvents(channel, events);
    for (const { writetimeMs } of routed.records) this.figures.latency(this.destination, Math.max(0, committedMs - writetimeMs) / 1000);
    this.figures.deadLettered(this.destination, routed.rejected.length);
  }

  /**
   * Creates the batch's topics that do not exist. A destination topic this pipeline wrote
   * to before and finds missing was deleted under it: it is created again (what it held
   * is gone with it) and the batch goes there.
   */
  private async createTopics(topics: readonly string[]): Promise<void> {
    const unchecked = [...new Set(topics)].filter((t) => !this.topicsCreated.has(t));
    if (unchecked.length === 0) return;
    // Taken before the call: a batch of another partition may find the topic meanwhile.
    const seenBefore = new Set(unchecked.filter((t) => this.topicsSeen.has(t)));
    const created = await this.kafka.createTopics([
      // The topic takes what the dead-letter check lets through: a value under the limit plus its key and headers.
      ...unchecked.map((topic) => ({ topic, partitions: this.settings.destinationPartitions, maxMessageBytes: this.settings.maxEventBytes + RECORD_OVERHEAD_BYTES })),
      { topic: this.settings.deadLetterTopic, partitions: 1, maxMessageBytes: 32 * 1024 * 1024 },
    ]);
    for (const topic of created) {
      if (seenBefore.has(topic)) this.log.warn(`${this.destination}: topic ${topic} was deleted while in use; created it again, and the events not yet delivered go there (what it held before is gone)`);
      else this.log.log(`${this.destination}: created topic ${topic}`);
    }
    for (const topic of unchecked) {
      this.topicsCreated.add(topic);
      this.topicsSeen.add(topic);
    }
  }
}
