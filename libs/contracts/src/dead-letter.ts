/**
 * The headers of a dead-letter record: the refused record's key and value go there
 * unchanged, and these say why, where it came from and, for a publisher's, which
 * destination refused it.
 */
export const DEAD_LETTER_HEADERS = {
  reason: 'meridian.reason',
  /** `<topic>/<partition>@<offset>` of the refused record. */
  source: 'meridian.source',
  destination: 'meridian.destination',
} as const;

/** Where a consumed record was: the form of the `meridian.source` header. */
export function recordSource(record: { readonly topic: string; readonly partition: number; readonly offset: string }): string {
  return `${record.topic}/${record.partition}@${record.offset}`;
}
