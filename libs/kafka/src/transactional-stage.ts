import { DEAD_LETTER_HEADERS, type Logger, recordSource } from '@meridian/contracts';
import type { ConsumedRecord, GroupConsumer, GroupConsumerOptions, PartitionBatch } from './group-member';
import type { PartitionProgress } from './kafka-connection';
import type { RecordProducer, TopicRecords } from './record-producer';

/**
 * The transactional id of a stage's producer for one input partition. A stage that takes the
 * partition over fences the previous owner through it, so every stage builds it here.
 */
export function transactionalId(groupId: string, input: string, partition: number): string {
  return `${groupId}-${input}-${partition}`;
}

/** An input record the stage refuses, and why: it goes to the dead-letter topic. */
export interface DeadLetter {
  readonly record: Pick<ConsumedRecord, 'key' | 'value' | 'offset'>;
  readonly reason: string;
}

/** What a batch turns into: records for any topics, and the input records refused. */
export interface StageOutput {
  readonly records: readonly TopicRecords[];
  readonly deadLetters: readonly DeadLetter[];
}

/** The part of KafkaConnection a stage uses. */
export interface StageKafka {
  consume(options: GroupConsumerOptions): Promise<GroupConsumer>;
  producer(options: { transactionalId: string }): Promise<RecordProducer>;
  groupProgress(groupId: string, topic: string): Promise<PartitionProgress[] | undefined>;
}

export interface TransactionalStageOptions<O extends StageOutput> {
  /** The consumer group on the input topic; also the prefix of the transactional ids. */
  readonly groupId: string;
  readonly input: string;
  /** Where refused records go; a stage without one must refuse none. */
  readonly deadLetterTopic?: string;
  /** Headers every dead letter of this stage carries beside the reason and the source. */
  readonly deadLetterHeaders?: Readonly<Record<string, string>>;
  /** How many partitions' batches are handled at once; one partition's are always in order. */
  readonly concurrentPartitions: number;
  /** The topics the stage writes whatever the batch (the topics a batch writes are added to them). */
  readonly writesTo: readonly string[];
  /** Called with the partitions this member owns each time it joins the group. */
  readonly assigned?: (partitions: readonly number[]) => void;
  /**
   * Called once for partitions taken over (assigned, or whose batch failed), before their
   * next batch and after their producers started afresh: each of those fenced the previous
   * owner, and the broker finished the id's last transaction, so what Kafka holds for
   * those partitions is final. State kept beside the transactions is rebuilt here.
   */
  readonly takeOver?: (partitions: readonly number[]) => Promise<void>;
  /** Turns a batch into output, before the transaction begins. Records the group committed already are left out. */
  readonly transform: (batch: PartitionBatch) => Promise<O>;
  /** After a batch's transaction committed. */
  readonly committed?: (batch: PartitionBatch, output: O, transactionSeconds: number) => void;
  /** After a batch failed: nothing of it committed, and it will be consumed again. */
  readonly failed?: (batch: PartitionBatch, error: unknown) => void;
  readonly log: Logger;
}

/**
 * Consume, transform, produce, exactly once: a consumer group on one input topic, and for
 * each batch one Kafka transaction holding its output, its dead letters and its consumed
 * offset, by a producer whose transactional id is the input partition's.
 *
 * A partition's first batch after an assignment or a failed batch waits until the
 * partition is taken over: a fresh producer fences the previous owner and makes the broker
 * finish the id's last transaction, ends any hanging transaction of the id
 * (RecordProducer.endHangingTransactions), and the group's committed offset is read again.
 * kafkajs reads committed offsets without waiting for a transaction the broker is still
 * completing (as after a broker restart), so the consumer may start below the last batch
 * committed; records below the offset read after fencing are skipped, not done twice.
 */
export class TransactionalStage<O extends StageOutput> {
  private consumer: GroupConsumer | undefined;
  private readonly producers = new Map<number, RecordProducer>();
  private owned = new Set<number>();
  /** Partitions to take over before their next batch. */
  private readonly stale = new Set<number>();
  /** Per partition taken over, the group's committed offset then: the records below it were committed before. */
  private readonly committedBelow = new Map<number, bigint>();
  private takingOver: Promise<void> | undefined;

  constructor(
    private readonly kafka: StageKafka,
    private readonly options: TransactionalStageOptions<O>,
  ) {}

  async start(): Promise<void> {
    this.consumer = await this.kafka.consume({
      groupId: this.options.groupId,
      topics: [this.options.input],
      isolation: 'read_committed',
      concurrentPartitions: this.options.concurrentPartitions,
      onAssignment: (owned) => {
        this.owned = new Set(owned.map((p) => p.partition));
        for (const partition of this.owned) this.stale.add(partition);
        this.options.assigned?.([...this.owned]);
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
    try {
      // Also a partition with no producer: one batch of it failed, or it came before its assignment was told.
      if (!this.producers.has(batch.partition)) this.stale.add(batch.partition);
      while (this.stale.has(batch.partition)) await this.takeOverStale();
      const below = this.committedBelow.get(batch.partition) ?? 0n;
      const records = batch.records.filter((r) => BigInt(r.offset) >= below);
      if (records.length < batch.records.length) {
        this.options.log.log(`skipped ${batch.records.length - records.length} record(s) of ${batch.topic}/${batch.partition} below its committed offset ${below}, committed already`);
      }
      // Committing this batch's offset would move the group back.
      if (records.length === 0) return;
      const fresh = { ...batch, records };
      const producer = this.producers.get(batch.partition);
      if (!producer) throw new Error(`no producer for ${batch.topic}/${batch.partition}`);
      const output = await this.options.transform(fresh);
      const deadLetters = this.deadLetterRecords(batch, output.deadLetters);
      await producer.endHangingTransactions([...output.records.filter((b) => b.records.length > 0).map((b) => b.topic), ...(deadLetters ? [deadLetters.topic] : [])]);
      const began = performance.now();
      await producer.transaction(async (tx) => {
        await tx.send(deadLetters ? [...output.records, deadLetters] : output.records);
        await tx.sendOffsets(this.options.groupId, [{ topic: batch.topic, partition: batch.partition, offset: batch.nextOffset }]);
      });
      this.options.committed?.(fresh, output, (performance.now() - began) / 1000);
    } catch (error) {
      // The commit may have gone through unseen (the broker went away before it answered):
      // the partition is taken over again before its next batch.
      this.stale.add(batch.partition);
      const producer = this.producers.get(batch.partition);
      this.producers.delete(batch.partition);
      await producer?.close().catch(() => undefined);
      this.options.failed?.(batch, error);
      throw error;
    }
  }

  private deadLetterRecords(batch: PartitionBatch, deadLetters: readonly DeadLetter[]): TopicRecords | undefined {
    if (deadLetters.length === 0) return undefined;
    const topic = this.options.deadLetterTopic;
    if (topic === undefined) throw new Error(`${deadLetters.length} record(s) refused, and this stage has no dead-letter topic: ${deadLetters[0]?.reason ?? ''}`);
    return {
      topic,
      records: deadLetters.map(({ record, reason }) => ({
        key: record.key,
        value: record.value,
        headers: { ...this.options.deadLetterHeaders, [DEAD_LETTER_HEADERS.reason]: reason, [DEAD_LETTER_HEADERS.source]: recordSource({ topic: batch.topic, partition: batch.partition, offset: record.offset }) },
      })),
    };
  }

  /** Takes over every stale partition at once; batches of stale partitions that arrive meanwhile wait for the same. */
  private takeOverStale(): Promise<void> {
    this.takingOver ??= this.takeOver([...this.stale]).finally(() => {
      this.takingOver = undefined;
    });
    return this.takingOver;
  }

  private async takeOver(partitions: readonly number[]): Promise<void> {
    for (const [partition, producer] of this.producers) {
      if (this.owned.has(partition) && !partitions.includes(partition)) continue;
      this.producers.delete(partition);
      await producer.close().catch(() => undefined);
    }
    const { groupId, input, deadLetterTopic } = this.options;
    const writesTo = deadLetterTopic === undefined ? this.options.writesTo : [...this.options.writesTo, deadLetterTopic];
    await Promise.all(
      partitions.map(async (partition) => {
        const producer = await this.kafka.producer({ transactionalId: transactionalId(groupId, input, partition) });
        this.producers.set(partition, producer);
        await producer.endHangingTransactions(writesTo);
      }),
    );
    const progress = await this.kafka.groupProgress(groupId, input);
    for (const partition of partitions) {
      const committed = progress?.find((p) => p.partition === partition)?.committed;
      this.committedBelow.set(partition, committed == null ? 0n : BigInt(committed));
    }
    await this.options.takeOver?.(partitions);
    // A partition whose batch failed meanwhile is not among these: it stays stale, for the next take-over.
    for (const partition of partitions) this.stale.delete(partition);
  }
}
