/**
 * The statements every corpus variant runs, grouped in scenarios, each statement with what
 * it should leave in the commit log (its effects), in the terms of the dump format
 * (libs/commitlog/docs/dump-format.md): partition key and clustering by column name,
 * values as the dump prints them.
 *
 * Deterministic on purpose: fixed keys and values, and `USING TIMESTAMP` on every write
 * that allows one (the statement's `{ts}`, see statementTimestamp). Cassandra refuses a
 * client timestamp on counter updates and on conditional (LWT) statements; those carry the
 * server's time, and their effects say so (`timestamp: null` in the manifest). Local
 * deletion and expiration times are always the server's clock.
 */

export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

export const KEYSPACE = 'corpus';

/** 2023-11-14T22:13:20Z in microseconds; statement i (0-based, over all scenarios) writes at BASE + (i + 1) * 1000. */
export const TIMESTAMP_BASE_US = 1_700_000_000_000_000n;

/** Written last: the generator waits until every node's `_cdc.idx` covers this value. */
export const SENTINEL = 'meridian-corpus-sentinel-7c1e94d2';

export type EffectKind = 'insert' | 'update' | 'cell-delete' | 'row-delete' | 'partition-delete' | 'range-delete';

export interface Bound {
  /** A clustering prefix: only the components the bound has; `{}` for an open end. */
  readonly clustering: Readonly<Record<string, Json>>;
  readonly inclusive: boolean;
}

/** What happens to one non-frozen collection or UDT column (its cells carry paths). */
export interface ComplexEffect {
  /** The whole column is replaced: a complex deletion (at timestamp - 1) comes before any cells. */
  readonly overwrite?: true;
  /**
   * The cells written, in dump-format terms: list → values (paths are timeuuids the server
   * makes), set → elements, map → [key, value] pairs, UDT → { field: value }.
   */
  readonly write?: Json;
  /** Cell tombstones: set elements, map keys, UDT field names; for lists, what was removed. */
  readonly remove?: Json;
  readonly note?: string;
}

/** One partition update the statement leaves in each replica's commit log. */
export interface Effect {
  /** A table of keyspace `corpus`. */
  readonly table: string;
  /** Partition key columns by name. */
  readonly key: Readonly<Record<string, Json>>;
  readonly kind: EffectKind;
  /** The row's clustering (tables with clustering columns; absent for the static row). */
  readonly clustering?: Readonly<Record<string, Json>>;
  /** The effect is on the static row. */
  readonly static?: true;
  /** Simple cells written (frozen collections, tuples and frozen UDTs are simple cells), by column. */
  readonly cells?: Readonly<Record<string, Json>>;
  /**
   * Cells of a column dropped later (ALTER TABLE DROP) and written before the drop: they are in
   * the segment, but a reader that applies `dropped_columns` (as Cassandra does) leaves them out.
   */
  readonly droppedCells?: Readonly<Record<string, Json>>;
  /** Columns whose cells are written as tombstones (DELETE col, or a null in INSERT/UPDATE). */
  readonly tombstones?: readonly string[];
  /** Non-frozen collection and UDT columns, by column. */
  readonly complex?: Readonly<Record<string, ComplexEffect>>;
  /** The row (insert) or its cells carry this TTL in seconds. */
  readonly ttl?: number;
  /** Microseconds after the statement's timestamp (a batch whose statements carry `{ts+N}`). */
  readonly timestampPlus?: number;
  /** range-delete: the tombstone's bounds, in clustering order. */
  readonly range?: { readonly start: Bound; readonly end: Bound };
  readonly note?: string;
}

export interface StatementSpec {
  /** CQL; `{ts}` is replaced by the statement's timestamp (see statementTimestamp). */
  readonly cql: string;
  readonly effects?: readonly Effect[];
  /** A conditional statement: whether Cassandra must answer `[applied] = true`. No effects when false. */
  readonly applied?: boolean;
  /** Why the statement takes no client timestamp (counters, LWT). */
  readonly serverTimestamp?: string;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly statements: readonly StatementSpec[];
}

/** The replication of keyspace `corpus`: every node of the topology is a replica of everything. */
export function replication(dc1Nodes: 1 | 2): Readonly<Record<string, number>> {
  return { dc1: dc1Nodes, dc2: 1 };
}

/** Table ids are fixed (`WITH id = ...`), so schema.json and segments name the same ids in every variant. */
export const TABLE_IDS: Readonly<Record<string, string>> = {
  t_numeric: '5ca1ab1e-0000-4000-8000-000000000001',
  t_text: '5ca1ab1e-0000-4000-8000-000000000002',
  t_time: '5ca1ab1e-0000-4000-8000-000000000003',
  t_ident: '5ca1ab1e-0000-4000-8000-000000000004',
  t_vector: '5ca1ab1e-0000-4000-8000-000000000005',
  t_collections: '5ca1ab1e-0000-4000-8000-000000000006',
  t_tuple: '5ca1ab1e-0000-4000-8000-000000000007',
  t_udt: '5ca1ab1e-0000-4000-8000-000000000008',
  t_counter: '5ca1ab1e-0000-4000-8000-000000000009',
  t_rows: '5ca1ab1e-0000-4000-8000-00000000000a',
  t_range: '5ca1ab1e-0000-4000-8000-00000000000b',
  t_batch_a: '5ca1ab1e-0000-4000-8000-00000000000c',
  t_batch_b: '5ca1ab1e-0000-4000-8000-00000000000d',
  t_lwt: '5ca1ab1e-0000-4000-8000-00000000000e',
  t_alter: '5ca1ab1e-0000-4000-8000-00000000000f',
  t_nocdc: '5ca1ab1e-0000-4000-8000-000000000010',
};

function createTable(name: string, body: string, options = ''): StatementSpec {
  const id = TABLE_IDS[name];
  if (id === undefined) throw new Error(`no fixed id for table ${name}`);
  const cdc = name === 't_nocdc' ? 'false' : 'true';
  return { cql: `CREATE TABLE ${KEYSPACE}.${name} (${body}) WITH ${options}cdc = ${cdc} AND id = ${id}` };
}

/** A float as the dump prints it: widened to a double exactly. */
const f32 = (x: number): number => Math.fround(x);

const PANGRAM = 'The quick brown fox jumps over the lazy dog. '.repeat(7); // 315 bytes: a 2-byte length vint
const BLOB_200 = Array.from({ length: 200 }, (_, i) => i.toString(16).padStart(2, '0')).join('');
const PRINTABLE_ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
const cqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;
const base64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');

/** Rows (c1, c2, v) of partition (1, 'x') of t_range, in clustering order: c1 ascending, c2 descending. */
const RANGE_ROWS: readonly (readonly [number, string, number])[] = [
  [0, 'a', 1],
  [1, 'c', 4],
  [1, 'b', 3],
  [1, 'a', 2],
  [2, '', 5],
  [3, 'z', 6],
  [6, 'q', 7],
  [15, 'm', 8],
  [25, 'm', 9],
];

export function scenarios(dc1Nodes: 1 | 2): readonly Scenario[] {
  const rf = replication(dc1Nodes);
  const ks = KEYSPACE;
  return [
    {
      name: 'schema',
      description: 'The keyspace, two user types (one nesting the other) and one table per type family and per kind of operation, all WITH cdc = true except t_nocdc.',
      statements: [
        { cql: `CREATE KEYSPACE ${ks} WITH replication = {'class': 'NetworkTopologyStrategy', ${Object.entries(rf).map(([dc, n]) => `'${dc}': ${n}`).join(', ')}}` },
        { cql: `CREATE TYPE ${ks}.address (street text, city text, zip int, tags frozen<set<text>>)` },
        { cql: `CREATE TYPE ${ks}.person (name text, born date, home frozen<address>, nicknames frozen<list<text>>)` },
        createTable('t_numeric', 'id int PRIMARY KEY, c_tinyint tinyint, c_smallint smallint, c_int int, c_bigint bigint, c_varint varint, c_float float, c_double double, c_decimal decimal'),
        createTable('t_text', 'id int PRIMARY KEY, c_ascii ascii, c_text text, c_varchar varchar, c_blob blob'),
        createTable('t_time', 'id int PRIMARY KEY, c_timestamp timestamp, c_date date, c_time time, c_duration duration'),
        createTable('t_ident', 'id int PRIMARY KEY, c_uuid uuid, c_timeuuid timeuuid, c_inet inet, c_boolean boolean'),
        createTable('t_vector', 'id int PRIMARY KEY, v_float vector<float, 3>, v_text vector<text, 2>'),
        createTable(
          't_collections',
          'id int PRIMARY KEY, l list<int>, s set<text>, m map<text, int>, fl frozen<list<int>>, fs frozen<set<text>>, fm frozen<map<text, int>>, ' +
            'm_nested map<text, frozen<list<int>>>, l_nested list<frozen<map<int, text>>>, s_tuple set<frozen<tuple<int, text>>>',
        ),
        createTable('t_tuple', 'id int PRIMARY KEY, t tuple<int, text, double>, t_nested tuple<int, frozen<tuple<text, boolean>>>, t_list list<frozen<tuple<int, text>>>'),
        createTable('t_udt', 'id int PRIMARY KEY, a_frozen frozen<address>, a address, p_frozen frozen<person>, p person'),
        createTable('t_counter', 'id int PRIMARY KEY, hits counter, misses counter'),
        createTable('t_rows', 'pk int, ck int, v text, n int, s text static, PRIMARY KEY (pk, ck)'),
        createTable('t_range', 'a int, b text, c1 int, c2 text, v int, PRIMARY KEY ((a, b), c1, c2)', 'CLUSTERING ORDER BY (c1 ASC, c2 DESC) AND '),
        createTable('t_batch_a', 'pk int, ck int, v text, PRIMARY KEY (pk, ck)'),
        createTable('t_batch_b', 'pk int PRIMARY KEY, v text'),
        createTable('t_lwt', 'id int PRIMARY KEY, v int, state text'),
        createTable('t_alter', 'id int PRIMARY KEY, a int, b text'),
        createTable('t_nocdc', 'id int PRIMARY KEY, v text'),
      ],
    },
    {
      name: 'numeric-values',
      description: 'tinyint, smallint, int, bigint, varint, float, double, decimal: typical, minimum, maximum, zero and subnormal, NaN and infinities, huge varint and decimal, empty values, a null.',
      statements: [
        {
          cql: `INSERT INTO ${ks}.t_numeric (id, c_tinyint, c_smallint, c_int, c_bigint, c_varint, c_float, c_double, c_decimal) VALUES (1, 42, 1234, 123456, 1234567890123, 12345678901234567890, 3.14, 2.718281828459045, 123.450) USING TIMESTAMP {ts}`,
          effects: [
            {
              table: 't_numeric', key: { id: 1 }, kind: 'insert',
              cells: { c_tinyint: 42, c_smallint: 1234, c_int: 123456, c_bigint: '1234567890123', c_varint: '12345678901234567890', c_float: f32(3.14), c_double: 2.718281828459045, c_decimal: '123.450' },
            },
          ],
        },
        {
          cql: `INSERT INTO ${ks}.t_numeric (id, c_tinyint, c_smallint, c_int, c_bigint, c_varint, c_float, c_double, c_decimal) VALUES (2, -128, -32768, -2147483648, -9223372036854775808, -123456789012345678901234567890123456789012345678901234567890, -3.4028235E38, -1.7976931348623157E308, -0.000000000000000000001) USING TIMESTAMP {ts}`,
          effects: [
            {
              table: 't_numeric', key: { id: 2 }, kind: 'insert', note: 'minimum values; the decimal prints in scientific notation (BigDecimal.toString)',
              cells: {
                c_tinyint: -128, c_smallint: -32768, c_int: -2147483648, c_bigint: '-9223372036854775808',
                c_varint: '-123456789012345678901234567890123456789012345678901234567890', c_float: f32(-3.4028235e38), c_double: -1.7976931348623157e308, c_decimal: '-1E-21',
              },
            },
          ],
        },
        {
          cql: `INSERT INTO ${ks}.t_numeric (id, c_tinyint, c_smallint, c_int, c_bigint, c_varint, c_float, c_double, c_decimal) VALUES (3, 127, 32767, 2147483647, 9223372036854775807, 98765432109876543210987654321098765432109876543210, 3.4028235E38, 1.7976931348623157E308, 1E+3) USING TIMESTAMP {ts}`,
          effects: [
            {
              table: 't_numeric', key: { id: 3 }, kind: 'insert', note: 'maximum values; decimal 1E+3 has a negative scale',
              cells: {
                c_tinyint: 127, c_smallint: 32767, c_int: 2147483647, c_bigint: '9223372036854775807',
                c_varint: '98765432109876543210987654321098765432109876543210', c_float: f32(3.4028235e38), c_double: 1.7976931348623157e308, c_decimal: '1E+3',
              },
            },
          ],
        },
        {
          cql: `INSERT INTO ${ks}.t_numeric (id, c_tinyint, c_smallint, c_int, c_bigint, c_varint, c_float, c_double, c_decimal) VALUES (4, 0, 0, 0, 0, 0, 1.4E-45, 4.9E-324, 0.0) USING TIMESTAMP {ts}`,
          effects: [
            {
              table: 't_numeric', key: { id: 4 }, kind: 'insert', note: 'zeros and the smallest subnormal float and double',
              cells: { c_tinyint: 0, c_smallint: 0, c_int: 0, c_bigint: '0', c_varint: '0', c_float: f32(1.4e-45), c_double: 5e-324, c_decimal: '0.0' },
            },
          ],
        },
        {
          cql: `INSERT INTO ${ks}.t_numeric (id, c_float, c_double) VALUES (5, NaN, Infinity) USING TIMESTAMP {ts}`,
          effects: [{ table: 't_numeric', key: { id: 5 }, kind: 'insert', cells: { c_float: 'NaN', c_double: 'Infinity' } }],
        },
        {
          cql: `INSERT INTO ${ks}.t_numeric (id, c_float, c_double, c_decimal, c_varint) VALUES (6, -Infinity, NaN, 123456789012345678901234567890.123456789, -1) USING TIMESTAMP {ts}`,
          effects: [
            { table: 't_numeric', key: { id: 6 }, kind: 'insert', cells: { c_float: '-Infinity', c_double: 'NaN', c_decimal: '123456789012345678901234567890.123456789', c_varint: '-1' } },
          ],
        },
        {
          cql: `INSERT INTO ${ks}.t_numeric (id, c_int, c_bigint, c_varint) VALUES (7, blobAsInt(0x), blobAsBigint(0x), null) USING TIMESTAMP {ts}`,
          effects: [
            {
              table: 't_numeric', key: { id: 7 }, kind: 'insert', cells: { c_int: null, c_bigint: null }, tombstones: ['c_varint'],
              note: 'c_int and c_bigint hold empty values (cell flag: empty value), printed null; the null c_varint is a cell tombstone',
            },
          ],
        },
      ],
    },
    {
      name: 'text-values',
      description: 'ascii, text, varchar and blob: unicode, empty string and blob, a value longer than 127 bytes (2-byte length), quotes, every printable ASCII character.',
      statements: [
        {
          cql: `INSERT INTO ${ks}.t_text (id, c_ascii, c_text, c_varchar, c_blob) VALUES (1, 'hello', 'héllo wörld ✓ 日本語 🎉', 'varchar is text', 0xcafebabe) USING TIMESTAMP {ts}`,
          effects: [
            { table: 't_text', key: { id: 1 }, kind: 'insert', cells: { c_ascii: 'hello', c_text: 'héllo wörld ✓ 日本語 🎉', c_varchar: 'varchar is text', c_blob: base64('cafebabe') } },
          ],
        },
        {
          cql: `INSERT INTO ${ks}.t_text (id, c_ascii, c_text, c_varchar, c_blob) VALUES (2, '', '', '', 0x) USING TIMESTAMP {ts}`,
          effects: [{ table: 't_text', key: { id: 2 }, kind: 'insert', cells: { c_ascii: '', c_text: '', c_varchar: '', c_blob: '' }, note: 'empty values; an empty blob is base64 ""' }],
        },
        {
          cql: `INSERT INTO ${ks}.t_text (id, c_ascii, c_text, c_blob) VALUES (3, ${cqlString(PRINTABLE_ASCII)}, ${cqlString(PANGRAM)}, 0x${BLOB_200}) USING TIMESTAMP {ts}`,
          effects: [{ table: 't_text', key: { id: 3 }, kind: 'insert', cells: { c_ascii: PRINTABLE_ASCII, c_text: PANGRAM, c_blob: base64(BLOB_200) } }],
        },
        {
          cql: `INSERT INTO ${ks}.t_text (id, c_text, c_varchar) VALUES (4, 'it''s "quoted"', $$pg-style 'dollar' string$$) USING TIMESTAMP {ts}`,
          effects: [{ table: 't_text', key: { id: 4 }, kind: 'insert', cells: { c_text: `it's "quoted"`, c_varchar: `pg-style 'dollar' string` } }],
        },
      ],
    },
    {
      name: 'time-values',
      description: 'timestamp, date, time, duration: typical, before the epoch, the smallest and largest dates, integer literals, negative and ISO durations.',
      statements: [
        {
          cql: `INSERT INTO ${ks}.t_time (id, c_timestamp, c_date, c_time, c_duration) VALUES (1, '2024-01-02 03:04:05.678+0000', '2024-02-29', '13:30:54.234567891', 1mo2d3h4m5s6ms7us8ns) USING TIMESTAMP {ts}`,
          effects: [
            {
              table: 't_time', key: { id: 1 }, kind: 'insert',
              cells: { c_timestamp: '2024-01-02T03:04:05.678Z', c_date: '2024-02-29', c_time: '13:30:54.234567891', c_duration: { months: 1, days: 2, nanoseconds: '11045006007008' } },
            },
          ],
        },
        {
          cql: `INSERT INTO ${ks}.t_time (id, c_timestamp, c_date, c_time, c_duration) VALUES (2, '1900-01-01 00:00:00+0000', '1970-01-01', '00:00:00', -1d2h) USING TIMESTAMP {ts}`,
          effects: [
            {
              table: 't_time', key: { id: 2 }, kind: 'insert',
              cells: { c_timestamp: '1900-01-01T00:00:00.000Z', c_date: '1970-01-01', c_time: '00:00:00.000000000', c_duration: { months: 0, days: -1, nanoseconds: '-7200000000000' } },
            },
          ],
        },
        {
          cql: `INSERT INTO ${ks}.t_time (id, c_timestamp, c_date, c_time, c_duration) VALUES (3, '9999-12-31 23:59:59.999+0000', 4294967295, '23:59:59.999999999', P1Y2M) USING TIMESTAMP {ts}`,
          effects: [
            {
              table: 't_time', key: { id: 3 }, kind: 'insert', note: 'the largest date (raw value 2^32 - 1)',
              cells: { c_timestamp: '9999-12-31T23:59:59.999Z', c_date: '+5881580-07-11', c_time: '23:59:59.999999999', c_duration: { months: 14, days: 0, nanoseconds: '0' } },
            },
          ],
        },
        {
          cql: `INSERT INTO ${ks}.t_time (id, c_timestamp, c_date, c_time, c_duration) VALUES (4, -1, 0, 1, 0s) USING TIMESTAMP {ts}`,
          effects: [
            {
              table: 't_time', key: { id: 4 }, kind: 'insert', note: 'integer literals: timestamp -1 ms, the smallest date (raw value 0), time 1 ns',
              cells: { c_timestamp: '1969-12-31T23:59:59.999Z', c_date: '-5877641-06-23', c_time: '00:00:00.000000001', c_duration: { months: 0, days: 0, nanoseconds: '0' } },
            },
          ],
        },
      ],
    },
    {
      name: 'identity-values',
      description: 'uuid, timeuuid, inet (IPv4, IPv6, IPv4-mapped IPv6) and boolean.',
      statements: [
        {
          cql: `INSERT INTO ${ks}.t_ident (id, c_uuid, c_timeuuid, c_inet, c_boolean) VALUES (1, 3f2504e0-4f89-41d3-9a0c-0305e82c3301, 50554d6e-29bb-11e5-b345-feff819cdc9f, '192.168.1.10', true) USING TIMESTAMP {ts}`,
          effects: [
            {
              table: 't_ident', key: { id: 1 }, kind: 'insert',
              cells: { c_uuid: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', c_timeuuid: '50554d6e-29bb-11e5-b345-feff819cdc9f', c_inet: '192.168.1.10', c_boolean: true },
            },
          ],
        },
        {
          cql: `INSERT INTO ${ks}.t_ident (id, c_uuid, c_timeuuid, c_inet, c_boolean) VALUES (2, 00000000-0000-0000-0000-000000000000, 00000000-0000-1000-8000-000000000000, '::1', false) USING TIMESTAMP {ts}`,
          effects: [
            {
              table: 't_ident', key: { id: 2 }, kind: 'insert',
              cells: { c_uuid: '00000000-0000-0000-0000-000000000000', c_timeuuid: '00000000-0000-1000-8000-000000000000', c_inet: '0:0:0:0:0:0:0:1', c_boolean: false },
            },
          ],
        },
        {
          cql: `INSERT INTO ${ks}.t_ident (id, c_uuid, c_timeuuid, c_inet, c_boolean) VALUES (3, FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF, ffffffff-ffff-1fff-bfff-ffffffffffff, '2001:db8::8a2e:370:7334', null) USING TIMESTAMP {ts}`,
          effects: [
            {
              table: 't_ident', key: { id: 3 }, kind: 'insert', tombstones: ['c_boolean'],
              cells: { c_uuid: 'ffffffff-ffff-ffff-ffff-ffffffffffff', c_timeuuid: 'ffffffff-ffff-1fff-bfff-ffffffffffff', c_inet: '2001:db8:0:0:0:8a2e:370:7334' },
            },
          ],
        },
        {
          cql: `INSERT INTO ${ks}.t_ident (id, c_inet) VALUES (4, '::ffff:192.0.2.1') USING TIMESTAMP {ts}`,
          effects: [{ table: 't_ident', key: { id: 4 }, kind: 'insert', cells: { c_inet: '192.0.2.1' }, note: 'Java parses an IPv4-mapped IPv6 address as IPv4: a 4-byte value' }],
        },
      ],
    },
    {
      name: 'vector-values',
      description: 'vector<float, 3> (fixed-size elements, no length prefixes) and vector<text, 2> (variable-size elements).',
      statements: [
        {
          cql: `INSERT INTO ${ks}.t_vector (id, v_float, v_text) VALUES (1, [1.5, -2.25, 0.0], ['a', 'bc']) USING TIMESTAMP {ts}`,
          effects: [{ table: 't_vector', key: { id: 1 }, kind: 'insert', cells: { v_float: [1.5, -2.25, 0], v_text: ['a', 'bc'] } }],
        },
        {
          cql: `INSERT INTO ${ks}.t_vector (id, v_float, v_text) VALUES (2, [0.1, 3.4028235E38, -1.4E-45], ['', 'ünï']) USING TIMESTAMP {ts}`,
          effects: [{ table: 't_vector', key: { id: 2 }, kind: 'insert', cells: { v_float: [f32(0.1), f32(3.4028235e38), f32(-1.4e-45)], v_text: ['', 'ünï'] } }],
        },
      ],
    },
    {
      name: 'collection-values',
      description: 'Non-frozen and frozen list, set and map, nested (map of frozen list, list of frozen map, set of tuples), and empty collections.',
      statements: [
        {
          cql:
            `INSERT INTO ${ks}.t_collections (id, l, s, m, fl, fs, fm, m_nested, l_nested, s_tuple) VALUES (1, [1, 2, 3], {'b', 'a'}, {'k2': 2, 'k1': 1}, [10, 20], {'y', 'x'}, {'fk': 7}, ` +
            `{'n1': [1, 2], 'n2': []}, [{1: 'one'}, {2: 'two'}], {(2, 'b'), (1, 'a')}) USING TIMESTAMP {ts}`,
          effects: [
            {
              table: 't_collections', key: { id: 1 }, kind: 'insert', note: 'set elements and map keys come out sorted (by their serialized bytes)',
              cells: { fl: [10, 20], fs: ['x', 'y'], fm: [['fk', 7]] },
              complex: {
                l: { overwrite: true, write: [1, 2, 3] },
                s: { overwrite: true, write: ['a', 'b'] },
                m: { overwrite: true, write: [['k1', 1], ['k2', 2]] },
                m_nested: { overwrite: true, write: [['n1', [1, 2]], ['n2', []]] },
                l_nested: { overwrite: true, write: [[[1, 'one']], [[2, 'two']]] },
                s_tuple: { overwrite: true, write: [[1, 'a'], [2, 'b']] },
              },
            },
          ],
        },
        {
          cql: `INSERT INTO ${ks}.t_collections (id, l, s, m, fl, fs) VALUES (2, [], {}, {}, [], {}) USING TIMESTAMP {ts}`,
          effects: [
            {
              table: 't_collections', key: { id: 2 }, kind: 'insert', note: 'an empty non-frozen collection is only a complex deletion; an empty frozen one is a value',
              cells: { fl: [], fs: [] },
              complex: { l: { overwrite: true, write: [] }, s: { overwrite: true, write: [] }, m: { overwrite: true, write: [] } },
            },
          ],
        },
      ],
    },
    {
      name: 'collection-operations',
      description: 'List append, prepend, remove by value, remove by index, set by index, overwrite; set add, remove, overwrite; map put, add, remove by key, remove by keys; a frozen collection replaced; a nested element put; a whole collection deleted.',
      statements: [
        {
          cql: `UPDATE ${ks}.t_collections USING TIMESTAMP {ts} SET l = l + [4, 5] WHERE id = 1`,
          effects: [{ table: 't_collections', key: { id: 1 }, kind: 'update', complex: { l: { write: [4, 5], note: 'append: two cells with new timeuuid paths' } } }],
        },
        {
          cql: `UPDATE ${ks}.t_collections USING TIMESTAMP {ts} SET l = [0] + l WHERE id = 1`,
          effects: [{ table: 't_collections', key: { id: 1 }, kind: 'update', complex: { l: { write: [0], note: 'prepend: a timeuuid path that sorts before every existing one' } } }],
        },
        {
          cql: `UPDATE ${ks}.t_collections USING TIMESTAMP {ts} SET l = l - [2] WHERE id = 1`,
          effects: [{ table: 't_collections', key: { id: 1 }, kind: 'update', complex: { l: { remove: [2], note: 'remove by value: read before write, a tombstone for each cell holding 2' } } }],
        },
        {
          cql: `DELETE l[0] FROM ${ks}.t_collections USING TIMESTAMP {ts} WHERE id = 1`,
          effects: [{ table: 't_collections', key: { id: 1 }, kind: 'cell-delete', complex: { l: { remove: 'index 0', note: 'remove by index: read before write, a tombstone for the cell at index 0 (value 0)' } } }],
        },
        {
          cql: `UPDATE ${ks}.t_collections USING TIMESTAMP {ts} SET l[0] = 99 WHERE id = 1`,
          effects: [{ table: 't_collections', key: { id: 1 }, kind: 'update', complex: { l: { write: [99], note: 'set by index: the cell at index 0 rewritten under its existing path' } } }],
        },
        {
          cql: `UPDATE ${ks}.t_collections USING TIMESTAMP {ts} SET l = [7, 8] WHERE id = 1`,
          effects: [{ table: 't_collections', key: { id: 1 }, kind: 'update', complex: { l: { overwrite: true, write: [7, 8] } } }],
        },
        {
          cql: `UPDATE ${ks}.t_collections USING TIMESTAMP {ts} SET s = s + {'c'} WHERE id = 1`,
          effects: [{ table: 't_collections', key: { id: 1 }, kind: 'update', complex: { s: { write: ['c'] } } }],
        },
        {
          cql: `UPDATE ${ks}.t_collections USING TIMESTAMP {ts} SET s = s - {'a'} WHERE id = 1`,
          effects: [{ table: 't_collections', key: { id: 1 }, kind: 'update', complex: { s: { remove: ['a'] } } }],
        },
        {
          cql: `UPDATE ${ks}.t_collections USING TIMESTAMP {ts} SET s = {'z'} WHERE id = 1`,
          effects: [{ table: 't_collections', key: { id: 1 }, kind: 'update', complex: { s: { overwrite: true, write: ['z'] } } }],
        },
        {
          cql: `UPDATE ${ks}.t_collections USING TIMESTAMP {ts} SET m['k3'] = 3 WHERE id = 1`,
          effects: [{ table: 't_collections', key: { id: 1 }, kind: 'update', complex: { m: { write: [['k3', 3]] } } }],
        },
        {
          cql: `UPDATE ${ks}.t_collections USING TIMESTAMP {ts} SET m = m + {'k4': 4, 'k5': 5} WHERE id = 1`,
          effects: [{ table: 't_collections', key: { id: 1 }, kind: 'update', complex: { m: { write: [['k4', 4], ['k5', 5]] } } }],
        },
        {
          cql: `DELETE m['k1'] FROM ${ks}.t_collections USING TIMESTAMP {ts} WHERE id = 1`,
          effects: [{ table: 't_collections', key: { id: 1 }, kind: 'cell-delete', complex: { m: { remove: ['k1'] } } }],
        },
        {
          cql: `UPDATE ${ks}.t_collections USING TIMESTAMP {ts} SET m = m - {'k2', 'k3'} WHERE id = 1`,
          effects: [{ table: 't_collections', key: { id: 1 }, kind: 'update', complex: { m: { remove: ['k2', 'k3'] } } }],
        },
        {
          cql: `UPDATE ${ks}.t_collections USING TIMESTAMP {ts} SET fl = [30], fm = {'a': 1, 'b': 2} WHERE id = 1`,
          effects: [{ table: 't_collections', key: { id: 1 }, kind: 'update', cells: { fl: [30], fm: [['a', 1], ['b', 2]] }, note: 'frozen collections are replaced whole: simple cells' }],
        },
        {
          cql: `UPDATE ${ks}.t_collections USING TIMESTAMP {ts} SET m_nested['n3'] = [3, 3, 3] WHERE id = 1`,
          effects: [{ table: 't_collections', key: { id: 1 }, kind: 'update', complex: { m_nested: { write: [['n3', [3, 3, 3]]] } } }],
        },
        {
          cql: `DELETE s FROM ${ks}.t_collections USING TIMESTAMP {ts} WHERE id = 1`,
          effects: [{ table: 't_collections', key: { id: 1 }, kind: 'cell-delete', complex: { s: { overwrite: true, write: [], note: 'the whole collection deleted: a complex deletion at the statement timestamp, no cells' } } }],
        },
      ],
    },
    {
      name: 'tuple-values',
      description: 'Tuples (always frozen), a nested tuple, a tuple with a null component, one with fewer components than its type, and a non-frozen list of tuples.',
      statements: [
        {
          cql: `INSERT INTO ${ks}.t_tuple (id, t, t_nested, t_list) VALUES (1, (1, 'one', 1.5), (2, ('two', true)), [(1, 'a'), (2, 'b')]) USING TIMESTAMP {ts}`,
          effects: [
            { table: 't_tuple', key: { id: 1 }, kind: 'insert', cells: { t: [1, 'one', 1.5], t_nested: [2, ['two', true]] }, complex: { t_list: { overwrite: true, write: [[1, 'a'], [2, 'b']] } } },
          ],
        },
        {
          cql: `INSERT INTO ${ks}.t_tuple (id, t, t_nested) VALUES (2, (3, null, 2.5), (4, (null, false))) USING TIMESTAMP {ts}`,
          effects: [{ table: 't_tuple', key: { id: 2 }, kind: 'insert', cells: { t: [3, null, 2.5], t_nested: [4, [null, false]] } }],
        },
        {
          cql: `INSERT INTO ${ks}.t_tuple (id, t) VALUES (3, (5, 'x')) USING TIMESTAMP {ts}`,
          effects: [{ table: 't_tuple', key: { id: 3 }, kind: 'insert', cells: { t: [5, 'x', null] }, note: 'a tuple literal shorter than its type: the missing component is null' }],
        },
      ],
    },
    {
      name: 'udt-values',
      description: 'UDTs frozen and non-frozen, a UDT nested in a UDT, a partial literal, field updates of a non-frozen UDT (set, null, nested frozen field) and a whole non-frozen UDT overwritten.',
      statements: [
        {
          cql:
            `INSERT INTO ${ks}.t_udt (id, a_frozen, a, p_frozen, p) VALUES (1, ` +
            `{street: 'Main St 1', city: 'Springfield', zip: 12345, tags: {'primary', 'home'}}, ` +
            `{street: 'Elm St 2', city: 'Shelbyville', zip: 54321, tags: {'work'}}, ` +
            `{name: 'Ada', born: '1815-12-10', home: {street: 'St James Sq', city: 'London', zip: null, tags: null}, nicknames: ['Countess']}, ` +
            `{name: 'Alan', born: '1912-06-23', home: {street: 'Adlington Rd', city: 'Wilmslow', zip: 9, tags: {}}, nicknames: []}) USING TIMESTAMP {ts}`,
          effects: [
            {
              table: 't_udt', key: { id: 1 }, kind: 'insert',
              cells: {
                a_frozen: { street: 'Main St 1', city: 'Springfield', zip: 12345, tags: ['home', 'primary'] },
                p_frozen: { name: 'Ada', born: '1815-12-10', home: { street: 'St James Sq', city: 'London', zip: null, tags: null }, nicknames: ['Countess'] },
              },
              complex: {
                a: { overwrite: true, write: { street: 'Elm St 2', city: 'Shelbyville', zip: 54321, tags: ['work'] }, note: 'one cell per field, path = field index' },
                p: { overwrite: true, write: { name: 'Alan', born: '1912-06-23', home: { street: 'Adlington Rd', city: 'Wilmslow', zip: 9, tags: [] }, nicknames: [] } },
              },
            },
          ],
        },
        {
          cql: `INSERT INTO ${ks}.t_udt (id, a_frozen) VALUES (2, {street: 'Only street'}) USING TIMESTAMP {ts}`,
          effects: [{ table: 't_udt', key: { id: 2 }, kind: 'insert', cells: { a_frozen: { street: 'Only street', city: null, zip: null, tags: null } } }],
        },
        {
          cql: `UPDATE ${ks}.t_udt USING TIMESTAMP {ts} SET a.city = 'Capital City' WHERE id = 1`,
          effects: [{ table: 't_udt', key: { id: 1 }, kind: 'update', complex: { a: { write: { city: 'Capital City' } } } }],
        },
        {
          cql: `UPDATE ${ks}.t_udt USING TIMESTAMP {ts} SET a.zip = null WHERE id = 1`,
          effects: [{ table: 't_udt', key: { id: 1 }, kind: 'update', complex: { a: { remove: ['zip'] } } }],
        },
        {
          cql: `UPDATE ${ks}.t_udt USING TIMESTAMP {ts} SET p.home = {street: 'New St', city: 'Town', zip: 1, tags: {'x'}} WHERE id = 1`,
          effects: [{ table: 't_udt', key: { id: 1 }, kind: 'update', complex: { p: { write: { home: { street: 'New St', city: 'Town', zip: 1, tags: ['x'] } } } } }],
        },
        {
          cql: `UPDATE ${ks}.t_udt USING TIMESTAMP {ts} SET a = {street: 'Overwritten', city: 'X', zip: 0, tags: {}} WHERE id = 1`,
          effects: [{ table: 't_udt', key: { id: 1 }, kind: 'update', complex: { a: { overwrite: true, write: { street: 'Overwritten', city: 'X', zip: 0, tags: [] } } } }],
        },
      ],
    },
    {
      name: 'counters',
      description: 'Counter increments and decrements, two counters in one update, the largest increment, a counter partition deleted, a counter batch. The cells hold counter contexts; the value is the shard total after the update.',
      statements: [
        {
          cql: `UPDATE ${ks}.t_counter SET hits = hits + 5 WHERE id = 1`,
          serverTimestamp: 'counter updates take no client timestamp',
          effects: [{ table: 't_counter', key: { id: 1 }, kind: 'update', cells: { hits: '5' } }],
        },
        {
          cql: `UPDATE ${ks}.t_counter SET hits = hits - 3, misses = misses + 1 WHERE id = 1`,
          serverTimestamp: 'counter updates take no client timestamp',
          effects: [{ table: 't_counter', key: { id: 1 }, kind: 'update', cells: { hits: '2', misses: '1' } }],
        },
        {
          cql: `UPDATE ${ks}.t_counter SET hits = hits + 9223372036854775807 WHERE id = 2`,
          serverTimestamp: 'counter updates take no client timestamp',
          effects: [{ table: 't_counter', key: { id: 2 }, kind: 'update', cells: { hits: '9223372036854775807' } }],
        },
        {
          cql: `UPDATE ${ks}.t_counter SET misses = misses - 42 WHERE id = 3`,
          serverTimestamp: 'counter updates take no client timestamp',
          effects: [{ table: 't_counter', key: { id: 3 }, kind: 'update', cells: { misses: '-42' } }],
        },
        {
          cql: `DELETE FROM ${ks}.t_counter WHERE id = 3`,
          serverTimestamp: 'statements on counter tables take no client timestamp',
          effects: [{ table: 't_counter', key: { id: 3 }, kind: 'partition-delete' }],
        },
        {
          cql: `BEGIN COUNTER BATCH UPDATE ${ks}.t_counter SET hits = hits + 1 WHERE id = 4; UPDATE ${ks}.t_counter SET hits = hits + 2 WHERE id = 5; APPLY BATCH`,
          serverTimestamp: 'counter batches take no client timestamp',
          effects: [
            { table: 't_counter', key: { id: 4 }, kind: 'update', cells: { hits: '1' } },
            { table: 't_counter', key: { id: 5 }, kind: 'update', cells: { hits: '2' } },
          ],
        },
      ],
    },
    {
      name: 'row-operations',
      description: 'INSERT (row liveness) and UPDATE (none), both with and without TTL, a null in INSERT, a cell delete, a row delete, and a partition delete of a table without clustering.',
      statements: [
        {
          cql: `INSERT INTO ${ks}.t_rows (pk, ck, v, n) VALUES (1, 1, 'one', 1) USING TIMESTAMP {ts}`,
          effects: [{ table: 't_rows', key: { pk: 1 }, clustering: { ck: 1 }, kind: 'insert', cells: { v: 'one', n: 1 } }],
        },
        {
          cql: `INSERT INTO ${ks}.t_rows (pk, ck, v, n) VALUES (1, 2, 'two', 2) USING TTL 86400 AND TIMESTAMP {ts}`,
          effects: [{ table: 't_rows', key: { pk: 1 }, clustering: { ck: 2 }, kind: 'insert', ttl: 86400, cells: { v: 'two', n: 2 }, note: 'the row liveness and the cells expire' }],
        },
        {
          cql: `UPDATE ${ks}.t_rows USING TIMESTAMP {ts} SET v = 'one, updated' WHERE pk = 1 AND ck = 1`,
          effects: [{ table: 't_rows', key: { pk: 1 }, clustering: { ck: 1 }, kind: 'update', cells: { v: 'one, updated' } }],
        },
        {
          cql: `UPDATE ${ks}.t_rows USING TTL 3600 AND TIMESTAMP {ts} SET n = 3 WHERE pk = 1 AND ck = 3`,
          effects: [{ table: 't_rows', key: { pk: 1 }, clustering: { ck: 3 }, kind: 'update', ttl: 3600, cells: { n: 3 }, note: 'an expiring cell in a row without liveness' }],
        },
        {
          cql: `INSERT INTO ${ks}.t_rows (pk, ck, v, n) VALUES (1, 4, null, 4) USING TIMESTAMP {ts}`,
          effects: [{ table: 't_rows', key: { pk: 1 }, clustering: { ck: 4 }, kind: 'insert', cells: { n: 4 }, tombstones: ['v'] }],
        },
        {
          cql: `DELETE v FROM ${ks}.t_rows USING TIMESTAMP {ts} WHERE pk = 1 AND ck = 1`,
          effects: [{ table: 't_rows', key: { pk: 1 }, clustering: { ck: 1 }, kind: 'cell-delete', tombstones: ['v'] }],
        },
        {
          cql: `DELETE v, n FROM ${ks}.t_rows USING TIMESTAMP {ts} WHERE pk = 1 AND ck = 2`,
          effects: [{ table: 't_rows', key: { pk: 1 }, clustering: { ck: 2 }, kind: 'cell-delete', tombstones: ['n', 'v'] }],
        },
        {
          cql: `DELETE FROM ${ks}.t_rows USING TIMESTAMP {ts} WHERE pk = 1 AND ck = 4`,
          effects: [{ table: 't_rows', key: { pk: 1 }, clustering: { ck: 4 }, kind: 'row-delete' }],
        },
        {
          cql: `UPDATE ${ks}.t_numeric USING TIMESTAMP {ts} SET c_int = -1 WHERE id = 1`,
          effects: [{ table: 't_numeric', key: { id: 1 }, kind: 'update', cells: { c_int: -1 } }],
        },
        {
          cql: `DELETE FROM ${ks}.t_numeric USING TIMESTAMP {ts} WHERE id = 7`,
          effects: [{ table: 't_numeric', key: { id: 7 }, kind: 'partition-delete', note: 'a whole-row delete on a table without clustering is a partition deletion' }],
        },
      ],
    },
    {
      name: 'static-columns',
      description: 'A static-only INSERT, a static column written together with a row, a static UPDATE, one with TTL, and a static cell delete.',
      statements: [
        {
          cql: `INSERT INTO ${ks}.t_rows (pk, s) VALUES (2, 'static only') USING TIMESTAMP {ts}`,
          effects: [{ table: 't_rows', key: { pk: 2 }, static: true, kind: 'insert', cells: { s: 'static only' } }],
        },
        {
          cql: `INSERT INTO ${ks}.t_rows (pk, ck, v, s) VALUES (3, 1, 'row', 'static with a row') USING TIMESTAMP {ts}`,
          effects: [
            { table: 't_rows', key: { pk: 3 }, static: true, kind: 'insert', cells: { s: 'static with a row' }, note: 'same partition update as the row below' },
            { table: 't_rows', key: { pk: 3 }, clustering: { ck: 1 }, kind: 'insert', cells: { v: 'row' } },
          ],
        },
        {
          cql: `UPDATE ${ks}.t_rows USING TIMESTAMP {ts} SET s = 'static updated' WHERE pk = 2`,
          effects: [{ table: 't_rows', key: { pk: 2 }, static: true, kind: 'update', cells: { s: 'static updated' } }],
        },
        {
          cql: `UPDATE ${ks}.t_rows USING TTL 600 AND TIMESTAMP {ts} SET s = 'static with ttl' WHERE pk = 3`,
          effects: [{ table: 't_rows', key: { pk: 3 }, static: true, kind: 'update', ttl: 600, cells: { s: 'static with ttl' } }],
        },
        {
          cql: `DELETE s FROM ${ks}.t_rows USING TIMESTAMP {ts} WHERE pk = 2`,
          effects: [{ table: 't_rows', key: { pk: 2 }, static: true, kind: 'cell-delete', tombstones: ['s'] }],
        },
      ],
    },
    {
      name: 'range-deletes',
      description:
        'A composite partition key with clustering (c1 ASC, c2 DESC) and an empty clustering value: rows written in one unlogged batch, then a row delete, a clustering-prefix delete, ' +
        'a slice on the DESC column, closed and open-ended ranges, two adjacent ranges with different timestamps in one partition update (a boundary marker), and a partition delete.',
      statements: [
        {
          cql: `BEGIN UNLOGGED BATCH USING TIMESTAMP {ts} ${RANGE_ROWS.map(([c1, c2, v]) => `INSERT INTO ${ks}.t_range (a, b, c1, c2, v) VALUES (1, 'x', ${c1}, ${cqlString(c2)}, ${v}); `).join('')}APPLY BATCH`,
          effects: RANGE_ROWS.map(([c1, c2, v], i) => ({
            table: 't_range',
            key: { a: 1, b: 'x' },
            clustering: { c1, c2 },
            kind: 'insert' as const,
            cells: { v },
            ...(i === 0 ? { note: `one partition update holding ${RANGE_ROWS.length} rows, in clustering order (c1 ascending, c2 descending); (2, '') has an empty clustering value` } : {}),
          })),
        },
        {
          cql: `INSERT INTO ${ks}.t_range (a, b, c1, c2, v) VALUES (2, 'y', 0, 'a', 10) USING TIMESTAMP {ts}`,
          effects: [{ table: 't_range', key: { a: 2, b: 'y' }, clustering: { c1: 0, c2: 'a' }, kind: 'insert', cells: { v: 10 } }],
        },
        {
          cql: `DELETE FROM ${ks}.t_range USING TIMESTAMP {ts} WHERE a = 1 AND b = 'x' AND c1 = 0 AND c2 = 'a'`,
          effects: [{ table: 't_range', key: { a: 1, b: 'x' }, clustering: { c1: 0, c2: 'a' }, kind: 'row-delete' }],
        },
        {
          cql: `DELETE FROM ${ks}.t_range USING TIMESTAMP {ts} WHERE a = 1 AND b = 'x' AND c1 = 1 AND c2 > 'a'`,
          effects: [
            {
              table: 't_range', key: { a: 1, b: 'x' }, kind: 'range-delete', note: "c2 is DESC: c2 > 'a' runs from the start of c1 = 1 up to (1, 'a') exclusive",
              range: { start: { clustering: { c1: 1 }, inclusive: true }, end: { clustering: { c1: 1, c2: 'a' }, inclusive: false } },
            },
          ],
        },
        {
          cql: `DELETE FROM ${ks}.t_range USING TIMESTAMP {ts} WHERE a = 1 AND b = 'x' AND c1 = 1`,
          effects: [
            { table: 't_range', key: { a: 1, b: 'x' }, kind: 'range-delete', note: 'a clustering prefix', range: { start: { clustering: { c1: 1 }, inclusive: true }, end: { clustering: { c1: 1 }, inclusive: true } } },
          ],
        },
        {
          cql: `DELETE FROM ${ks}.t_range USING TIMESTAMP {ts} WHERE a = 1 AND b = 'x' AND c1 >= 2 AND c1 < 4`,
          effects: [
            { table: 't_range', key: { a: 1, b: 'x' }, kind: 'range-delete', range: { start: { clustering: { c1: 2 }, inclusive: true }, end: { clustering: { c1: 4 }, inclusive: false } } },
          ],
        },
        {
          cql: `DELETE FROM ${ks}.t_range USING TIMESTAMP {ts} WHERE a = 1 AND b = 'x' AND c1 > 5`,
          effects: [
            { table: 't_range', key: { a: 1, b: 'x' }, kind: 'range-delete', note: 'open end', range: { start: { clustering: { c1: 5 }, inclusive: false }, end: { clustering: {}, inclusive: true } } },
          ],
        },
        {
          cql: `DELETE FROM ${ks}.t_range USING TIMESTAMP {ts} WHERE a = 1 AND b = 'x' AND c1 <= -1`,
          effects: [
            { table: 't_range', key: { a: 1, b: 'x' }, kind: 'range-delete', note: 'open start', range: { start: { clustering: {}, inclusive: true }, end: { clustering: { c1: -1 }, inclusive: true } } },
          ],
        },
        {
          cql:
            `BEGIN UNLOGGED BATCH ` +
            `DELETE FROM ${ks}.t_range USING TIMESTAMP {ts} WHERE a = 1 AND b = 'x' AND c1 >= 10 AND c1 < 20; ` +
            `DELETE FROM ${ks}.t_range USING TIMESTAMP {ts+1} WHERE a = 1 AND b = 'x' AND c1 >= 20 AND c1 < 30; ` +
            `APPLY BATCH`,
          effects: [
            {
              table: 't_range', key: { a: 1, b: 'x' }, kind: 'range-delete', note: 'first of two adjacent ranges in one partition update: a boundary marker at c1 = 20 ends it',
              range: { start: { clustering: { c1: 10 }, inclusive: true }, end: { clustering: { c1: 20 }, inclusive: false } },
            },
            {
              table: 't_range', key: { a: 1, b: 'x' }, kind: 'range-delete', timestampPlus: 1, note: 'second range, one microsecond later, started by the same boundary marker',
              range: { start: { clustering: { c1: 20 }, inclusive: true }, end: { clustering: { c1: 30 }, inclusive: false } },
            },
          ],
        },
        {
          cql: `DELETE FROM ${ks}.t_range USING TIMESTAMP {ts} WHERE a = 2 AND b = 'y'`,
          effects: [{ table: 't_range', key: { a: 2, b: 'y' }, kind: 'partition-delete' }],
        },
      ],
    },
    {
      name: 'batches',
      description:
        'A logged batch over two tables with the same partition key (one mutation, two partition updates), a logged batch across partitions (one mutation each, after a system.batches write), ' +
        'an unlogged batch across partitions, and a batch of several rows of one partition.',
      statements: [
        {
          cql: `BEGIN BATCH USING TIMESTAMP {ts} INSERT INTO ${ks}.t_batch_a (pk, ck, v) VALUES (1, 1, 'a1'); INSERT INTO ${ks}.t_batch_b (pk, v) VALUES (1, 'b1'); APPLY BATCH`,
          effects: [
            { table: 't_batch_a', key: { pk: 1 }, clustering: { ck: 1 }, kind: 'insert', cells: { v: 'a1' }, note: 'one mutation with two partition updates (same token, same keyspace)' },
            { table: 't_batch_b', key: { pk: 1 }, kind: 'insert', cells: { v: 'b1' } },
          ],
        },
        {
          cql:
            `BEGIN BATCH USING TIMESTAMP {ts} INSERT INTO ${ks}.t_batch_a (pk, ck, v) VALUES (2, 1, 'a2'); INSERT INTO ${ks}.t_batch_a (pk, ck, v) VALUES (3, 1, 'a3'); ` +
            `UPDATE ${ks}.t_batch_b SET v = 'b4' WHERE pk = 4; APPLY BATCH`,
          effects: [
            { table: 't_batch_a', key: { pk: 2 }, clustering: { ck: 1 }, kind: 'insert', cells: { v: 'a2' } },
            { table: 't_batch_a', key: { pk: 3 }, clustering: { ck: 1 }, kind: 'insert', cells: { v: 'a3' } },
            { table: 't_batch_b', key: { pk: 4 }, kind: 'update', cells: { v: 'b4' } },
          ],
        },
        {
          cql: `BEGIN UNLOGGED BATCH USING TIMESTAMP {ts} INSERT INTO ${ks}.t_batch_a (pk, ck, v) VALUES (5, 1, 'a5'); DELETE FROM ${ks}.t_batch_b WHERE pk = 1; APPLY BATCH`,
          effects: [
            { table: 't_batch_a', key: { pk: 5 }, clustering: { ck: 1 }, kind: 'insert', cells: { v: 'a5' } },
            { table: 't_batch_b', key: { pk: 1 }, kind: 'partition-delete' },
          ],
        },
        {
          cql:
            `BEGIN BATCH USING TIMESTAMP {ts} INSERT INTO ${ks}.t_batch_a (pk, ck, v) VALUES (6, 1, 'r1'); INSERT INTO ${ks}.t_batch_a (pk, ck, v) VALUES (6, 2, 'r2'); ` +
            `DELETE FROM ${ks}.t_batch_a WHERE pk = 6 AND ck = 3; APPLY BATCH`,
          effects: [
            { table: 't_batch_a', key: { pk: 6 }, clustering: { ck: 1 }, kind: 'insert', cells: { v: 'r1' }, note: 'one partition update with three rows' },
            { table: 't_batch_a', key: { pk: 6 }, clustering: { ck: 2 }, kind: 'insert', cells: { v: 'r2' } },
            { table: 't_batch_a', key: { pk: 6 }, clustering: { ck: 3 }, kind: 'row-delete' },
          ],
        },
      ],
    },
    {
      name: 'lwt',
      description: 'Lightweight transactions: IF NOT EXISTS applied and not applied, IF col = x applied and not applied, DELETE IF EXISTS. A statement not applied leaves nothing in the table (Paxos state goes to system.paxos either way).',
      statements: [
        {
          cql: `INSERT INTO ${ks}.t_lwt (id, v, state) VALUES (1, 10, 'new') IF NOT EXISTS`,
          applied: true,
          serverTimestamp: 'conditional statements take the Paxos ballot as timestamp',
          effects: [{ table: 't_lwt', key: { id: 1 }, kind: 'insert', cells: { v: 10, state: 'new' } }],
        },
        { cql: `INSERT INTO ${ks}.t_lwt (id, v, state) VALUES (1, 99, 'duplicate') IF NOT EXISTS`, applied: false, serverTimestamp: 'conditional statement', effects: [] },
        {
          cql: `UPDATE ${ks}.t_lwt SET v = 11, state = 'updated' WHERE id = 1 IF v = 10`,
          applied: true,
          serverTimestamp: 'conditional statements take the Paxos ballot as timestamp',
          effects: [{ table: 't_lwt', key: { id: 1 }, kind: 'update', cells: { v: 11, state: 'updated' } }],
        },
        { cql: `UPDATE ${ks}.t_lwt SET v = 12 WHERE id = 1 IF v = 99`, applied: false, serverTimestamp: 'conditional statement', effects: [] },
        {
          cql: `DELETE FROM ${ks}.t_lwt WHERE id = 1 IF EXISTS`,
          applied: true,
          serverTimestamp: 'conditional statements take the Paxos ballot as timestamp',
          effects: [{ table: 't_lwt', key: { id: 1 }, kind: 'partition-delete' }],
        },
      ],
    },
    {
      name: 'alter-table',
      description: 'Cells of column b written, then a column c added and written, then b dropped (USING TIMESTAMP, so dropped_time is fixed) and the table written again: older mutations name a column only dropped_columns knows.',
      statements: [
        {
          cql: `INSERT INTO ${ks}.t_alter (id, a, b) VALUES (1, 1, 'b before drop') USING TIMESTAMP {ts}`,
          effects: [{ table: 't_alter', key: { id: 1 }, kind: 'insert', cells: { a: 1 }, droppedCells: { b: 'b before drop' } }],
        },
        { cql: `ALTER TABLE ${ks}.t_alter ADD c text` },
        {
          cql: `INSERT INTO ${ks}.t_alter (id, a, c) VALUES (2, 2, 'c after add') USING TIMESTAMP {ts}`,
          effects: [{ table: 't_alter', key: { id: 2 }, kind: 'insert', cells: { a: 2, c: 'c after add' } }],
        },
        {
          cql: `UPDATE ${ks}.t_alter USING TIMESTAMP {ts} SET b = 'b again', c = 'c too' WHERE id = 1`,
          effects: [{ table: 't_alter', key: { id: 1 }, kind: 'update', cells: { c: 'c too' }, droppedCells: { b: 'b again' } }],
        },
        { cql: `ALTER TABLE ${ks}.t_alter DROP b USING TIMESTAMP {ts}` },
        {
          cql: `INSERT INTO ${ks}.t_alter (id, a, c) VALUES (3, 3, 'after drop') USING TIMESTAMP {ts}`,
          effects: [{ table: 't_alter', key: { id: 3 }, kind: 'insert', cells: { a: 3, c: 'after drop' } }],
        },
      ],
    },
    {
      name: 'non-cdc-table',
      description: 'A write to a table WITH cdc = false: it shares the segment, and a reader must skip it by the table flag.',
      statements: [
        {
          cql: `INSERT INTO ${ks}.t_nocdc (id, v) VALUES (1, 'not captured') USING TIMESTAMP {ts}`,
          effects: [{ table: 't_nocdc', key: { id: 1 }, kind: 'insert', cells: { v: 'not captured' }, note: 'table has cdc = false' }],
        },
      ],
    },
    {
      name: 'sentinel',
      description: 'The last write; the generator waits until every node has it below its _cdc.idx offset.',
      statements: [
        {
          cql: `INSERT INTO ${ks}.t_text (id, c_text) VALUES (999, '${SENTINEL}') USING TIMESTAMP {ts}`,
          effects: [{ table: 't_text', key: { id: 999 }, kind: 'insert', cells: { c_text: SENTINEL } }],
        },
      ],
    },
  ];
}

/** The timestamp (µs) of statement `index` (0-based over all scenarios), used for its `{ts}`. */
export function statementTimestamp(index: number): bigint {
  return TIMESTAMP_BASE_US + BigInt(index + 1) * 1000n;
}

/** The CQL of statement `index`, `{ts}` and `{ts+N}` filled in. */
export function renderStatement(spec: StatementSpec, index: number): string {
  const ts = statementTimestamp(index);
  return spec.cql.replace(/\{ts(?:\+(\d+))?\}/g, (_, plus: string | undefined) => String(ts + BigInt(plus ?? 0)));
}
