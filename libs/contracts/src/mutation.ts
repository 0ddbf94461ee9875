/**
 * What the deduper puts on the mutations topic: one event per mutation of a `cdc = true`
 * table, whichever replicas logged it and however often a reader re-read it.
 */
export const MUTATION_EVENT_VERSION = 1;

export interface MutationEvent<Update = unknown> {
  readonly version: typeof MUTATION_EVENT_VERSION;
  readonly dc: string;
  /** The content digest the copies shared (see RawMutationEvent). */
  readonly digest: string;
  /** Cassandra writetime, microseconds since the epoch, as a decimal string. */
  readonly writetimeUs: string | null;
  /** Where the copy that was let through was read. */
  readonly source: { readonly node: string; readonly segment: string; readonly position: number };
  /** The partition update, in @meridian/commitlog's dump format. */
  readonly update: Update;
}
