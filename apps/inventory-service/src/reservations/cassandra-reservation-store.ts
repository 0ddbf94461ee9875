import type { CassandraConnection, TableSpec } from '@meridian/cassandra';
import type { Reservation, ReservationStore } from './reservation-store';

export const RESERVATIONS_TABLE: TableSpec = {
  name: 'reservations',
  definition: 'order_id uuid PRIMARY KEY, product_id text, quantity int, status text, reason text',
  cdc: true,
};

export class CassandraReservationStore implements ReservationStore {
  private readonly table: string;

  constructor(
    private readonly cassandra: CassandraConnection,
    keyspace: string,
  ) {
    this.table = `${keyspace}.reservations`;
  }

  async insertIfAbsent({ orderId, productId, decision }: Reservation): Promise<boolean> {
    // IF NOT EXISTS: an order handled again writes nothing, so no second change event goes out.
    const columns = ['order_id', 'product_id', 'quantity', 'status', ...(decision.status === 'REJECTED' ? ['reason'] : [])];
    const values = [orderId, productId, decision.quantity, decision.status, ...(decision.status === 'REJECTED' ? [decision.reason] : [])];
    const [row] = await this.cassandra.execute(
      `INSERT INTO ${this.table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) IF NOT EXISTS`,
      values,
      'LOCAL_QUORUM',
    );
    return row?.['[applied]'] === true;
  }
}
