import { randomUUID } from 'node:crypto';
import type { GroupConsumer, KafkaConnection, RecordProducer } from '@meridian/kafka';
import type { ConfigRecord, ConfigStore } from './ports';

/** The configuration topic: one partition (records stay in the order they were written), compacted. */
export class KafkaConfigStore implements ConfigStore {
  private producer: Promise<RecordProducer> | undefined;
  private follower: GroupConsumer | undefined;

  constructor(
    private readonly kafka: KafkaConnection,
    private readonly topic: string,
    private readonly clientId: string,
  ) {}

  async load(): Promise<ConfigRecord[]> {
    await this.kafka.createTopics([{ topic: this.topic, partitions: 1, compacted: true }]);
    return (await this.kafka.readToEnd(this.topic)).map(toConfigRecord);
  }

  async follow(onRecord: (record: ConfigRecord) => void): Promise<void> {
    await this.follower?.stop().catch(() => undefined);
    // A group of its own that never commits: each start reads the topic from its beginning.
    this.follower = await this.kafka.consume({
      groupId: `${this.clientId}.config.${randomUUID()}`,
      topics: [this.topic],
      isolation: 'read_committed',
      eachBatch: (batch) => {
        for (const record of batch.records) onRecord(toConfigRecord(record));
        return Promise.resolve();
      },
    });
  }

  async write(key: string, value: string | null): Promise<void> {
    // Idempotent (KafkaConnection.producer): a retried send cannot store a record twice.
    this.producer ??= this.kafka.producer().catch((error: unknown) => {
      this.producer = undefined;
      throw error;
    });
    await (await this.producer).send(this.topic, [{ key, value }]);
  }

  async stop(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await Promise.allSettled([this.follower?.stop(), producer?.then((p) => p.close())]);
  }
}

function toConfigRecord(record: { offset: string; key: Buffer | null; value: Buffer | null }): ConfigRecord {
  return { offset: BigInt(record.offset), key: record.key?.toString() ?? '', value: record.value?.toString() ?? null };
}
