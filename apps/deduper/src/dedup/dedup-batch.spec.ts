import { dedupBatch, type RawRecord } from './dedup-batch';
import { DedupWindow } from './dedup-window';

const raw = (offset: number, node: string, id: number, digest = `digest-${id}`): RawRecord => ({
  key: Buffer.from(`ks.t:{"id":${id}}`),
  value: Buffer.from(JSON.stringify({ version: 1, dc: 'dc1', node, segment: 'CommitLog-7-1.log', position: 100, digest, update: { key: { id } } })),
  offset: String(offset),
  headers: { 'meridian.digest': digest },
});

describe('dedupBatch', () => {
  it('passes the first copy of each mutation unchanged, in order, and counts the rest', () => {
    const window = new DedupWindow({ windowMs: 60_000, maxEntries: 100 });
    const batch = [raw(0, 'dc1-n1', 1), raw(1, 'dc1-n2', 1), raw(2, 'dc1-n2', 2), raw(3, 'dc1-n1', 2), raw(4, 'dc1-n1', 3)];
    const outcome = dedupBatch(batch, window, 0);
    expect(outcome.duplicates).toBe(2);
    expect(outcome.events).toEqual([batch[0], batch[2], batch[4]].map((r) => ({ key: r?.key, value: r?.value, headers: r?.headers })));
    expect(outcome.changelog.map((c) => c.digest)).toEqual(['digest-1', 'digest-2', 'digest-3']);
    // A later batch (a reader's re-read after a crash) is recognised too.
    expect(dedupBatch([raw(5, 'dc1-n1', 3)], window, 10).events).toEqual([]);
  });

  it('sets aside, with the reason, what no cdc-reader wrote, and goes on', () => {
    const window = new DedupWindow({ windowMs: 60_000, maxEntries: 100 });
    const bad: RawRecord[] = [
      { key: null, value: Buffer.from('{}'), offset: '0', headers: {} },
      { key: null, value: null, offset: '1', headers: { 'meridian.digest': 'x' } },
    ];
    const outcome = dedupBatch([...bad, raw(2, 'dc1-n1', 1)], window, 0);
    expect(outcome.rejected.map((r) => r.reason)).toEqual(['no meridian.digest header: not written by a cdc-reader', 'no value']);
    expect(outcome.events).toHaveLength(1);
  });
});
