/**
 * What a cdc-reader puts on the raw mutations topic: one partition update of a
 * `cdc = true` table, where it was read, and a digest of its content that is the same on
 * every replica that logged the mutation (the deduper collapses copies by it).
 */
export const RAW_MUTATION_VERSION = 1;

/** The Kafka record header that carries the event's digest, so the deduper decides without parsing the value. */
export const DIGEST_HEADER = 'meridian.digest';

export interface RawMutationEvent<Update = unknown> {
  readonly version: typeof RAW_MUTATION_VERSION;
  readonly dc: string;
  /** The Cassandra node whose commit log it was read from. */
  readonly node: string;
  readonly segment: string;
  /** Offset of the commit log entry in its segment. */
  readonly position: number;
  /** SHA-256 (hex) of the update's content, without where it was read. */
  readonly digest: string;
  /** The partition update, in @meridian/commitlog's dump format. */
  readonly update: Update;
}

/**
 * The Kafka key of a raw mutation: keyspace, table and partition key, so that every copy
 * of a partition's mutations, from every replica, lands in the same partition.
 */
export function rawMutationKey(keyspace: string, table: string, key: Readonly<Record<string, unknown>>): string {
  return `${keyspace}.${table}:${JSON.stringify(key)}`;
}
