/**
 * Reads a node's `system_schema` into the offline SchemaDescription the commit log decoder
 * needs (@meridian/commitlog): every table's TableId, CDC flag and columns, the columns
 * dropped from it, and the user-defined types, for every keyspace (system ones included,
 * since their mutations share the commit log).
 *
 * `loadSchema` does the I/O; `describeSchema` is the pure part, from rows as
 * CassandraConnection.execute returns them (driver values: Uuid, Date, arrays).
 */
import { types } from 'cassandra-driver';
import {
  SCHEMA_FORMAT_VERSION,
  type ClusteringColumnSchema,
  type ColumnSchema,
  type DroppedColumnSchema,
  type RegularColumnSchema,
  type SchemaDescription,
  type TableSchema,
  type UserTypeSchema,
} from '@meridian/commitlog';
import type { CassandraConnection, Row } from './cassandra-connection';

/** The system_schema rows a SchemaDescription is built from; each list may hold rows of any keyspace. */
export interface SchemaRows {
  /** system_schema.tables (and .views: a view is a table of its own in the commit log). */
  readonly tables: readonly Row[];
  readonly columns: readonly Row[];
  readonly droppedColumns: readonly Row[];
  readonly types: readonly Row[];
}

/** The schema tables read, and the columns read from each. */
const QUERIES = {
  tables: 'SELECT keyspace_name, table_name, id, cdc FROM system_schema.tables WHERE keyspace_name = ?',
  views: 'SELECT keyspace_name, view_name, id, cdc FROM system_schema.views WHERE keyspace_name = ?',
  columns: 'SELECT keyspace_name, table_name, column_name, kind, position, type, clustering_order FROM system_schema.columns WHERE keyspace_name = ?',
  // As a bigint: the driver turns a timestamp into a Date, and system.local's dropped thrift_version
  // (dropped "at the end of time", Long.MAX_VALUE µs) is past what a Date holds.
  droppedColumns:
    'SELECT keyspace_name, table_name, column_name, type, kind, blobAsBigint(timestampAsBlob(dropped_time)) AS dropped_time FROM system_schema.dropped_columns WHERE keyspace_name = ?',
  types: 'SELECT keyspace_name, type_name, field_names, field_types FROM system_schema.types WHERE keyspace_name = ?',
} as const;

/**
 * CassandraConnection.execute returns the first page only, and the driver's default page
 * holds 5000 rows: a result that long may be cut short, and a schema cut short is wrong
 * without a sign. Queries go keyspace by keyspace to stay far below it.
 */
const DRIVER_PAGE_SIZE = 5000;

/** The schema as the node the connection talks to sees it (system_schema is local to each node). */
export async function loadSchema(connection: CassandraConnection): Promise<SchemaDescription> {
  const select = async (cql: string, params: readonly unknown[]): Promise<Row[]> => {
    const rows = await connection.execute(cql, params, 'LOCAL_ONE');
    if (rows.length >= DRIVER_PAGE_SIZE) {
      throw new Error(`schema query returned ${rows.length} rows, a full page: the rest would be missing (${cql} with ${JSON.stringify(params)})`);
    }
    return rows;
  };
  const keyspaces = (await select('SELECT keyspace_name FROM system_schema.keyspaces', [])).map((row) => text(row, 'keyspace_name', 'system_schema.keyspaces'));
  const perKeyspace = await Promise.all(
    keyspaces.map(async (keyspace) => {
      const [tables, views, columns, droppedColumns, userTypes] = await Promise.all([
        select(QUERIES.tables, [keyspace]),
        select(QUERIES.views, [keyspace]),
        select(QUERIES.columns, [keyspace]),
        select(QUERIES.droppedColumns, [keyspace]),
        select(QUERIES.types, [keyspace]),
      ]);
      const viewsAsTables = views.map((view) => ({ ...view, table_name: view['view_name'] }));
      return { tables: [...tables, ...viewsAsTables], columns, droppedColumns, types: userTypes };
    }),
  );
  return describeSchema({
    tables: perKeyspace.flatMap((k) => k.tables),
    columns: perKeyspace.flatMap((k) => k.columns),
    droppedColumns: perKeyspace.flatMap((k) => k.droppedColumns),
    types: perKeyspace.flatMap((k) => k.types),
  });
}

/**
 * The SchemaDescription of those rows: tables ordered by keyspace then name, key columns by
 * position, regular and static columns, dropped columns and UDTs by name. Throws on a row
 * that does not look like system_schema's (a missing name, an unknown kind, a column of
 * no table).
 */
export function describeSchema(rows: SchemaRows): SchemaDescription {
  const columnsByTable = groupBy(rows.columns, (row) => tableKey(row, 'system_schema.columns'));
  const droppedByTable = groupBy(rows.droppedColumns, (row) => tableKey(row, 'system_schema.dropped_columns'));
  const tables = rows.tables.map((row): TableSchema => {
    const where = 'system_schema.tables';
    const keyspace = text(row, 'keyspace_name', where);
    const table = text(row, 'table_name', where);
    const key = `${keyspace}.${table}`;
    const columns = columnsByTable.get(key) ?? [];
    columnsByTable.delete(key);
    const dropped = droppedByTable.get(key) ?? [];
    droppedByTable.delete(key);
    return { id: uuid(row, 'id', where), keyspace, table, cdc: cdcFlag(row, where), ...describeColumns(key, columns), droppedColumns: describeDropped(dropped) };
  });
  const orphans = [...columnsByTable.keys(), ...droppedByTable.keys()];
  if (orphans.length > 0) throw new Error(`system_schema has columns of tables it does not list: ${[...new Set(orphans)].join(', ')}`);
  const seen = new Set<string>();
  for (const t of tables) {
    const key = `${t.keyspace}.${t.table}`;
    if (seen.has(key)) throw new Error(`system_schema lists table ${key} twice`);
    seen.add(key);
  }
  return {
    version: SCHEMA_FORMAT_VERSION,
    tables: tables.sort((a, b) => compare(a.keyspace, b.keyspace) || compare(a.table, b.table)),
    types: rows.types.map(describeType).sort((a, b) => compare(a.keyspace, b.keyspace) || compare(a.name, b.name)),
  };
}

function describeColumns(table: string, rows: readonly Row[]): Pick<TableSchema, 'partitionKey' | 'clustering' | 'columns'> {
  const where = `system_schema.columns of ${table}`;
  const partitionKey: { position: number; column: ColumnSchema }[] = [];
  const clustering: { position: number; column: ClusteringColumnSchema }[] = [];
  const columns: RegularColumnSchema[] = [];
  for (const row of rows) {
    const name = text(row, 'column_name', where);
    const type = text(row, 'type', where);
    const kind = text(row, 'kind', where);
    switch (kind) {
      case 'partition_key':
        partitionKey.push({ position: integer(row, 'position', where), column: { name, type } });
        break;
      case 'clustering': {
        const order = text(row, 'clustering_order', where);
        if (order !== 'asc' && order !== 'desc') throw new Error(`${where}: clustering column ${name} has clustering_order ${JSON.stringify(order)}`);
        clustering.push({ position: integer(row, 'position', where), column: { name, type, order } });
        break;
      }
      case 'regular':
      case 'static':
        columns.push({ name, type, kind });
        break;
      default:
        throw new Error(`${where}: column ${name} has an unknown kind ${JSON.stringify(kind)}`);
    }
  }
  if (partitionKey.length === 0) throw new Error(`${where}: no partition key column`);
  return {
    partitionKey: inPositionOrder(partitionKey, `${where}, partition key`),
    clustering: inPositionOrder(clustering, `${where}, clustering`),
    columns: columns.sort((a, b) => compare(a.name, b.name)),
  };
}

/** Columns by position, which must run 0, 1, 2, ... */
function inPositionOrder<C>(entries: { position: number; column: C }[], where: string): C[] {
  entries.sort((a, b) => a.position - b.position);
  entries.forEach((e, i) => {
    if (e.position !== i) throw new Error(`${where}: positions are ${entries.map((x) => x.position).join(', ')}, not 0..${entries.length - 1}`);
  });
  return entries.map((e) => e.column);
}

function describeDropped(rows: readonly Row[]): DroppedColumnSchema[] {
  return rows
    .map((row): DroppedColumnSchema => {
      const where = 'system_schema.dropped_columns';
      const name = text(row, 'column_name', where);
      // Rows written before `kind` existed have none; Cassandra reads them as regular columns.
      const kind = row['kind'] ?? 'regular';
      if (kind !== 'regular' && kind !== 'static') throw new Error(`${where}: dropped column ${name} has kind ${JSON.stringify(kind)}`);
      return { name, type: text(row, 'type', where), kind, droppedTime: microseconds(row, 'dropped_time', where) };
    })
    .sort((a, b) => compare(a.name, b.name));
}

function describeType(row: Row): UserTypeSchema {
  const where = 'system_schema.types';
  const keyspace = text(row, 'keyspace_name', where);
  const name = text(row, 'type_name', where);
  const names = textList(row, 'field_names', `${where} ${keyspace}.${name}`);
  const fieldTypes = textList(row, 'field_types', `${where} ${keyspace}.${name}`);
  if (names.length !== fieldTypes.length) throw new Error(`${where} ${keyspace}.${name}: ${names.length} field names but ${fieldTypes.length} field types`);
  return { keyspace, name, fields: names.map((field, i) => ({ name: field, type: fieldTypes[i] ?? '' })) };
}

function tableKey(row: Row, where: string): string {
  return `${text(row, 'keyspace_name', where)}.${text(row, 'table_name', where)}`;
}

function text(row: Row, column: string, where: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw new Error(`${where}: ${column} is ${describe(value)}, not text`);
  return value;
}

function textList(row: Row, column: string, where: string): string[] {
  const value = row[column];
  // An empty CQL list reads as null.
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) throw new Error(`${where}: ${column} is ${describe(value)}, not a list of text`);
  return value;
}

function integer(row: Row, column: string, where: string): number {
  const value = row[column];
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new Error(`${where}: ${column} is ${describe(value)}, not an int`);
  return value;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A uuid column, canonical lower case. */
function uuid(row: Row, column: string, where: string): string {
  const value = row[column];
  const s = value instanceof types.Uuid ? value.toString() : typeof value === 'string' ? value : undefined;
  const canonical = s?.toLowerCase();
  if (canonical === undefined || !UUID.test(canonical)) throw new Error(`${where}: ${column} is ${describe(value)}, not a uuid`);
  return canonical;
}

/** `cdc` is null for tables that never had it set. */
function cdcFlag(row: Row, where: string): boolean {
  const value = row['cdc'];
  if (value === null || value === undefined) return false;
  if (typeof value !== 'boolean') throw new Error(`${where}: cdc is ${describe(value)}, not a boolean`);
  return value;
}

/**
 * A CQL timestamp (milliseconds: a Date, or a Long/number/bigint when read as a bigint) as
 * microseconds in a decimal string: Cassandra itself reads dropped_time this way. A Date
 * the driver could not represent (Invalid Date) is refused: its value is lost.
 */
function microseconds(row: Row, column: string, where: string): string {
  const value = row[column];
  let ms: bigint | undefined;
  if (value instanceof Date && Number.isNaN(value.getTime())) throw new Error(`${where}: ${column} is an Invalid Date (beyond what a Date holds); read it as a bigint`);
  if (value instanceof Date) ms = BigInt(value.getTime());
  else if (value instanceof types.Long) ms = BigInt(value.toString());
  else if (typeof value === 'bigint') ms = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) ms = BigInt(value);
  if (ms === undefined) throw new Error(`${where}: ${column} is ${describe(value)}, not a timestamp`);
  return (ms * 1000n).toString();
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string') return `text ${JSON.stringify(value)}`;
  if (typeof value === 'object') return `a ${(value as { constructor?: { name?: string } }).constructor?.name ?? 'object'}`;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Code-point order, the same on every machine (localeCompare is not). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The node's schema version: it changes with every schema change, so an unchanged one means a loaded schema is still current. */
export async function schemaVersion(connection: CassandraConnection): Promise<string> {
  const [row] = await connection.execute('SELECT schema_version FROM system.local', [], 'LOCAL_ONE');
  if (!row) throw new Error('system.local returned no row');
  return uuid(row, 'schema_version', 'system.local');
}
