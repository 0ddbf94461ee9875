import { isSkipped, type Skipped, tableChangeEvent } from '@meridian/contracts';

/** What order-service takes from a reservation's change event. */
export interface ReservationEvent {
  readonly orderId: string;
  readonly status: 'RESERVED' | 'REJECTED';
  readonly reason?: string;
  /** The reservation's Cassandra writetime (µs): the decision is written with it. */
  readonly writetimeUs: bigint;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Reads a record of the reservations topic: a change event (v1) of `<keyspace>.reservations`
 * that writes a status. Anything else is Skipped, saying why.
 */
export function readReservationEvent(value: unknown, keyspace: string): ReservationEvent | Skipped {
  const event = tableChangeEvent(value, keyspace, 'reservations');
  if (isSkipped(event)) return event;
  if (event.op === 'd' || !('status' in event.after)) return { skip: `a ${event.op === 'd' ? 'deletion' : 'write without a status'}, not a reservation`, warn: false };
  const orderId = event.key['order_id'];
  const { status, reason } = event.after;
  if (typeof orderId !== 'string' || !UUID.test(orderId)) return { skip: `invalid reservation: order_id must be a uuid, got ${JSON.stringify(orderId)}`, warn: true };
  if (status !== 'RESERVED' && status !== 'REJECTED') return { skip: `invalid reservation of order ${orderId}: status must be RESERVED or REJECTED, got ${JSON.stringify(status)}`, warn: true };
  return { orderId, status, ...(typeof reason === 'string' ? { reason } : {}), writetimeUs: BigInt(event.source.writetime_us) };
}
