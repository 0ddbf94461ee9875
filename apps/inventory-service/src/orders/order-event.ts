import { isSkipped, type Skipped, tableChangeEvent } from '@meridian/contracts';
import type { OrderLine } from '../stock/decide-order';

/** A new order, from the change event of its INSERT. */
export interface PlacedOrder extends OrderLine {
  /** The order's Cassandra writetime (µs). */
  readonly writetimeUs: bigint;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Reads a record of the orders topic: a change event (v1) of `<keyspace>.orders`. Only an
 * order's placement (the INSERT, op `c`, status PENDING) asks for stock; its later updates
 * (order-service writing the decision) are skipped quietly, anything else with a warning.
 */
export function readOrderEvent(value: unknown, keyspace: string): PlacedOrder | Skipped {
  const event = tableChangeEvent(value, keyspace, 'orders');
  if (isSkipped(event)) return event;
  if (event.op !== 'c' || event.after['status'] !== 'PENDING') return { skip: `not a new order (op ${event.op})`, warn: false };
  const orderId = event.key['id'];
  const { product_id: productId, quantity } = event.after;
  const problems = [
    ...(typeof orderId === 'string' && UUID.test(orderId) ? [] : [`id must be a uuid, got ${JSON.stringify(orderId)}`]),
    ...(typeof productId === 'string' && productId !== '' ? [] : [`product_id must be a non-empty text, got ${JSON.stringify(productId)}`]),
    ...(typeof quantity === 'number' && Number.isInteger(quantity) && quantity > 0 ? [] : [`quantity must be a positive integer, got ${JSON.stringify(quantity)}`]),
  ];
  if (problems.length > 0 || typeof orderId !== 'string' || typeof productId !== 'string' || typeof quantity !== 'number') return { skip: `invalid order: ${problems.join('; ')}`, warn: true };
  return { orderId, productId, quantity, writetimeUs: BigInt(event.source.writetime_us) };
}
