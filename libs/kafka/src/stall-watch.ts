/** Where a partition stands for the group, as the broker says: what it committed, where the log starts and ends. */
export interface PartitionEnds {
  /** The group's committed offset, or null when it has none here. */
  readonly committed: bigint | null;
  /** The log start: where a member with no committed offset begins. */
  readonly start: bigint;
  /** The offset the next record will take, as a read_committed consumer sees it (the last stable offset). */
  readonly end: bigint;
}

const key = (topic: string, partition: number) => `${topic}/${partition}`;

/**
 * Judges whether a group member is stalled: it owns a partition where records wait for it
 * (the end is past both what it fetched and what the group committed) and has not moved
 * there for `stallAfterMs`. Moving is fetching further, which includes batches of only
 * transaction markers or aborted records; a member that fetches nothing because nothing
 * is left is not stalled. The clock only runs while the broker answers: a broker that is
 * away is its own, separately reported problem, and a member must get the time to come
 * back after it.
 */
export class StallWatch {
  private readonly partitions = new Map<string, { topic: string; partition: number; position: bigint | null; movedAtMs: number }>();
  /** When the member last fetched further on any partition. */
  lastMovedAtMs = Number.NEGATIVE_INFINITY;
  /** Whether the last judgement found records waiting on any owned partition. */
  waiting = false;

  constructor(readonly stallAfterMs: number) {}

  /** The member's partitions after it joined the group; their clocks start now. */
  assigned(partitions: readonly { topic: string; partition: number }[], nowMs: number): void {
    this.partitions.clear();
    for (const { topic, partition } of partitions) this.partitions.set(key(topic, partition), { topic, partition, position: null, movedAtMs: nowMs });
  }

  /** The member fetched (and handled) a partition up to `nextOffset`. */
  moved(topic: string, partition: number, nextOffset: bigint, nowMs: number): void {
    const owned = this.partitions.get(key(topic, partition));
    if (owned && (owned.position === null || nextOffset > owned.position)) {
      owned.position = nextOffset;
      owned.movedAtMs = nowMs;
      this.lastMovedAtMs = nowMs;
    }
  }

  /** The broker could not be asked: no judgement, and no partition's clock ran meanwhile. */
  unanswered(nowMs: number): void {
    for (const owned of this.partitions.values()) owned.movedAtMs = nowMs;
  }

  /** Topics whose ends `judge` needs: those with a partition the member owns. */
  topics(): string[] {
    return [...new Set([...this.partitions.values()].map((p) => p.topic))];
  }

  /**
   * Why the member is stalled, naming the first partition found stalled, or undefined when it
   * is not. `ends` has each owned partition's figures, by topic and partition.
   */
  judge(ends: (topic: string, partition: number) => PartitionEnds | undefined, nowMs: number): string | undefined {
    this.waiting = false;
    for (const owned of this.partitions.values()) {
      const figures = ends(owned.topic, owned.partition);
      if (!figures) continue;
      const committed = figures.committed ?? figures.start;
      const reached = owned.position !== null && owned.position > committed ? owned.position : committed;
      const waiting = figures.end - reached;
      if (waiting <= 0n) {
        // Nothing left to fetch: idle, not stalled.
        owned.movedAtMs = nowMs;
        continue;
      }
      this.waiting = true;
      const stillMs = nowMs - owned.movedAtMs;
      if (stillMs >= this.stallAfterMs) {
        return `no progress on ${owned.topic}/${owned.partition} for ${Math.round(stillMs / 1000)} s with ${waiting} offset(s) waiting (at ${reached}, end ${figures.end})`;
      }
    }
    return undefined;
  }
}
