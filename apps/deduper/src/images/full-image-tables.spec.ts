import type { KafkaConnection } from '@meridian/kafka';
import { FullImageTables } from './full-image-tables';

const record = (offset: number, key: string, value: object | string | null) => ({
  partition: 0,
  offset: String(offset),
  key: Buffer.from(key),
  value: value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
});
const channel = (name: string, table: string, image: 'delta' | 'full', paused = false) =>
  record(0, `channel/${name}`, { name, keyspace: 'shop', table, destination: 'd1', image, paused });

describe('FullImageTables', () => {
  const logged: string[] = [];
  const log = { log: (line: string) => logged.push(line), warn: (line: string) => logged.push(line), error: (line: string) => logged.push(`error: ${line}`) };
  const tables = new FullImageTables(undefined as unknown as KafkaConnection, 'meridian.config', 'meridian.deduper', log);

  it('follows the channels that ask for full images, skipping records it already applied', () => {
    tables.apply([{ ...channel('a', 'orders', 'full'), offset: '0' }, { ...channel('b', 'stock', 'delta'), offset: '1' }]);
    expect([...tables.tables]).toEqual(['shop.orders']);
    // The follower reads from the beginning again after the first load: old records change nothing.
    tables.apply([{ ...channel('a', 'orders', 'delta'), offset: '0' }, { ...channel('c', 'items', 'full'), offset: '2' }]);
    expect([...tables.tables].sort()).toEqual(['shop.items', 'shop.orders']);
    tables.apply([{ ...channel('a', 'orders', 'full', true), offset: '3' }, record(4, 'channel/c', null)]);
    expect(tables.tables.size).toBe(0);
    expect(logged).toEqual([
      'reading rows back for full-row images of shop.orders',
      'reading rows back for full-row images of shop.items, shop.orders',
      'no table has full-row images',
    ]);
  });

  it('logs and ignores a bad record', () => {
    logged.length = 0;
    tables.apply([record(5, 'channel/x', '{'), { ...channel('d', 'orders', 'full'), offset: '6' }]);
    expect(logged).toEqual(['error: ignored: configuration record channel/x: the value is not JSON', 'reading rows back for full-row images of shop.orders']);
  });
});
