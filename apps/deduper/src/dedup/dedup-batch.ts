import { DIGEST_HEADER } from '@meridian/contracts';
import type { ChangelogEntry, DedupWindow } from './dedup-window';

export interface RawRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly offset: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface DedupOutcome {
  /** The first copy of each mutation, unchanged: key, value and digest header as the reader wrote them. */
  readonly events: { readonly key: Buffer | null; readonly value: Buffer | null; readonly headers: Readonly<Record<string, string>> }[];
  readonly changelog: ChangelogEntry[];
  duplicates: number;
  /** Records that are not raw mutation events, with the reason, for the dead-letter topic. */
  readonly rejected: { readonly record: RawRecord; readonly reason: string }[];
}

/**
 * Passes the first copy of each mutation in a batch of one raw partition and drops the
 * rest, as the partition's window decides; the window changes are returned for the
 * changelog, to be committed in the same transaction as the events. The decision reads
 * only the digest header: values pass through unparsed, which keeps this stage close to
 * a plain consume-and-produce.
 */
export function dedupBatch(records: readonly RawRecord[], window: DedupWindow, nowMs: number): DedupOutcome {
  const outcome: DedupOutcome = { events: [], changelog: [], duplicates: 0, rejected: [] };
  for (const record of records) {
    const digest = record.headers[DIGEST_HEADER];
    if (digest === undefined || digest === '' || record.value === null) {
      outcome.rejected.push({ record, reason: record.value === null ? 'no value' : `no ${DIGEST_HEADER} header: not written by a cdc-reader` });
      continue;
    }
    if (window.admit(digest, nowMs, outcome.changelog)) {
      outcome.duplicates++;
      continue;
    }
    outcome.events.push({ key: record.key, value: record.value, headers: { [DIGEST_HEADER]: digest } });
  }
  return outcome;
}
