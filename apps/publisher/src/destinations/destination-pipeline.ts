import type { ConfigState } from '@meridian/contracts';
import type { GroupConsumer, KafkaConnection, PartitionBatch, RecordProducer } from '@meridian/kafka';
import type { Logger } from '@meridian/contracts';
import { routeBatch } from './route-batch';

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

/**
 * One destination's flow: its own consumer group on the mutations topic, and for each
 * batch one Kafka transaction holding the change events for its channels, any dead
 * letters, and the batch's offsets. Stopping it (a pause) leaves its offsets where the
 * last transaction put them; starting it again reads on from there.
 */
export class DestinationPipeline {
  private consumer: GroupConsumer | undefined;
  private readonly producers = new Map<number, RecordProducer>();
  /** Topics known to exist: not checked again until a transaction fails. */
  private readonly topicsCreated = new Set<string>();
  /** Topics this pipeline has found or created since it started. */
  private readonly topicsSeen = new Set<string>();
  /**
   * Per partition, the group's committed offset as learnt by resume: records below it are
   * published already. None after an assignment or a failed transaction, until the
   * partition's next batch learns it again.
   */
  private readonly publishedBelow = new Map<number, bigint>();

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
    this.consumer = await this.kafka.consume({
      groupId: this.settings.groupId,
      topics: [this.settings.mutationsTopic],
      isolation: 'read_committed',
      concurrentPartitions: this.settings.concurrentPartitions,
      onAssignment: (owned) => {
        for (const { partition } of owned) this.publishedBelow.delete(partition);
      },
      eachBatch: (batch) => this.handle(batch),
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.stop().catch(() => undefined);
    this.consumer = undefined;
    await Promise.allSettled([...this.producers.values()].map((p) => p.close()));
    this.producers.clear();
  }

  private async handle(batch: PartitionBatch): Promise<void> {
    const destination = this.config().destination(this.destination);
    // Deleted or paused since this batch was fetched: leave its offsets for the next run.
    if (!destination || destination.paused) throw new Error(`destination ${this.destination} is ${destination ? 'paused' : 'deleted'}`);
    const publishedBelow = this.publishedBelow.get(batch.partition) ?? (await this.resume(batch));
    const records = batch.records.filter((r) => BigInt(r.offset) >= publishedBelow);
    if (records.length < batch.records.length) {
      this.log.log(`${this.destination}: skipped ${batch.records.length - records.length} record(s) of ${batch.topic}/${batch.partition} below its committed offset ${publishedBelow}, published already`);
    }
    // Committing this batch's offsets would move the group back.
    if (records.length === 0) return;
    const routed = routeBatch(records, destination, this.config(), this.settings.maxEventBytes, Date.now());
    await this.createTopics(routed.records.map((r) => r.topic));
    const producer = await this.producerFor(batch.partition);
    await producer.endHangingTransactions([...routed.records.map((r) => r.topic), this.settings.deadLetterTopic]);
    const began = performance.now();
    try {
      await producer.transaction(async (tx) => {
        const byTopic = new Map<string, { key: string; value: string }[]>();
        for (const { topic, key, value } of routed.records) {
          const records = byTopic.get(topic);
          if (records) records.push({ key, value });
          else byTopic.set(topic, [{ key, value }]);
        }
        await tx.send([
          ...[...byTopic].map(([topic, records]) => ({ topic, records })),
          {
            topic: this.settings.deadLetterTopic,
            records: routed.rejected.map(({ record, reason }) => ({
              key: record.key,
              value: record.value,
              headers: { 'meridian.reason': reason, 'meridian.destination': this.destination, 'meridian.source': `${batch.topic}/${batch.partition}@${record.offset}` },
            })),
          },
        ]);
        await tx.sendOffsets(this.settings.groupId, [{ topic: batch.topic, partition: batch.partition, offset: batch.nextOffset }]);
      });
    } catch (error) {
      // The commit may have gone through unseen (the broker went away before it answered).
      this.publishedBelow.delete(batch.partition);
      this.producers.delete(batch.partition);
      await producer.close().catch(() => undefined);
      // Perhaps a topic was deleted under it: the batch's next try checks them all again.
      this.topicsCreated.clear();
      throw error;
    }
    for (const { record, reason } of routed.rejected) this.log.error(`${this.destination}: ${batch.topic}/${batch.partition}@${record.offset} sent to ${this.settings.deadLetterTopic}: ${reason}`);
    const committedMs = Date.now();
    this.figures.transaction(this.destination, (performance.now() - began) / 1000);
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

  /**
   * Learns where the group's committed offset for the batch's partition stands, before its
   * first batch after an assignment or a failed transaction. kafkajs reads committed
   * offsets without waiting for a transaction whose commit the broker is still completing
   * (it cannot ask for stable offsets), so the consumer may start below the last batch
   * published, and publishing it again would duplicate it. A fresh producer with the
   * partition's transactional id makes the broker finish that transaction first; the
   * offset read after it is final.
   */
  private async resume(batch: PartitionBatch): Promise<bigint> {
    const previous = this.producers.get(batch.partition);
    this.producers.delete(batch.partition);
    await previous?.close().catch(() => undefined);
    await this.producerFor(batch.partition);
    const progress = await this.kafka.groupProgress(this.settings.groupId, batch.topic);
    const committed = progress?.find((p) => p.partition === batch.partition)?.committed;
    const publishedBelow = committed == null ? 0n : BigInt(committed);
    this.publishedBelow.set(batch.partition, publishedBelow);
    return publishedBelow;
  }

  /** A transactional id per destination and input partition: a publisher taking the partition over fences the previous one. */
  private async producerFor(partition: number): Promise<RecordProducer> {
    let producer = this.producers.get(partition);
    if (!producer) {
      producer = await this.kafka.producer({ transactionalId: `${this.settings.groupId}-${this.settings.mutationsTopic}-${partition}` });
      this.producers.set(partition, producer);
    }
    return producer;
  }
}
