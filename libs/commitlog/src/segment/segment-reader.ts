import { crc32, inflateSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import { uncompress as snappyUncompress } from 'snappyjs';
import { decompressLz4Block } from '../compression/lz4-block';
import { CommitLogError, CorruptEntryError, CorruptSyncMarkerError, UnsupportedSegmentError } from '../errors';
import { decodeMutation } from '../mutation/mutation-decoder';
import type { PartitionUpdate } from '../mutation/partition-update';
import type { SchemaIndex } from '../schema/schema-index';
import { crc32Int } from '../bytes/crc32-int';
import { readDescriptor, type SegmentDescriptor } from './descriptor';

const SYNC_MARKER_SIZE = 8;
/** Cassandra's sanity floor for an entry (CASSANDRA-2128). */
const MIN_ENTRY_SIZE = 10;

export interface SegmentReadOptions {
  readonly schema: SchemaIndex;
  /** The segment's file name, for positions in errors and output. */
  readonly segment: string;
  /** Resume: entries starting before this position are not decoded. */
  readonly from?: number;
  /**
   * The durable offset of the segment's `_cdc.idx`: only sync sections that end at or
   * before it are read, since bytes past it may still change. Leave undefined for a
   * COMPLETED segment, or one read offline, to read all it holds.
   */
  readonly durableOffset?: number;
  /**
   * Continue an earlier read of this segment at the boundary it returned as `next`:
   * `bytes` then holds the file from `resume.at.physical` on, not from its start, so a
   * live segment is read in the increments its idx announces instead of whole each time.
   */
  readonly resume?: { readonly descriptor: SegmentDescriptor; readonly at: SectionBoundary };
}

/** A sync marker's place: in the file, and in the logical positions entries and `_cdc.idx` use (they differ when compressed). */
export interface SectionBoundary {
  readonly physical: number;
  readonly logical: number;
}

export type SegmentEvent =
  | { readonly kind: 'mutation'; readonly position: number; readonly end: number; readonly updates: PartitionUpdate[] }
  /** An entry of a table (or, with `column`, a column) the schema does not know: refresh the schema and read it again. */
  | { readonly kind: 'unknown-table'; readonly position: number; readonly end: number; readonly tableId: string; readonly column?: string }
  /** Something skipped: an entry with a bad CRC, an unknown table, an unparseable mutation, a corrupt marker. */
  | { readonly kind: 'problem'; readonly error: CommitLogError };

export interface SegmentReadResult {
  readonly descriptor: SegmentDescriptor;
  /** Where the next read should start: the end of the last sync section read (a logical offset). */
  readonly readUpTo: number;
  /** The same place as `readUpTo`, with its offset in the file: pass it as `resume.at` to read on. */
  readonly next: SectionBoundary;
  /** True when the reader met the end of the segment's data (an end marker), not just the durable offset. */
  readonly reachedEnd: boolean;
}

interface Section {
  /** Logical offset of the section's first data byte. */
  readonly start: number;
  /** Logical offset just past the data: the next sync marker. */
  readonly end: number;
  readonly data: Uint8Array;
  /** Offset of `data[0]` in logical positions (data may be a slice of the file or a decompressed buffer). */
  readonly base: number;
}

/**
 * Reads a commit log segment's entries, section by section (CommitLogSegmentReader and
 * CommitLogReader.readSection): sync markers and entries are CRC-checked, and each
 * problem is reported and skipped as narrowly as the format allows: a bad entry CRC skips
 * that entry, a bad size CRC the rest of its section, a bad sync marker the rest of the
 * segment. Positions are logical offsets, the ones `_cdc.idx` uses.
 */
export function* readSegment(bytes: Uint8Array, options: SegmentReadOptions): Generator<SegmentEvent, SegmentReadResult> {
  const descriptor = options.resume?.descriptor ?? readDescriptor(bytes, options.segment);
  const decompress = decompressorFor(descriptor, options.segment);
  const limit = options.durableOffset ?? Number.POSITIVE_INFINITY;
  const start = options.resume?.at ?? { physical: descriptor.headerLength, logical: descriptor.headerLength };
  // File offset of bytes[0]: 0 for a whole file, the resume boundary for an increment.
  const offset = options.resume ? start.physical : 0;
  const file = { bytes, offset, end: offset + bytes.length };
  let physical = start.physical;
  let logical = start.logical;
  let readUpTo = start;
  let reachedEnd = false;

  for (;;) {
    if (physical > file.end - SYNC_MARKER_SIZE) {
      reachedEnd = options.durableOffset === undefined;
      break;
    }
    const marker = syncMarker(file, physical, descriptor);
    if (marker.kind === 'end') {
      reachedEnd = true;
      break;
    }
    // A live segment's last section may be on its way to the file: read it next time.
    if (marker.kind === 'beyond' && options.durableOffset !== undefined) break;
    if (marker.kind !== 'section') {
      const reason = marker.kind === 'beyond' ? `sync marker points past the end of the file (next ${marker.next}, file ${file.end} bytes)` : marker.reason;
      yield { kind: 'problem', error: new CorruptSyncMarkerError(reason, options.segment, logical) };
      break;
    }
    // A section wholly before the resume point was read before: skip it unread.
    const logicalEnd = decompress ? logical + SYNC_MARKER_SIZE + sectionLength(file, physical) : marker.next;
    if (options.from !== undefined && logicalEnd <= options.from && logicalEnd <= limit) {
      physical = marker.next;
      logical = logicalEnd;
      readUpTo = { physical, logical };
      continue;
    }
    let section: Section;
    try {
      section = decompress
        ? compressedSection(file, physical, marker.next, logical, decompress)
        : { start: physical + SYNC_MARKER_SIZE, end: marker.next, data: bytes, base: offset };
    } catch (error) {
      yield { kind: 'problem', error: new CorruptSyncMarkerError(`cannot decompress the section: ${String(error)}`, options.segment, logical) };
      break;
    }
    // Sections past the durable offset may still be rewritten; leave them for a later read.
    if (section.end > limit) break;
    yield* sectionEntries(section, descriptor, options);
    physical = marker.next;
    logical = section.end;
    readUpTo = { physical, logical };
  }
  return { descriptor, readUpTo: readUpTo.logical, next: readUpTo, reachedEnd };
}

/** The bytes at hand: the whole file, or the part of it from `offset` on. */
interface FileWindow {
  readonly bytes: Uint8Array;
  readonly offset: number;
  /** File offset just past `bytes`. */
  readonly end: number;
}

type Marker = { kind: 'section'; next: number } | { kind: 'end' } | { kind: 'beyond'; next: number } | { kind: 'corrupt'; reason: string };

/** CommitLogSegmentReader.readSyncMarker: next-marker offset and a CRC over (id, offset). */
function syncMarker(file: FileWindow, at: number, descriptor: SegmentDescriptor): Marker {
  const view = new DataView(file.bytes.buffer, file.bytes.byteOffset + at - file.offset, SYNC_MARKER_SIZE);
  const next = view.getInt32(0);
  const claimed = view.getUint32(4);
  let crc = crc32Int(0, Number(descriptor.id & 0xffffffffn) | 0);
  crc = crc32Int(crc, Number((descriptor.id >> 32n) & 0xffffffffn) | 0);
  crc = crc32Int(crc, at);
  if (crc !== claimed) {
    if (next === 0 && claimed === 0) return { kind: 'end' }; // never written: the end of the data
    return { kind: 'corrupt', reason: `sync marker CRC mismatch (next ${next})` };
  }
  if (next < at + SYNC_MARKER_SIZE) return { kind: 'corrupt', reason: `sync marker points backwards (next ${next})` };
  if (next > file.end) return { kind: 'beyond', next };
  return { kind: 'section', next };
}

type Decompress = (compressed: Uint8Array, uncompressedLength: number) => Uint8Array;

function decompressorFor(descriptor: SegmentDescriptor, segment: string): Decompress | undefined {
  switch (descriptor.compression) {
    case undefined:
      return undefined;
    case 'LZ4Compressor':
      return (compressed, length) => {
        // LZ4 expands at most 255:1; a larger claim is corruption, not a reason to allocate it.
        if (length > compressed.length * 255 + 64) throw new RangeError(`section claims ${length} bytes from ${compressed.length} compressed`);
        // LZ4Compressor prefixes its block with the uncompressed length, little-endian.
        const declared = new DataView(compressed.buffer, compressed.byteOffset, 4).getInt32(0, true);
        if (declared !== length) throw new RangeError(`LZ4 block declares ${declared} bytes, the section ${length}`);
        const out = new Uint8Array(length);
        const written = decompressLz4Block(compressed, 4, compressed.length, out);
        if (written !== length) throw new RangeError(`LZ4 block decompressed to ${written} bytes, not ${length}`);
        return out;
      };
    case 'SnappyCompressor':
      // SnappyCompressor writes a raw Snappy block (Snappy.rawCompress), no framing.
      return (compressed, length) => {
        const out = snappyUncompress(compressed, length);
        if (out.length !== length) throw new RangeError(`Snappy block decompressed to ${out.length} bytes, not ${length}`);
        return out;
      };
    case 'ZstdCompressor':
      // ZstdCompressor writes one zstd frame (Zstd.compress).
      return (compressed, length) => {
        const out = zstdDecompress(compressed, new Uint8Array(length));
        if (out.length !== length) throw new RangeError(`zstd frame decompressed to ${out.length} bytes, not ${length}`);
        return out;
      };
    case 'DeflateCompressor':
      return (compressed, length) => {
        const out = inflateSync(compressed, { maxOutputLength: Math.max(1, length) });
        if (out.length !== length) throw new RangeError(`inflated to ${out.length} bytes, not ${length}`);
        return out;
      };
    default:
      throw new UnsupportedSegmentError(`unsupported compression ${descriptor.compression} (LZ4, Snappy, Deflate and Zstd compressors are read)`, segment, 0);
  }
}

/** The uncompressed length a compressed section declares, right after its sync marker. */
function sectionLength(file: FileWindow, at: number): number {
  if (at + SYNC_MARKER_SIZE + 4 > file.end) return 0;
  return Math.max(0, new DataView(file.bytes.buffer, file.bytes.byteOffset + at - file.offset + SYNC_MARKER_SIZE, 4).getInt32(0));
}

/** A compressed section: after the marker, the uncompressed length, then the compressor's output up to the next marker. */
function compressedSection(file: FileWindow, at: number, next: number, logical: number, decompress: Decompress): Section {
  const local = at - file.offset;
  const view = new DataView(file.bytes.buffer, file.bytes.byteOffset + local + SYNC_MARKER_SIZE, 4);
  const length = view.getInt32(0);
  if (length < 0) throw new RangeError(`negative section length ${length}`);
  // The section written as a segment closes may be empty; DeflateCompressor then writes
  // no bytes at all, which no inflater accepts as a stream.
  const data = length === 0 ? new Uint8Array(0) : decompress(file.bytes.subarray(local + SYNC_MARKER_SIZE + 4, next - file.offset), length);
  const start = logical + SYNC_MARKER_SIZE;
  return { start, end: start + length, data, base: start };
}

/** CommitLogReader.readSection: size, CRC of the size, mutation, CRC of size and mutation. */
function* sectionEntries(section: Section, descriptor: SegmentDescriptor, options: SegmentReadOptions): Generator<SegmentEvent> {
  const { data, base } = section;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let position = section.start;
  while (section.end - position >= 4) {
    const at = position - base;
    const size = view.getInt32(at);
    if (size === 0) return; // zero padding: nothing more in this section
    if (size < MIN_ENTRY_SIZE || position + 12 + size > section.end) {
      if (section.end - position < 8 || !sizeCrcMatches(view, at, size)) {
        yield problem(new CorruptEntryError(`invalid entry size ${size}`, options.segment, position));
      } else {
        yield problem(new CorruptEntryError(`entry of ${size} bytes runs past its section (ends at ${section.end})`, options.segment, position));
      }
      return;
    }
    if (!sizeCrcMatches(view, at, size)) {
      yield problem(new CorruptEntryError('entry size CRC mismatch', options.segment, position));
      return;
    }
    const body = data.subarray(at + 8, at + 8 + size);
    const claimed = view.getUint32(at + 8 + size);
    const end = position + 12 + size;
    if (crc32(body, crc32Int(0, size)) !== claimed) {
      yield problem(new CorruptEntryError('entry CRC mismatch', options.segment, position));
    } else if (options.from === undefined || position >= options.from) {
      try {
        const decoded = decodeMutation(body, { schema: options.schema, segment: options.segment, position, messagingVersion: descriptor.messagingVersion });
        yield decoded.kind === 'updates'
          ? { kind: 'mutation', position, end, updates: decoded.updates }
          : { kind: 'unknown-table', position, end, tableId: decoded.tableId, ...(decoded.column === undefined ? {} : { column: decoded.column }) };
      } catch (error) {
        if (!(error instanceof CommitLogError)) throw error;
        yield problem(error);
      }
    }
    position = end;
  }
}

function sizeCrcMatches(view: DataView, at: number, size: number): boolean {
  return crc32Int(0, size) === view.getUint32(at + 4);
}

function problem(error: CommitLogError): SegmentEvent {
  return { kind: 'problem', error };
}
