import { dedupBatch, type RawRecord } from './dedup-batch';
import { DedupWindow } from './dedup-window';

const update = (id: number) => ({
  segment: 'CommitLog-7-1.log',
  position: 100,
  keyspace: 'ks',
  table: 't',
  tableId: 'x',
  key: { id },
  partitionDeletion: null,
  staticRow: null,
  rows: [{ clustering: {}, liveness: { timestamp: '1700000000000000' }, deletion: null, cells: {} }],
  rangeTombstones: [],
});
const raw = (offset: number, node: string, id: number, digest = `digest-${id}`): RawRecord => ({
  key: Buffer.from(`ks.t:{"id":${id}}`),
  value: Buffer.from(JSON.stringify({ version: 1, dc: 'dc1', node, segment: 'CommitLog-7-1.log', position: 100, digest, update: update(id) })),
  offset: String(offset),
});

describe('dedupBatch', () => {
  it('passes the first copy of each mutation, in order, and counts the rest', () => {
    const window = new DedupWindow({ windowMs: 60_000, maxEntries: 100 });
    const outcome = dedupBatch([raw(0, 'dc1-n1', 1), raw(1, 'dc1-n2', 1), raw(2, 'dc1-n2', 2), raw(3, 'dc1-n1', 2), raw(4, 'dc1-n1', 3)], window, 0);
    expect(outcome.duplicates).toBe(2);
    expect(outcome.events.map((e) => e.key)).toEqual(['ks.t:{"id":1}', 'ks.t:{"id":2}', 'ks.t:{"id":3}']);
    const first = JSON.parse(outcome.events[1]!.value) as Record<string, unknown>;
    expect(first).toMatchObject({ version: 1, dc: 'dc1', digest: 'digest-2', writetimeUs: '1700000000000000', source: { node: 'dc1-n2', position: 100 } });
    expect(outcome.changelog.map((c) => c.digest)).toEqual(['digest-1', 'digest-2', 'digest-3']);
    // A later batch (a reader's re-read after a crash) is recognised too.
    expect(dedupBatch([raw(5, 'dc1-n1', 3)], window, 10).events).toEqual([]);
  });

  it('sets aside what is not a raw mutation event, with the reason, and goes on', () => {
    const window = new DedupWindow({ windowMs: 60_000, maxEntries: 100 });
    const bad = [
      { key: null, value: Buffer.from('not json'), offset: '0' },
      { key: null, value: Buffer.from(JSON.stringify({ version: 9, digest: 'x' })), offset: '1' },
      { key: null, value: null, offset: '2' },
    ];
    const outcome = dedupBatch([...bad, raw(3, 'dc1-n1', 1)], window, 0);
    expect(outcome.rejected.map((r) => r.reason)).toEqual(['the value is not JSON', 'unknown raw event version 9 (this deduper reads 1)', 'no value']);
    expect(outcome.events).toHaveLength(1);
  });
});
