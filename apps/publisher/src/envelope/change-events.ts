import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cell, ComplexColumn, Deletion, PartitionUpdate, RangeTombstone, Row } from '@meridian/commitlog';
import {
  type CellWrite,
  CHANGE_EVENT_CONNECTOR,
  CHANGE_EVENT_VERSION,
  type ChangeEvent,
  type ChangeSource,
  type ColumnValue,
  type CqlJson,
  type DeleteChangeEvent,
  type DeleteKind,
  type ElementsChange,
  type ElementWrite,
  type ImageMarker,
  type MutationEvent,
  type RowImage,
  type WriteChangeEvent,
  type WriteTime,
} from '@meridian/contracts';

/** Stamped on every event as source.version (the same path from src/ and dist/). */
export const PUBLISHER_VERSION = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

type Key = Readonly<Record<string, CqlJson>>;

/** What a channel asks for: the columns written, or the whole row (libs/contracts/src/config.ts). */
export type Image = 'delta' | 'full';

/**
 * The change events of one mutation's partition update, in the order Cassandra applies
 * its parts: the partition deletion, the range deletions, the static row, the rows. A
 * row that is deleted and written in the same mutation (a batch) gives a `d` event and
 * then its write. With `full`, each write's `after` is the row the deduper read back
 * (the event's `images`), marked in `image`.
 */
export function toChangeEvents(event: MutationEvent<PartitionUpdate>, nowMs: number, image: Image = 'delta'): ChangeEvent[] {
  const update = event.update;
  const source = (writetime: bigint): ChangeSource => ({
    connector: CHANGE_EVENT_CONNECTOR,
    version: PUBLISHER_VERSION,
    dc: event.dc,
    node: event.node,
    keyspace: update.keyspace,
    table: update.table,
    segment: event.segment,
    position: event.position,
    writetime_us: writetime.toString(),
    ts_ms: floorMillis(writetime),
  });
  const deletion = (key: Key, deleted: DeleteKind, marker: Deletion, tombstone?: RangeTombstone): DeleteChangeEvent => ({
    version: CHANGE_EVENT_VERSION,
    op: 'd',
    key,
    after: null,
    changed: [],
    cells: {},
    deleted,
    ...(tombstone ? { range: { start: tombstone.start, end: tombstone.end } } : {}),
    source: source(BigInt(marker.markedForDeleteAt)),
    ts_ms: nowMs,
  });
  const rowEvents = (key: Key, row: Row, isStatic: boolean, rowImage: RowImage | null | undefined): ChangeEvent[] => {
    const events: ChangeEvent[] = [];
    if (row.deletion) events.push(deletion(key, 'row', row.deletion));
    const write = rowWrite(row);
    if (write) {
      const changed = Object.keys(row.cells);
      const full = image === 'full' ? fullRow(write.after, changed, rowImage, event.images !== undefined) : undefined;
      events.push({
        version: CHANGE_EVENT_VERSION,
        op: row.liveness ? 'c' : 'u',
        key,
        after: full?.after ?? write.after,
        changed,
        cells: write.cells,
        ...(write.liveness ? { liveness: write.liveness } : {}),
        ...(isStatic ? { static: true as const } : {}),
        ...(full ? { image: full.image } : {}),
        source: source(write.newest),
        ts_ms: nowMs,
      } satisfies WriteChangeEvent);
    }
    return events;
  };

  const events: ChangeEvent[] = [];
  if (update.partitionDeletion) events.push(deletion(update.key, 'partition', update.partitionDeletion));
  for (const tombstone of update.rangeTombstones) events.push(deletion(update.key, 'range', tombstone.deletion, tombstone));
  if (update.staticRow) events.push(...rowEvents(update.key, update.staticRow, true, event.images?.static));
  update.rows.forEach((row, i) => events.push(...rowEvents({ ...update.key, ...row.clustering }, row, false, event.images?.rows[i])));
  return events;
}

/**
 * A write's `after` and `image` on a full-image channel: the row as read back when there
 * is one, else the write itself with the reason, so that no event waits for a read.
 */
function fullRow(written: Record<string, ColumnValue>, changed: readonly string[], image: RowImage | null | undefined, imagesRead: boolean): { after: Record<string, ColumnValue>; image: ImageMarker } {
  const without = (reason: string) => ({ after: written, image: { status: 'read_failed' as const, reason } });
  if (!image) return without(imagesRead ? 'no image of this row' : 'not read back: no channel of the table asked for full images when the deduper passed this mutation');
  if (image.status === 'not_found') return { after: written, image: { status: 'not_found', ts_ms: image.ts_ms } };
  if (image.status === 'read_failed') return without(image.reason);
  const missing = changed.filter((column) => !(column in image.columns));
  if (missing.length > 0) return without(`the row as read has no column ${missing.join(', ')} (dropped since the write?)`);
  return { after: { ...image.columns }, image: { status: 'full', ts_ms: image.ts_ms } };
}

interface RowWrite {
  readonly after: Record<string, ColumnValue>;
  readonly cells: Record<string, CellWrite>;
  readonly liveness: WriteTime | undefined;
  readonly newest: bigint;
}

/** What a row writes, or undefined when it only deletes. */
function rowWrite(row: Row): RowWrite | undefined {
  const after: Record<string, ColumnValue> = {};
  const cells: Record<string, CellWrite> = {};
  const liveness = row.liveness ? writeTime(row.liveness.timestamp, row.liveness) : undefined;
  let newest = liveness ? BigInt(liveness.writetime_us) : undefined;
  for (const [column, cell] of Object.entries(row.cells)) {
    if ('cells' in cell) {
      after[column] = elementsChange(cell);
      cells[column] = complexWrite(cell);
    } else {
      after[column] = cell.value;
      cells[column] = { ...writeTime(cell.timestamp, cell), ...(cell.tombstone ? { tombstone: true as const } : {}) };
    }
    const written = BigInt(cells[column].writetime_us);
    if (newest === undefined || written > newest) newest = written;
  }
  return newest === undefined ? undefined : { after, cells, liveness, newest };
}

function elementsChange(column: ComplexColumn): ElementsChange {
  return {
    replaced: column.deletion !== null,
    added: column.cells.filter((cell) => !cell.tombstone).map((cell) => [cell.path, cell.value] as const),
    removed: column.cells.filter((cell) => cell.tombstone).map((cell) => cell.path),
  };
}

/**
 * A collection's elements usually share the statement's writetime and TTL, which the
 * column's entry then states once; only when some element differs (several statements
 * merged into one mutation) are the elements listed each with its own.
 */
function complexWrite(column: ComplexColumn): CellWrite {
  const elements: ElementWrite[] = column.cells.map((cell) => ({
    path: cell.path,
    ...writeTime(cell.timestamp, cell),
    ...(cell.tombstone ? { tombstone: true as const } : {}),
  }));
  let newest = column.deletion ? BigInt(column.deletion.markedForDeleteAt) : undefined;
  for (const element of elements) {
    const written = BigInt(element.writetime_us);
    if (newest === undefined || written > newest) newest = written;
  }
  if (newest === undefined) throw new Error('a complex column with neither a deletion nor a cell');
  const writetime = newest.toString();
  const first = elements[0];
  const shared = first !== undefined && elements.every((e) => e.writetime_us === writetime && e.ttl === first.ttl && e.expires_at === first.expires_at);
  return {
    writetime_us: writetime,
    ...(shared ? pick(first) : {}),
    ...(column.deletion ? { replaced_at_us: column.deletion.markedForDeleteAt } : {}),
    ...(shared || elements.length === 0 ? {} : { elements }),
  };
}

function pick(write: WriteTime): Partial<WriteTime> {
  return { ...(write.ttl !== undefined ? { ttl: write.ttl } : {}), ...(write.expires_at !== undefined ? { expires_at: write.expires_at } : {}) };
}

function writeTime(timestamp: string, expiring: Pick<Cell, 'ttl' | 'localExpirationTime'>): WriteTime {
  return {
    writetime_us: timestamp,
    ...(expiring.ttl !== undefined ? { ttl: expiring.ttl } : {}),
    ...(expiring.localExpirationTime !== undefined ? { expires_at: new Date(expiring.localExpirationTime * 1000).toISOString() } : {}),
  };
}

/** Microseconds to milliseconds, rounding down also before 1970. */
function floorMillis(micros: bigint): number {
  const millis = micros / 1000n;
  return Number(micros < 0n && millis * 1000n !== micros ? millis - 1n : millis);
}
