import { crc32 } from 'node:zlib';
import { crc32Int } from './crc32-int';

describe('crc32Int', () => {
  it.each([0, 1, -1, 0x7fffffff, -0x80000000, 123456789])('matches zlib over the big-endian bytes of %p, also continued', (value) => {
    const bytes = Buffer.alloc(4);
    bytes.writeInt32BE(value);
    expect(crc32Int(0, value)).toBe(crc32(bytes));
    expect(crc32Int(crc32Int(0, 7), value)).toBe(crc32(bytes, crc32(Buffer.from([0, 0, 0, 7]))));
  });
});
