import { type PartitionEnds, StallWatch } from './stall-watch';

const ends = (figures: Record<string, PartitionEnds>) => (topic: string, partition: number) => figures[`${topic}/${partition}`];
const at = (committed: number | null, end: number, start = 0): PartitionEnds => ({ committed: committed === null ? null : BigInt(committed), start: BigInt(start), end: BigInt(end) });

describe('StallWatch', () => {
  it('judges a member stalled once records have waited on a partition it owns for the stall time without it moving', () => {
    const watch = new StallWatch(30_000);
    watch.assigned([{ topic: 't', partition: 0 }], 0);
    expect(watch.judge(ends({ 't/0': at(10, 50) }), 29_999)).toBeUndefined();
    expect(watch.judge(ends({ 't/0': at(10, 50) }), 30_000)).toBe('no progress on t/0 for 30 s with 40 offset(s) waiting (at 10, end 50)');
  });

  it('does not judge a member stalled that keeps moving, or that has nothing left to fetch', () => {
    const watch = new StallWatch(30_000);
    watch.assigned([{ topic: 't', partition: 0 }], 0);
    watch.moved('t', 0, 20n, 20_000);
    expect(watch.judge(ends({ 't/0': at(10, 50) }), 40_000)).toBeUndefined();
    // Fetched up to the end, past a trailing transaction marker the group's commit stops before.
    watch.moved('t', 0, 51n, 45_000);
    expect(watch.judge(ends({ 't/0': at(50, 51) }), 100_000)).toBeUndefined();
    // Idle until records come at 100 s: the stall time counts from then.
    expect(watch.judge(ends({ 't/0': at(50, 60) }), 129_000)).toBeUndefined();
    expect(watch.judge(ends({ 't/0': at(50, 60) }), 131_000)).toMatch(/^no progress on t\/0 for 31 s/);
  });

  it('stops the clock while the broker does not answer, and starts it again on a new assignment', () => {
    const watch = new StallWatch(30_000);
    watch.assigned([{ topic: 't', partition: 0 }], 0);
    watch.unanswered(60_000);
    expect(watch.judge(ends({ 't/0': at(10, 50) }), 80_000)).toBeUndefined();
    watch.assigned([{ topic: 't', partition: 1 }], 85_000);
    expect(watch.judge(ends({ 't/0': at(10, 50), 't/1': at(null, 5, 2) }), 100_000)).toBeUndefined();
    expect(watch.judge(ends({ 't/0': at(10, 50), 't/1': at(null, 5, 2) }), 115_000)).toBe('no progress on t/1 for 30 s with 3 offset(s) waiting (at 2, end 5)');
    expect(watch.topics()).toEqual(['t']);
  });
});
