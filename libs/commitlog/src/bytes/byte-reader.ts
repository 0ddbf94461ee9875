import { TruncatedDataError } from '../errors';

const TWO_POW_32 = 4294967296;

/**
 * A cursor over bytes with Cassandra's encodings: big-endian fixed-width integers and
 * VInts (utils/vint/VIntCoding: the count of leading 1 bits of the first byte is the
 * number of extra bytes). Hot path of the decoder: no allocation per read, and 64-bit
 * values stay JavaScript numbers unless they need more than 53 bits.
 */
export class ByteReader {
  private readonly view: DataView;
  offset: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.offset = start;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private need(count: number): number {
    const at = this.offset;
    if (count < 0 || at + count > this.end) throw new TruncatedDataError(at, count);
    this.offset = at + count;
    return at;
  }

  uint8(): number {
    return this.view.getUint8(this.need(1));
  }

  int8(): number {
    return this.view.getInt8(this.need(1));
  }

  uint16(): number {
    return this.view.getUint16(this.need(2));
  }

  int16(): number {
    return this.view.getInt16(this.need(2));
  }

  int32(): number {
    return this.view.getInt32(this.need(4));
  }

  uint32(): number {
    return this.view.getUint32(this.need(4));
  }

  /** A signed 64-bit integer: a number when exactly representable, else a bigint. */
  int64(): number | bigint {
    const at = this.need(8);
    const high = this.view.getInt32(at);
    const low = this.view.getUint32(at + 4);
    if (high >= -0x200000 && high < 0x200000) return high * TWO_POW_32 + low;
    return this.view.getBigInt64(at);
  }

  float32(): number {
    return this.view.getFloat32(this.need(4));
  }

  float64(): number {
    return this.view.getFloat64(this.need(8));
  }

  bytesView(count: number): Uint8Array {
    const at = this.need(count);
    return this.bytes.subarray(at, at + count);
  }

  skip(count: number): void {
    this.need(count);
  }

  /**
   * An unsigned VInt of up to 64 bits. Values below 2^53 come back as numbers; larger
   * ones (rare: e.g. a LIVE deletion's timestamp as a delta) as bigints.
   */
  unsignedVInt(): number | bigint {
    const first = this.view.getUint8(this.need(1));
    if (first < 0x80) return first;
    const extra = Math.clz32(~(first << 24)); // count of leading 1 bits
    const at = this.need(extra);
    if (extra <= 6) {
      let value = first & (0xff >> extra);
      for (let i = 0; i < extra; i++) value = value * 256 + this.bytes[at + i]!;
      return value;
    }
    let value = BigInt(first & (0xff >> extra));
    for (let i = 0; i < extra; i++) value = (value << 8n) | BigInt(this.bytes[at + i]!);
    return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }

  /**
   * readUnsignedVInt32: the writer sign-extends negative ints to 64 bits, so a value in
   * [2^63, 2^64) means a negative int; anything else outside 32 bits is corruption.
   */
  unsignedVInt32(): number {
    const start = this.offset;
    const value = this.unsignedVInt();
    if (typeof value === 'number') {
      if (value <= 0x7fffffff) return value;
      throw new RangeError(`VInt at ${start} does not fit 32 bits: ${value}`);
    }
    const signed = BigInt.asIntN(64, value);
    if (signed < -0x80000000n || signed > 0x7fffffffn) throw new RangeError(`VInt at ${start} does not fit 32 bits: ${value}`);
    return Number(signed);
  }

  /** A zig-zag encoded signed VInt (readVInt). */
  vInt(): number | bigint {
    const raw = this.unsignedVInt();
    if (typeof raw === 'number') return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
    const big = BigInt.asUintN(64, raw);
    const decoded = (big >> 1n) ^ -(big & 1n);
    const signed = BigInt.asIntN(64, decoded);
    return signed >= BigInt(Number.MIN_SAFE_INTEGER) && signed <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(signed) : signed;
  }

  /** `ByteBufferUtil.readWithVIntLength`: an unsigned VInt length, then that many bytes. */
  vIntLengthBytes(): Uint8Array {
    return this.bytesView(this.unsignedVInt32());
  }

  /** `readWithShortLength`: an unsigned 16-bit length, then that many bytes. */
  shortLengthBytes(): Uint8Array {
    return this.bytesView(this.uint16());
  }
}
