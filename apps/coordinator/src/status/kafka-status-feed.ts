import { randomUUID } from 'node:crypto';
import type { GroupConsumer, KafkaConnection } from '@meridian/kafka';
import type { StatusFeed, StatusRecord } from './ports';

/** The status topic, followed from its start by a group of its own that never commits. */
export class KafkaStatusFeed implements StatusFeed {
  private follower: GroupConsumer | undefined;

  constructor(
    private readonly kafka: KafkaConnection,
    private readonly topic: string,
    private readonly clientId: string,
  ) {}

  async follow(onRecord: (record: StatusRecord) => void): Promise<void> {
    await this.follower?.stop().catch(() => undefined);
    // Heartbeats are sent outside transactions; the topic may not exist before the first one.
    await this.kafka.createTopics([{ topic: this.topic, partitions: 1, compacted: true }]);
    this.follower = await this.kafka.consume({
      groupId: `${this.clientId}.status.${randomUUID()}`,
      topics: [this.topic],
      isolation: 'read_uncommitted',
      eachBatch: (batch) => {
        for (const record of batch.records) onRecord({ key: record.key?.toString() ?? '', value: record.value?.toString() ?? null });
        return Promise.resolve();
      },
    });
  }

  async stop(): Promise<void> {
    await this.follower?.stop().catch(() => undefined);
    this.follower = undefined;
  }
}
