import type { Reservation, ReservationStore } from '../reservations/reservation-store';
import type { Decision, RecordResult, StockState, StockStore, StockSummary } from '../stock/stock-store';

/** Lets other calls run, for a random moment: concurrent calls interleave as they would over the network. */
const elsewhere = () => new Promise<void>((resolve) => setTimeout(resolve, Math.random() * 3));

interface Partition {
  available: number | null;
  readonly decisions: Map<string, Decision>;
}

/**
 * The stock table in memory with a lightweight transaction's semantics: each conditional
 * write checks and applies in one step, while the calls around it interleave.
 */
export class FakeStockStore implements StockStore {
  readonly partitions = new Map<string, Partition>();
  /** Every conditional write attempted, applied or not. */
  writes = 0;

  constructor(stock: Record<string, number> = {}) {
    for (const [productId, available] of Object.entries(stock)) this.partitions.set(productId, { available, decisions: new Map() });
  }

  async available(productId: string): Promise<number | null> {
    await elsewhere();
    const available = this.partitions.get(productId)?.available ?? null;
    await elsewhere();
    return available;
  }

  async record(productId: string, orderId: string, expected: number | null, next: number | null, decision: Decision): Promise<RecordResult> {
    await elsewhere();
    this.writes += 1;
    const partition = this.partitions.get(productId) ?? { available: null, decisions: new Map<string, Decision>() };
    const decided = partition.decisions.get(orderId);
    let result: RecordResult;
    if (partition.available === expected && !decided) {
      partition.available = next;
      partition.decisions.set(orderId, decision);
      this.partitions.set(productId, partition);
      result = { applied: true };
    } else {
      const now: StockState = { available: partition.available, ...(decided ? { decision: decided } : {}) };
      result = { applied: false, now };
    }
    await elsewhere();
    return result;
  }

  async setAvailable(productId: string, expected: number | null, next: number): Promise<{ applied: true } | { applied: false; available: number | null }> {
    await elsewhere();
    const partition = this.partitions.get(productId) ?? { available: null, decisions: new Map<string, Decision>() };
    if (partition.available !== expected) return { applied: false, available: partition.available };
    partition.available = next;
    this.partitions.set(productId, partition);
    return { applied: true };
  }

  summary(productId: string): Promise<StockSummary | undefined> {
    const partition = this.partitions.get(productId);
    if (partition?.available === null || partition?.available === undefined) return Promise.resolve(undefined);
    const reserved = [...partition.decisions.values()].filter((d) => d.status === 'RESERVED');
    return Promise.resolve({
      productId,
      available: partition.available,
      reserved: reserved.reduce((sum, d) => sum + d.quantity, 0),
      orders: { reserved: reserved.length, rejected: partition.decisions.size - reserved.length },
    });
  }
}

/** The reservations table in memory: insert if absent, atomically. */
export class FakeReservationStore implements ReservationStore {
  readonly rows = new Map<string, Reservation>();
  /** Every insert attempted. */
  inserts = 0;
  /** How many of the next inserts fail, as a crash right after the stock was taken would. */
  failNext = 0;

  async insertIfAbsent(reservation: Reservation): Promise<boolean> {
    await elsewhere();
    this.inserts += 1;
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('the process died before the reservation was written');
    }
    if (this.rows.has(reservation.orderId)) return false;
    this.rows.set(reservation.orderId, reservation);
    return true;
  }
}

/** An order's change event as the publisher writes it (see libs/contracts/docs/change-event.md). */
export function orderEvent(order: { id: string; productId: string; quantity: number; status?: string }, options: { op?: 'c' | 'u'; keyspace?: string; table?: string; writetimeUs?: bigint } = {}): object {
  const op = options.op ?? 'c';
  const writetime = (options.writetimeUs ?? BigInt(Date.now()) * 1000n).toString();
  const after: Record<string, unknown> = op === 'c' ? { product_id: order.productId, quantity: order.quantity, status: order.status ?? 'PENDING', placed_at: '2026-01-01T00:00:00.000Z' } : { status: order.status ?? 'CONFIRMED' };
  const cell = { writetime_us: writetime };
  return {
    version: 1,
    op,
    key: { id: order.id },
    after,
    changed: Object.keys(after),
    cells: Object.fromEntries(Object.keys(after).map((column) => [column, cell])),
    ...(op === 'c' ? { liveness: cell } : {}),
    source: {
      connector: 'meridian',
      version: '0.1.0',
      dc: 'dc2',
      node: 'dc2-n1',
      keyspace: options.keyspace ?? 'shop',
      table: options.table ?? 'orders',
      segment: 'CommitLog-7-1.log',
      position: 100,
      writetime_us: writetime,
      ts_ms: Math.floor(Number(writetime) / 1000),
    },
    ts_ms: Date.now(),
  };
}
