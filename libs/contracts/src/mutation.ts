import type { RawMutationEvent } from './raw-mutation';

/**
 * What the deduper puts on the mutations topic: of the copies of one mutation (one per
 * replica, and any re-read after a reader's crash), the first, unchanged. Its `node`,
 * `segment` and `position` say where that copy was read.
 */
export type MutationEvent<Update = unknown> = RawMutationEvent<Update>;
