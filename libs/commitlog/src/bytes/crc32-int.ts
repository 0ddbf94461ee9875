/**
 * CRC-32 (the zlib polynomial, as java.util.zip.CRC32) of one big-endian int, continued
 * from `crc`: FBUtilities.updateChecksumInt. Sizes and sync markers are checksummed four
 * bytes at a time, too often to pay for a native call and a buffer each time.
 */
const TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLE[n] = c;
}

export function crc32Int(crc: number, value: number): number {
  let c = ~crc;
  c = TABLE[(c ^ (value >>> 24)) & 0xff]! ^ (c >>> 8);
  c = TABLE[(c ^ (value >>> 16)) & 0xff]! ^ (c >>> 8);
  c = TABLE[(c ^ (value >>> 8)) & 0xff]! ^ (c >>> 8);
  c = TABLE[(c ^ value) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
