import type { Destination } from '@meridian/contracts';
import { configWith, mutation } from '../testing/mutations';
import { routeBatch } from './route-batch';

describe('routeBatch', () => {
  const config = configWith([
    ['destination/d1', { name: 'd1', topic: 'cdc.${keyspace}.${table}' }],
    ['channel/orders', { name: 'orders', keyspace: 'shop', table: 'orders', destination: 'd1' }],
    ['channel/stock', { name: 'stock', keyspace: 'shop', table: 'stock', destination: 'd1', paused: true }],
  ]);
  const d1 = config.destination('d1') as Destination;

  it("sends the changes of its channels' tables to the destination's topic for each, keyed as the mutation", () => {
    const routed = routeBatch([mutation(0, 'orders', 1), mutation(1, 'stock', 2), mutation(2, 'customers', 3), mutation(3, 'orders', 4)], d1, config, 1024 * 1024, 0);
    expect(routed.records.map((r) => [r.topic, r.key])).toEqual([
      ['cdc.shop.orders', 'shop.orders:{"id":1}'],
      ['cdc.shop.orders', 'shop.orders:{"id":4}'],
    ]);
    expect(JSON.parse(routed.records[0]!.value)).toMatchObject({ op: 'c', key: { id: 1 }, after: { payload: 'row 1' } });
    expect(routed.records.map((r) => r.writetimeMs)).toEqual([1_700_000_000_000, 1_700_000_000_000]);
    expect(routed.channelEvents).toEqual(new Map([['orders', 2]]));
    expect(routed.rejected).toEqual([]);
  });

  it("gives a destination whose channel asks for full images the row read back, and a delta destination of the same table the write", () => {
    const both = configWith([
      ['destination/full', { name: 'full', topic: 'full' }],
      ['destination/delta', { name: 'delta', topic: 'delta' }],
      ['channel/orders-full', { name: 'orders-full', keyspace: 'shop', table: 'orders', destination: 'full', image: 'full' }],
      ['channel/orders-delta', { name: 'orders-delta', keyspace: 'shop', table: 'orders', destination: 'delta' }],
    ]);
    const written = mutation(0, 'orders', 1, 'new');
    const value = JSON.parse(written.value!.toString()) as object;
    const read = { ...written, value: Buffer.from(JSON.stringify({ ...value, images: { rows: [{ status: 'full', columns: { payload: 'new', qty: 3 }, ts_ms: 9 }] } })) };
    const sent = (name: string) => JSON.parse(routeBatch([read], both.destination(name) as Destination, both, 1024 * 1024, 0).records[0]!.value) as Record<string, unknown>;
    expect(sent('full')).toMatchObject({ after: { payload: 'new', qty: 3 }, changed: ['payload'], image: { status: 'full', ts_ms: 9 } });
    expect(sent('delta')).toMatchObject({ after: { payload: 'new' }, changed: ['payload'] });
    expect(sent('delta')).not.toHaveProperty('image');
  });

  it('sets aside, with the reason, what cannot be read or is larger than a destination takes', () => {
    const bad = { key: null, value: Buffer.from('{"version":7}'), offset: '0' };
    const routed = routeBatch([bad, mutation(1, 'orders', 1, 'x'.repeat(5000)), mutation(2, 'orders', 2)], d1, config, 4096, 0);
    expect(routed.rejected.map((r) => r.reason)).toEqual([
      'unknown mutation event version 7 (this publisher reads 1)',
      expect.stringMatching(/^the change event for cdc\.shop\.orders is \d+ bytes, more than the 4096 a destination topic takes$/) as unknown as string,
    ]);
    expect(routed.records).toHaveLength(1);
  });
});
