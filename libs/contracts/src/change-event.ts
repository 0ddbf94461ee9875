import { join } from 'node:path';
import { describeValue } from './describe-value';

/**
 * What the publisher writes to a destination topic by default: one Debezium-shaped JSON
 * event per row, static row, partition deletion or range deletion of a mutation.
 * docs/change-event.md explains every field; schemas/change-event.v1.schema.json is
 * the same contract as a JSON Schema.
 */
export const CHANGE_EVENT_VERSION = 1;

export const CHANGE_EVENT_CONNECTOR = 'meridian';

/** The JSON Schema (draft 2020-12) of version 1, beside this package's sources. */
export const CHANGE_EVENT_SCHEMA_FILE = join(__dirname, '..', 'schemas', 'change-event.v1.schema.json');

/** A CQL value as JSON (see the type mapping in docs/change-event.md). */
export type CqlJson = null | boolean | number | string | readonly CqlJson[] | { readonly [name: string]: CqlJson };

/**
 * A non-frozen collection or UDT column, which Cassandra writes element by element.
 * An element is named by its cell path: a set's element, a map's key, a list's timeuuid,
 * a UDT's field name.
 */
export interface ElementsChange {
  /** The column was cleared first (an overwrite, `DELETE col`, or an INSERT of the column). */
  readonly replaced: boolean;
  /** `[path, value]` per element written; a set element's value is null. */
  readonly added: readonly (readonly [CqlJson, CqlJson])[];
  /** Paths of the elements deleted. */
  readonly removed: readonly CqlJson[];
}

export type ColumnValue = CqlJson | ElementsChange;

export interface WriteTime {
  /** Cassandra writetime, microseconds since the epoch, as a decimal string. */
  readonly writetime_us: string;
  /** Seconds to live, when written with a TTL. */
  readonly ttl?: number;
  /** When the TTL runs out (ISO-8601, whole seconds), as the coordinator computed it. */
  readonly expires_at?: string;
}

/** When and how a column was written (keyed by column in `cells`). */
export interface CellWrite extends WriteTime {
  /** A deleted cell (`DELETE v FROM`, `SET v = null`, an INSERT of null): `after.v` is null. */
  readonly tombstone?: true;
  /** A non-frozen collection or UDT that was cleared: the writetime of the clearing. */
  readonly replaced_at_us?: string;
  /** Each element's own writetime, only when the column's elements do not share one writetime and TTL. */
  readonly elements?: readonly ElementWrite[];
}

export interface ElementWrite extends WriteTime {
  readonly path: CqlJson;
  readonly tombstone?: true;
}

export interface RangeBound {
  /** A prefix of the clustering columns; `{}` is an open end. */
  readonly clustering: Readonly<Record<string, CqlJson>>;
  readonly inclusive: boolean;
}

export interface ChangeSource {
  readonly connector: typeof CHANGE_EVENT_CONNECTOR;
  /** The publisher's version. */
  readonly version: string;
  readonly dc: string;
  /** The Cassandra node whose commit log the mutation was read from. */
  readonly node: string;
  readonly keyspace: string;
  readonly table: string;
  readonly segment: string;
  readonly position: number;
  /** The newest writetime of what the event covers. */
  readonly writetime_us: string;
  /** writetime_us in milliseconds. */
  readonly ts_ms: number;
}

interface ChangeEventBase {
  readonly version: typeof CHANGE_EVENT_VERSION;
  /** Partition key and clustering columns of a row; the partition key only otherwise. */
  readonly key: Readonly<Record<string, CqlJson>>;
  /** Regular and static columns the event writes or deletes; empty for deletions. */
  readonly changed: readonly string[];
  /** Per column of `changed`, when it was written. */
  readonly cells: Readonly<Record<string, CellWrite>>;
  readonly source: ChangeSource;
  /** When the event was built, milliseconds since the epoch. */
  readonly ts_ms: number;
}

/**
 * On the c and u events of a channel with `image: full`, what `after` is: the whole row as
 * read back after the write (`full`), or, when there is no image, the columns written, as
 * on a delta channel, with the reason.
 */
export type ImageMarker =
  /** `after` is every regular column of the row (static column of a static row), as read at `ts_ms`. */
  | { readonly status: 'full'; readonly ts_ms: number }
  /** The row did not exist when read at `ts_ms` (deleted or expired since): `after` is the write. */
  | { readonly status: 'not_found'; readonly ts_ms: number }
  /** The row could not be read (Cassandra down, a timeout, ...): `after` is the write. */
  | { readonly status: 'read_failed'; readonly reason: string };

/** `c`: an INSERT (the row marker is written); `u`: any other write, static rows included. */
export interface WriteChangeEvent extends ChangeEventBase {
  readonly op: 'c' | 'u';
  /** The columns written, a deleted cell null; with a full image, the whole row as read (see `image`). */
  readonly after: Readonly<Record<string, ColumnValue>>;
  /** On channels with `image: full` only: whether `after` is the whole row. */
  readonly image?: ImageMarker;
  /** The row marker an INSERT writes; on `c` events only. */
  readonly liveness?: WriteTime;
  /** The partition's static row; `key` is then the partition key. */
  readonly static?: true;
}

export type DeleteKind = 'partition' | 'row' | 'range';

export interface DeleteChangeEvent extends ChangeEventBase {
  readonly op: 'd';
  readonly after: null;
  readonly deleted: DeleteKind;
  /** The deleted clustering range, in the table's clustering order; on `range` deletions only. */
  readonly range?: { readonly start: RangeBound; readonly end: RangeBound };
}

export type ChangeEvent = WriteChangeEvent | DeleteChangeEvent;

const DELETE_KINDS: readonly string[] = ['partition', 'row', 'range'] satisfies DeleteKind[];
const MICROS = /^-?[0-9]+$/;
const ISO_TIME = /^[+-]?[0-9]{4,6}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$/;

/**
 * Checks a decoded destination-topic value and returns it as a ChangeEvent; throws an
 * Error listing every field that is missing or wrong. Column values are any JSON, as
 * their form depends on the column's CQL type, which the event does not carry.
 */
export function parseChangeEvent(value: unknown): ChangeEvent {
  if (!isObject(value)) throw new Error(`invalid change event: expected an object, got ${describeValue(value)}`);
  if (value['version'] !== CHANGE_EVENT_VERSION) {
    throw new Error(`invalid change event: version must be ${CHANGE_EVENT_VERSION}, got ${describeValue(value['version'])}`);
  }
  const problems: string[] = [];
  const expect = (field: string, found: unknown, ok: boolean, what: string) => {
    if (!ok) problems.push(`${field} must be ${what}, got ${describeValue(found)}`);
  };
  const v = value;
  const op = v['op'];
  expect('op', op, op === 'c' || op === 'u' || op === 'd', 'one of c, u, d');
  expect('key', v['key'], isObject(v['key']), 'an object');
  const changed = v['changed'];
  const columns = isStrings(changed) ? [...changed].sort() : undefined;
  expect('changed', changed, columns !== undefined, 'an array of column names');
  const sameColumns = (field: string, found: Record<string, unknown>) => {
    if (columns && JSON.stringify(Object.keys(found).sort()) !== JSON.stringify(columns)) {
      problems.push(`${field} must have exactly the columns in changed (${columns.join(', ')}), got ${Object.keys(found).join(', ')}`);
    }
  };
  // A full image holds every column of the row, so at least those the event writes.
  const allColumns = (field: string, found: Record<string, unknown>) => {
    const missing = columns?.filter((column) => !(column in found)) ?? [];
    if (missing.length > 0) problems.push(`${field} must have every column in changed, missing ${missing.join(', ')}`);
  };

  const cells = v['cells'];
  expect('cells', cells, isObject(cells), 'an object');
  if (isObject(cells)) {
    sameColumns('cells', cells);
    for (const [column, cell] of Object.entries(cells)) checkCell(`cells.${column}`, cell, problems);
  }

  if (op === 'd') {
    expect('after', v['after'], v['after'] === null, 'null on a d event');
    const deleted = v['deleted'];
    expect('deleted', deleted, typeof deleted === 'string' && DELETE_KINDS.includes(deleted), `one of ${DELETE_KINDS.join(', ')}`);
    expect('changed', changed, columns === undefined || columns.length === 0, 'empty on a d event');
    if (deleted === 'range') {
      const range = v['range'];
      expect('range', range, isObject(range), 'an object on a range deletion');
      if (isObject(range)) for (const end of ['start', 'end']) checkBound(`range.${end}`, range[end], problems);
    } else {
      expect('range', v['range'], v['range'] === undefined, 'absent unless deleted is range');
    }
    for (const field of ['liveness', 'static', 'image']) expect(field, v[field], v[field] === undefined, 'absent on a d event');
  } else if (op === 'c' || op === 'u') {
    const after = v['after'];
    expect('after', after, isObject(after), 'an object');
    const full = v['image'] !== undefined && checkImage(v['image'], problems) === 'full';
    if (isObject(after)) (full ? allColumns : sameColumns)('after', after);
    for (const field of ['deleted', 'range']) expect(field, v[field], v[field] === undefined, `absent on a ${op} event`);
    expect('static', v['static'], v['static'] === undefined || v['static'] === true, 'true or absent');
    if (op === 'u') expect('liveness', v['liveness'], v['liveness'] === undefined, 'absent on a u event');
    else if (v['liveness'] !== undefined) checkWriteTime('liveness', v['liveness'], problems);
  }

  const source = v['source'];
  expect('source', source, isObject(source), 'an object');
  if (isObject(source)) {
    const s = (field: string) => source[field];
    expect('source.connector', s('connector'), s('connector') === CHANGE_EVENT_CONNECTOR, `"${CHANGE_EVENT_CONNECTOR}"`);
    for (const field of ['version', 'dc', 'node', 'keyspace', 'table', 'segment']) {
      expect(`source.${field}`, s(field), typeof s(field) === 'string' && s(field) !== '', 'a non-empty string');
    }
    expect('source.position', s('position'), Number.isInteger(s('position')) && (s('position') as number) >= 0, 'a non-negative integer');
    expect('source.writetime_us', s('writetime_us'), isMicros(s('writetime_us')), 'a decimal string');
    expect('source.ts_ms', s('ts_ms'), Number.isInteger(s('ts_ms')), 'an integer');
  }
  expect('ts_ms', v['ts_ms'], Number.isInteger(v['ts_ms']) && (v['ts_ms'] as number) >= 0, 'a non-negative integer');

  if (problems.length > 0) throw new Error(`invalid change event: ${problems.join('; ')}`);
  // Only the known fields, so a reader never passes on what it did not check.
  const known = ['version', 'op', 'key', 'after', 'changed', 'cells', 'liveness', 'static', 'image', 'deleted', 'range', 'source', 'ts_ms'];
  return Object.fromEntries(known.filter((field) => v[field] !== undefined).map((field) => [field, v[field]])) as unknown as ChangeEvent;
}

function checkWriteTime(field: string, value: unknown, problems: string[]): value is Record<string, unknown> {
  if (!isObject(value)) {
    problems.push(`${field} must be an object, got ${describeValue(value)}`);
    return false;
  }
  if (!isMicros(value['writetime_us'])) problems.push(`${field}.writetime_us must be a decimal string, got ${describeValue(value['writetime_us'])}`);
  const ttl = value['ttl'];
  if (ttl !== undefined && !(Number.isInteger(ttl) && (ttl as number) > 0)) problems.push(`${field}.ttl must be a positive integer, got ${describeValue(ttl)}`);
  const expires = value['expires_at'];
  if (expires !== undefined && !(typeof expires === 'string' && ISO_TIME.test(expires))) {
    problems.push(`${field}.expires_at must be an ISO-8601 time, got ${describeValue(expires)}`);
  }
  return true;
}

function checkCell(field: string, value: unknown, problems: string[]): void {
  if (!checkWriteTime(field, value, problems)) return;
  if (value['tombstone'] !== undefined && value['tombstone'] !== true) problems.push(`${field}.tombstone must be true or absent, got ${describeValue(value['tombstone'])}`);
  const replaced = value['replaced_at_us'];
  if (replaced !== undefined && !isMicros(replaced)) problems.push(`${field}.replaced_at_us must be a decimal string, got ${describeValue(replaced)}`);
  const elements = value['elements'];
  if (elements === undefined) return;
  if (!Array.isArray(elements)) {
    problems.push(`${field}.elements must be an array, got ${describeValue(elements)}`);
    return;
  }
  elements.forEach((element: unknown, i) => {
    if (checkWriteTime(`${field}.elements[${i}]`, element, problems) && !('path' in element)) problems.push(`${field}.elements[${i}].path is missing`);
  });
}

/** Checks an image marker; returns its status when it is a known one. */
function checkImage(value: unknown, problems: string[]): string | undefined {
  if (!isObject(value)) {
    problems.push(`image must be an object, got ${describeValue(value)}`);
    return undefined;
  }
  const status = value['status'];
  const extra = (allowed: string[]) => Object.keys(value).filter((field) => !allowed.includes(field));
  if (status === 'full' || status === 'not_found') {
    const ts = value['ts_ms'];
    if (!(Number.isInteger(ts) && (ts as number) >= 0)) problems.push(`image.ts_ms must be a non-negative integer, got ${describeValue(ts)}`);
    for (const field of extra(['status', 'ts_ms'])) problems.push(`image.${field} must be absent when status is ${status}`);
    return status;
  }
  if (status === 'read_failed') {
    const reason = value['reason'];
    if (!(typeof reason === 'string' && reason !== '')) problems.push(`image.reason must be a non-empty string, got ${describeValue(reason)}`);
    for (const field of extra(['status', 'reason'])) problems.push(`image.${field} must be absent when status is read_failed`);
    return status;
  }
  problems.push(`image.status must be one of full, not_found, read_failed, got ${describeValue(status)}`);
  return undefined;
}

function checkBound(field: string, value: unknown, problems: string[]): void {
  if (!isObject(value)) problems.push(`${field} must be an object, got ${describeValue(value)}`);
  else {
    if (!isObject(value['clustering'])) problems.push(`${field}.clustering must be an object, got ${describeValue(value['clustering'])}`);
    if (typeof value['inclusive'] !== 'boolean') problems.push(`${field}.inclusive must be a boolean, got ${describeValue(value['inclusive'])}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isMicros(value: unknown): boolean {
  return typeof value === 'string' && MICROS.test(value);
}
