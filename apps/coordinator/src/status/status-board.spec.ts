import { HEARTBEAT_VERSION, type Heartbeat } from '@meridian/contracts';
import { StatusBoard } from './status-board';

const T0 = Date.parse('2026-11-21T10:00:00Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

function heartbeat(overrides: Partial<Heartbeat> & Pick<Heartbeat, 'component' | 'instance'>, atMs: number): Heartbeat {
  return { version: HEARTBEAT_VERSION, dc: 'dc1', state: 'running', problems: [], startedAt: at(-60_000), at: at(atMs), intervalMs: 5000, figures: {}, ...overrides };
}

describe('StatusBoard', () => {
  it('derives events/s and mean latency from the last two heartbeats, summing a counter over its labels', () => {
    const board = new StatusBoard();
    const publisher = { component: 'publisher', instance: 'p1' };
    board.record(heartbeat({ ...publisher, figures: { 'meridian_publisher_events_total{destination="a"}': 100, 'meridian_publisher_events_total{destination="b"}': 50, meridian_publisher_latency_seconds_count: 150, meridian_publisher_latency_seconds_sum: 3 } }, 0));
    board.record(heartbeat({ ...publisher, figures: { 'meridian_publisher_events_total{destination="a"}': 400, 'meridian_publisher_events_total{destination="b"}': 250, meridian_publisher_latency_seconds_count: 650, meridian_publisher_latency_seconds_sum: 8 } }, 5000));
    const [status] = board.components(T0 + 6000);
    // (700 - 150) events over 5 s; (8 - 3) s over (650 - 150) events.
    expect(status).toMatchObject({ component: 'publisher', instance: 'p1', state: 'running', eventsPerSecond: 100, latencyMs: 10, lagSeconds: null, secondsSinceHeartbeat: 1 });
  });

  it('has no rate from a single heartbeat, nor across a restart (counters start again)', () => {
    const board = new StatusBoard();
    const deduper = { component: 'deduper', instance: 'd1' };
    board.record(heartbeat({ ...deduper, figures: { meridian_deduper_events_out_total: 1000 } }, 0));
    expect(board.components(T0 + 1000)[0]?.eventsPerSecond).toBeNull();
    board.record(heartbeat({ ...deduper, startedAt: at(4000), figures: { meridian_deduper_events_out_total: 10 } }, 5000));
    expect(board.components(T0 + 6000)[0]?.eventsPerSecond).toBeNull();
    board.record(heartbeat({ ...deduper, startedAt: at(4000), figures: { meridian_deduper_events_out_total: 60 } }, 10_000));
    expect(board.components(T0 + 11_000)[0]?.eventsPerSecond).toBe(10);
  });

  it('marks a component stale after three missed intervals, and stopped after its last heartbeat said so', () => {
    const board = new StatusBoard();
    board.record(heartbeat({ component: 'cdc-reader', instance: 'dc1-n1', figures: { meridian_reader_lag_seconds: 2.5 } }, 0));
    board.record(heartbeat({ component: 'deduper', instance: 'd1', state: 'stopping' }, 0));
    expect(board.components(T0 + 15_000).map((c) => [c.instance, c.state, c.lagSeconds])).toEqual([
      ['dc1-n1', 'running', 2.5],
      ['d1', 'stopped', null],
    ]);
    expect(board.components(T0 + 15_001).map((c) => [c.instance, c.state, c.lagSeconds])).toEqual([
      ['dc1-n1', 'stale', null],
      ['d1', 'stopped', null],
    ]);
    // A stopped component is listed for an hour; a stale one until it comes back.
    expect(board.components(T0 + 3_600_001).map((c) => c.instance)).toEqual(['dc1-n1']);
  });

  it('keeps the newest heartbeat when an older one is handed over again', () => {
    const board = new StatusBoard();
    const reader = { component: 'cdc-reader', instance: 'dc1-n1' };
    board.record(heartbeat({ ...reader, state: 'degraded', problems: ['kafka: down'] }, 5000));
    board.record(heartbeat(reader, 0));
    expect(board.components(T0 + 5000)[0]).toMatchObject({ state: 'degraded', problems: ['kafka: down'], lastHeartbeat: at(5000) });
  });
});
