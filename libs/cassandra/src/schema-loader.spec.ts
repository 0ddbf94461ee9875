import { types } from 'cassandra-driver';
import { SCHEMA_FORMAT_VERSION } from '@meridian/commitlog';
import { describeSchema, type SchemaRows } from './schema-loader';
import type { Row } from './cassandra-connection';

// Rows as CassandraConnection.execute returns them: plain objects of driver values
// (uuid → types.Uuid, timestamp → Date, list<text> → string[], empty list → null).
const ORDERS_ID = 'B6F3C2A0-1D2E-11EF-9A3B-0242AC120002';
const LOCAL_ID = '7ad54392-bcdd-35a6-8417-4e047860b377';

function column(table: string, name: string, kind: string, position: number, type: string, order = 'none', keyspace = 'shop'): Row {
  return { keyspace_name: keyspace, table_name: table, column_name: name, kind, position, type, clustering_order: order };
}

function rows(overrides: Partial<SchemaRows> = {}): SchemaRows {
  return {
    tables: [
      { keyspace_name: 'shop', table_name: 'orders', id: types.Uuid.fromString(ORDERS_ID.toLowerCase()), cdc: true },
      { keyspace_name: 'system', table_name: 'local', id: types.Uuid.fromString(LOCAL_ID), cdc: null },
      { keyspace_name: 'shop', table_name: 'audit', id: types.Uuid.fromString('0f0e0d0c-0b0a-0908-0706-050403020100'), cdc: false },
    ],
    columns: [
      column('orders', 'placed', 'clustering', 1, 'timeuuid', 'desc'),
      column('orders', 'customer', 'partition_key', 0, 'text'),
      column('orders', 'region', 'partition_key', 1, 'int'),
      column('orders', 'line', 'clustering', 0, 'int', 'asc'),
      column('orders', 'total', 'regular', -1, 'decimal'),
      column('orders', 'ship_to', 'regular', -1, 'frozen<address>'),
      column('orders', 'tags', 'regular', -1, 'map<text, frozen<list<int>>>'),
      column('orders', 'customer_name', 'static', -1, 'text'),
      column('audit', 'id', 'partition_key', 0, 'uuid'),
      column('local', 'key', 'partition_key', 0, 'text', 'none', 'system'),
      column('local', 'tokens', 'regular', -1, 'set<text>', 'none', 'system'),
    ],
    droppedColumns: [
      { keyspace_name: 'shop', table_name: 'orders', column_name: 'note', type: 'text', kind: 'regular', dropped_time: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)) },
      { keyspace_name: 'shop', table_name: 'orders', column_name: 'addr', type: 'frozen<tuple<text, int>>', kind: 'static', dropped_time: types.Long.fromString('1700000000123') },
      { keyspace_name: 'shop', table_name: 'audit', column_name: 'old', type: 'int', kind: null, dropped_time: new Date(0) },
      // system.local's thrift_version, dropped at Long.MAX_VALUE µs: beyond a Date, exact as a Long
      { keyspace_name: 'system', table_name: 'local', column_name: 'thrift_version', type: 'text', kind: 'regular', dropped_time: types.Long.fromString('9223372036854775') },
    ],
    types: [
      { keyspace_name: 'shop', type_name: 'address', field_names: ['street', 'zip'], field_types: ['text', 'int'] },
      { keyspace_name: 'shop', type_name: 'empty_type', field_names: null, field_types: null },
      { keyspace_name: 'crm', type_name: 'person', field_names: ['name', 'home'], field_types: ['text', 'frozen<address>'] },
    ],
    ...overrides,
  };
}

describe('describeSchema', () => {
  const schema = describeSchema(rows());

  it('lists tables by keyspace then name, with canonical lower-case ids and cdc false for null', () => {
    expect(schema.version).toBe(SCHEMA_FORMAT_VERSION);
    expect(schema.tables.map((t) => [t.keyspace, t.table, t.id, t.cdc])).toEqual([
      ['shop', 'audit', '0f0e0d0c-0b0a-0908-0706-050403020100', false],
      ['shop', 'orders', ORDERS_ID.toLowerCase(), true],
      ['system', 'local', LOCAL_ID, false],
    ]);
  });

  it('orders key columns by position, keeps each clustering order, and names regular and static columns', () => {
    const orders = schema.tables.find((t) => t.table === 'orders');
    expect(orders?.partitionKey).toEqual([
      { name: 'customer', type: 'text' },
      { name: 'region', type: 'int' },
    ]);
    expect(orders?.clustering).toEqual([
      { name: 'line', type: 'int', order: 'asc' },
      { name: 'placed', type: 'timeuuid', order: 'desc' },
    ]);
    expect(orders?.columns).toEqual([
      { name: 'customer_name', type: 'text', kind: 'static' },
      { name: 'ship_to', type: 'frozen<address>', kind: 'regular' },
      { name: 'tags', type: 'map<text, frozen<list<int>>>', kind: 'regular' },
      { name: 'total', type: 'decimal', kind: 'regular' },
    ]);
  });

  it('gives dropped columns their drop time in microseconds, from a Date or a Long (as loadSchema reads it), and kind regular when unset', () => {
    const orders = schema.tables.find((t) => t.table === 'orders');
    expect(orders?.droppedColumns).toEqual([
      { name: 'addr', type: 'frozen<tuple<text, int>>', kind: 'static', droppedTime: '1700000000123000' },
      { name: 'note', type: 'text', kind: 'regular', droppedTime: String(Date.UTC(2024, 0, 2, 3, 4, 5, 678) * 1000) },
    ]);
    expect(schema.tables.find((t) => t.table === 'audit')?.droppedColumns).toEqual([{ name: 'old', type: 'int', kind: 'regular', droppedTime: '0' }]);
    expect(schema.tables.find((t) => t.table === 'local')?.droppedColumns).toEqual([{ name: 'thrift_version', type: 'text', kind: 'regular', droppedTime: '9223372036854775000' }]);
  });

  it('lists user types by keyspace then name, fields in declaration order', () => {
    expect(schema.types).toEqual([
      { keyspace: 'crm', name: 'person', fields: [{ name: 'name', type: 'text' }, { name: 'home', type: 'frozen<address>' }] },
      { keyspace: 'shop', name: 'address', fields: [{ name: 'street', type: 'text' }, { name: 'zip', type: 'int' }] },
      { keyspace: 'shop', name: 'empty_type', fields: [] },
    ]);
  });

  it('is plain JSON: it survives a round trip unchanged', () => {
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });

  it('accepts ids as strings too', () => {
    const [first, ...rest] = rows().tables;
    const tables = [{ ...first, id: ORDERS_ID }, ...rest];
    expect(describeSchema(rows({ tables })).tables.find((t) => t.table === 'orders')?.id).toBe(ORDERS_ID.toLowerCase());
  });

  it('refuses what does not look like system_schema, saying where', () => {
    const base = rows();
    expect(() => describeSchema(rows({ columns: [...base.columns, column('ghost', 'id', 'partition_key', 0, 'int')] }))).toThrow(
      'system_schema has columns of tables it does not list: shop.ghost',
    );
    expect(() => describeSchema(rows({ columns: [...base.columns, column('orders', 'x', 'weird', -1, 'int')] }))).toThrow(
      'system_schema.columns of shop.orders: column x has an unknown kind "weird"',
    );
    expect(() => describeSchema(rows({ columns: base.columns.filter((c) => c['column_name'] !== 'customer') }))).toThrow(
      'system_schema.columns of shop.orders, partition key: positions are 1, not 0..0',
    );
    expect(() => describeSchema(rows({ tables: [{ keyspace_name: 'shop', table_name: 'audit', id: 'nope', cdc: false }] }))).toThrow(
      'system_schema.tables: id is text "nope", not a uuid',
    );
    expect(() => describeSchema(rows({ tables: [...base.tables, { ...base.tables[0], cdc: 'yes' }] }))).toThrow('system_schema.tables: cdc is text "yes", not a boolean');
    const droppedColumns = [{ keyspace_name: 'shop', table_name: 'audit', column_name: 'old', type: 'int', kind: 'regular', dropped_time: null }];
    expect(() => describeSchema(rows({ droppedColumns }))).toThrow('system_schema.dropped_columns: dropped_time is null, not a timestamp');
    const invalid = [{ ...droppedColumns[0], dropped_time: new Date(Number.MAX_SAFE_INTEGER) }];
    expect(() => describeSchema(rows({ droppedColumns: invalid }))).toThrow('system_schema.dropped_columns: dropped_time is an Invalid Date (beyond what a Date holds); read it as a bigint');
  });

  it('refuses a table with no partition key', () => {
    const columns = rows().columns.filter((c) => c['table_name'] !== 'audit');
    expect(() => describeSchema(rows({ columns }))).toThrow('system_schema.columns of shop.audit: no partition key column');
  });
});
