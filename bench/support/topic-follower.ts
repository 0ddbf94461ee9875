import type { ConsumedRecord, GroupConsumer, Isolation, KafkaConnection } from '@meridian/kafka';
import { uniqueName } from '@meridian/testing';

/**
 * Reads a topic from its start as the one member of a fresh consumer group, and hands each
 * fetched batch on with only the records not seen before. Nothing is committed: the group is
 * used once, and a consumer that restarts after an error fetches from the start again, so
 * those records are skipped by offset.
 */
export class TopicFollower {
  private readonly nextOffset = new Map<number, bigint>();
  private consumer: GroupConsumer | undefined;

  constructor(
    private readonly kafka: KafkaConnection,
    private readonly topic: string,
    private readonly groupPrefix: string,
    private readonly isolation: Isolation,
    private readonly onBatch: (records: readonly ConsumedRecord[]) => void,
  ) {}

  async start(): Promise<void> {
    this.consumer = await this.kafka.consume({
      groupId: uniqueName(this.groupPrefix),
      topics: [this.topic],
      isolation: this.isolation,
      eachBatch: (batch) => {
        this.onBatch(batch.records.filter((record) => this.isNew(record)));
        return Promise.resolve();
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = undefined;
  }

  private isNew(record: ConsumedRecord): boolean {
    const offset = BigInt(record.offset);
    if (offset < (this.nextOffset.get(record.partition) ?? 0n)) return false;
    this.nextOffset.set(record.partition, offset + 1n);
    return true;
  }
}
