import { ConfigState, parseConfigRecord } from '@meridian/contracts';
import type { MutationRecord } from '../destinations/route-batch';

/** A mutation record as the deduper writes it: one row of `shop.<table>` with a payload cell. */
export function mutation(offset: number, table: string, id: number, payload = `row ${id}`): MutationRecord {
  return {
    key: Buffer.from(`shop.${table}:{"id":${id}}`),
    offset: String(offset),
    value: Buffer.from(
      JSON.stringify({
        version: 1,
        dc: 'dc1',
        node: 'dc1-n1',
        segment: 'CommitLog-7-1.log',
        position: 10,
        digest: `d${id}`,
        update: {
          segment: 'CommitLog-7-1.log',
          position: 10,
          keyspace: 'shop',
          table,
          tableId: 'x',
          key: { id },
          partitionDeletion: null,
          staticRow: null,
          rows: [{ clustering: {}, liveness: { timestamp: '1700000000000000' }, deletion: null, cells: { payload: { value: payload, timestamp: '1700000000000000' } } }],
          rangeTombstones: [],
        },
      }),
    ),
  };
}

/** The configuration that these `meridian.config` records (key, value) make. */
export function configWith(records: [string, object][]): ConfigState {
  const state = new ConfigState();
  for (const [key, value] of records) state.apply(parseConfigRecord(key, JSON.stringify(value)));
  return state;
}
