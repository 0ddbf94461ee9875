import { types } from 'cassandra-driver';
import { decodeValue, type NativeTypeName } from '@meridian/commitlog';
import type { CqlJson } from '@meridian/contracts';

/**
 * A CQL type as the driver describes it, in result metadata and table metadata: a code of
 * `types.dataTypes` and, for collections, tuples and UDTs, what they hold.
 */
export interface DriverType {
  readonly code: types.dataTypes;
  readonly info?: unknown;
}

const { dataTypes } = types;

/**
 * A value as the driver returns it, as the JSON the commit log decoder gives for the same
 * value (libs/commitlog/docs/dump-format.md), so that a row read back and a write decoded
 * from the commit log say the same thing. Each driver class that has a serialized form is
 * turned back into those bytes and decoded by the commit log decoder itself, rather than
 * formatted a second time here. `type` (from the result metadata) names the fields of a
 * UDT, whose missing trailing fields the driver leaves out and the decoder gives as null.
 *
 * Non-frozen collections and UDTs come out in their frozen form (a list or set as an
 * array, a map as [key, value] pairs, a UDT as an object): a read returns the whole
 * value, not the cells it was written as.
 */
export function toCqlJson(value: unknown, type?: DriverType): CqlJson {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (value instanceof types.Long) return value.toString();
  if (value instanceof types.Integer) return decoded('varint', types.Integer.toBuffer(value));
  if (value instanceof types.BigDecimal) return decoded('decimal', types.BigDecimal.toBuffer(value));
  if (value instanceof types.Uuid) return decoded('uuid', value.getBuffer());
  if (value instanceof types.InetAddress) return decoded('inet', value.getBuffer());
  if (value instanceof types.LocalDate) return decoded('date', value.toBuffer());
  if (value instanceof types.LocalTime) return decoded('time', value.toBuffer());
  if (value instanceof types.Duration) return decoded('duration', value.toBuffer());
  if (value instanceof Date) {
    // The driver makes a Date of the milliseconds, which holds ±8.64e15 ms; beyond that the value is lost.
    if (Number.isNaN(value.getTime())) throw new RangeError('a timestamp beyond what the driver can read (more than 275,760 years from 1970)');
    const bytes = Buffer.alloc(8);
    bytes.writeBigInt64BE(BigInt(value.getTime()));
    return decoded('timestamp', bytes);
  }
  if (value instanceof types.Tuple) {
    const elements = Array.isArray(type?.info) ? (type.info as DriverType[]) : [];
    return Array.from({ length: value.length }, (_, i) => toCqlJson(value.elements[i], elements[i]));
  }
  if (value instanceof types.Vector) return value.elements.map((element: unknown) => toCqlJson(element));
  if (value instanceof Map) {
    const [keyType, valueType] = Array.isArray(type?.info) ? (type.info as DriverType[]) : [];
    return [...value].map(([k, v]) => [toCqlJson(k, keyType), toCqlJson(v, valueType)]);
  }
  if (Array.isArray(value) || value instanceof Set) {
    const elementType = isDriverType(type?.info) ? type.info : undefined;
    return [...(value as Iterable<unknown>)].map((element) => toCqlJson(element, elementType));
  }
  if (isPlainObject(value)) {
    const fields = udtFields(type);
    if (fields) return Object.fromEntries(fields.map((field) => [field.name, toCqlJson(value[field.name], field.type)]));
    return Object.fromEntries(Object.entries(value).map(([name, field]) => [name, toCqlJson(field)]));
  }
  throw new TypeError(`cannot map a ${describe(value)} read from Cassandra to JSON`);
}

/**
 * The driver value for a JSON value of `type`, as a change event or the commit log's dump
 * writes it: how a key decoded from the commit log is bound to a query. The inverse of
 * toCqlJson for every type a primary key can hold.
 */
export function fromCqlJson(json: CqlJson, type: DriverType): unknown {
  if (json === null) return null;
  const fail = (): never => {
    throw new TypeError(`${JSON.stringify(json)} is not a CQL value of type ${typeName(type)}`);
  };
  switch (type.code) {
    case dataTypes.ascii:
    case dataTypes.text:
    case dataTypes.varchar:
      return typeof json === 'string' ? json : fail();
    case dataTypes.boolean:
      return typeof json === 'boolean' ? json : fail();
    case dataTypes.int:
    case dataTypes.smallint:
    case dataTypes.tinyint:
      return typeof json === 'number' && Number.isInteger(json) ? json : fail();
    case dataTypes.float:
    case dataTypes.double:
      return typeof json === 'number' ? json : json === 'NaN' || json === 'Infinity' || json === '-Infinity' ? Number(json) : fail();
    case dataTypes.bigint:
    case dataTypes.counter:
      return typeof json === 'string' && /^-?[0-9]+$/.test(json) ? types.Long.fromString(json) : fail();
    case dataTypes.varint:
      return typeof json === 'string' && /^-?[0-9]+$/.test(json) ? types.Integer.fromString(json) : fail();
    case dataTypes.decimal:
      return typeof json === 'string' ? (decimal(json) ?? fail()) : fail();
    case dataTypes.blob:
      return typeof json === 'string' ? Buffer.from(json, 'base64') : fail();
    case dataTypes.uuid:
      return typeof json === 'string' ? types.Uuid.fromString(json) : fail();
    case dataTypes.timeuuid:
      return typeof json === 'string' ? types.TimeUuid.fromString(json) : fail();
    case dataTypes.inet:
      return typeof json === 'string' ? types.InetAddress.fromString(json) : fail();
    case dataTypes.timestamp: {
      const date = typeof json === 'string' ? new Date(json) : undefined;
      return date && !Number.isNaN(date.getTime()) ? date : fail();
    }
    case dataTypes.date: {
      const days = typeof json === 'string' ? epochDay(json) : undefined;
      // As days since 1970-01-01, the form that also holds dates beyond a JS Date's range.
      return days === undefined ? fail() : types.LocalDate.fromString(String(days));
    }
    case dataTypes.time:
      return typeof json === 'string' && /^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}$/.test(json) ? types.LocalTime.fromString(json) : fail();
    case dataTypes.duration: {
      if (!isPlainObject(json) || typeof json['months'] !== 'number' || typeof json['days'] !== 'number' || typeof json['nanoseconds'] !== 'string') return fail();
      return new types.Duration(json['months'], json['days'], types.Long.fromString(json['nanoseconds']));
    }
    case dataTypes.list:
    case dataTypes.set:
      return isArray(json) && isDriverType(type.info) ? json.map((element) => fromCqlJson(element, type.info as DriverType)) : fail();
    case dataTypes.map: {
      const [keyType, valueType] = Array.isArray(type.info) ? (type.info as DriverType[]) : [];
      if (!isArray(json) || !keyType || !valueType) return fail();
      return new Map(json.map((pair) => (isArray(pair) && pair.length === 2 ? [fromCqlJson(pair[0] ?? null, keyType), fromCqlJson(pair[1] ?? null, valueType)] : fail())));
    }
    case dataTypes.tuple: {
      const elements = Array.isArray(type.info) ? (type.info as DriverType[]) : [];
      if (!isArray(json) || json.length !== elements.length) return fail();
      return types.Tuple.fromArray(elements.map((element, i) => fromCqlJson(json[i] ?? null, element)));
    }
    case dataTypes.udt: {
      const fields = udtFields(type);
      if (!isPlainObject(json) || !fields) return fail();
      return Object.fromEntries(fields.map((field) => [field.name, fromCqlJson(json[field.name] ?? null, field.type)]));
    }
    default:
      return fail();
  }
}

function decoded(name: NativeTypeName, bytes: Uint8Array): CqlJson {
  return decodeValue({ kind: 'native', name }, bytes);
}

/** Java's BigDecimal.toString() (`-12.50`, `1E+3`, `1.5E-7`) as the driver's BigDecimal. */
function decimal(text: string): types.BigDecimal | undefined {
  const match = /^(-?)([0-9]+)(?:\.([0-9]+))?(?:E([+-]?[0-9]+))?$/.exec(text);
  if (!match) return undefined;
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  const scale = Buffer.alloc(4);
  scale.writeInt32BE(fraction.length - Number(exponent));
  return types.BigDecimal.fromBuffer(Buffer.concat([scale, types.Integer.toBuffer(types.Integer.fromString(`${sign}${whole}${fraction}`))]));
}

/** Days from 1970-01-01 of a proleptic Gregorian `[+-]YYYY-MM-DD` (Howard Hinnant's days_from_civil). */
function epochDay(text: string): number | undefined {
  const match = /^([+-]?[0-9]{4,})-([0-9]{2})-([0-9]{2})$/.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function udtFields(type: DriverType | undefined): { name: string; type: DriverType }[] | undefined {
  if (type?.code !== dataTypes.udt || !isPlainObject(type.info)) return undefined;
  const fields = type.info['fields'];
  return Array.isArray(fields) ? (fields as { name: string; type: DriverType }[]) : undefined;
}

function isArray(json: CqlJson): json is readonly CqlJson[] {
  return Array.isArray(json);
}

function isDriverType(value: unknown): value is DriverType {
  return isPlainObject(value) && typeof value['code'] === 'number';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function typeName(type: DriverType): string {
  return Object.entries(dataTypes).find(([, code]) => code === type.code)?.[0] ?? `code ${type.code}`;
}

function describe(value: unknown): string {
  return typeof value === 'object' && value !== null ? ((value as { constructor?: { name?: string } }).constructor?.name ?? 'object') : typeof value;
}
