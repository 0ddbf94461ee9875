import type { Order } from './order';

/** An order as stored, with the Cassandra writetimes (µs) its decision is weighed against. */
export interface StoredOrder extends Order {
  /** When it was placed: the writetime of its product. */
  readonly placedUs: bigint;
  /** The writetime of its status (its placement's, until decided). */
  readonly statusUs: bigint;
}

export interface OrderDecision {
  readonly status: 'CONFIRMED' | 'REJECTED';
  readonly reason?: string;
  readonly decidedAt: Date;
}

/** Where orders live: the orders table, `cdc = true`, which this service owns. */
export interface OrderStore {
  /** Creates the keyspace and table where missing; returns what it did, for the log. */
  ensureSchema(): Promise<string[]>;
  /** Writes a new order, PENDING. */
  insert(order: Order): Promise<void>;
  get(id: string): Promise<StoredOrder | undefined>;
  list(limit: number): Promise<Order[]>;
  /**
   * Writes the decision with the Cassandra timestamp `timestampUs`: each of its cells
   * replaces only one written before it, so an older decision never overwrites a newer
   * one and writing the same decision twice changes nothing.
   */
  decide(id: string, decision: OrderDecision, timestampUs: bigint): Promise<void>;
}

export const ORDER_STORE = Symbol('ORDER_STORE');
