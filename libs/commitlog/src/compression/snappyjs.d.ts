// snappyjs ships no types; this is the one function the decoder uses.
declare module 'snappyjs' {
  /** Decompresses a raw Snappy block; throws when its declared length exceeds `maxLength`. */
  export function uncompress(compressed: Uint8Array, maxLength?: number): Uint8Array;
}
