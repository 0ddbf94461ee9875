import { performance } from 'node:perf_hooks';
import { CassandraUnavailableError, type RowKey, type RowReadOptions } from '@meridian/cassandra';
import type { CqlJson, RowImage } from '@meridian/contracts';
import { FailureNotice } from '@meridian/service';
import type { RowImageReader } from './row-images';
import { errorMessage } from '@meridian/contracts';

/** Where rows are read from: CassandraConnection. */
export interface RowSource {
  readRow(row: RowKey, options: RowReadOptions): Promise<Record<string, CqlJson> | null>;
}

export interface ImageReadFigures {
  /** Every image given, by status, those not tried included. */
  image(status: RowImage['status']): void;
  /** The time of each read tried, in seconds. */
  readSeconds(seconds: number): void;
}

export interface ImageReadSettings {
  readonly timeoutMs: number;
  /** After Cassandra could not answer, how long rows are not tried. */
  readonly pauseMs: number;
}

/**
 * Reads rows back at LOCAL_QUORUM, once each: an event is never held for its image. A read
 * that fails gives a `read_failed` image with the reason. When the failure says Cassandra
 * cannot answer now (no node reachable, too few replicas, a timeout), the reads that come
 * in the next `pauseMs` are not tried and fail at once: with Cassandra down, a batch of
 * thousands of rows would otherwise wait a timeout per handful of rows, and hold back every
 * other table's events behind it. A failure is logged once, and so is the recovery.
 */
export class GuardedImageReader implements RowImageReader {
  private pausedUntil = 0;
  private pauseReason = '';
  private readonly failures: FailureNotice;

  constructor(
    private readonly source: RowSource,
    private readonly settings: ImageReadSettings,
    private readonly figures: ImageReadFigures,
    private readonly warn: (line: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.failures = new FailureNotice(warn);
  }

  async read(row: RowKey): Promise<RowImage> {
    if (this.now() < this.pausedUntil) return this.counted({ status: 'read_failed', reason: `not tried: ${this.pauseReason}` });
    const began = performance.now();
    try {
      const columns = await this.source.readRow(row, { consistency: 'LOCAL_QUORUM', timeoutMs: this.settings.timeoutMs });
      this.figures.readSeconds((performance.now() - began) / 1000);
      if (this.failures.recovered()) this.warn('full-row image reads work again');
      return this.counted(columns ? { status: 'full', columns, ts_ms: this.now() } : { status: 'not_found', ts_ms: this.now() });
    } catch (error) {
      this.figures.readSeconds((performance.now() - began) / 1000);
      const reason = errorMessage(error);
      if (error instanceof CassandraUnavailableError) {
        this.pausedUntil = this.now() + this.settings.pauseMs;
        this.pauseReason = `Cassandra could not answer a read just before (${reason})`;
      }
      this.failures.failed(error, (message) => `full-row images not read, their events say read_failed: ${message}`);
      return this.counted({ status: 'read_failed', reason });
    }
  }

  private counted(image: RowImage): RowImage {
    this.figures.image(image.status);
    return image;
  }
}
