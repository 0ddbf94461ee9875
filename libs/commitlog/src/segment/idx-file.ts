/** What a `CommitLog-<v>-<id>_cdc.idx` says: the durable offset, and whether the segment is closed. */
export interface CdcIndex {
  readonly durableOffset: number;
  readonly completed: boolean;
}

/**
 * Parses an idx file's text: `<offset>` and, once the segment is closed, a second line
 * `COMPLETED`. Cassandra truncates and rewrites the file on every sync, so it can be read
 * empty or half-written: that gives undefined, and the caller reads it again.
 */
export function parseCdcIndex(text: string): CdcIndex | undefined {
  const [first = '', second] = text.split('\n');
  if (!/^\d+$/.test(first.trim())) return undefined;
  return { durableOffset: Number(first.trim()), completed: second?.trim() === 'COMPLETED' };
}

/** `CommitLog-7-1763718291234.log` → its `_cdc.idx` name. */
export function cdcIndexName(segmentName: string): string {
  return segmentName.replace(/\.log$/, '_cdc.idx');
}
