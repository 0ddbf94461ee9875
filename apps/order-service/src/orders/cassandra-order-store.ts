import { type CassandraConnection, ensureSchema, type Row } from '@meridian/cassandra';
import type { Order, OrderStatus } from './order';
import type { OrderDecision, OrderStore, StoredOrder } from './order-store';

const COLUMNS = 'id, product_id, quantity, customer, status, reason, placed_at, decided_at';

/** The orders table; every write at LOCAL_QUORUM, so it is in this DC's replicas before it is acknowledged. */
export class CassandraOrderStore implements OrderStore {
  private readonly table: string;

  constructor(
    private readonly cassandra: CassandraConnection,
    private readonly keyspace: string,
    private readonly replication: Readonly<Record<string, number>>,
  ) {
    this.table = `${keyspace}.orders`;
  }

  ensureSchema(): Promise<string[]> {
    return ensureSchema(this.cassandra, {
      keyspace: this.keyspace,
      replication: this.replication,
      tables: [
        {
          name: 'orders',
          definition: 'id uuid PRIMARY KEY, product_id text, quantity int, customer text, status text, reason text, placed_at timestamp, decided_at timestamp',
          cdc: true,
        },
      ],
    });
  }

  async insert(order: Order): Promise<void> {
    // An INSERT, so its change event is a `c`: what inventory-service takes for a new order.
    const columns = ['id', 'product_id', 'quantity', 'status', 'placed_at', ...(order.customer === undefined ? [] : ['customer'])];
    const values = [order.id, order.productId, order.quantity, order.status, order.placedAt, ...(order.customer === undefined ? [] : [order.customer])];
    await this.cassandra.execute(`INSERT INTO ${this.table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`, values, 'LOCAL_QUORUM');
  }

  async get(id: string): Promise<StoredOrder | undefined> {
    const [row] = await this.cassandra.execute(
      `SELECT ${COLUMNS}, WRITETIME(product_id) AS placed_us, WRITETIME(status) AS status_us FROM ${this.table} WHERE id = ?`,
      [id],
      'LOCAL_QUORUM',
    );
    // A row with no product is a decision that arrived before its order was replicated here.
    if (!row || row['product_id'] === null) return undefined;
    return { ...toOrder(row), placedUs: BigInt(String(row['placed_us'])), statusUs: BigInt(String(row['status_us'])) };
  }

  async list(limit: number): Promise<Order[]> {
    const rows = await this.cassandra.execute(`SELECT ${COLUMNS} FROM ${this.table} LIMIT ?`, [limit], 'LOCAL_QUORUM');
    return rows.filter((row) => row['product_id'] !== null).map(toOrder);
  }

  async decide(id: string, decision: OrderDecision, timestampUs: bigint): Promise<void> {
    await this.cassandra.execute(
      `UPDATE ${this.table} USING TIMESTAMP ? SET status = ?, reason = ?, decided_at = ? WHERE id = ?`,
      [timestampUs.toString(), decision.status, decision.reason ?? null, decision.decidedAt, id],
      'LOCAL_QUORUM',
    );
  }
}

function toOrder(row: Row): Order {
  const customer = row['customer'];
  const reason = row['reason'];
  const decidedAt = row['decided_at'];
  return {
    id: String(row['id']),
    productId: String(row['product_id']),
    quantity: Number(row['quantity']),
    ...(typeof customer === 'string' ? { customer } : {}),
    status: String(row['status']) as OrderStatus,
    ...(typeof reason === 'string' ? { reason } : {}),
    placedAt: row['placed_at'] as Date,
    ...(decidedAt instanceof Date ? { decidedAt } : {}),
  };
}
