import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CdcIndex, parseCdcIndex } from '@meridian/commitlog';

export interface CdcSegment {
  /** `CommitLog-7-1763718291234.log` */
  readonly log: string;
  readonly idx: string;
  readonly id: bigint;
}

const IDX_NAME = /^CommitLog-(\d+)-(\d+)_cdc\.idx$/;

/** The segments of cdc_raw that hold CDC data (they have a `_cdc.idx`), oldest first. */
export async function cdcSegments(cdcRawDir: string): Promise<CdcSegment[]> {
  const names = new Set(await readdir(cdcRawDir));
  const segments: CdcSegment[] = [];
  for (const name of names) {
    const match = IDX_NAME.exec(name);
    const log = match ? `CommitLog-${match[1] ?? ''}-${match[2] ?? ''}.log` : undefined;
    if (match && log && names.has(log)) segments.push({ log, idx: name, id: BigInt(match[2] ?? '0') });
  }
  return segments.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * A segment's `_cdc.idx`. Cassandra truncates and rewrites it on every sync, so it can be
 * caught empty: a few quick retries, then undefined (the caller tries on its next poll).
 */
export async function readCdcIndex(path: string): Promise<CdcIndex | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const index = parseCdcIndex(await readFile(path, 'utf8'));
    if (index) return index;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return undefined;
}

export function cdcPath(cdcRawDir: string, name: string): string {
  return join(cdcRawDir, name);
}
