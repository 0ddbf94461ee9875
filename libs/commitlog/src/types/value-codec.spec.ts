import { decodeValue, isoDate, isoTimestamp, javaBigDecimalString, varint } from './value-codec';
import { parseCqlType } from './cql-type';

const type = (text: string) => parseCqlType(text, 'ks', [{ keyspace: 'ks', name: 'addr', fields: [{ name: 'street', type: 'text' }, { name: 'zip', type: 'int' }] }]);
const int32 = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, n);
  return b;
};
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const text = (s: string) => new TextEncoder().encode(s);

describe('javaBigDecimalString (BigDecimal.toString)', () => {
  it.each([
    [150n, 2, '1.50'],
    [1n, -3, '1E+3'],
    [-123n, 9, '-1.23E-7'],
    [-1230n, 9, '-0.000001230'],
    [123n, 10, '1.23E-8'],
    [0n, 0, '0'],
    [0n, 2, '0.00'],
    [12345n, 0, '12345'],
    [12345n, -2, '1.2345E+6'],
  ])('%p scale %p is %p', (unscaled, scale, expected) => {
    expect(javaBigDecimalString(unscaled, scale)).toBe(expected);
  });
});

describe('dates and times', () => {
  it('formats dates like LocalDate.toString', () => {
    expect(isoDate(0)).toBe('1970-01-01');
    expect(isoDate(19782)).toBe('2024-02-29');
    expect(isoDate(-719893)).toBe('-0001-01-01');
    expect(isoDate(2932897)).toBe('+10000-01-01');
  });

  it('formats timestamps like Date.toISOString, past its range too', () => {
    expect(isoTimestamp(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(isoTimestamp(-304_700_000_000 - 311_000)).toBe(new Date(-304_700_000_000 - 311_000).toISOString());
    expect(isoTimestamp(8_640_000_000_000_001n)).toBe('+275760-09-13T00:00:00.001Z');
  });
});

describe('decodeValue', () => {
  it('decodes two\'s complement varints of any size', () => {
    expect(varint(Uint8Array.of(0xff))).toBe(-1n);
    expect(varint(Uint8Array.of(0x00, 0x80))).toBe(128n);
  });

  it('decodes a frozen map, a list with a null, a UDT with a missing field', () => {
    const map = concat(int32(1), int32(1), text('a'), int32(4), int32(7));
    expect(decodeValue(type('frozen<map<text, int>>'), map)).toEqual([['a', 7]]);
    expect(decodeValue(type('frozen<list<int>>'), concat(int32(2), int32(4), int32(5), int32(-1)))).toEqual([5, null]);
    expect(decodeValue(type('frozen<addr>'), concat(int32(4), text('Main')))).toEqual({ street: 'Main', zip: null });
  });

  it('decodes an IPv6 address as Java prints it', () => {
    const bytes = Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0xff, 0, 0, 0x42, 0x83, 0x29);
    expect(decodeValue(type('inet'), bytes)).toBe('2001:db8:0:0:0:ff00:42:8329');
  });

  it('gives null for an empty value of a non-text type, "" for empty text', () => {
    expect(decodeValue(type('int'), new Uint8Array(0))).toBeNull();
    expect(decodeValue(type('text'), new Uint8Array(0))).toBe('');
  });

  it('decodes fixed and variable vectors', () => {
    const floats = new Uint8Array(8);
    new DataView(floats.buffer).setFloat32(0, 1.5);
    new DataView(floats.buffer).setFloat32(4, -2);
    expect(decodeValue(type('vector<float, 2>'), floats)).toEqual([1.5, -2]);
    expect(decodeValue(type('vector<text, 2>'), concat(Uint8Array.of(1), text('a'), Uint8Array.of(2), text('bc')))).toEqual(['a', 'bc']);
  });
});

describe('parseCqlType', () => {
  it('parses nested, frozen and quoted types', () => {
    expect(type('map<text, frozen<list<int>>>')).toEqual({
      kind: 'map',
      key: { kind: 'native', name: 'text' },
      value: { kind: 'list', element: { kind: 'native', name: 'int' }, frozen: true },
      frozen: false,
    });
    expect(type('vector<float, 3>')).toEqual({ kind: 'vector', element: { kind: 'native', name: 'float' }, dimension: 3 });
    expect(() => type('org.apache.cassandra.db.marshal.DynamicCompositeType')).toThrow('custom type');
    expect(() => type('"Nope"')).toThrow('unknown type "Nope"');
    expect(() => type('map<int')).toThrow('cannot parse type');
  });
});
