import { decompressLz4Block } from './lz4-block';

describe('decompressLz4Block', () => {
  it('copies literals and expands an overlapping match', () => {
    // token 0x33: 3 literals "abc", then a match of 3+4=7 at offset 3 ("abcabca"), then 1 literal "!"
    const block = Uint8Array.of(0x33, 0x61, 0x62, 0x63, 0x03, 0x00, 0x10, 0x21);
    const out = new Uint8Array(11);
    expect(decompressLz4Block(block, 0, block.length, out)).toBe(11);
    expect(new TextDecoder().decode(out)).toBe('abcabcabca!');
  });

  it('reads long literal lengths', () => {
    const literals = new Uint8Array(300).fill(7);
    const block = Uint8Array.of(0xf0, 255, 30, ...literals); // 15 + 255 + 30 = 300
    const out = new Uint8Array(300);
    expect(decompressLz4Block(block, 0, block.length, out)).toBe(300);
    expect(out.every((b) => b === 7)).toBe(true);
  });

  it('rejects a match offset outside what was written', () => {
    const block = Uint8Array.of(0x10, 0x61, 0x05, 0x00);
    expect(() => decompressLz4Block(block, 0, block.length, new Uint8Array(10))).toThrow('match offset 5 outside the output');
  });
});
