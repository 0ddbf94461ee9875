import { ByteReader } from '../bytes/byte-reader';
import { MalformedMutationError } from '../errors';
import type { DecodingColumn, DecodingTable, SchemaIndex } from '../schema/schema-index';
import type { CqlType } from '../types/cql-type';
import { decodeValue, type JsonValue, uuidString } from '../types/value-codec';
import type { Bound, Cell, ComplexCell, ComplexColumn, Deletion, Liveness, PartitionUpdate, RangeTombstone, Row } from './partition-update';

// EncodingStats' epochs (2015-09-22T00:00:00Z): every timestamp and local deletion time
// in a partition update is a VInt delta from its header's minimum, itself a delta from these.
const TIMESTAMP_EPOCH = 1_442_880_000_000_000;
const DELETION_TIME_EPOCH = 1_442_880_000;
const LONG_MIN = -(2n ** 63n);
/** Cell.INVALID_DELETION_TIME: what Cassandra substitutes for an impossible local deletion time. */
const INVALID_DELETION_TIME = 4294967294;
const MAX_DELETION_TIME = 4294967293;

// UnfilteredRowIteratorSerializer flags
const IS_EMPTY = 0x01;
const HAS_PARTITION_DELETION = 0x04;
const HAS_STATIC_ROW = 0x08;
const HAS_ROW_ESTIMATE = 0x10;
// UnfilteredSerializer flags
const END_OF_PARTITION = 0x01;
const IS_MARKER = 0x02;
const HAS_TIMESTAMP = 0x04;
const HAS_TTL = 0x08;
const HAS_DELETION = 0x10;
const HAS_ALL_COLUMNS = 0x20;
const HAS_COMPLEX_DELETION = 0x40;
const EXTENSION_FLAG = 0x80;
const IS_STATIC = 0x01;
const HAS_SHADOWABLE_DELETION = 0x02;
// Cell flags
const CELL_IS_DELETED = 0x01;
const CELL_IS_EXPIRING = 0x02;
const CELL_HAS_EMPTY_VALUE = 0x04;
const CELL_USE_ROW_TIMESTAMP = 0x08;
const CELL_USE_ROW_TTL = 0x10;

/** Messaging version 13 (descriptor 8) reads negative local deletion times as unsigned (CASSANDRA-14227). */
export const MESSAGING_VERSION_40 = 12;
export const MESSAGING_VERSION_50 = 13;

type Micros = number | bigint;

export interface MutationContext {
  readonly schema: SchemaIndex;
  readonly segment: string;
  readonly position: number;
  readonly messagingVersion: number;
}

export type DecodedMutation =
  | { readonly kind: 'updates'; readonly updates: PartitionUpdate[] }
  /**
   * The schema is behind the log: a table it does not know, or (with `column`) a column
   * added after it was loaded. Either makes the rest of the entry unreadable (nothing says
   * how long those bytes are); refresh the schema and decode the entry again.
   */
  | { readonly kind: 'unknown-table'; readonly tableId: string; readonly column?: string };

/** Thrown inside the decoder for a column the schema lacks; turned into a result, never escapes. */
class UnknownColumn {
  constructor(
    readonly tableId: string,
    readonly column: string,
  ) {}
}

/**
 * Decodes one commit log entry's mutation (Mutation.serializer): its partition updates,
 * one per table. An unknown table is an answer, not an error (the caller counts it and
 * may refresh its schema); anything that fails to parse throws MalformedMutationError.
 */
export function decodeMutation(bytes: Uint8Array, context: MutationContext): DecodedMutation {
  const reader = new ByteReader(bytes);
  try {
    const count = reader.unsignedVInt32();
    if (count <= 0) throw new Error(`a mutation has at least one partition update, this one says ${count}`);
    const updates: PartitionUpdate[] = [];
    for (let i = 0; i < count; i++) {
      const update = new PartitionUpdateDecoder(reader, context).decode();
      if (typeof update === 'string') return { kind: 'unknown-table', tableId: update };
      updates.push(update);
    }
    return { kind: 'updates', updates };
  } catch (error) {
    if (error instanceof UnknownColumn) return { kind: 'unknown-table', tableId: error.tableId, column: error.column };
    const reason = error instanceof Error ? error.message : String(error);
    throw new MalformedMutationError(`cannot decode the mutation at byte ${reader.offset} of ${bytes.length}: ${reason}`, context.segment, context.position);
  }
}

interface RowLivenessInfo {
  readonly timestamp: Micros | undefined;
  readonly ttl: number;
  readonly localExpirationTime: number | undefined;
}

class PartitionUpdateDecoder {
  private minTimestamp: Micros = TIMESTAMP_EPOCH;
  private minLocalDeletionTime = DELETION_TIME_EPOCH;
  private minTtl = 0;
  private table!: DecodingTable;

  constructor(
    private readonly reader: ByteReader,
    private readonly context: MutationContext,
  ) {}

  /** The partition update, or the id of its table when the schema does not know it. */
  decode(): PartitionUpdate | string {
    const r = this.reader;
    const tableId = uuidString(r.bytesView(16));
    const table = this.context.schema.table(tableId);
    if (!table) return tableId;
    this.table = table;
    const key = this.partitionKey(r.vIntLengthBytes());
    const update: PartitionUpdate = {
      segment: this.context.segment,
      position: this.context.position,
      keyspace: table.schema.keyspace,
      table: table.schema.table,
      tableId,
      key,
      partitionDeletion: null,
      staticRow: null,
      rows: [],
      rangeTombstones: [],
    };
    const flags = r.uint8();
    if ((flags & IS_EMPTY) !== 0) return update;

    this.minTimestamp = addMicros(r.unsignedVInt(), TIMESTAMP_EPOCH);
    this.minLocalDeletionTime = (r.unsignedVInt32() + DELETION_TIME_EPOCH) | 0; // int arithmetic, as written
    this.minTtl = r.unsignedVInt32();
    const statics = (flags & HAS_STATIC_ROW) !== 0 ? this.columns() : [];
    const regulars = this.columns();

    const partitionDeletion = (flags & HAS_PARTITION_DELETION) !== 0 ? this.deletionTime(false) : null;
    let staticRow: Row | null = null;
    if ((flags & HAS_STATIC_ROW) !== 0) {
      const rowFlags = r.uint8();
      if ((rowFlags & EXTENSION_FLAG) === 0 || (rowFlags & IS_MARKER) !== 0) throw new Error(`a static row's flags must be extended, got 0x${rowFlags.toString(16)}`);
      const extended = r.uint8();
      staticRow = this.rowBody(rowFlags, extended, {}, statics);
    }
    if ((flags & HAS_ROW_ESTIMATE) !== 0) r.unsignedVInt32();

    const rows: Row[] = [];
    const markers: Marker[] = [];
    for (;;) {
      const rowFlags = r.uint8();
      if ((rowFlags & END_OF_PARTITION) !== 0) break;
      const extended = (rowFlags & EXTENSION_FLAG) !== 0 ? r.uint8() : 0;
      if ((rowFlags & IS_MARKER) !== 0) {
        markers.push(this.marker());
      } else {
        if ((extended & IS_STATIC) !== 0) throw new Error('a static row among the rows');
        const clustering = this.clusteringValues(this.table.clustering.length);
        const row = this.rowBody(rowFlags, extended, clustering, regulars);
        if (row.liveness !== null || row.deletion !== null || Object.keys(row.cells).length > 0) rows.push(row);
      }
    }
    return { ...update, partitionDeletion, staticRow: staticRow && isEmptyRow(staticRow) ? null : staticRow, rows, rangeTombstones: pairMarkers(markers) };
  }

  /** A single-column key is the value itself; a composite key is (u16 length, value, 0) per column. */
  private partitionKey(bytes: Uint8Array): Record<string, JsonValue> {
    const columns = this.table.partitionKey;
    const first = columns[0];
    if (columns.length === 1 && first) return { [first.name]: decodeValue(first.type, bytes) };
    const key: Record<string, JsonValue> = {};
    const r = new ByteReader(bytes);
    for (const column of columns) {
      key[column.name] = decodeValue(column.type, r.shortLengthBytes());
      r.uint8(); // end-of-component
    }
    return key;
  }

  /** Columns.serializer: a VInt count, then each column's name; dropped columns still parse. */
  private columns(): DecodingColumn[] {
    const r = this.reader;
    const count = r.unsignedVInt32();
    const out: DecodingColumn[] = [];
    for (let i = 0; i < count; i++) {
      const name = utf8.decode(r.vIntLengthBytes());
      const column = this.table.columns.get(name);
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- a control-flow signal caught in decodeMutation, not an error
      if (!column) throw new UnknownColumn(this.table.schema.id, name);
      out.push(column);
    }
    return out;
  }

  private timestamp(): Micros {
    return addMicros(this.reader.unsignedVInt(), this.minTimestamp);
  }

  private localDeletionTime(): number {
    return this.reader.unsignedVInt32() + this.minLocalDeletionTime;
  }

  private ttl(): number {
    return this.reader.unsignedVInt32() + this.minTtl;
  }

  /** SerializationHeader.readDeletionTime; null for LIVE. */
  private deletionTime(shadowable: boolean): Deletion | null {
    const markedAt = this.timestamp();
    let localDeletionTime = this.localDeletionTime();
    if (BigInt(markedAt) === LONG_MIN) return null;
    if (localDeletionTime < 0 || localDeletionTime > MAX_DELETION_TIME) localDeletionTime = INVALID_DELETION_TIME;
    return { markedForDeleteAt: String(markedAt), localDeletionTime, ...(shadowable ? { shadowable: true as const } : {}) };
  }

  private clusteringValues(size: number): Record<string, JsonValue> {
    const values: Record<string, JsonValue> = {};
    if (size === 0) return values;
    const r = this.reader;
    const columns = this.table.clustering;
    let header = 0n;
    for (let i = 0; i < size; i++) {
      if (i % 32 === 0) header = BigInt(r.unsignedVInt());
      const bit = BigInt((i % 32) * 2);
      const column = columns[i];
      if (!column) throw new Error(`a clustering prefix of ${size} values for ${columns.length} clustering columns`);
      if ((header & (1n << (bit + 1n))) !== 0n) continue; // null: absent from a prefix
      values[column.name] = (header & (1n << bit)) !== 0n ? decodeValue(column.type, EMPTY) : decodeValue(column.type, this.valueBytes(column.fixedLength));
    }
    return values;
  }

  private valueBytes(fixed: number): Uint8Array {
    return fixed >= 0 ? this.reader.bytesView(fixed) : this.reader.vIntLengthBytes();
  }

  private marker(): Marker {
    const r = this.reader;
    const kind = r.uint8();
    const size = r.uint16();
    const clustering = this.clusteringValues(size);
    const boundary = kind === EXCL_END_INCL_START_BOUNDARY || kind === INCL_END_EXCL_START_BOUNDARY;
    const first = this.deletionTime(false);
    const second = boundary ? this.deletionTime(false) : null;
    return { kind, clustering, first, second };
  }

  private rowBody(flags: number, extended: number, clustering: Record<string, JsonValue>, headerColumns: readonly DecodingColumn[]): Row {
    const r = this.reader;
    let liveness: RowLivenessInfo = { timestamp: undefined, ttl: 0, localExpirationTime: undefined };
    if ((flags & HAS_TIMESTAMP) !== 0) {
      const timestamp = this.timestamp();
      const ttl = (flags & HAS_TTL) !== 0 ? this.ttl() : 0;
      const expiration = (flags & HAS_TTL) !== 0 ? this.decodeLocalDeletionTime(this.localDeletionTime(), ttl) : undefined;
      liveness = { timestamp, ttl, localExpirationTime: expiration };
    }
    const deletion = (flags & HAS_DELETION) !== 0 ? this.deletionTime((extended & HAS_SHADOWABLE_DELETION) !== 0) : null;
    const columns = (flags & HAS_ALL_COLUMNS) !== 0 ? headerColumns : this.columnSubset(headerColumns);
    const cells: Record<string, Cell | ComplexColumn> = {};
    for (const column of columns) {
      if (column.complex) {
        const complexDeletion = (flags & HAS_COMPLEX_DELETION) !== 0 ? this.deletionTime(false) : null;
        const count = r.unsignedVInt32();
        const complexCells: ComplexCell[] = [];
        for (let i = 0; i < count; i++) {
          const cell = this.cell(column, liveness);
          if (cell && !isDropped(column, cell.timestamp)) complexCells.push(cell as ComplexCell);
        }
        const keptDeletion = complexDeletion && !isDropped(column, complexDeletion.markedForDeleteAt) ? complexDeletion : null;
        if (keptDeletion || complexCells.length > 0) cells[column.name] = { deletion: keptDeletion, cells: complexCells };
      } else {
        const cell = this.cell(column, liveness);
        if (cell && !isDropped(column, cell.timestamp)) cells[column.name] = cell;
      }
    }
    const rowLiveness: Liveness | null =
      liveness.timestamp === undefined
        ? null
        : {
            timestamp: String(liveness.timestamp),
            ...(liveness.localExpirationTime === undefined ? {} : { ttl: liveness.ttl, localExpirationTime: liveness.localExpirationTime }),
          };
    return { clustering, liveness: rowLiveness, deletion, cells };
  }

  /** Columns.serializer.deserializeSubset: a bitmap of missing columns, or indices for 64+ columns. */
  private columnSubset(superset: readonly DecodingColumn[]): readonly DecodingColumn[] {
    const r = this.reader;
    const encoded = r.unsignedVInt();
    if (encoded === 0) return superset;
    if (superset.length < 64) {
      let missing = BigInt(encoded);
      const out: DecodingColumn[] = [];
      for (const column of superset) {
        if ((missing & 1n) === 0n) out.push(column);
        missing >>= 1n;
      }
      if (missing !== 0n) throw new Error('a column subset names more columns than its header has');
      return out;
    }
    const delta = Number(encoded);
    const present = superset.length - delta;
    const out: DecodingColumn[] = [];
    if (present < superset.length / 2) {
      for (let i = 0; i < present; i++) {
        const column = superset[r.unsignedVInt32()];
        if (!column) throw new Error('a column subset index past its header');
        out.push(column);
      }
      return out;
    }
    let index = 0;
    for (let skipped = 0; skipped < delta; skipped++) {
      const nextMissing = r.unsignedVInt32();
      while (index < nextMissing) out.push(superset[index++]!);
      index++;
    }
    while (index < superset.length) out.push(superset[index++]!);
    return out;
  }

  /** Cell.Serializer.deserialize. */
  private cell(column: DecodingColumn, row: RowLivenessInfo): Cell | ComplexCell | undefined {
    const r = this.reader;
    const flags = r.uint8();
    const deleted = (flags & CELL_IS_DELETED) !== 0;
    const expiring = (flags & CELL_IS_EXPIRING) !== 0;
    const useRowTtl = (flags & CELL_USE_ROW_TTL) !== 0;
    const timestamp = (flags & CELL_USE_ROW_TIMESTAMP) !== 0 ? row.timestamp : this.timestamp();
    if (timestamp === undefined) throw new Error(`cell of ${column.name} uses the row timestamp, but the row has none`);
    let localDeletionTime = useRowTtl ? row.localExpirationTime : deleted || expiring ? this.localDeletionTime() : undefined;
    const ttl = useRowTtl ? row.ttl : expiring ? this.ttl() : 0;
    const path = column.complex ? this.cellPath(column.type, r.vIntLengthBytes()) : undefined;
    const valueType = path ? path.valueType : column.type;
    let bytes: Uint8Array = EMPTY;
    if ((flags & CELL_HAS_EMPTY_VALUE) === 0) bytes = column.complex ? r.vIntLengthBytes() : this.valueBytes(column.fixedLength);
    // A set element lives in its path; its cell has no value.
    const value = deleted || valueType === undefined ? null : decodeValue(valueType, bytes);
    if (ttl < 0) throw new Error(`negative TTL ${ttl}`);
    if (localDeletionTime !== undefined) localDeletionTime = this.decodeLocalDeletionTime(localDeletionTime, ttl);
    const base: Cell = deleted
      ? { value: null, timestamp: String(timestamp), tombstone: true, localDeletionTime: localDeletionTime ?? INVALID_DELETION_TIME }
      : { value, timestamp: String(timestamp), ...(ttl > 0 || expiring ? { ttl, localExpirationTime: localDeletionTime ?? INVALID_DELETION_TIME } : {}) };
    return path === undefined ? base : { ...base, path: path.value };
  }

  /** Cell.decodeLocalDeletionTime: how 5.0 reads local deletion times past 2038 (or rejects them in 4.0 format). */
  private decodeLocalDeletionTime(localDeletionTime: number, ttl: number): number {
    if (localDeletionTime >= ttl) return localDeletionTime;
    if (localDeletionTime < 0) return this.context.messagingVersion < MESSAGING_VERSION_50 ? INVALID_DELETION_TIME : localDeletionTime >>> 0;
    return ttl === 0x7fffffff ? localDeletionTime : INVALID_DELETION_TIME;
  }

  /**
   * The cell path of a complex column and the type of the cell's value: a list's
   * timeuuid and element, a set element (no value), a map key and value, a UDT field
   * (by its int16 index) and that field's type.
   */
  private cellPath(type: CqlType, bytes: Uint8Array): { value: JsonValue; valueType: CqlType | undefined } {
    switch (type.kind) {
      case 'list':
        return { value: decodeValue(TIMEUUID, bytes), valueType: type.element };
      case 'set':
        return { value: decodeValue(type.element, bytes), valueType: undefined };
      case 'map':
        return { value: decodeValue(type.key, bytes), valueType: type.value };
      case 'udt': {
        const index = new ByteReader(bytes).int16();
        const field = type.fields[index];
        if (!field) throw new Error(`UDT ${type.name} has no field number ${index}`);
        return { value: field.name, valueType: field.type };
      }
      default:
        throw new Error(`a cell path for a column of type ${type.kind}`);
    }
  }
}

const TIMEUUID: CqlType = { kind: 'native', name: 'timeuuid' };

const EMPTY = new Uint8Array(0);
const utf8 = new TextDecoder('utf-8');

// ClusteringPrefix.Kind ordinals
const EXCL_END_BOUND = 0;
const INCL_START_BOUND = 1;
const EXCL_END_INCL_START_BOUNDARY = 2;
const INCL_END_EXCL_START_BOUNDARY = 5;
const INCL_END_BOUND = 6;
const EXCL_START_BOUND = 7;

interface Marker {
  readonly kind: number;
  readonly clustering: Record<string, JsonValue>;
  /** The bound's deletion, or for a boundary the deletion of the range it closes. */
  readonly first: Deletion | null;
  /** For a boundary: the deletion of the range it opens. */
  readonly second: Deletion | null;
}

/** Pairs open and close markers into ranges; a boundary closes one range and opens the next. */
function pairMarkers(markers: readonly Marker[]): RangeTombstone[] {
  const ranges: RangeTombstone[] = [];
  let open: { bound: Bound; deletion: Deletion } | undefined;
  for (const marker of markers) {
    switch (marker.kind) {
      case INCL_START_BOUND:
      case EXCL_START_BOUND:
        if (marker.first) open = { bound: { clustering: marker.clustering, inclusive: marker.kind === INCL_START_BOUND }, deletion: marker.first };
        break;
      case INCL_END_BOUND:
      case EXCL_END_BOUND:
        if (open) ranges.push({ start: open.bound, end: { clustering: marker.clustering, inclusive: marker.kind === INCL_END_BOUND }, deletion: open.deletion });
        open = undefined;
        break;
      case EXCL_END_INCL_START_BOUNDARY:
      case INCL_END_EXCL_START_BOUNDARY: {
        const endInclusive = marker.kind === INCL_END_EXCL_START_BOUNDARY;
        if (open) ranges.push({ start: open.bound, end: { clustering: marker.clustering, inclusive: endInclusive }, deletion: open.deletion });
        open = marker.second ? { bound: { clustering: marker.clustering, inclusive: !endInclusive }, deletion: marker.second } : undefined;
        break;
      }
      default:
        throw new Error(`unexpected range tombstone marker kind ${marker.kind}`);
    }
  }
  if (open) throw new Error('a range tombstone opens and never closes');
  return ranges;
}

function isEmptyRow(row: Row): boolean {
  return row.liveness === null && row.deletion === null && Object.keys(row.cells).length === 0;
}

/** DeserializationHelper.isDropped: data of a dropped column written at or before the drop is ignored. */
function isDropped(column: DecodingColumn, timestamp: string): boolean {
  return column.droppedTime !== undefined && BigInt(timestamp) <= column.droppedTime;
}

/** 64-bit two's complement addition, as Java's long arithmetic does it. */
function addMicros(a: Micros, b: Micros): Micros {
  if (typeof a === 'number' && typeof b === 'number') {
    const sum = a + b;
    if (Number.isSafeInteger(sum)) return sum;
  }
  const sum = BigInt.asIntN(64, BigInt(a) + BigInt(b));
  return sum >= BigInt(Number.MIN_SAFE_INTEGER) && sum <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(sum) : sum;
}

