import { crc32 } from 'node:zlib';
import { ByteReader } from '../bytes/byte-reader';
import { CorruptHeaderError, UnsupportedSegmentError } from '../errors';

export const DESCRIPTOR_VERSION_40 = 7;
export const DESCRIPTOR_VERSION_50 = 8;

/** The longest header there can be (version, id, a parameters string of at most 65535 bytes, CRC): reading this much of a segment always gets its descriptor. */
export const MAX_HEADER_LENGTH = 4 + 8 + 2 + 0xffff + 4;

export interface SegmentDescriptor {
  /** 7 (Cassandra 4.x format, 5.0's default) or 8 (5.0 with storage_compatibility_mode NONE). */
  readonly version: number;
  /** The segment id, also in its file name. */
  readonly id: bigint;
  /** Commit log compressor class (short name), or undefined when uncompressed. */
  readonly compression: string | undefined;
  /** Offset of the first sync marker. */
  readonly headerLength: number;
  /** Messaging version the mutations are serialized with. */
  readonly messagingVersion: number;
}

/** CommitLogDescriptor.readHeader: version, id, JSON parameters, and a CRC over them. */
export function readDescriptor(bytes: Uint8Array, segment: string): SegmentDescriptor {
  const reader = new ByteReader(bytes);
  let version: number;
  let id: bigint;
  let parameters: Uint8Array;
  let claimed: number;
  try {
    version = reader.int32();
    id = new DataView(bytes.buffer, bytes.byteOffset + 4, 8).getBigInt64(0);
    reader.skip(8);
    const length = reader.uint16();
    parameters = reader.bytesView(length);
    claimed = reader.uint32();
  } catch {
    throw new CorruptHeaderError(`the header is truncated (${bytes.length} bytes)`, segment, 0);
  }
  let crc = crc32(intBytes(version));
  crc = crc32(intBytes(Number(id & 0xffffffffn) | 0), crc);
  crc = crc32(intBytes(Number((id >> 32n) & 0xffffffffn) | 0), crc);
  crc = crc32(intBytes(parameters.length), crc);
  crc = crc32(parameters, crc);
  if (crc !== claimed) throw new CorruptHeaderError('header CRC mismatch', segment, 0);
  if (version !== DESCRIPTOR_VERSION_40 && version !== DESCRIPTOR_VERSION_50) {
    throw new UnsupportedSegmentError(`descriptor version ${version} (only 7 and 8, Cassandra 4.0 to 5.0, are read)`, segment, 0);
  }
  let params: Record<string, unknown>;
  try {
    params = parameters.length === 0 ? {} : (JSON.parse(Buffer.from(parameters).toString('utf8')) as Record<string, unknown>);
  } catch {
    throw new CorruptHeaderError('the header parameters are not JSON', segment, 14);
  }
  if (Object.keys(params).some((key) => key.startsWith('enc'))) throw new UnsupportedSegmentError('encrypted segments are not supported', segment, 0);
  const compressionClass = params['compressionClass'];
  return {
    version,
    id,
    compression: typeof compressionClass === 'string' ? compressionClass.slice(compressionClass.lastIndexOf('.') + 1) : undefined,
    headerLength: reader.offset,
    messagingVersion: version === DESCRIPTOR_VERSION_50 ? 13 : 12,
  };
}

/** A big-endian int32, as FBUtilities.updateChecksumInt feeds integers to CRC32. */
export function intBytes(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setInt32(0, value | 0);
  return bytes;
}
