import fc from 'fast-check';
import { type ChangelogEntry, DedupWindow } from './dedup-window';

describe('DedupWindow', () => {
  it('lets the first copy of a digest through and drops the others within the window', () => {
    const window = new DedupWindow({ windowMs: 1000, maxEntries: 10 });
    const changes: ChangelogEntry[] = [];
    expect(window.admit('a', 0, changes)).toBe(false);
    expect(window.admit('a', 500, changes)).toBe(true);
    expect(window.admit('b', 600, changes)).toBe(false);
    expect(changes).toEqual([
      { digest: 'a', seenAtMs: 0 },
      { digest: 'b', seenAtMs: 600 },
    ]);
  });

  it('forgets a digest when its window has passed, with a tombstone for the changelog', () => {
    const window = new DedupWindow({ windowMs: 1000, maxEntries: 10 });
    const changes: ChangelogEntry[] = [];
    window.admit('a', 0, changes);
    window.admit('b', 900, changes);
    expect(window.admit('a', 1000, changes)).toBe(false); // expired at 1000, so seen anew
    expect(changes).toEqual([
      { digest: 'a', seenAtMs: 0 },
      { digest: 'b', seenAtMs: 900 },
      { digest: 'a', seenAtMs: null },
      { digest: 'a', seenAtMs: 1000 },
    ]);
    expect(window.size).toBe(2);
  });

  it('keeps at most maxEntries digests, forgetting the oldest first', () => {
    const window = new DedupWindow({ windowMs: 60_000, maxEntries: 2 });
    const changes: ChangelogEntry[] = [];
    for (const digest of ['a', 'b', 'c']) window.admit(digest, 0, changes);
    expect(window.size).toBe(2);
    expect(changes.at(-1)).toEqual({ digest: 'a', seenAtMs: null });
    expect(window.admit('b', 1, changes)).toBe(true);
    expect(window.admit('a', 1, changes)).toBe(false);
  });

  it('rebuilt from its changelog, decides exactly as the window that wrote it', () => {
    const step = fc.record({ digest: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), advanceMs: fc.integer({ min: 0, max: 400 }) });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.array(step, { maxLength: 30 }), (before, after) => {
        const options = { windowMs: 1000, maxEntries: 4 };
        const original = new DedupWindow(options);
        const changelog: ChangelogEntry[] = [];
        let now = 0;
        for (const { digest, advanceMs } of before) original.admit(digest, (now += advanceMs), changelog);
        const rebuilt = new DedupWindow(options);
        for (const entry of changelog) rebuilt.restore(entry);
        expect(rebuilt.size).toBe(original.size);
        for (const { digest, advanceMs } of after) {
          now += advanceMs;
          expect(rebuilt.admit(digest, now, [])).toBe(original.admit(digest, now, []));
        }
      }),
    );
  });
});
