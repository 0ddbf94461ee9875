/**
 * The offline schema description the decoder needs: which table a TableId names and
 * the CQL types of its columns. It is plain JSON (see the README for the format), built
 * from a live node's `system_schema` by `loadSchema` in @meridian/cassandra, or written
 * by hand for tests and for reading segments away from the cluster.
 *
 * Types are CQL type strings exactly as `system_schema.columns.type` stores them,
 * e.g. `int`, `frozen<map<text, int>>`, `vector<float, 3>`, or a UDT's name.
 */
export const SCHEMA_FORMAT_VERSION = 1;

export interface SchemaDescription {
  readonly version: typeof SCHEMA_FORMAT_VERSION;
  readonly tables: readonly TableSchema[];
  /** User-defined types, by keyspace and name; referenced by name from column types. */
  readonly types: readonly UserTypeSchema[];
}

export interface TableSchema {
  /** TableId: `system_schema.tables.id`, a UUID in canonical lower-case form. */
  readonly id: string;
  readonly keyspace: string;
  readonly table: string;
  /** `WITH cdc = true` (false when system_schema says null). */
  readonly cdc: boolean;
  /** In position order. */
  readonly partitionKey: readonly ColumnSchema[];
  /** In position order, each with its clustering order. */
  readonly clustering: readonly ClusteringColumnSchema[];
  /** Regular and static columns. */
  readonly columns: readonly RegularColumnSchema[];
  /** `system_schema.dropped_columns`: cells of these may still be in old segments. */
  readonly droppedColumns: readonly DroppedColumnSchema[];
}

export interface ColumnSchema {
  readonly name: string;
  readonly type: string;
}

export interface ClusteringColumnSchema extends ColumnSchema {
  readonly order: 'asc' | 'desc';
}

export interface RegularColumnSchema extends ColumnSchema {
  readonly kind: 'regular' | 'static';
}

export interface DroppedColumnSchema extends ColumnSchema {
  readonly kind: 'regular' | 'static';
  /** When it was dropped, microseconds since the epoch, as a decimal string. */
  readonly droppedTime: string;
}

export interface UserTypeSchema {
  readonly keyspace: string;
  readonly name: string;
  readonly fields: readonly ColumnSchema[];
}
