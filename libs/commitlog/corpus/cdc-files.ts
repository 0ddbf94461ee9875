/**
 * The cdc_raw files as the corpus generator sees them: which segments hold CDC data, their
 * `_cdc.idx`, and whether the last write of a run is in a segment below its durable offset,
 * found with the decoder itself (so the corpus is checked by the code it will test, and
 * the oracle comparison in libs/commitlog then checks the decoder).
 */
import { readdir, readFile } from 'node:fs/promises';
import { parseCdcIndex, readSegment, type SchemaIndex } from '@meridian/commitlog';

/** An index file as the manifest records it. */
export interface CdcIndex {
  /** Durable offset: in a compressed segment, a position in the uncompressed stream. */
  readonly offset: number;
  readonly completed: boolean;
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
    if (parsed) return { offset: parsed.durableOffset, completed: parsed.completed };
    if (attempt >= 50) throw new Error(`${path} stayed empty or unreadable`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The position of the first entry, below `durableOffset`, whose decoded content holds
 * `needle` (a unique text value), or undefined. Problems met while decoding are errors:
 * the generator only copies segments that decode cleanly.
 */
export function entryHolding(bytes: Uint8Array, segment: string, schema: SchemaIndex, durableOffset: number, needle: string): number | undefined {
  const events = readSegment(bytes, { schema, segment, durableOffset });
  for (let step = events.next(); !step.done; step = events.next()) {
    const event = step.value;
    if (event.kind === 'problem') throw event.error;
    if (event.kind === 'mutation' && JSON.stringify(event.updates).includes(needle)) return event.position;
  }
  return undefined;
}
