import type { CassandraConnection } from '@meridian/cassandra';
import { errorMessage } from '@meridian/contracts';

/** The bench table's columns: ~100-byte rows keyed by an increasing id. */
export const ROWS_COLUMNS = '(id bigint PRIMARY KEY, payload text)';
export const ROW_PAYLOAD_BYTES = 100;
const PAYLOAD = 'meridian bench payload '.repeat(5).slice(0, ROW_PAYLOAD_BYTES);
const PROGRESS_MS = 2000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface WriteRun {
  /** Ids written: [fromId, toId). */
  readonly fromId: number;
  readonly toId: number;
  readonly acknowledged: number;
  readonly failed: number;
  readonly seconds: number;
  readonly perSecond: number;
}

/**
 * The benchmarks' load generator: inserts rows with increasing ids at LOCAL_ONE, each
 * acknowledged insert one event to expect downstream. Writes go out from `concurrency`
 * loops, each with one request in flight.
 */
export class RowWriter {
  private nextId = 0;
  /** Ids whose insert failed: Cassandra may or may not have applied them, so no event is expected for them. */
  readonly failed = new Set<number>();
  acknowledged = 0;
  lastError: string | undefined;
  private stopped = false;

  constructor(
    private readonly cassandra: CassandraConnection,
    /** `keyspace.table`, with ROWS_COLUMNS. */
    private readonly table: string,
    private readonly progress: (line: string) => void,
  ) {}

  get issued(): number {
    return this.nextId;
  }

  /** Ends every write loop after its request in flight (a run being stopped writes no more). */
  stop(): void {
    this.stopped = true;
  }

  /** As fast as `concurrency` requests in flight allow, for `seconds`. */
  flatOut(label: string, seconds: number, concurrency: number): Promise<WriteRun> {
    const end = performance.now() + seconds * 1000;
    return this.measure(label, concurrency, () => performance.now() < end);
  }

  /** As fast as `concurrency` requests in flight allow, until `seconds` have passed and `rows` inserts were sent. */
  flatOutAtLeast(label: string, seconds: number, rows: number, concurrency: number): Promise<WriteRun> {
    const end = performance.now() + seconds * 1000;
    const until = this.nextId + rows;
    return this.measure(label, concurrency, () => performance.now() < end || this.nextId < until);
  }

  /** Write k is sent at start + k/rate, so the rate is even; a writer that falls behind sends at once until it is on time again. */
  paced(label: string, rate: number, seconds: number, concurrency: number): Promise<WriteRun> {
    const total = Math.round(rate * seconds);
    const end = performance.now() + seconds * 1000;
    let slot = 0;
    return this.measure(label, concurrency, async (start) => {
      const k = slot++;
      if (k >= total) return false;
      const wait = start + (k * 1000) / rate - performance.now();
      if (wait >= 1) await sleep(wait);
      return performance.now() < end;
    });
  }

  /** Runs `concurrency` loops that each write while `more` says so. */
  private async measure(label: string, concurrency: number, more: (start: number) => boolean | Promise<boolean>): Promise<WriteRun> {
    const fromId = this.nextId;
    const ackedBefore = this.acknowledged;
    const failedBefore = this.failed.size;
    const start = performance.now();
    const ticker = setInterval(() => this.progress(`${label}: ${this.acknowledged - ackedBefore} rows written`), PROGRESS_MS);
    try {
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (!this.stopped && (await more(start))) await this.writeOne();
        }),
      );
    } finally {
      clearInterval(ticker);
    }
    const elapsed = (performance.now() - start) / 1000;
    const acknowledged = this.acknowledged - ackedBefore;
    const failed = this.failed.size - failedBefore;
    if (failed > 0) this.progress(`${label}: ${failed} writes failed, the last with: ${this.lastError ?? '?'}`);
    return { fromId, toId: this.nextId, acknowledged, failed, seconds: elapsed, perSecond: acknowledged / elapsed };
  }

  private async writeOne(): Promise<void> {
    const id = this.nextId++;
    try {
      await this.cassandra.execute(`INSERT INTO ${this.table} (id, payload) VALUES (?, ?)`, [id, `${id} ${PAYLOAD}`.slice(0, ROW_PAYLOAD_BYTES)], 'LOCAL_ONE');
      this.acknowledged++;
    } catch (error) {
      this.failed.add(id);
      this.lastError = errorMessage(error);
    }
  }
}
