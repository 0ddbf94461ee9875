import { HEARTBEAT_VERSION } from '@meridian/contracts';
import type { GroupDescription, PartitionProgress } from '@meridian/kafka';
import type { ConfigRecord, ConfigStore, TableCatalog } from '../configuration/ports';
import type { ConsumerGroups } from '../progress/ports';
import type { StatusFeed, StatusRecord } from '../status/ports';

/** An in-memory configuration topic: writes are appended and echoed to the follower, as Kafka would. */
export class FakeConfigStore implements ConfigStore {
  readonly records: ConfigRecord[] = [];
  failLoad = false;
  failWrites = false;
  private follower: ((record: ConfigRecord) => void) | undefined;

  constructor(initial: readonly { key: string; value: object | null }[] = []) {
    for (const { key, value } of initial) this.append(key, value === null ? null : JSON.stringify(value));
  }

  load(): Promise<ConfigRecord[]> {
    return this.failLoad ? Promise.reject(new Error('Kafka at broker:9092 is unavailable: connection refused')) : Promise.resolve([...this.records]);
  }

  follow(onRecord: (record: ConfigRecord) => void): Promise<void> {
    this.follower = onRecord;
    for (const record of this.records) onRecord(record);
    return Promise.resolve();
  }

  write(key: string, value: string | null): Promise<void> {
    if (this.failWrites) return Promise.reject(new Error('not acknowledged'));
    const record = this.append(key, value);
    setImmediate(() => this.follower?.(record));
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.follower = undefined;
    return Promise.resolve();
  }

  /** The current value of each key, as compaction would leave it. */
  latest(): Map<string, unknown> {
    return new Map(this.records.map((r) => [r.key, r.value === null ? null : (JSON.parse(r.value) as unknown)]));
  }

  private append(key: string, value: string | null): ConfigRecord {
    const record = { offset: BigInt(this.records.length), key, value };
    this.records.push(record);
    return record;
  }
}

export class FakeTableCatalog implements TableCatalog {
  readonly tables = new Map<string, { cdc: boolean }>();

  table(keyspace: string, table: string): Promise<{ cdc: boolean } | undefined> {
    return Promise.resolve(this.tables.get(`${keyspace}.${table}`));
  }
}

/** Consumer groups of one topic, in memory, with Kafka's rule that a running group's offsets cannot be set. */
export class FakeConsumerGroups implements ConsumerGroups {
  /** Per topic, each partition's start and end, and each record's timestamp by offset. */
  readonly topics = new Map<string, { start: bigint; end: bigint; timestamps: number[] }[]>();
  readonly committed = new Map<string, Map<number, string>>();
  readonly members = new Map<string, number>();
  failWith: Error | undefined;

  groupProgress(groupId: string, topic: string): Promise<PartitionProgress[] | undefined> {
    if (this.failWith) return Promise.reject(this.failWith);
    const partitions = this.topics.get(topic);
    if (!partitions) return Promise.resolve(undefined);
    const committed = this.committed.get(`${groupId}/${topic}`);
    return Promise.resolve(partitions.map((p, partition) => ({ partition, committed: committed?.get(partition) ?? null, start: String(p.start), end: String(p.end) })));
  }

  describeGroup(groupId: string): Promise<GroupDescription> {
    const members = this.members.get(groupId) ?? 0;
    return Promise.resolve({ state: members > 0 ? 'Stable' : 'Empty', members });
  }

  offsetsAtTime(topic: string, timestampMs: number): Promise<{ partition: number; offset: string }[]> {
    const partitions = this.topics.get(topic) ?? [];
    return Promise.resolve(
      partitions.map((p, partition) => {
        const index = p.timestamps.findIndex((t) => t >= timestampMs);
        return { partition, offset: String(index < 0 ? p.end : p.start + BigInt(index)) };
      }),
    );
  }

  setGroupOffsets(groupId: string, topic: string, offsets: readonly { partition: number; offset: string }[]): Promise<void> {
    if ((this.members.get(groupId) ?? 0) > 0) return Promise.reject(new Error('The consumer group must have no running instances'));
    const committed = this.committed.get(`${groupId}/${topic}`) ?? new Map<number, string>();
    for (const { partition, offset } of offsets) committed.set(partition, offset);
    this.committed.set(`${groupId}/${topic}`, committed);
    return Promise.resolve();
  }
}

/** A status topic in memory: `publish` hands a heartbeat to the follower, as Kafka would. */
export class FakeStatusFeed implements StatusFeed {
  private follower: ((record: StatusRecord) => void) | undefined;
  private readonly records: StatusRecord[] = [];

  /** A running component's heartbeat, made `agoMs` before `nowMs`, as HeartbeatPublisher sends it. */
  beat(component: string, instance: string, at: { nowMs: number; agoMs: number }, figures: Record<string, number> = {}): void {
    this.publish(`${component}/${instance}`, {
      version: HEARTBEAT_VERSION,
      component,
      instance,
      dc: 'dc1',
      state: 'running',
      problems: [],
      startedAt: new Date(at.nowMs - 60_000).toISOString(),
      at: new Date(at.nowMs - at.agoMs).toISOString(),
      intervalMs: 5000,
      figures,
    });
  }

  publish(key: string, value: object | string | null): void {
    const record = { key, value: value === null || typeof value === 'string' ? value : JSON.stringify(value) };
    this.records.push(record);
    this.follower?.(record);
  }

  follow(onRecord: (record: StatusRecord) => void): Promise<void> {
    this.follower = onRecord;
    for (const record of this.records) onRecord(record);
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.follower = undefined;
    return Promise.resolve();
  }
}
