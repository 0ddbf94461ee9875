import { CassandraUnavailableError, type RowKey, type RowReadOptions } from '@meridian/cassandra';
import type { CqlJson } from '@meridian/contracts';
import { GuardedImageReader, type RowSource } from './image-reader';

const orders = (id: number): RowKey => ({ keyspace: 'shop', table: 'orders', key: { id }, static: false });

/** Answers each read with what `answer` gives, and records the calls. */
class FakeSource implements RowSource {
  readonly calls: { row: RowKey; options: RowReadOptions }[] = [];
  constructor(public answer: (row: RowKey) => Record<string, CqlJson> | null | Error) {}
  readRow(row: RowKey, options: RowReadOptions): Promise<Record<string, CqlJson> | null> {
    this.calls.push({ row, options });
    const answer = this.answer(row);
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  }
}

function setup(answer: (row: RowKey) => Record<string, CqlJson> | null | Error) {
  let now = 1000;
  const source = new FakeSource(answer);
  const counted: string[] = [];
  const timed: number[] = [];
  const logged: string[] = [];
  const reader = new GuardedImageReader(
    source,
    { timeoutMs: 250, pauseMs: 5000 },
    { image: (status) => counted.push(status), readSeconds: (s) => timed.push(s) },
    (line) => logged.push(line),
    () => now,
  );
  return { reader, source, counted, timed, logged, advance: (ms: number) => (now += ms) };
}

describe('GuardedImageReader', () => {
  it('reads at LOCAL_QUORUM with the timeout, and says full or not found, with when it read', async () => {
    const { reader, source, counted, timed } = setup((row) => (row.key['id'] === 1 ? { v: 'x', n: null } : null));
    expect(await reader.read(orders(1))).toEqual({ status: 'full', columns: { v: 'x', n: null }, ts_ms: 1000 });
    expect(await reader.read(orders(2))).toEqual({ status: 'not_found', ts_ms: 1000 });
    expect(source.calls.map((c) => c.options)).toEqual([
      { consistency: 'LOCAL_QUORUM', timeoutMs: 250 },
      { consistency: 'LOCAL_QUORUM', timeoutMs: 250 },
    ]);
    expect(counted).toEqual(['full', 'not_found']);
    expect(timed).toHaveLength(2);
  });

  it('when Cassandra cannot answer, marks the row, does not try the next ones for a while, and logs the failure and the recovery once', async () => {
    let down = true;
    const { reader, source, counted, logged, advance } = setup(() => (down ? new CassandraUnavailableError('Cassandra query failed: 127.0.0.11:9042: connect ECONNREFUSED', true) : { v: 'x' }));
    expect(await reader.read(orders(1))).toEqual({ status: 'read_failed', reason: 'Cassandra query failed: 127.0.0.11:9042: connect ECONNREFUSED' });
    expect(await reader.read(orders(2))).toEqual({
      status: 'read_failed',
      reason: 'not tried: Cassandra could not answer a read just before (Cassandra query failed: 127.0.0.11:9042: connect ECONNREFUSED)',
    });
    expect(source.calls).toHaveLength(1);
    advance(5000);
    expect((await reader.read(orders(3))).status).toBe('read_failed');
    expect(source.calls).toHaveLength(2);
    down = false;
    advance(5000);
    expect((await reader.read(orders(4))).status).toBe('full');
    expect((await reader.read(orders(5))).status).toBe('full');
    expect(counted).toEqual(['read_failed', 'read_failed', 'read_failed', 'full', 'full']);
    expect(logged).toEqual([
      'full-row images not read, their events say read_failed: Cassandra query failed: 127.0.0.11:9042: connect ECONNREFUSED',
      'full-row image reads work again',
    ]);
  });

  it('marks a row whose read cannot be made (a table dropped) without pausing the others', async () => {
    const { reader, source } = setup((row) => (row.key['id'] === 1 ? new Error('table shop.orders does not exist') : { v: 'x' }));
    expect(await reader.read(orders(1))).toEqual({ status: 'read_failed', reason: 'table shop.orders does not exist' });
    expect((await reader.read(orders(2))).status).toBe('full');
    expect(source.calls).toHaveLength(2);
  });
});
