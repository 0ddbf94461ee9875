/**
 * Decompresses one LZ4 block (the raw block format, no frame), as Cassandra's
 * LZ4Compressor writes after its 4-byte little-endian length. Written here because it
 * is twenty lines on the decoder's hot path and the maintained LZ4 packages for Node
 * are native addons; the format is LZ4's block specification.
 */
export function decompressLz4Block(source: Uint8Array, start: number, end: number, output: Uint8Array): number {
  let ip = start;
  let op = 0;
  const outEnd = output.length;
  while (ip < end) {
    const token = source[ip++]!;
    let literals = token >>> 4;
    if (literals === 15) {
      let more: number;
      do {
        if (ip >= end) throw new RangeError('LZ4: literal length runs past the input');
        more = source[ip++]!;
        literals += more;
      } while (more === 255);
    }
    if (ip + literals > end || op + literals > outEnd) throw new RangeError('LZ4: literals run past the input or output');
    output.set(source.subarray(ip, ip + literals), op);
    ip += literals;
    op += literals;
    if (ip >= end) break; // the last sequence has literals only
    if (ip + 2 > end) throw new RangeError('LZ4: truncated match offset');
    const offset = source[ip]! | (source[ip + 1]! << 8);
    ip += 2;
    if (offset === 0 || offset > op) throw new RangeError(`LZ4: match offset ${offset} outside the output`);
    let length = token & 15;
    if (length === 15) {
      let more: number;
      do {
        if (ip >= end) throw new RangeError('LZ4: match length runs past the input');
        more = source[ip++]!;
        length += more;
      } while (more === 255);
    }
    length += 4;
    if (op + length > outEnd) throw new RangeError('LZ4: match runs past the output');
    let from = op - offset;
    if (offset >= length) {
      output.copyWithin(op, from, from + length);
      op += length;
    } else {
      // Overlapping match: the bytes repeat with period `offset`.
      for (let i = 0; i < length; i++) output[op++] = output[from++]!;
    }
  }
  return op;
}
