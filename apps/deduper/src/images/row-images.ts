import type { PartitionUpdate, Row } from '@meridian/commitlog';
import type { RowKey } from '@meridian/cassandra';
import type { MutationEvent, RowImage } from '@meridian/contracts';

/** A record for the mutations topic, as dedupBatch passes it. */
export interface PassedEvent {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
}

/** Reads one row back; never throws: a failure is a `read_failed` image. */
export interface RowImageReader {
  read(row: RowKey): Promise<RowImage>;
}

/**
 * Adds to each event of a table in `fullTables` (`keyspace.table`) the rows it writes, as
 * read back now: the static row's and each row's, in the order of the update. Partition
 * and range deletions, and rows that are only deleted, have no row to read. Every other
 * event passes as it is, unparsed: its table is told by the record key, which the
 * cdc-reader writes as `keyspace.table:partition key`, so the usual path costs a lookup.
 * The reads of one batch run at most `concurrency` at a time.
 */
export async function withRowImages(events: readonly PassedEvent[], fullTables: ReadonlySet<string>, reader: RowImageReader, concurrency: number): Promise<PassedEvent[]> {
  if (fullTables.size === 0) return [...events];
  const reads: (() => Promise<void>)[] = [];
  // A row several mutations of the batch write is read once: every read comes after all of
  // them anyway, so each would see the same row.
  const readOnce = new Map<string, Promise<RowImage>>();
  const pending = new Map<number, { event: MutationEvent<PartitionUpdate>; images: { static?: RowImage; rows: (RowImage | null)[] } }>();
  events.forEach((record, index) => {
    if (!fullTables.has(tableOf(record.key))) return;
    const event = parse(record.value);
    // Not a mutation event: it passes as it is, and the publisher sets it aside with the reason.
    if (!event) return;
    const { update } = event;
    const read = (key: RowKey['key'], isStatic: boolean) => {
      const row: RowKey = { keyspace: update.keyspace, table: update.table, key, static: isStatic };
      const id = JSON.stringify(row);
      const image = readOnce.get(id) ?? reader.read(row);
      readOnce.set(id, image);
      return image;
    };
    const images: { static?: RowImage; rows: (RowImage | null)[] } = { rows: update.rows.map(() => null) };
    const { staticRow } = update;
    if (staticRow && writes(staticRow)) reads.push(async () => void (images.static = await read(update.key, true)));
    update.rows.forEach((row, i) => {
      if (writes(row)) reads.push(async () => void (images.rows[i] = await read({ ...update.key, ...row.clustering }, false)));
    });
    pending.set(index, { event, images });
  });
  if (pending.size === 0) return [...events];

  await inPool(reads, concurrency);
  return events.map((record, index) => {
    const read = pending.get(index);
    return read ? { ...record, value: Buffer.from(JSON.stringify({ ...read.event, images: read.images } satisfies MutationEvent<PartitionUpdate>)) } : record;
  });
}

/** `keyspace.table` of a raw record key, the part before the first `:` (CQL names have none). */
function tableOf(key: Buffer | null): string {
  if (!key) return '';
  const colon = key.indexOf(':');
  return colon < 0 ? '' : key.toString('utf8', 0, colon);
}

function parse(value: Buffer | null): MutationEvent<PartitionUpdate> | undefined {
  if (!value) return undefined;
  try {
    const event = JSON.parse(value.toString('utf8')) as Partial<MutationEvent<PartitionUpdate>> | null;
    const update = event?.update;
    return typeof update?.keyspace === 'string' && typeof update.table === 'string' && Array.isArray(update.rows) ? (event as MutationEvent<PartitionUpdate>) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a row writes something (a row marker or a cell), as the publisher makes a c or u event of it. */
function writes(row: Row): boolean {
  return row.liveness !== null || Object.keys(row.cells).length > 0;
}

/** Runs the tasks, at most `limit` at a time. */
async function inPool(tasks: readonly (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let task = tasks[next++]; task; task = tasks[next++]) await task();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}
