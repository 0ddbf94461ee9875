/** A change to the dedup state, to be written to its changelog in the same transaction as the output. */
export type ChangelogEntry =
  /** A digest now remembered, since `seenAtMs`. */
  | { readonly digest: string; readonly seenAtMs: number }
  /** A digest forgotten (a tombstone, so that compaction drops it from the changelog too). */
  | { readonly digest: string; readonly seenAtMs: null };

export interface DedupWindowOptions {
  /** How long a digest is remembered after it was first seen. */
  readonly windowMs: number;
  /** At most this many digests are remembered; the oldest go first. */
  readonly maxEntries: number;
}

/**
 * The digests of the mutations one input partition has already let through, remembered
 * for a time window and up to a count. A copy of a mutation (from another replica, or
 * re-read after a reader's crash) arriving within the window is recognised and dropped;
 * the window must outlast how late a copy can arrive, which the deduper's figures show.
 *
 * Insertion order is age order (Map keeps it), so expiry and the count bound both take
 * from the front in O(1) per digest.
 */
export class DedupWindow {
  private readonly seenAt = new Map<string, number>();

  constructor(private readonly options: DedupWindowOptions) {}

  get size(): number {
    return this.seenAt.size;
  }

  /**
   * True if `digest` was seen within the window (a copy: drop it). Otherwise remembers it
   * and returns false. Either way, `changes` receives what the changelog must record.
   */
  admit(digest: string, nowMs: number, changes: ChangelogEntry[]): boolean {
    this.expire(nowMs, changes);
    if (this.seenAt.has(digest)) return true;
    this.seenAt.set(digest, nowMs);
    changes.push({ digest, seenAtMs: nowMs });
    while (this.seenAt.size > this.options.maxEntries) this.forgetOldest(changes);
    return false;
  }

  /** Replays one changelog record while rebuilding the state on start or after a rebalance. */
  restore(entry: ChangelogEntry): void {
    if (entry.seenAtMs === null) {
      this.seenAt.delete(entry.digest);
    } else {
      // Re-inserted at the back, so that age order follows the changelog's order.
      this.seenAt.delete(entry.digest);
      this.seenAt.set(entry.digest, entry.seenAtMs);
    }
  }

  /** Drops digests whose window has passed; called on every admit, and by the caller when idle. */
  expire(nowMs: number, changes: ChangelogEntry[]): void {
    for (const [digest, seenAtMs] of this.seenAt) {
      if (nowMs - seenAtMs < this.options.windowMs) break;
      this.seenAt.delete(digest);
      changes.push({ digest, seenAtMs: null });
    }
  }

  private forgetOldest(changes: ChangelogEntry[]): void {
    const oldest = this.seenAt.keys().next();
    if (oldest.done) return;
    this.seenAt.delete(oldest.value);
    changes.push({ digest: oldest.value, seenAtMs: null });
  }
}
