import type { CassandraConnection, Row, TableSpec } from '@meridian/cassandra';
import type { Decision, RecordResult, RejectReason, StockState, StockStore, StockSummary } from './stock-store';

export const STOCK_TABLE: TableSpec = {
  name: 'stock',
  // A product's partition: its available count (static) and a row per order decided.
  definition: 'product_id text, available int static, order_id uuid, quantity int, status text, reason text, PRIMARY KEY (product_id, order_id)',
  cdc: false,
};

/** The stock table. Reads that decide are LOCAL_SERIAL, writes lightweight transactions at LOCAL_SERIAL: they never leave the DC. */
export class CassandraStockStore implements StockStore {
  private readonly table: string;

  constructor(
    private readonly cassandra: CassandraConnection,
    keyspace: string,
  ) {
    this.table = `${keyspace}.stock`;
  }

  async available(productId: string): Promise<number | null> {
    const [row] = await this.cassandra.execute(`SELECT available FROM ${this.table} WHERE product_id = ? LIMIT 1`, [productId], 'LOCAL_SERIAL');
    return toAvailable(row);
  }

  async record(productId: string, orderId: string, expected: number | null, next: number | null, decision: Decision): Promise<RecordResult> {
    const rows = await this.cassandra.batch([
      { cql: `UPDATE ${this.table} SET available = ? WHERE product_id = ? IF available = ?`, params: [next, productId, expected] },
      {
        cql: `INSERT INTO ${this.table} (product_id, order_id, quantity, status, reason) VALUES (?, ?, ?, ?, ?) IF NOT EXISTS`,
        params: [productId, orderId, decision.quantity, decision.status, decision.status === 'REJECTED' ? decision.reason : null],
      },
    ]);
    if (rows[0]?.['[applied]'] === true) return { applied: true };
    // A failed conditional batch returns the partition's static row and the order's row, as they are now.
    const mine = rows.find((row) => uuidText(row['order_id']) === orderId);
    const decided = mine ? toDecision(mine) : undefined;
    const now: StockState = { available: toAvailable(rows.find((row) => row['available'] !== undefined)), ...(decided ? { decision: decided } : {}) };
    return { applied: false, now };
  }

  async setAvailable(productId: string, expected: number | null, next: number): Promise<{ applied: true } | { applied: false; available: number | null }> {
    const [row] = await this.cassandra.execute(`UPDATE ${this.table} SET available = ? WHERE product_id = ? IF available = ?`, [next, productId, expected], 'LOCAL_QUORUM');
    return row?.['[applied]'] === true ? { applied: true } : { applied: false, available: toAvailable(row) };
  }

  async summary(productId: string): Promise<StockSummary | undefined> {
    const rows = await this.cassandra.execute(`SELECT available, order_id, quantity, status FROM ${this.table} WHERE product_id = ?`, [productId], 'LOCAL_SERIAL');
    const available = toAvailable(rows[0]);
    if (available === null) return undefined;
    const decided = rows.filter((row) => row['order_id'] !== null);
    const reserved = decided.filter((row) => row['status'] === 'RESERVED');
    return {
      productId,
      available,
      reserved: reserved.reduce((sum, row) => sum + Number(row['quantity']), 0),
      orders: { reserved: reserved.length, rejected: decided.length - reserved.length },
    };
  }
}

/** The driver's Uuid (or null) as canonical text. */
function uuidText(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : (value as { toString(): string }).toString();
}

function toAvailable(row: Row | undefined): number | null {
  const value = row?.['available'];
  return typeof value === 'number' ? value : null;
}

function toDecision(row: Row): Decision {
  const quantity = Number(row['quantity']);
  return row['status'] === 'RESERVED' ? { status: 'RESERVED', quantity } : { status: 'REJECTED', quantity, reason: row['reason'] as RejectReason };
}
