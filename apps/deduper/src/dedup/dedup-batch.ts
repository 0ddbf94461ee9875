import { type PartitionUpdate, writetimeMicros } from '@meridian/commitlog';
import { MUTATION_EVENT_VERSION, type MutationEvent, RAW_MUTATION_VERSION, type RawMutationEvent } from '@meridian/contracts';
import type { ChangelogEntry, DedupWindow } from './dedup-window';

export interface RawRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly offset: string;
}

export interface DedupOutcome {
  /** One event per mutation seen for the first time, keyed as its raw copies were. */
  readonly events: { readonly key: string; readonly value: string }[];
  readonly changelog: ChangelogEntry[];
  duplicates: number;
  /** Records that are not raw mutation events, with the reason, for the dead-letter topic. */
  readonly rejected: { readonly record: RawRecord; readonly reason: string }[];
}

/**
 * Passes the first copy of each mutation in a batch of one raw partition and drops the
 * rest, as the partition's window decides; the window changes are returned for the
 * changelog, to be committed in the same transaction as the events.
 */
export function dedupBatch(records: readonly RawRecord[], window: DedupWindow, nowMs: number): DedupOutcome {
  const outcome: DedupOutcome = { events: [], changelog: [], duplicates: 0, rejected: [] };
  for (const record of records) {
    const parsed = parseRawEvent(record);
    if (typeof parsed === 'string') {
      outcome.rejected.push({ record, reason: parsed });
      continue;
    }
    if (window.admit(parsed.digest, nowMs, outcome.changelog)) {
      outcome.duplicates++;
      continue;
    }
    const writetime = writetimeMicros(parsed.update);
    const event: MutationEvent<PartitionUpdate> = {
      version: MUTATION_EVENT_VERSION,
      dc: parsed.dc,
      digest: parsed.digest,
      writetimeUs: writetime === undefined ? null : writetime.toString(),
      source: { node: parsed.node, segment: parsed.segment, position: parsed.position },
      update: parsed.update,
    };
    outcome.events.push({ key: record.key?.toString() ?? '', value: JSON.stringify(event) });
  }
  return outcome;
}

/** The raw event, or why it is not one. */
function parseRawEvent(record: RawRecord): RawMutationEvent<PartitionUpdate> | string {
  if (!record.value) return 'no value';
  let value: unknown;
  try {
    value = JSON.parse(record.value.toString('utf8'));
  } catch {
    return 'the value is not JSON';
  }
  if (typeof value !== 'object' || value === null) return 'the value is not an object';
  const event = value as Partial<RawMutationEvent<PartitionUpdate>>;
  if (event.version !== RAW_MUTATION_VERSION) return `unknown raw event version ${JSON.stringify(event.version)} (this deduper reads ${RAW_MUTATION_VERSION})`;
  if (typeof event.digest !== 'string' || event.digest === '') return 'no digest';
  if (typeof event.update !== 'object' || typeof event.dc !== 'string' || typeof event.node !== 'string') return 'missing update, dc or node';
  return event as RawMutationEvent<PartitionUpdate>;
}
