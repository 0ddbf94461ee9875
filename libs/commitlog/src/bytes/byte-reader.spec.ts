import { ByteReader } from './byte-reader';
import { TruncatedDataError } from '../errors';

/** VIntCoding.writeUnsignedVInt, written independently for the test: leading 1 bits count extra bytes. */
function encodeUnsigned(value: bigint): Uint8Array {
  const v = BigInt.asUintN(64, value);
  for (let extra = 0; extra <= 8; extra++) {
    const bits = extra === 8 ? 64 : 7 + 7 * extra;
    if (v < 1n << BigInt(bits)) {
      const out = new Uint8Array(extra + 1);
      let rest = v;
      for (let i = extra; i >= 1; i--) {
        out[i] = Number(rest & 0xffn);
        rest >>= 8n;
      }
      const prefix = extra === 0 ? 0 : (0xff << (8 - extra)) & 0xff;
      out[0] = prefix | Number(rest);
      return out;
    }
  }
  throw new Error('unreachable');
}

const zigzag = (v: bigint) => BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));

describe('ByteReader VInts', () => {
  it.each([0n, 1n, 127n, 128n, 16383n, 16384n, 2n ** 49n - 1n, 2n ** 49n, 2n ** 53n + 7n, 2n ** 64n - 1n])('reads unsigned %p back', (value) => {
    const read = new ByteReader(encodeUnsigned(value)).unsignedVInt();
    expect(BigInt(read)).toBe(value <= BigInt(Number.MAX_SAFE_INTEGER) ? value : value);
    expect(typeof read).toBe(value <= BigInt(Number.MAX_SAFE_INTEGER) ? 'number' : 'bigint');
  });

  it('reads a negative int written sign-extended (9 bytes) as that int', () => {
    const bytes = encodeUnsigned(BigInt.asUintN(64, -5n));
    expect(bytes).toHaveLength(9);
    expect(new ByteReader(bytes).unsignedVInt32()).toBe(-5);
  });

  it('rejects a 32-bit VInt that does not fit an int', () => {
    expect(() => new ByteReader(encodeUnsigned(2n ** 31n)).unsignedVInt32()).toThrow('does not fit 32 bits');
  });

  it.each([0n, -1n, 1n, -64n, 63n, -(2n ** 40n), 2n ** 62n, -(2n ** 63n)])('reads zig-zag %p back', (value) => {
    expect(BigInt(new ByteReader(encodeUnsigned(zigzag(value))).vInt())).toBe(value);
  });

  it('says where it ran out of bytes', () => {
    const reader = new ByteReader(Uint8Array.of(0xff, 1, 2));
    expect(() => reader.unsignedVInt()).toThrow(TruncatedDataError);
    expect(() => new ByteReader(Uint8Array.of(1, 2, 3)).int32()).toThrow('needed 4 byte(s) at offset 0');
  });

  it('reads 64-bit integers exactly, as bigints beyond 2^53', () => {
    const bytes = new Uint8Array(16);
    const view = new DataView(bytes.buffer);
    view.setBigInt64(0, -(2n ** 63n));
    view.setBigInt64(8, 1700000000000000n);
    const reader = new ByteReader(bytes);
    expect(reader.int64()).toBe(-(2n ** 63n));
    expect(reader.int64()).toBe(1700000000000000);
  });
});
