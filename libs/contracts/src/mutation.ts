import type { CqlJson } from './change-event';
import type { RawMutationEvent } from './raw-mutation';

/**
 * What the deduper puts on the mutations topic: of the copies of one mutation (one per
 * replica, and any re-read after a reader's crash), the first, unchanged, its `node`,
 * `segment` and `position` saying where that copy was read. When a channel of its table
 * asks for full-row images, the deduper adds `images`: each row the mutation writes, as
 * read back from Cassandra after the write. Version 1 still: a reader that does not know
 * `images` reads the event as before.
 */
export interface MutationEvent<Update = unknown> extends RawMutationEvent<Update> {
  readonly images?: RowImages;
}

/**
 * The rows read back for one mutation's partition update. Partition and range deletions
 * have no single row and get none; a row that is only deleted gets null.
 */
export interface RowImages {
  /** The static row's, when the update writes one: the partition's static columns. */
  readonly static?: RowImage;
  /** One per entry of the update's `rows`, in the same order. */
  readonly rows: readonly (RowImage | null)[];
}

/**
 * One row as read back at LOCAL_QUORUM after the write, or why there is none. The read
 * comes after the write, so it may also hold later writes.
 */
export type RowImage =
  /** `columns`: every regular column of the row (static column of a static row), null when unset. */
  | { readonly status: 'full'; readonly columns: Readonly<Record<string, CqlJson>>; readonly ts_ms: number }
  /** The row did not exist when read: deleted or expired since the write. */
  | { readonly status: 'not_found'; readonly ts_ms: number }
  /** Cassandra did not answer (down, not enough replicas, a timeout) or the read could not be made. */
  | { readonly status: 'read_failed'; readonly reason: string };
