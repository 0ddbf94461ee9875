/**
 * Run by bench/pipeline/run.ts as a child process with `--expose-gc`: fills one deduper
 * DedupWindow with random SHA-256 hex digests (as the raw events carry them) and prints,
 * as JSON on stdout, how much V8 heap the window holds per entry.
 *
 *   node --expose-gc --conditions=@meridian/source --import tsx bench/pipeline/dedup-memory.ts [keys]
 */
import { createHash, randomBytes } from 'node:crypto';
import { type ChangelogEntry, DedupWindow } from '../../apps/deduper/src/dedup/dedup-window';

export interface DedupMemory {
  readonly keys: number;
  readonly heapUsedDeltaBytes: number;
  readonly bytesPerEntry: number;
  readonly mibPerMillionKeys: number;
  readonly rssDeltaBytes: number;
  readonly fillSeconds: number;
}

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('global.gc is not available: run with node --expose-gc');
  // Twice: the first pass may only promote what the second frees.
  gc();
  gc();
}

function measure(keys: number): DedupMemory {
  const salt = randomBytes(16);
  collect();
  const before = process.memoryUsage();
  const began = performance.now();
  // Never full and never expiring within the fill, so every digest stays.
  const window = new DedupWindow({ windowMs: 24 * 3600 * 1000, maxEntries: keys + 1 });
  const changes: ChangelogEntry[] = [];
  const now = Date.now();
  for (let i = 0; i < keys; i++) {
    window.admit(createHash('sha256').update(salt).update(String(i)).digest('hex'), now, changes);
    // The changelog entries are the batch's, sent and dropped after each transaction: not the window's cost.
    changes.length = 0;
  }
  const fillSeconds = (performance.now() - began) / 1000;
  collect();
  const after = process.memoryUsage();
  if (window.size !== keys) throw new Error(`the window holds ${window.size} digests, not ${keys}`);
  const heapUsedDeltaBytes = after.heapUsed - before.heapUsed;
  return {
    keys,
    heapUsedDeltaBytes,
    bytesPerEntry: heapUsedDeltaBytes / keys,
    mibPerMillionKeys: heapUsedDeltaBytes / 2 ** 20 / (keys / 1e6),
    rssDeltaBytes: after.rss - before.rss,
    fillSeconds,
  };
}

const keys = Number(process.argv[2] ?? 1_000_000);
if (!Number.isInteger(keys) || keys <= 0) {
  process.stderr.write(`dedup-memory: the key count must be a positive integer, got ${JSON.stringify(process.argv[2])}\n`);
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(measure(keys))}\n`);
