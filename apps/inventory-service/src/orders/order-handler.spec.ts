import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Metrics } from '@meridian/service';
import { InventoryFigures } from '../inventory-figures';
import { InventorySchema } from '../schema/inventory-schema';
import { decideOrder } from '../stock/decide-order';
import { FakeReservationStore, FakeStockStore, orderEvent } from '../testing/fakes';
import { OrderHandler } from './order-handler';

describe('OrderHandler', () => {
  let stock: FakeStockStore;
  let reservations: FakeReservationStore;
  let metrics: Metrics;
  let handler: OrderHandler;
  let warnings: string[];

  beforeEach(async () => {
    warnings = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((line: unknown) => void warnings.push(String(line)));
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    stock = new FakeStockStore({ apple: 3 });
    reservations = new FakeReservationStore();
    metrics = new Metrics({ service: 'inventory-service', dc: 'dc2', instance: 'dc2' });
    const schema = new InventorySchema({ ensure: () => Promise.resolve([]) });
    await schema.ready();
    handler = new OrderHandler({ SHOP_KEYSPACE: 'shop' }, stock, reservations, schema, new InventoryFigures(metrics));
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  const newOrder = (productId: string, quantity: number) => ({ id: randomUUID(), productId, quantity });
  const figures = async () => {
    const all = await metrics.figures();
    return Object.fromEntries(Object.entries(all).filter(([name]) => name.startsWith('meridian_inventory_') && !name.includes('lag')));
  };

  it('reserves stock for a new order and writes its reservation, once however often the event arrives', async () => {
    const order = newOrder('apple', 2);
    const event = orderEvent(order);
    await handler.handle(event, 'shop.orders/0@1');
    await handler.handle(event, 'shop.orders/0@1');
    expect([...reservations.rows.values()]).toEqual([{ orderId: order.id, productId: 'apple', decision: { status: 'RESERVED', quantity: 2 } }]);
    expect(await stock.summary('apple')).toMatchObject({ available: 1, reserved: 2 });
    expect(await figures()).toEqual({ meridian_inventory_reservations_made_total: 1 });
  });

  it('finishes an order whose stock was taken before a crash kept its reservation from being written', async () => {
    const order = newOrder('apple', 2);
    await decideOrder(stock, { orderId: order.id, productId: 'apple', quantity: 2 });
    await handler.handle(orderEvent(order), 'shop.orders/0@1');
    expect(reservations.rows.get(order.id)?.decision).toEqual({ status: 'RESERVED', quantity: 2 });
    expect(await stock.summary('apple')).toMatchObject({ available: 1, reserved: 2 });
  });

  it('rejects orders for more than the stock, and for an unknown product, with the reason', async () => {
    const tooMany = newOrder('apple', 4);
    const unknown = newOrder('durian', 1);
    await handler.handle(orderEvent(tooMany), 'shop.orders/0@1');
    await handler.handle(orderEvent(unknown), 'shop.orders/1@1');
    expect(reservations.rows.get(tooMany.id)?.decision).toEqual({ status: 'REJECTED', quantity: 4, reason: 'out of stock' });
    expect(reservations.rows.get(unknown.id)?.decision).toEqual({ status: 'REJECTED', quantity: 1, reason: 'unknown product' });
    expect(await stock.summary('apple')).toMatchObject({ available: 3, reserved: 0 });
    expect(await figures()).toEqual({
      'meridian_inventory_reservations_made_total': 0,
      'meridian_inventory_reservations_rejected_total{reason="out of stock"}': 1,
      'meridian_inventory_reservations_rejected_total{reason="unknown product"}': 1,
    });
  });

  it('gives the last items to exactly as many racing orders as they serve, one reservation each', async () => {
    const orders = Array.from({ length: 12 }, () => newOrder('apple', 1));
    await Promise.all(orders.map((order, i) => handler.handle(orderEvent(order), `shop.orders/${i % 6}@${i}`)));
    const decided = orders.map((order) => reservations.rows.get(order.id)?.decision.status);
    expect(decided.filter((s) => s === 'RESERVED')).toHaveLength(3);
    expect(decided.filter((s) => s === 'REJECTED')).toHaveLength(9);
    expect(reservations.rows.size).toBe(12);
    expect(await stock.summary('apple')).toMatchObject({ available: 0, reserved: 3 });
  });

  it("skips order-service's own updates quietly, and warns once for each record that does not belong on the topic", async () => {
    const order = newOrder('apple', 1);
    await handler.handle(orderEvent({ ...order, status: 'CONFIRMED' }, { op: 'u' }), 'shop.orders/0@1');
    await handler.handle({ hello: 'world' }, 'shop.orders/0@2');
    await handler.handle(orderEvent(order, { table: 'reservations' }), 'shop.orders/0@3');
    await handler.handle(orderEvent({ ...order, quantity: 0 }), 'shop.orders/0@4');
    await handler.handle(null, 'shop.orders/0@5');
    expect(warnings).toEqual([
      'skipped shop.orders/0@2: invalid change event: version must be 1, got nothing',
      'skipped shop.orders/0@3: a change of shop.reservations, not of shop.orders',
      'skipped shop.orders/0@4: invalid order: quantity must be a positive integer, got 0',
      'skipped shop.orders/0@5: invalid change event: expected an object, got null',
    ]);
    expect(reservations.inserts).toBe(0);
    expect(stock.writes).toBe(0);
    expect(await figures()).toMatchObject({
      'meridian_inventory_events_skipped_total{why="not a new order"}': 1,
      'meridian_inventory_events_skipped_total{why="invalid"}': 4,
    });
  });
});
