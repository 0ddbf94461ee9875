import type { PartitionUpdate } from '@meridian/commitlog';
import { RAW_MUTATION_VERSION, type RawMutationEvent } from '@meridian/contracts';
import { Metrics } from '@meridian/service';
import { ReaderMetrics } from './reader-metrics';

const writtenAt = Date.UTC(2026, 0, 1);
const event = (writtenMs: number): RawMutationEvent<PartitionUpdate> => ({
  version: RAW_MUTATION_VERSION,
  dc: 'dc1',
  node: 'dc1-n1',
  segment: 'CommitLog-7-1.log',
  position: 10,
  digest: 'd',
  update: {
    segment: 'CommitLog-7-1.log',
    position: 10,
    keyspace: 'ks',
    table: 't',
    tableId: 'id',
    key: { id: 1 },
    partitionDeletion: null,
    staticRow: null,
    rows: [{ clustering: {}, liveness: { timestamp: String(writtenMs * 1000) }, deletion: null, cells: {} }],
    rangeTombstones: [],
  },
});

describe('ReaderMetrics', () => {
  it('times each event from its writetime to the acknowledgement, and reports lag only while behind', async () => {
    let now = writtenAt + 120;
    const metrics = new Metrics({ service: 'cdc-reader', dc: 'dc1', instance: 'dc1-n1' });
    const figures = new ReaderMetrics(metrics, () => now);
    figures.acknowledged([event(writtenAt), event(writtenAt + 20)]);
    now = writtenAt + 2000;
    figures.polled({ events: 2, deletedSegments: 0, problems: 1, bytesRead: 4096, backlogBytes: 500, waitingForSchema: false, droppedTableEntries: 0 });
    let values = await metrics.figures();
    expect(values['meridian_reader_events_total']).toBe(2);
    expect(values['meridian_reader_latency_seconds_count']).toBe(2);
    expect(values['meridian_reader_latency_seconds_sum']).toBeCloseTo(0.12 + 0.1, 6);
    expect(values['meridian_reader_lag_seconds']).toBeCloseTo(1.98, 6); // newest acknowledged write was 1.98 s ago
    expect(values['meridian_reader_problems_total']).toBe(1);
    expect(values['meridian_reader_backlog_bytes']).toBe(500);
    expect(values['meridian_reader_events_per_second']).toBeCloseTo(0.2, 6); // 2 events in the last 10 s

    now = writtenAt + 20_000;
    figures.polled({ events: 0, deletedSegments: 1, problems: 0, bytesRead: 0, backlogBytes: 0, waitingForSchema: false, droppedTableEntries: 0 });
    values = await metrics.figures();
    expect(values['meridian_reader_events_per_second']).toBe(0);
    expect(values['meridian_reader_lag_seconds']).toBe(0);
    expect(values['meridian_reader_segments_deleted_total']).toBe(1);
    expect(await metrics.text()).toContain('meridian_reader_latency_seconds_bucket{le="0.25",service="cdc-reader",dc="dc1",instance="dc1-n1"} 2');
  });
});
