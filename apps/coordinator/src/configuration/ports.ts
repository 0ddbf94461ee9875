/** One record of the configuration topic, as it is stored. */
export interface ConfigRecord {
  readonly offset: bigint;
  readonly key: string;
  readonly value: string | null;
}

/** Where the configuration lives: the compacted configuration topic. */
export interface ConfigStore {
  /** Every record up to the store's end when called. */
  load(): Promise<ConfigRecord[]>;
  /** Hands over every record from the start on, as it arrives, until `stop`. */
  follow(onRecord: (record: ConfigRecord) => void): Promise<void>;
  /** Resolves once the store acknowledged the record; a null value deletes the key. */
  write(key: string, value: string | null): Promise<void>;
  stop(): Promise<void>;
}

/** What the coordinator needs to know of a Cassandra table before a channel may capture it. */
export interface TableCatalog {
  /** The table's CDC flag, or undefined when no such table exists. */
  table(keyspace: string, table: string): Promise<{ readonly cdc: boolean } | undefined>;
}

export const CONFIG_STORE = Symbol('CONFIG_STORE');
export const TABLE_CATALOG = Symbol('TABLE_CATALOG');
