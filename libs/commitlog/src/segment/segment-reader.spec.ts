import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CorruptHeaderError, UnsupportedSegmentError } from '../errors';
import { SchemaIndex } from '../schema/schema-index';
import type { SchemaDescription } from '../schema/table-schema';
import { crc32Int } from '../bytes/crc32-int';
import { parseCdcIndex } from './idx-file';
import { readSegment, type SegmentEvent, type SegmentReadOptions, type SegmentReadResult } from './segment-reader';
import { crc32 } from 'node:zlib';

const CORPUS = join(__dirname, '..', '..', 'corpus');

interface ManifestSegment {
  readonly file: string;
  readonly idx: { readonly offset: number };
  readonly idxBeforeDown: { readonly offset: number; readonly completed: boolean };
}

function load(variant: string) {
  const manifest = JSON.parse(readFileSync(join(CORPUS, variant, 'manifest.json'), 'utf8')) as { nodes: { name: string; segments: ManifestSegment[] }[] };
  const node = manifest.nodes[0]!;
  const segment = node.segments[0]!;
  return {
    schema: new SchemaIndex(JSON.parse(readFileSync(join(CORPUS, variant, 'schema.json'), 'utf8')) as SchemaDescription),
    segment,
    bytes: readFileSync(join(CORPUS, variant, node.name, segment.file)),
  };
}

function readAll(bytes: Uint8Array, options: SegmentReadOptions): { events: SegmentEvent[]; result: SegmentReadResult } {
  const events: SegmentEvent[] = [];
  const reader = readSegment(bytes, options);
  for (;;) {
    const step = reader.next();
    if (step.done) return { events, result: step.value };
    events.push(step.value);
  }
}

const positions = (events: readonly SegmentEvent[]) => events.flatMap((e) => (e.kind === 'problem' ? [] : [e.position]));

describe.each(['v7', 'v7-lz4'])('reading a live segment (%s)', (variant) => {
  const { schema, segment, bytes } = load(variant);

  it('stops at the durable offset of the idx, and resumes from there without loss or repeat', () => {
    const whole = readAll(bytes, { schema, segment: segment.file });
    const durable = segment.idxBeforeDown.offset;
    expect(durable).toBeLessThan(whole.result.readUpTo);

    const first = readAll(bytes, { schema, segment: segment.file, durableOffset: durable });
    expect(first.result.readUpTo).toBe(durable);
    expect(first.result.reachedEnd).toBe(false);
    expect(first.events.every((e) => e.kind === 'problem' || e.end <= durable)).toBe(true);

    const rest = readAll(bytes, { schema, segment: segment.file, from: first.result.readUpTo });
    expect([...positions(first.events), ...positions(rest.events)]).toEqual(positions(whole.events));
    expect(whole.result.readUpTo).toBe(segment.idx.offset);
  });
});

describe.each(['v7', 'v8', 'v7-lz4', 'v8-deflate', 'v8-snappy', 'v8-zstd'])('reading a segment in increments (%s)', (variant) => {
  const { schema, segment, bytes } = load(variant);

  it('resumes at the boundary it returned, from only the bytes after it, and yields what a whole read yields', () => {
    const whole = readAll(bytes, { schema, segment: segment.file });
    const durable = segment.idxBeforeDown.offset;
    expect(durable).toBeLessThan(whole.result.readUpTo);
    const first = readAll(bytes, { schema, segment: segment.file, durableOffset: durable });
    const { descriptor, next } = first.result;
    expect(next.logical).toBe(first.result.readUpTo);
    // What the file held when the idx said `durable`: for a compressed segment, what had been written by then.
    const tail = bytes.subarray(next.physical);
    // Cut short inside the next section: the reader of a live segment waits for the rest.
    const cut = readAll(tail.subarray(0, 20), { schema, segment: segment.file, durableOffset: whole.result.readUpTo, resume: { descriptor, at: next } });
    expect(cut.events).toEqual([]);
    expect(cut.result.next).toEqual(next);

    const rest = readAll(tail, { schema, segment: segment.file, resume: { descriptor, at: next } });
    expect([...positions(first.events), ...positions(rest.events)]).toEqual(positions(whole.events));
    expect(rest.result.next).toEqual(whole.result.next);
    expect(rest.result.reachedEnd).toBe(true);
  });
});

describe('parseCdcIndex', () => {
  it('reads the offset, COMPLETED, and nothing from an idx caught mid-rewrite', () => {
    expect(parseCdcIndex('144170')).toEqual({ durableOffset: 144170, completed: false });
    expect(parseCdcIndex('146456\nCOMPLETED')).toEqual({ durableOffset: 146456, completed: true });
    expect(parseCdcIndex('')).toBeUndefined();
    expect(parseCdcIndex('14a')).toBeUndefined();
  });
});

/** A segment header as CommitLogDescriptor.writeHeader lays it out, with parameters of our choosing. */
function header(version: number, parameters: Record<string, unknown>): Uint8Array {
  const json = Buffer.from(JSON.stringify(parameters));
  const bytes = Buffer.alloc(18 + json.length + 8);
  bytes.writeInt32BE(version, 0);
  bytes.writeBigInt64BE(42n, 4);
  bytes.writeUInt16BE(json.length, 12);
  json.copy(bytes, 14);
  let crc = crc32Int(crc32Int(crc32Int(0, version), 42), 0);
  crc = crc32(json, crc32Int(crc, json.length));
  bytes.writeUInt32BE(crc, 14 + json.length);
  return bytes;
}

describe('segments this decoder does not read', () => {
  const schema = new SchemaIndex({ version: 1, tables: [], types: [] });
  const read = (bytes: Uint8Array) => readAll(bytes, { schema, segment: 'CommitLog-7-42.log' });

  it('names an unsupported compressor', () => {
    expect(() => read(header(7, { compressionClass: 'org.example.BrotliCompressor', compressionParameters: {} }))).toThrow(
      new UnsupportedSegmentError('unsupported compression BrotliCompressor (LZ4, Snappy, Deflate and Zstd compressors are read)', 'CommitLog-7-42.log', 0),
    );
  });

  it('says encrypted segments are not supported', () => {
    expect(() => read(header(8, { encCipher: 'AES/CBC/PKCS5Padding', encKeyAlias: 'key' }))).toThrow('encrypted segments are not supported');
  });

  it('rejects a header whose CRC does not match, and a descriptor version it does not know', () => {
    const bad = header(7, {});
    bad[5] = bad[5]! ^ 1;
    expect(() => read(bad)).toThrow(CorruptHeaderError);
    expect(() => read(header(6, {}))).toThrow('descriptor version 6');
  });

  it('reads an empty uncompressed segment as no entries', () => {
    expect(read(header(7, {})).events).toEqual([]);
  });
});
