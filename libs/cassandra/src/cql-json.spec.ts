import * as driver from 'cassandra-driver';
import { decodeValue, parseCqlType, type UserTypeSchema } from '@meridian/commitlog';
import { type DriverType, fromCqlJson, toCqlJson } from './cql-json';

const { types } = driver;

/** The driver's own codec, as a client with `encoding.map = Map` (CassandraConnection's setting) uses it. */
interface DriverEncoder {
  encode(value: unknown, type: DriverType): Buffer;
  decode(bytes: Buffer, type: DriverType): unknown;
  parseTypeName(keyspace: string, text: string, start: number, length: null, resolveUdt: (keyspace: string, name: string) => Promise<unknown>): Promise<DriverType>;
}
const Encoder = (driver as unknown as { Encoder: new (protocolVersion: number, options: object) => DriverEncoder }).Encoder;
const encoder = new Encoder(5, { encoding: { map: Map } });

const udts: UserTypeSchema[] = [
  { keyspace: 'ks', name: 'address', fields: [{ name: 'street', type: 'text' }, { name: 'zip', type: 'int' }, { name: 'tags', type: 'frozen<set<text>>' }] },
  { keyspace: 'ks', name: 'person', fields: [{ name: 'name', type: 'text' }, { name: 'home', type: 'frozen<address>' }] },
];

/** The driver's description of a type written as system_schema writes it. */
function driverType(text: string): Promise<DriverType> {
  const resolveUdt = async (keyspace: string, name: string): Promise<unknown> => {
    const udt = udts.find((u) => u.keyspace === keyspace && u.name === name);
    if (!udt) throw new Error(`no type ${name}`);
    return { keyspace, name, fields: await Promise.all(udt.fields.map(async (f) => ({ name: f.name, type: await driverType(f.type) }))) };
  };
  return encoder.parseTypeName('ks', text, 0, null, resolveUdt);
}

const long = (s: string) => types.Long.fromString(s);
const decimal = (unscaled: string, scale: number) => {
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(scale);
  return types.BigDecimal.fromBuffer(Buffer.concat([prefix, types.Integer.toBuffer(types.Integer.fromString(unscaled))]));
};

/** One value or more of every CQL type, as the driver takes it for a write. */
const values: [string, unknown][] = [
  ['ascii', 'plain'],
  ['text', 'héllo, 世界'],
  ['text', ''],
  ['blob', Buffer.from([0, 1, 254, 255])],
  ['blob', Buffer.alloc(0)],
  ['boolean', true],
  ['boolean', false],
  ['int', -2147483648],
  ['smallint', -32768],
  ['tinyint', 127],
  ['bigint', long('-9223372036854775808')],
  ['bigint', long('9007199254740993')],
  ['counter', long('42')],
  ['float', Math.fround(1.1)],
  ['float', Number.NaN],
  ['double', -Infinity],
  ['double', 0.1],
  ['varint', types.Integer.fromString('-123456789012345678901234567890')],
  ['varint', types.Integer.fromString('0')],
  ['decimal', decimal('150', 2)],
  ['decimal', decimal('1', -3)],
  ['decimal', decimal('-123', 9)],
  ['decimal', decimal('-1230', 9)],
  ['uuid', types.Uuid.fromString('b6f3c2a0-1d2e-41ef-9a3b-0242ac120002')],
  ['timeuuid', types.TimeUuid.fromString('4ca21480-e59e-11f1-a22b-e3320ae92489')],
  ['inet', types.InetAddress.fromString('192.168.0.1')],
  ['inet', types.InetAddress.fromString('2001:db8::1')],
  ['timestamp', new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678))],
  ['timestamp', new Date(-62_198_755_200_001)],
  ['date', types.LocalDate.fromString('2024-02-29')],
  ['date', types.LocalDate.fromString('-0001-01-01')],
  ['date', types.LocalDate.fromString('2147483647')], // the last day Cassandra holds, beyond a JS Date
  ['time', types.LocalTime.fromString('23:59:59.123456789')],
  ['duration', new types.Duration(1, 2, long('3000'))],
  ['duration', new types.Duration(-1, -2, long('-3'))],
  ['list<int>', [3, 1, 2]],
  ['set<text>', ['a', 'b']],
  ['map<text, int>', new Map([['k1', 1], ['k2', 2]])],
  ['frozen<map<int, frozen<list<text>>>>', new Map([[1, ['x']], [2, ['y', 'z']]])],
  ['frozen<map<uuid, decimal>>', new Map([[types.Uuid.fromString('b6f3c2a0-1d2e-41ef-9a3b-0242ac120002'), decimal('5', 1)]])],
  ['tuple<int, text, boolean>', new types.Tuple(1, null, true)],
  ['frozen<tuple<bigint, frozen<list<timestamp>>>>', new types.Tuple(long('7'), [new Date(0)])],
  ['frozen<address>', { street: 'Main', zip: null, tags: ['home'] }],
  ['frozen<person>', { name: 'Ann', home: { street: 'Elm', zip: 1, tags: [] } }],
  ['address', { street: 'Main', zip: 2, tags: null }],
  ['vector<float, 3>', new types.Vector(new Float32Array([0.5, -1.25, 3]), 'float')],
  ['vector<text, 2>', new types.Vector(['a', 'bc'], 'text')],
];

describe('toCqlJson', () => {
  it.each(values)('gives a %s read from Cassandra the JSON the commit log decoder gives for its bytes (%#)', async (text, value) => {
    const type = await driverType(text);
    const bytes = encoder.encode(value, type);
    // A counter travels in CQL as its total, a bigint; the commit log holds its shards instead.
    const fromCommitLog = decodeValue(parseCqlType(text === 'counter' ? 'bigint' : text, 'ks', udts), bytes);
    expect(toCqlJson(encoder.decode(bytes, type), type)).toEqual(fromCommitLog);
  });

  it('gives null for an empty value of a type other than text, ascii and blob, as the decoder does', async () => {
    for (const text of ['int', 'bigint', 'uuid', 'timestamp', 'decimal', 'list<int>']) {
      const type = await driverType(text);
      expect(toCqlJson(encoder.decode(Buffer.alloc(0), type), type)).toBeNull();
      expect(decodeValue(parseCqlType(text, 'ks', udts), Buffer.alloc(0))).toBeNull();
    }
  });

  it('fills the fields a UDT value lacks (written before ALTER TYPE ADD) with null, as the decoder does', async () => {
    const type = await driverType('frozen<address>');
    const onlyStreet = Buffer.concat([Buffer.from([0, 0, 0, 4]), Buffer.from('Main')]);
    const expected = decodeValue(parseCqlType('frozen<address>', 'ks', udts), onlyStreet);
    expect(expected).toEqual({ street: 'Main', zip: null, tags: null });
    expect(toCqlJson(encoder.decode(onlyStreet, type), type)).toEqual(expected);
  });

  it('refuses what it cannot map, rather than guess', () => {
    expect(() => toCqlJson(new Date(Number.NaN))).toThrow('a timestamp beyond what the driver can read');
    expect(() => toCqlJson(Symbol('x'))).toThrow('cannot map a symbol read from Cassandra to JSON');
  });
});

describe('fromCqlJson', () => {
  // Every type a primary key can hold (not counters, durations or vectors), as a key
  // decoded from the commit log: bound to a query, it must be the same bytes again.
  const keyTypes = values.filter(([text]) => !['counter', 'duration', 'vector<float, 3>', 'vector<text, 2>', 'address'].includes(text));

  it.each(keyTypes)('turns the JSON of a %s back into the driver value of the same bytes (%#)', async (text, value) => {
    const type = await driverType(text);
    const bytes = encoder.encode(value, type);
    const json = decodeValue(parseCqlType(text, 'ks', udts), bytes);
    expect(encoder.encode(fromCqlJson(json, type), type)).toEqual(bytes);
  });

  it('turns a duration back too', async () => {
    const type = await driverType('duration');
    const value = new types.Duration(1, 2, long('3000'));
    expect(encoder.encode(fromCqlJson({ months: 1, days: 2, nanoseconds: '3000' }, type), type)).toEqual(encoder.encode(value, type));
  });

  it('names the value and the type it does not fit', async () => {
    expect(() => fromCqlJson('x', { code: types.dataTypes.int })).toThrow('"x" is not a CQL value of type int');
    expect(() => fromCqlJson('1.5.5', { code: types.dataTypes.decimal })).toThrow('"1.5.5" is not a CQL value of type decimal');
    expect(fromCqlJson(null, { code: types.dataTypes.int })).toBeNull();
    const tuple = await driverType('tuple<int, int>');
    expect(() => fromCqlJson([1], tuple)).toThrow('[1] is not a CQL value of type tuple');
  });
});
