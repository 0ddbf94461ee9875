import { copyFile, mkdir, open, readdir, readFile, stat } from 'node:fs/promises';
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

/** The bytes of a file from `start` up to `end` (or its end), as far as the file has them. */
export async function readRange(path: string, start: number, end?: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const length = Math.max(0, (end ?? (await handle.stat()).size) - start);
    const buffer = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await handle.read(buffer, filled, length - filled, start + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/** Copies files of cdc_raw into another directory (created if needed), replacing older copies. */
export async function copyAside(cdcRawDir: string, names: readonly string[], toDir: string): Promise<void> {
  await mkdir(toDir, { recursive: true });
  for (const name of names) await copyFile(join(cdcRawDir, name), join(toDir, name));
}

export interface CdcRawUsage {
  readonly segments: number;
  /** What the segments take on disk, as Cassandra counts it against cdc_total_space. */
  readonly bytes: number;
}

export async function cdcRawUsage(cdcRawDir: string): Promise<CdcRawUsage> {
  const segments = (await readdir(cdcRawDir)).filter((name) => name.endsWith('.log'));
  let bytes = 0;
  for (const name of segments) {
    try {
      bytes += (await stat(join(cdcRawDir, name))).size;
    } catch {
      // deleted since the listing
    }
  }
  return { segments: segments.length, bytes };
}
