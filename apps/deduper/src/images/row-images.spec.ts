import type { PartitionUpdate, Row } from '@meridian/commitlog';
import type { RowKey } from '@meridian/cassandra';
import type { MutationEvent, RowImage } from '@meridian/contracts';
import { type PassedEvent, type RowImageReader, withRowImages } from './row-images';

const row = (ck: number, v: string | null, deleted = false): Row => ({
  clustering: { ck },
  liveness: null,
  deletion: deleted ? { markedForDeleteAt: '10', localDeletionTime: 1 } : null,
  cells: v === null ? {} : { v: { value: v, timestamp: '20' } },
});

function passed(table: string, id: number, parts: Partial<PartitionUpdate> = {}): PassedEvent {
  const update: PartitionUpdate = {
    segment: 'CommitLog-7-1.log',
    position: 100,
    keyspace: 'shop',
    table,
    tableId: 'x',
    key: { id },
    partitionDeletion: null,
    staticRow: null,
    rows: [row(1, 'a')],
    rangeTombstones: [],
    ...parts,
  };
  const event: MutationEvent<PartitionUpdate> = { version: 1, dc: 'dc1', node: 'dc1-n1', segment: update.segment, position: 100, digest: `d-${table}-${id}`, update };
  return { key: Buffer.from(`shop.${table}:{"id":${id}}`), value: Buffer.from(JSON.stringify(event)), headers: { 'meridian.digest': event.digest } };
}

/** Answers from a map of rows by key, and records what it was asked and how many reads were in flight at most. */
class FakeReader implements RowImageReader {
  readonly asked: RowKey[] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(private readonly answer: (row: RowKey) => RowImage = (r) => ({ status: 'full', columns: { v: `read ${JSON.stringify(r.key)}` }, ts_ms: 5 })) {}

  async read(row: RowKey): Promise<RowImage> {
    this.asked.push(row);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setTimeout(resolve, 1));
    this.inFlight--;
    return this.answer(row);
  }
}

const imagesOf = (event: PassedEvent) => (JSON.parse(event.value!.toString()) as MutationEvent).images;

describe('withRowImages', () => {
  it('passes the events of other tables as they are, unparsed and unread', async () => {
    const reader = new FakeReader();
    const events = [passed('stock', 1), passed('orders', 2)];
    const out = await withRowImages(events, new Set(['shop.orders']), reader, 4);
    expect(out[0]).toBe(events[0]);
    expect(out[0]!.value).toBe(events[0]!.value);
    expect(reader.asked.map((r) => r.table)).toEqual(['orders']);
    expect(await withRowImages(events, new Set(), reader, 4)).toEqual(events);
    expect(reader.asked).toHaveLength(1);
  });

  it('reads back the static row and each row written, keyed by its whole primary key; a deleted-only row gets null', async () => {
    const reader = new FakeReader();
    const event = passed('orders', 7, {
      staticRow: { clustering: {}, liveness: null, deletion: null, cells: { s: { value: 'S', timestamp: '20' } } },
      rows: [row(1, null, true), row(2, 'b'), row(3, 'c', true)],
      partitionDeletion: { markedForDeleteAt: '5', localDeletionTime: 1 },
      rangeTombstones: [{ start: { clustering: {}, inclusive: true }, end: { clustering: { ck: 0 }, inclusive: true }, deletion: { markedForDeleteAt: '6', localDeletionTime: 1 } }],
    });
    const [out] = await withRowImages([event], new Set(['shop.orders']), reader, 4);
    expect(reader.asked).toEqual([
      { keyspace: 'shop', table: 'orders', key: { id: 7 }, static: true },
      { keyspace: 'shop', table: 'orders', key: { id: 7, ck: 2 }, static: false },
      { keyspace: 'shop', table: 'orders', key: { id: 7, ck: 3 }, static: false },
    ]);
    expect(imagesOf(out!)).toEqual({
      static: { status: 'full', columns: { v: 'read {"id":7}' }, ts_ms: 5 },
      rows: [null, { status: 'full', columns: { v: 'read {"id":7,"ck":2}' }, ts_ms: 5 }, { status: 'full', columns: { v: 'read {"id":7,"ck":3}' }, ts_ms: 5 }],
    });
    // Everything else is kept, key and digest header included.
    const { images, ...rest } = JSON.parse(out!.value!.toString()) as MutationEvent;
    expect(images).toBeDefined();
    expect(rest).toEqual(JSON.parse(event.value!.toString()));
    expect(out!.key).toBe(event.key);
    expect(out!.headers).toEqual(event.headers);
  });

  it('reads nothing for a partition deletion alone, and gives it an empty list', async () => {
    const reader = new FakeReader();
    const [out] = await withRowImages([passed('orders', 1, { rows: [], partitionDeletion: { markedForDeleteAt: '5', localDeletionTime: 1 } })], new Set(['shop.orders']), reader, 4);
    expect(reader.asked).toEqual([]);
    expect(imagesOf(out!)).toEqual({ rows: [] });
  });

  it('carries not found and failed reads as they are', async () => {
    const reader = new FakeReader((r) => (r.key['ck'] === 1 ? { status: 'not_found', ts_ms: 5 } : { status: 'read_failed', reason: 'Cassandra query failed: timeout' }));
    const [out] = await withRowImages([passed('orders', 1, { rows: [row(1, 'a'), row(2, 'b')] })], new Set(['shop.orders']), reader, 4);
    expect(imagesOf(out!)?.rows).toEqual([
      { status: 'not_found', ts_ms: 5 },
      { status: 'read_failed', reason: 'Cassandra query failed: timeout' },
    ]);
  });

  it('keeps at most `concurrency` reads in flight, and the events in order', async () => {
    const reader = new FakeReader();
    const events = Array.from({ length: 20 }, (_, i) => passed(i % 3 === 0 ? 'stock' : 'orders', i, { rows: [row(1, 'a'), row(2, 'b')] }));
    const out = await withRowImages(events, new Set(['shop.orders']), reader, 3);
    expect(reader.maxInFlight).toBe(3);
    expect(reader.asked).toHaveLength(2 * events.filter((_, i) => i % 3 !== 0).length);
    expect(out.map((e) => e.key?.toString())).toEqual(events.map((e) => e.key?.toString()));
    expect(out.map((e) => imagesOf(e)?.rows[1])).toEqual(events.map((_, i) => (i % 3 === 0 ? undefined : { status: 'full', columns: { v: `read {"id":${i},"ck":2}` }, ts_ms: 5 })));
  });

  it('reads a row that several mutations of the batch write once, and gives each the image', async () => {
    const reader = new FakeReader();
    const out = await withRowImages([passed('orders', 1), passed('orders', 2), passed('orders', 1)], new Set(['shop.orders']), reader, 4);
    expect(reader.asked.map((r) => r.key)).toEqual([
      { id: 1, ck: 1 },
      { id: 2, ck: 1 },
    ]);
    expect(imagesOf(out[2]!)).toEqual(imagesOf(out[0]!));
  });

  it('passes a value that is not a mutation event as it is, for the publisher to set aside', async () => {
    const reader = new FakeReader();
    const bad: PassedEvent = { key: Buffer.from('shop.orders:{"id":1}'), value: Buffer.from('not json'), headers: {} };
    expect(await withRowImages([bad], new Set(['shop.orders']), reader, 4)).toEqual([bad]);
    expect(reader.asked).toEqual([]);
  });
});
