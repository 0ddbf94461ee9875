import { compressorOf, logicalStream, lz4Inflate, parseCdcIndex, parseSegmentHeader } from './cdc-files';

function header(version: number, id: bigint, parameters: object): Buffer {
  const json = Buffer.from(JSON.stringify(parameters), 'utf8');
  const out = Buffer.alloc(14 + json.length + 4);
  out.writeInt32BE(version, 0);
  out.writeBigInt64BE(id, 4);
  out.writeUInt16BE(json.length, 12);
  json.copy(out, 14);
  return out; // CRC left zero: not checked here
}

/** A literal-only LZ4 block with Cassandra's little-endian length prefix. */
function lz4Literals(content: Buffer): Buffer {
  const n = content.length;
  const prefix = Buffer.alloc(4);
  prefix.writeInt32LE(n, 0);
  const lengthBytes: number[] = [];
  if (n >= 15) {
    let rest = n - 15;
    while (rest >= 255) {
      lengthBytes.push(255);
      rest -= 255;
    }
    lengthBytes.push(rest);
  }
  return Buffer.concat([prefix, Buffer.from([Math.min(n, 15) << 4, ...lengthBytes]), content]);
}

describe('parseCdcIndex', () => {
  it('reads the offset and the COMPLETED mark', () => {
    expect(parseCdcIndex('1234')).toEqual({ offset: 1234, completed: false });
    expect(parseCdcIndex('1234\nCOMPLETED')).toEqual({ offset: 1234, completed: true });
  });

  it('treats an empty file as not yet readable, and refuses anything else', () => {
    expect(parseCdcIndex('')).toBeUndefined();
    expect(() => parseCdcIndex('12x')).toThrow('not a _cdc.idx');
  });
});

describe('parseSegmentHeader', () => {
  it('reads version, id, parameters and where the first sync marker is', () => {
    const bytes = header(8, 1763718291234n, { compressionClass: 'org.apache.cassandra.io.compress.LZ4Compressor', compressionParameters: {} });
    const parsed = parseSegmentHeader(bytes);
    expect(parsed.version).toBe(8);
    expect(parsed.id).toBe(1763718291234n);
    expect(parsed.length).toBe(bytes.length);
    expect(compressorOf(parsed)).toBe('LZ4Compressor');
    expect(compressorOf(parseSegmentHeader(header(7, 1n, {})))).toBeUndefined();
  });
});

describe('lz4Inflate', () => {
  it('copies literals, including lengths of 15 and more', () => {
    const content = Buffer.from('x'.repeat(300) + 'tail', 'utf8');
    expect(lz4Inflate(lz4Literals(content), content.length)).toEqual(content);
  });

  it('copies overlapping back-references byte by byte', () => {
    // "abc", then a 9-byte match at offset 3 ("abcabcabc"), then the literals "xyz!!".
    const block = Buffer.from([17, 0, 0, 0, 0x35, ...Buffer.from('abc'), 3, 0, 0x50, ...Buffer.from('xyz!!')]);
    expect(lz4Inflate(block, 17).toString()).toBe('abcabcabcabcxyz!!');
  });

  it('refuses a block that disagrees with its section', () => {
    expect(() => lz4Inflate(lz4Literals(Buffer.from('abc')), 4)).toThrow('LZ4 block says 3 bytes, the section 4');
    expect(() => lz4Inflate(Buffer.from([4, 0, 0, 0, 0x10, 0x61, 9, 0]), 4)).toThrow('LZ4 match offset 9 at output 1');
  });
});

describe('logicalStream', () => {
  it('cuts an uncompressed segment at the limit', () => {
    const file = Buffer.concat([header(7, 5n, {}), Buffer.alloc(100, 1)]);
    expect(logicalStream(file, 40)).toEqual(file.subarray(0, 40));
  });

  it('inflates LZ4 sections into the positions the idx counts in', () => {
    const head = header(7, 5n, { compressionClass: 'LZ4Compressor', compressionParameters: {} });
    const contents = [Buffer.from('first mutation bytes'), Buffer.from('second')];
    const sections: Buffer[] = [];
    let position = head.length;
    for (const content of contents) {
      const block = lz4Literals(content);
      const marker = Buffer.alloc(12);
      marker.writeInt32BE(position + 12 + block.length, 0);
      marker.writeInt32BE(0x1234, 4);
      marker.writeInt32BE(content.length, 8);
      sections.push(marker, block);
      position += 12 + block.length;
    }
    const file = Buffer.concat([head, ...sections, Buffer.alloc(8)]);
    const stream = logicalStream(file, Number.MAX_SAFE_INTEGER);
    // header, then per section its 8-byte marker and the inflated content
    expect(stream.length).toBe(head.length + 8 + contents[0]!.length + 8 + contents[1]!.length);
    expect(stream.subarray(head.length + 8, head.length + 8 + contents[0]!.length).toString()).toBe('first mutation bytes');
    expect(stream.subarray(stream.length - 6).toString()).toBe('second');
    // a limit inside the first section stops after it
    expect(logicalStream(file, head.length + 1).length).toBe(head.length + 8 + contents[0]!.length);
  });
});
