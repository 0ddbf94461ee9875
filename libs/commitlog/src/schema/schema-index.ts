import { columnType, type CqlType, fixedLength, isComplex } from '../types/cql-type';
import type { SchemaDescription, TableSchema } from './table-schema';

export interface DecodingColumn {
  readonly name: string;
  readonly type: CqlType;
  readonly complex: boolean;
  /** Byte length of every value, or -1 when values carry a length. */
  readonly fixedLength: number;
  /** For a dropped column: cells written at or before this time (µs) are ignored, as Cassandra does. */
  readonly droppedTime?: bigint;
}

export interface DecodingTable {
  readonly schema: TableSchema;
  readonly partitionKey: readonly DecodingColumn[];
  readonly clustering: readonly DecodingColumn[];
  /** Regular and static columns by name; dropped ones too, so that old cells still parse. */
  readonly columns: ReadonlyMap<string, DecodingColumn>;
}

/** The schema compiled for decoding: tables by TableId with their column types parsed. */
export class SchemaIndex {
  private readonly tables = new Map<string, DecodingTable>();

  constructor(readonly description: SchemaDescription) {
    for (const table of description.tables) this.tables.set(table.id.toLowerCase(), compile(table, description));
  }

  table(tableId: string): DecodingTable | undefined {
    return this.tables.get(tableId);
  }

  get size(): number {
    return this.tables.size;
  }
}

function compile(table: TableSchema, description: SchemaDescription): DecodingTable {
  const column = (name: string, typeText: string, droppedTime?: string): DecodingColumn => {
    const type = columnType(typeText, table.keyspace, description.types);
    return { name, type, complex: isComplex(type), fixedLength: fixedLength(type), ...(droppedTime === undefined ? {} : { droppedTime: BigInt(droppedTime) }) };
  };
  const columns = new Map<string, DecodingColumn>();
  for (const dropped of table.droppedColumns) columns.set(dropped.name, column(dropped.name, dropped.type, dropped.droppedTime));
  // A live column wins over a dropped one of the same name (dropped, then re-added).
  for (const regular of table.columns) {
    const previous = columns.get(regular.name);
    const live = column(regular.name, regular.type);
    columns.set(regular.name, previous?.droppedTime === undefined ? live : { ...live, droppedTime: previous.droppedTime });
  }
  return {
    schema: table,
    partitionKey: table.partitionKey.map((c) => column(c.name, c.type)),
    clustering: table.clustering.map((c) => column(c.name, c.type)),
    columns,
  };
}
