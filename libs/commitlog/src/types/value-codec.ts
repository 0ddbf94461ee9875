import { ByteReader } from '../bytes/byte-reader';
import type { CqlType, NativeTypeName } from './cql-type';

/** A CQL value as JSON (see docs/dump-format.md for each type's form). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { readonly [key: string]: JsonValue };

/** Decodes one serialized value (without its length prefix) of `type`. */
export function decodeValue(type: CqlType, bytes: Uint8Array): JsonValue {
  if (bytes.length === 0 && !(type.kind === 'native' && (type.name === 'text' || type.name === 'ascii' || type.name === 'blob'))) return null;
  switch (type.kind) {
    case 'native':
      return decodeNative(type.name, bytes);
    case 'list':
    case 'set':
      return decodeElements(bytes, (element) => decodeValue(type.element, element));
    case 'map': {
      const reader = new ByteReader(bytes);
      const count = reader.int32();
      const pairs: JsonValue[] = [];
      for (let i = 0; i < count; i++) {
        const key = nullableValue(reader);
        const value = nullableValue(reader);
        pairs.push([key === null ? null : decodeValue(type.key, key), value === null ? null : decodeValue(type.value, value)]);
      }
      return pairs;
    }
    case 'tuple':
      return decodeFields(bytes, type.elements.length, (i, field) => decodeValue(type.elements[i]!, field));
    case 'udt': {
      const values = decodeFields(bytes, type.fields.length, (i, field) => decodeValue(type.fields[i]!.type, field));
      return Object.fromEntries(type.fields.map((field, i) => [field.name, values[i] ?? null]));
    }
    case 'vector':
      return decodeVector(type.element, type.dimension, bytes);
  }
}

/** An int32 length (negative: null) and that many bytes, as inside frozen collections, tuples and UDTs. */
function nullableValue(reader: ByteReader): Uint8Array | null {
  const length = reader.int32();
  return length < 0 ? null : reader.bytesView(length);
}

function decodeElements(bytes: Uint8Array, decode: (element: Uint8Array) => JsonValue): JsonValue[] {
  const reader = new ByteReader(bytes);
  const count = reader.int32();
  const out: JsonValue[] = [];
  for (let i = 0; i < count; i++) {
    const element = nullableValue(reader);
    out.push(element === null ? null : decode(element));
  }
  return out;
}

/** Tuple and UDT values: a value per field in order, possibly fewer than the type has (missing = null). */
function decodeFields(bytes: Uint8Array, count: number, decode: (index: number, field: Uint8Array) => JsonValue): JsonValue[] {
  const reader = new ByteReader(bytes);
  const out: JsonValue[] = [];
  for (let i = 0; i < count; i++) {
    if (reader.remaining === 0) {
      out.push(null);
      continue;
    }
    const field = nullableValue(reader);
    out.push(field === null ? null : decode(i, field));
  }
  return out;
}

function decodeVector(element: CqlType, dimension: number, bytes: Uint8Array): JsonValue[] {
  const reader = new ByteReader(bytes);
  const size = fixedElementLength(element);
  const out: JsonValue[] = [];
  for (let i = 0; i < dimension; i++) out.push(decodeValue(element, size >= 0 ? reader.bytesView(size) : reader.vIntLengthBytes()));
  return out;
}

function fixedElementLength(type: CqlType): number {
  if (type.kind !== 'native') return -1;
  const lengths: Partial<Record<NativeTypeName, number>> = { boolean: 1, int: 4, float: 4, bigint: 8, double: 8, timestamp: 8, uuid: 16, timeuuid: 16 };
  return lengths[type.name] ?? -1;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

function decodeNative(name: NativeTypeName, bytes: Uint8Array): JsonValue {
  const reader = new ByteReader(bytes);
  switch (name) {
    case 'text':
    case 'ascii':
      return utf8.decode(bytes);
    case 'blob':
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
    case 'boolean':
      return bytes[0] !== 0;
    case 'int':
      return reader.int32();
    case 'smallint':
      return reader.int16();
    case 'tinyint':
      return reader.int8();
    case 'bigint':
      return String(reader.int64());
    case 'float':
      return finite(reader.float32());
    case 'double':
      return finite(reader.float64());
    case 'varint':
      return varint(bytes).toString();
    case 'decimal': {
      const scale = reader.int32();
      return javaBigDecimalString(varint(reader.bytesView(reader.remaining)), scale);
    }
    case 'uuid':
    case 'timeuuid':
      return uuidString(bytes);
    case 'timestamp':
      return isoTimestamp(reader.int64());
    case 'date':
      return isoDate(reader.uint32() - 2 ** 31);
    case 'time':
      return timeOfDay(reader.int64());
    case 'inet':
      return inetString(bytes);
    case 'duration': {
      const months = reader.vInt();
      const days = reader.vInt();
      const nanoseconds = reader.vInt();
      return { months: Number(months), days: Number(days), nanoseconds: String(nanoseconds) };
    }
    case 'counter':
      return counterTotal(bytes);
  }
}

function finite(value: number): number | string {
  if (Number.isFinite(value)) return value;
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

/** Two's complement big-endian integer of any length (Java's BigInteger bytes). */
export function varint(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  const unsigned = BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`);
  return (bytes[0]! & 0x80) !== 0 ? unsigned - (1n << BigInt(bytes.length * 8)) : unsigned;
}

/** Java's `BigDecimal.toString()`: plain when the exponent allows, else scientific (`1E+3`). */
export function javaBigDecimalString(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  const adjusted = -scale + (digits.length - 1);
  let body: string;
  if (scale >= 0 && adjusted >= -6) {
    if (scale === 0) body = digits;
    else if (digits.length > scale) body = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
    else body = `0.${'0'.repeat(scale - digits.length)}${digits}`;
  } else {
    const mantissa = digits.length > 1 ? `${digits[0] ?? ''}.${digits.slice(1)}` : digits;
    body = `${mantissa}E${adjusted >= 0 ? '+' : ''}${adjusted}`;
  }
  return negative ? `-${body}` : body;
}

/** Canonical lower-case UUID text of 16 bytes. */
export function uuidString(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Proleptic Gregorian date of a day count from 1970-01-01 (Howard Hinnant's civil_from_days). */
function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Java's `LocalDate.toString()`: 4-digit years, `+` beyond 9999, `-` before year 0. */
export function isoDate(epochDay: number): string {
  const { year, month, day } = civilFromDays(epochDay);
  const yearText = year > 9999 ? `+${year}` : year < 0 ? `-${pad(-year, 4)}` : pad(year, 4);
  return `${yearText}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** JavaScript's `Date.toISOString()`, extended past its range with the same year format. */
export function isoTimestamp(millis: number | bigint): string {
  const ms = typeof millis === 'bigint' ? millis : BigInt(millis);
  const dayMs = 86_400_000n;
  let days = ms / dayMs;
  let rest = ms % dayMs;
  if (rest < 0n) {
    rest += dayMs;
    days -= 1n;
  }
  const { year, month, day } = civilFromDays(Number(days));
  const msOfDay = Number(rest);
  const yearText = year >= 0 && year <= 9999 ? pad(year, 4) : `${year < 0 ? '-' : '+'}${pad(Math.abs(year), 6)}`;
  const h = Math.floor(msOfDay / 3_600_000);
  const m = Math.floor(msOfDay / 60_000) % 60;
  const s = Math.floor(msOfDay / 1000) % 60;
  return `${yearText}-${pad(month, 2)}-${pad(day, 2)}T${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(msOfDay % 1000, 3)}Z`;
}

function timeOfDay(nanos: number | bigint): string {
  const n = BigInt(nanos);
  const seconds = n / 1_000_000_000n;
  const fraction = n % 1_000_000_000n;
  const h = seconds / 3600n;
  const m = (seconds / 60n) % 60n;
  const s = seconds % 60n;
  return `${pad(Number(h), 2)}:${pad(Number(m), 2)}:${pad(Number(s), 2)}.${pad(Number(fraction), 9)}`;
}

/** IPv4 dotted; IPv6 as Java's `getHostAddress()`: 8 hex groups, no zero compression. */
function inetString(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length !== 16) throw new RangeError(`an inet value has 4 or 16 bytes, not ${bytes.length}`);
  const reader = new ByteReader(bytes);
  const groups: string[] = [];
  for (let i = 0; i < 8; i++) groups.push(reader.uint16().toString(16));
  return groups.join(':');
}

/**
 * A counter cell holds a counter context (db/context/CounterContext): an int16 header
 * length, that many int16 header entries, then 32-byte shards (16-byte counter id,
 * int64 clock, int64 count). The counter's value is the sum of the shards' counts.
 */
function counterTotal(bytes: Uint8Array): string {
  const reader = new ByteReader(bytes);
  const headerEntries = Math.abs(reader.int16());
  reader.skip(headerEntries * 2);
  let total = 0n;
  while (reader.remaining >= 32) {
    reader.skip(16 + 8);
    total += BigInt(reader.int64());
  }
  return BigInt.asIntN(64, total).toString();
}
