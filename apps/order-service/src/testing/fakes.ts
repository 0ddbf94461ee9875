import { CassandraUnavailableError } from '@meridian/cassandra';
import type { Order, OrderStatus } from '../orders/order';
import type { OrderDecision, OrderStore, StoredOrder } from '../orders/order-store';

interface Cell {
  readonly value: unknown;
  readonly timestampUs: bigint;
}

/**
 * The orders table in memory, cell by cell as Cassandra keeps it: a write replaces a
 * cell only when its timestamp is newer (on a tie, the greater value wins, as in Cassandra).
 */
export class FakeOrderStore implements OrderStore {
  readonly rows = new Map<string, Map<string, Cell>>();
  /** How many of the next calls fail as if Cassandra were away. */
  failNext = 0;
  clockUs = 1_700_000_000_000_000n;

  /** While true, creating the schema fails as if Cassandra were away. */
  schemaFails = false;

  ensureSchema(): Promise<string[]> {
    if (this.schemaFails) return Promise.reject(new CassandraUnavailableError('Cassandra at 127.0.0.11:9042 (dc1) is unavailable', true));
    return Promise.resolve(['created table shop.orders (cdc = true)']);
  }

  insert(order: Order): Promise<void> {
    this.maybeFail();
    this.clockUs += 1000n;
    const { id, productId, quantity, customer, status, placedAt } = order;
    this.write(id, { product_id: productId, quantity, customer: customer ?? null, status, placed_at: placedAt }, this.clockUs);
    return Promise.resolve();
  }

  get(id: string): Promise<StoredOrder | undefined> {
    this.maybeFail();
    const row = this.rows.get(id);
    const placed = row?.get('product_id');
    const status = row?.get('status');
    if (!row || !placed || !status) return Promise.resolve(undefined);
    const value = (column: string) => row.get(column)?.value ?? undefined;
    return Promise.resolve({
      id,
      productId: value('product_id') as string,
      quantity: value('quantity') as number,
      ...(typeof value('customer') === 'string' ? { customer: value('customer') as string } : {}),
      status: status.value as OrderStatus,
      ...(typeof value('reason') === 'string' ? { reason: value('reason') as string } : {}),
      placedAt: value('placed_at') as Date,
      ...(value('decided_at') instanceof Date ? { decidedAt: value('decided_at') as Date } : {}),
      placedUs: placed.timestampUs,
      statusUs: status.timestampUs,
    });
  }

  async list(limit: number): Promise<Order[]> {
    const orders = await Promise.all([...this.rows.keys()].map((id) => this.get(id)));
    return orders
      .filter((o): o is StoredOrder => o !== undefined)
      .slice(0, limit)
      .map(({ placedUs: _placed, statusUs: _status, ...order }) => order);
  }

  decide(id: string, decision: OrderDecision, timestampUs: bigint): Promise<void> {
    this.maybeFail();
    this.write(id, { status: decision.status, reason: decision.reason ?? null, decided_at: decision.decidedAt }, timestampUs);
    return Promise.resolve();
  }

  private write(id: string, cells: Record<string, unknown>, timestampUs: bigint): void {
    const row = this.rows.get(id) ?? new Map<string, Cell>();
    this.rows.set(id, row);
    for (const [column, value] of Object.entries(cells)) {
      const current = row.get(column);
      const wins = !current || timestampUs > current.timestampUs || (timestampUs === current.timestampUs && String(value) > String(current.value));
      if (wins) row.set(column, { value, timestampUs });
    }
  }

  private maybeFail(): void {
    if (this.failNext <= 0) return;
    this.failNext -= 1;
    throw new CassandraUnavailableError('Cassandra query failed: 127.0.0.11:9042: connect ECONNREFUSED', true);
  }
}

/** A reservation's change event as the publisher writes it (see libs/contracts/docs/change-event.md). */
export function reservationEvent(orderId: string, status: 'RESERVED' | 'REJECTED', writetimeUs: bigint, options: { reason?: string; keyspace?: string; table?: string } = {}): object {
  const after = { product_id: 'apple', quantity: 1, status, ...(options.reason === undefined ? {} : { reason: options.reason }) };
  const cell = { writetime_us: writetimeUs.toString() };
  return {
    version: 1,
    op: 'c',
    key: { order_id: orderId },
    after,
    changed: Object.keys(after),
    cells: Object.fromEntries(Object.keys(after).map((column) => [column, cell])),
    liveness: cell,
    source: {
      connector: 'meridian',
      version: '0.1.0',
      dc: 'dc1',
      node: 'dc1-n1',
      keyspace: options.keyspace ?? 'shop',
      table: options.table ?? 'reservations',
      segment: 'CommitLog-7-1.log',
      position: 100,
      writetime_us: writetimeUs.toString(),
      ts_ms: Number(writetimeUs / 1000n),
    },
    ts_ms: Number(writetimeUs / 1000n) + 50,
  };
}
