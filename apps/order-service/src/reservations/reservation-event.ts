import { type ChangeEvent, parseChangeEvent } from '@meridian/contracts';

/** What order-service takes from a reservation's change event. */
export interface ReservationEvent {
  readonly orderId: string;
  readonly status: 'RESERVED' | 'REJECTED';
  readonly reason?: string;
  /** The reservation's Cassandra writetime (µs): the decision is written with it. */
  readonly writetimeUs: bigint;
}

/** A record that is not one to act on; `warn` when it is not what this topic should carry at all. */
export interface Skipped {
  readonly skip: string;
  readonly warn: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Reads a record of the reservations topic: a change event (v1) of `<keyspace>.reservations`
 * that writes a status. Anything else is Skipped, saying why.
 */
export function readReservationEvent(value: unknown, keyspace: string): ReservationEvent | Skipped {
  let event: ChangeEvent;
  try {
    event = parseChangeEvent(value);
  } catch (error) {
    return { skip: error instanceof Error ? error.message : String(error), warn: true };
  }
  const { keyspace: eventKeyspace, table } = event.source;
  if (eventKeyspace !== keyspace || table !== 'reservations') return { skip: `a change of ${eventKeyspace}.${table}, not of ${keyspace}.reservations`, warn: true };
  if (event.op === 'd' || !('status' in event.after)) return { skip: `a ${event.op === 'd' ? 'deletion' : 'write without a status'}, not a reservation`, warn: false };
  const orderId = event.key['order_id'];
  const { status, reason } = event.after;
  if (typeof orderId !== 'string' || !UUID.test(orderId)) return { skip: `invalid reservation: order_id must be a uuid, got ${JSON.stringify(orderId)}`, warn: true };
  if (status !== 'RESERVED' && status !== 'REJECTED') return { skip: `invalid reservation of order ${orderId}: status must be RESERVED or REJECTED, got ${JSON.stringify(status)}`, warn: true };
  return { orderId, status, ...(typeof reason === 'string' ? { reason } : {}), writetimeUs: BigInt(event.source.writetime_us) };
}

export function isSkipped(read: ReservationEvent | Skipped): read is Skipped {
  return 'skip' in read;
}
