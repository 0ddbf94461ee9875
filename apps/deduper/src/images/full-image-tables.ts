import { randomUUID } from 'node:crypto';
import { ConfigState, type Logger, parseConfigRecord, errorMessage } from '@meridian/contracts';
import type { ConsumedRecord, GroupConsumer, KafkaConnection } from '@meridian/kafka';

/**
 * Which tables have a channel that asks for full-row images, as the configuration topic
 * says, kept current as records arrive. `start` reads the topic to its end before it
 * returns, so that a deduper that starts (or restarts) knows them before it passes any
 * mutation; then it follows the topic with a group of its own that commits nothing.
 */
export class FullImageTables {
  private readonly config = new ConfigState();
  /** Per partition, the offset after the last record applied: the follower starts from the beginning again. */
  private readonly applied = new Map<number, bigint>();
  private follower: GroupConsumer | undefined;
  private current: ReadonlySet<string> = new Set();

  constructor(
    private readonly kafka: KafkaConnection,
    private readonly topic: string,
    private readonly groupPrefix: string,
    private readonly log: Logger,
  ) {}

  /** `keyspace.table` of each table whose rows are read back. */
  get tables(): ReadonlySet<string> {
    return this.current;
  }

  async start(): Promise<void> {
    await this.stop();
    await this.kafka.createTopics([{ topic: this.topic, partitions: 1, compacted: true }]);
    this.apply(await this.kafka.readToEnd(this.topic));
    this.follower = await this.kafka.consume({
      groupId: `${this.groupPrefix}.config.${randomUUID()}`,
      topics: [this.topic],
      isolation: 'read_committed',
      eachBatch: (batch) => {
        this.apply(batch.records);
        return Promise.resolve();
      },
    });
  }

  async stop(): Promise<void> {
    const follower = this.follower;
    this.follower = undefined;
    await follower?.stop().catch(() => undefined);
  }

  /** Applies the records not applied yet, in order; a bad one is logged and ignored, as the publisher does. */
  apply(records: readonly Pick<ConsumedRecord, 'partition' | 'offset' | 'key' | 'value'>[]): void {
    for (const record of records) {
      const offset = BigInt(record.offset);
      if (offset < (this.applied.get(record.partition) ?? 0n)) continue;
      this.applied.set(record.partition, offset + 1n);
      try {
        this.config.apply(parseConfigRecord(record.key?.toString() ?? '', record.value?.toString() ?? null));
      } catch (error) {
        this.log.error(`ignored: ${errorMessage(error)}`);
      }
    }
    const tables = this.config.fullImageTables();
    if ([...tables].sort().join() !== [...this.current].sort().join()) {
      this.log.log(tables.size > 0 ? `reading rows back for full-row images of ${[...tables].sort().join(', ')}` : 'no table has full-row images');
    }
    this.current = tables;
  }
}
