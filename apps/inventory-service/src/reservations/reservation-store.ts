import type { Decision } from '../stock/stock-store';

export interface Reservation {
  readonly orderId: string;
  readonly productId: string;
  readonly decision: Decision;
}

/**
 * The reservations table, `cdc = true`: one row per order, the answer order-service waits
 * for. Cassandra replicates it to every DC, where Meridian publishes its change events.
 */
export interface ReservationStore {
  /** Writes the reservation unless the order has one; true when it wrote it. */
  insertIfAbsent(reservation: Reservation): Promise<boolean>;
}

export const RESERVATION_STORE = Symbol('RESERVATION_STORE');
