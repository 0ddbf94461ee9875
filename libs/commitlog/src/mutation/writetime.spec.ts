import type { PartitionUpdate, Row } from './partition-update';
import { writetimeMicros } from './writetime';

const base: PartitionUpdate = {
  segment: 'CommitLog-7-1.log',
  position: 10,
  keyspace: 'ks',
  table: 't',
  tableId: '00000000-0000-0000-0000-000000000000',
  key: { id: 1 },
  partitionDeletion: null,
  staticRow: null,
  rows: [],
  rangeTombstones: [],
};
const row = (overrides: Partial<Row>): Row => ({ clustering: {}, liveness: null, deletion: null, cells: {}, ...overrides });
const deletion = (at: string) => ({ markedForDeleteAt: at, localDeletionTime: 1 });

describe('writetimeMicros', () => {
  it('is undefined for an update that carries no timestamp', () => {
    expect(writetimeMicros(base)).toBeUndefined();
  });

  it('is the newest of liveness, cell, complex-cell, and deletion timestamps', () => {
    const update: PartitionUpdate = {
      ...base,
      partitionDeletion: deletion('100'),
      staticRow: row({ cells: { s: { value: 1, timestamp: '150' } } }),
      rows: [
        row({ liveness: { timestamp: '1700000000000001' }, cells: { a: { value: 'x', timestamp: '1700000000000002' } } }),
        row({ cells: { tags: { deletion: deletion('1700000000000003'), cells: [{ path: 'k', value: 'v', timestamp: '1700000000000004' }] } } }),
      ],
      rangeTombstones: [],
    };
    expect(writetimeMicros(update)).toBe(1700000000000004n);
    expect(writetimeMicros({ ...update, rangeTombstones: [{ start: { clustering: {}, inclusive: true }, end: { clustering: {}, inclusive: true }, deletion: deletion('1800000000000000') }] })).toBe(1800000000000000n);
    expect(writetimeMicros({ ...base, partitionDeletion: deletion('42') })).toBe(42n);
  });
});
