import type { ConfigRecord, ConfigStore, TableCatalog } from '../configuration/ports';

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
