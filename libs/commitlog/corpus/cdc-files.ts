/**
 * Just enough of the CDC files for the corpus generator to check what it copies: the
 * `_cdc.idx` text, a segment's header, and its sync sections (inflated when LZ4
 * compressed), so that it can tell whether a value lies below the durable offset.
 * The decoder proper is libs/commitlog; this is a self-check, kept apart from it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface CdcIndex {
  /** Durable offset: in a compressed segment, a position in the uncompressed stream. */
  readonly offset: number;
  readonly completed: boolean;
}

/** `<offset>` or `<offset>\nCOMPLETED`; undefined for a file caught while Cassandra rewrites it (empty). */
export function parseCdcIndex(text: string): CdcIndex | undefined {
  const match = /^(\d+)(?:\r?\n(COMPLETED))?\s*$/.exec(text);
  if (!match) {
    if (text.trim() === '') return undefined;
    throw new Error(`not a _cdc.idx: ${JSON.stringify(text.slice(0, 80))}`);
  }
  return { offset: Number(match[1]), completed: match[2] === 'COMPLETED' };
}

export interface CdcSegmentFiles {
  /** `CommitLog-7-1763718291234.log` */
  readonly log: string;
  /** `CommitLog-7-1763718291234_cdc.idx` */
  readonly idx: string;
  readonly id: string;
}

const IDX_NAME = /^CommitLog-(\d+)-(\d+)_cdc\.idx$/;

/** The segments of a cdc_raw directory that hold CDC data: those with an index file. */
export async function cdcSegments(cdcRawDir: string): Promise<CdcSegmentFiles[]> {
  const names = await readdir(cdcRawDir);
  return names
    .flatMap((name) => {
      const match = IDX_NAME.exec(name);
      if (!match) return [];
      const log = `CommitLog-${match[1] ?? ''}-${match[2] ?? ''}.log`;
      return names.includes(log) ? [{ log, idx: name, id: match[2] ?? '' }] : [];
    })
    .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
}

/** Reads an index file, retrying while it is caught empty mid-rewrite. */
export async function readCdcIndex(path: string): Promise<CdcIndex> {
  for (let attempt = 0; ; attempt++) {
    const parsed = parseCdcIndex(await readFile(path, 'utf8'));
    if (parsed) return parsed;
    if (attempt >= 50) throw new Error(`${path} stayed empty`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface SegmentHeader {
  readonly version: number;
  readonly id: bigint;
  /** The header's JSON parameters: `compressionClass` and `compressionParameters` when compressed. */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** Header length, where the first sync marker is (in the file and in the uncompressed stream). */
  readonly length: number;
}

/** The descriptor at the start of a segment: i32 version, i64 id, u16 length, JSON, i32 CRC (not checked here). */
export function parseSegmentHeader(bytes: Buffer): SegmentHeader {
  if (bytes.length < 18) throw new Error(`segment too short for a header (${bytes.length} bytes)`);
  const version = bytes.readInt32BE(0);
  const id = bytes.readBigInt64BE(4);
  const jsonLength = bytes.readUInt16BE(12);
  const end = 14 + jsonLength + 4;
  if (bytes.length < end) throw new Error(`segment header claims ${jsonLength} bytes of parameters, the file is ${bytes.length} bytes`);
  const parameters = JSON.parse(bytes.subarray(14, 14 + jsonLength).toString('utf8')) as Record<string, unknown>;
  return { version, id, parameters, length: end };
}

/** The compressor's short name (`LZ4Compressor`), or undefined for an uncompressed segment. */
export function compressorOf(header: SegmentHeader): string | undefined {
  const name = header.parameters['compressionClass'];
  if (name === undefined) return undefined;
  if (typeof name !== 'string') throw new Error(`compressionClass is not a string: ${JSON.stringify(name)}`);
  return name.slice(name.lastIndexOf('.') + 1);
}

/**
 * The segment's uncompressed stream up to `limit` (the idx offset): header, then each
 * sync section's 8-byte marker and content, at the positions `_cdc.idx` counts in.
 * Uncompressed segments are that stream already; LZ4 sections are inflated. Sections
 * past the limit are left out.
 */
export function logicalStream(file: Buffer, limit: number): Buffer {
  const header = parseSegmentHeader(file);
  const compressor = compressorOf(header);
  if (compressor === undefined) return file.subarray(0, Math.min(limit, file.length));
  if (compressor !== 'LZ4Compressor') throw new Error(`cannot inflate ${compressor} sections (only LZ4)`);
  const parts: Buffer[] = [file.subarray(0, header.length)];
  let logical = header.length;
  let physical = header.length;
  while (physical + 12 <= file.length && logical < limit) {
    const next = file.readInt32BE(physical);
    if (next === 0) break;
    if (next <= physical || next > file.length) throw new Error(`sync marker at ${physical} points to ${next} in a ${file.length}-byte file`);
    const length = file.readInt32BE(physical + 8);
    const content = lz4Inflate(file.subarray(physical + 12, next), length);
    parts.push(file.subarray(physical, physical + 8), content);
    logical += 8 + length;
    physical = next;
  }
  return Buffer.concat(parts);
}

/**
 * Cassandra's LZ4Compressor output: a little-endian i32 uncompressed length, then one raw
 * LZ4 block (sequences of literals and back-references; the last has literals only).
 */
export function lz4Inflate(block: Buffer, expectedLength: number): Buffer {
  if (block.length < 4) throw new Error('LZ4 block shorter than its length prefix');
  const length = block.readInt32LE(0);
  if (length !== expectedLength) throw new Error(`LZ4 block says ${length} bytes, the section ${expectedLength}`);
  const out = Buffer.alloc(length);
  let i = 4;
  let o = 0;
  const byte = (): number => {
    const b = block[i++];
    if (b === undefined) throw new Error('LZ4 block ends in the middle of a sequence');
    return b;
  };
  const extended = (n: number): number => {
    if (n !== 15) return n;
    for (;;) {
      const b = byte();
      n += b;
      if (b !== 255) return n;
    }
  };
  while (i < block.length) {
    const token = byte();
    const literals = extended(token >>> 4);
    if (i + literals > block.length || o + literals > length) throw new Error('LZ4 literals overrun');
    block.copy(out, o, i, i + literals);
    i += literals;
    o += literals;
    if (i >= block.length) break; // the last sequence: literals only
    const offset = byte() | (byte() << 8);
    if (offset === 0 || offset > o) throw new Error(`LZ4 match offset ${offset} at output ${o}`);
    const matchLength = extended(token & 15) + 4;
    if (o + matchLength > length) throw new Error('LZ4 match overrun');
    for (let k = 0; k < matchLength; k++, o++) out[o] = out[o - offset] ?? 0; // byte by byte: matches may overlap
  }
  if (o !== length) throw new Error(`LZ4 block inflated to ${o} bytes, not ${length}`);
  return out;
}

/** Where `needle` first occurs in the segment's uncompressed stream below `limit`, or -1. */
export async function findBelow(cdcRawDir: string, segment: CdcSegmentFiles, needle: Buffer, limit: number): Promise<number> {
  const stream = logicalStream(await readFile(join(cdcRawDir, segment.log)), limit);
  const at = stream.indexOf(needle);
  return at >= 0 && at + needle.length <= limit ? at : -1;
}
