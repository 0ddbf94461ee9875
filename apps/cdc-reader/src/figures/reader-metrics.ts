import { type PartitionUpdate, writetimeMicros } from '@meridian/commitlog';
import type { RawMutationEvent } from '@meridian/contracts';
import type { Metrics } from '@meridian/service';
import type { CdcRawUsage } from '../segments/cdc-files';
import type { PollSummary } from '../segments/cdc-follower';

/** Events per second are averaged over this window, so a heartbeat shows the recent rate. */
const RATE_WINDOW_MS = 10_000;

/** From a few milliseconds (the reader keeping up) to a minute (a backlog after an outage). */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** The reader's figures, on /metrics and in its heartbeats. */
export class ReaderMetrics {
  private readonly events;
  private readonly eventsPerSecond;
  /** Acknowledgements within the rate window: when, and how many. */
  private readonly recent: { atMs: number; events: number }[] = [];
  private readonly bytesRead;
  private readonly problems;
  private readonly droppedTableEntries;
  private readonly segmentsDeleted;
  private readonly schemaRefreshes;
  private readonly backlogBytes;
  private readonly lagSeconds;
  private readonly latency;
  private readonly cdcRawBytes;
  private readonly cdcRawSegments;
  private readonly cdcTotalSpace;
  /** The newest Cassandra writetime Kafka has acknowledged, in ms since the epoch. */
  private newestAcknowledgedMs: number | undefined;

  constructor(
    metrics: Metrics,
    private readonly now: () => number = Date.now,
  ) {
    this.events = metrics.counter('meridian_reader_events_total', 'Raw mutation events acknowledged by Kafka');
    this.eventsPerSecond = metrics.gauge('meridian_reader_events_per_second', `Events acknowledged per second, over the last ${RATE_WINDOW_MS / 1000} s`);
    this.bytesRead = metrics.counter('meridian_reader_bytes_read_total', 'Bytes of commit log read from cdc_raw');
    this.problems = metrics.counter('meridian_reader_problems_total', 'Corrupt or unreadable parts of segments, skipped and reported');
    this.droppedTableEntries = metrics.counter('meridian_reader_dropped_table_entries_total', "Commit log entries skipped because their table is gone from the node's schema (dropped before they were read)");
    this.segmentsDeleted = metrics.counter('meridian_reader_segments_deleted_total', 'Segments read to their end and deleted from cdc_raw');
    this.schemaRefreshes = metrics.counter('meridian_reader_schema_refreshes_total', 'Schema reloads caused by an unknown table or column');
    this.backlogBytes = metrics.gauge('meridian_reader_backlog_bytes', 'Bytes the _cdc.idx files announce that are not read yet');
    this.lagSeconds = metrics.gauge('meridian_reader_lag_seconds', 'While there is a backlog: seconds since the writetime of the newest acknowledged event; 0 when caught up');
    this.latency = metrics.histogram('meridian_reader_latency_seconds', 'Seconds from Cassandra writetime to acknowledgement by Kafka, per event', LATENCY_BUCKETS);
    this.cdcRawBytes = metrics.gauge('meridian_reader_cdc_raw_bytes', "Bytes of the segments in the node's cdc_raw");
    this.cdcRawSegments = metrics.gauge('meridian_reader_cdc_raw_segments', "Segments in the node's cdc_raw");
    this.cdcTotalSpace = metrics.gauge('meridian_reader_cdc_total_space_bytes', "The node's cdc_total_space: cdc_raw's limit, past which Cassandra refuses writes to cdc tables");
  }

  acknowledged(events: readonly RawMutationEvent<PartitionUpdate>[]): void {
    const acknowledgedMs = this.now();
    this.events.inc(events.length);
    this.recent.push({ atMs: acknowledgedMs, events: events.length });
    for (const event of events) {
      const micros = writetimeMicros(event.update);
      if (micros === undefined) continue;
      const writtenMs = Number(micros / 1000n);
      this.latency.observe(Math.max(0, acknowledgedMs - writtenMs) / 1000);
      this.newestAcknowledgedMs = Math.max(this.newestAcknowledgedMs ?? 0, writtenMs);
    }
  }

  polled(summary: PollSummary): void {
    this.bytesRead.inc(summary.bytesRead);
    this.problems.inc(summary.problems);
    this.droppedTableEntries.inc(summary.droppedTableEntries);
    this.segmentsDeleted.inc(summary.deletedSegments);
    if (summary.waitingForSchema) this.schemaRefreshes.inc();
    this.backlogBytes.set(summary.backlogBytes);
    const since = this.now() - RATE_WINDOW_MS;
    while (this.recent.length > 0 && (this.recent[0]?.atMs ?? 0) < since) this.recent.shift();
    this.eventsPerSecond.set(this.recent.reduce((sum, r) => sum + r.events, 0) / (RATE_WINDOW_MS / 1000));
    const behind = summary.backlogBytes > 0 && this.newestAcknowledgedMs !== undefined;
    this.lagSeconds.set(behind ? Math.max(0, this.now() - (this.newestAcknowledgedMs ?? 0)) / 1000 : 0);
  }

  cdcRaw(usage: CdcRawUsage, totalSpaceBytes: number): void {
    this.cdcRawBytes.set(usage.bytes);
    this.cdcRawSegments.set(usage.segments);
    this.cdcTotalSpace.set(totalSpaceBytes);
  }
}
