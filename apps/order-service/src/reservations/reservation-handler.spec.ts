import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Metrics, StoppedError } from '@meridian/service';
import { OrderFigures } from '../orders/order-figures';
import { OrderSchema } from '../orders/order-schema';
import { FakeOrderStore, reservationEvent } from '../testing/fakes';
import { ReservationHandler } from './reservation-handler';

describe('ReservationHandler', () => {
  let store: FakeOrderStore;
  let metrics: Metrics;
  let handler: ReservationHandler;
  let warnings: string[];

  beforeEach(async () => {
    warnings = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((line: unknown) => void warnings.push(String(line)));
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    store = new FakeOrderStore();
    metrics = new Metrics({ service: 'order-service', dc: 'dc1', instance: 'dc1' });
    const schema = new OrderSchema(store);
    await schema.ready();
    handler = new ReservationHandler({ SHOP_KEYSPACE: 'shop' }, store, schema, new OrderFigures(metrics));
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  /** A PENDING order, and the writetime it was placed at. */
  async function placeOrder(): Promise<{ id: string; placedUs: bigint }> {
    const id = randomUUID();
    await store.insert({ id, productId: 'apple', quantity: 2, status: 'PENDING', placedAt: new Date() });
    return { id, placedUs: store.clockUs };
  }

  const figures = async () => {
    const all = await metrics.figures();
    return {
      confirmed: all['meridian_orders_confirmed_total'],
      rejected: Object.entries(all).filter(([name]) => name.startsWith('meridian_orders_rejected_total')),
      decisions: all['meridian_orders_decision_seconds_count'],
      skipped: Object.entries(all).filter(([name]) => name.startsWith('meridian_orders_events_skipped_total')),
    };
  };

  it('confirms a pending order once, however often its reservation arrives', async () => {
    const { id, placedUs } = await placeOrder();
    const event = reservationEvent(id, 'RESERVED', placedUs + 250_000n);
    await handler.handle(event, 'shop.reservations/0@1');
    const decided = await store.get(id);
    await handler.handle(event, 'shop.reservations/0@1');
    expect(await store.get(id)).toEqual(decided);
    expect(decided).toMatchObject({ status: 'CONFIRMED', statusUs: placedUs + 250_000n });
    expect(await figures()).toMatchObject({ confirmed: 1, rejected: [], decisions: 1 });
  });

  it('rejects with the reason', async () => {
    const { id, placedUs } = await placeOrder();
    await handler.handle(reservationEvent(id, 'REJECTED', placedUs + 1000n, { reason: 'out of stock' }), 'shop.reservations/0@1');
    expect(await store.get(id)).toMatchObject({ status: 'REJECTED', reason: 'out of stock' });
    expect((await figures()).rejected).toEqual([['meridian_orders_rejected_total{reason="out of stock"}', 1]]);
  });

  it('keeps the newest decision when an older reservation arrives after it', async () => {
    const { id, placedUs } = await placeOrder();
    await handler.handle(reservationEvent(id, 'REJECTED', placedUs + 2000n, { reason: 'unknown product' }), 'shop.reservations/1@7');
    await handler.handle(reservationEvent(id, 'RESERVED', placedUs + 1000n), 'shop.reservations/2@3');
    expect(await store.get(id)).toMatchObject({ status: 'REJECTED', reason: 'unknown product', statusUs: placedUs + 2000n });
    expect(await figures()).toMatchObject({ confirmed: 0, rejected: [['meridian_orders_rejected_total{reason="unknown product"}', 1]] });
  });

  it('decides an order whose reservation carries an earlier writetime (the clocks of two DCs disagree)', async () => {
    const { id, placedUs } = await placeOrder();
    await handler.handle(reservationEvent(id, 'RESERVED', placedUs - 5000n), 'shop.reservations/0@1');
    expect(await store.get(id)).toMatchObject({ status: 'CONFIRMED', statusUs: placedUs + 1n });
  });

  it('decides an order whose reservation arrives before the order itself is replicated here', async () => {
    const id = randomUUID();
    await handler.handle(reservationEvent(id, 'RESERVED', store.clockUs + 5000n), 'shop.reservations/0@1');
    await store.insert({ id, productId: 'apple', quantity: 1, status: 'PENDING', placedAt: new Date() });
    expect(await store.get(id)).toMatchObject({ status: 'CONFIRMED' });
  });

  it('skips what is not a reservation without throwing, warning once for each record that does not belong on the topic', async () => {
    const { id, placedUs } = await placeOrder();
    const valid = reservationEvent(id, 'RESERVED', placedUs + 1000n) as Record<string, unknown>;
    await handler.handle('not json at all', 'shop.reservations/0@1');
    await handler.handle({ ...valid, version: 2 }, 'shop.reservations/0@2');
    await handler.handle(reservationEvent(id, 'RESERVED', placedUs + 1000n, { table: 'orders' }), 'shop.reservations/0@3');
    await handler.handle({ ...valid, key: { order_id: 'seven' } }, 'shop.reservations/0@4');
    await handler.handle({ ...valid, op: 'd', after: null, changed: [], cells: {}, deleted: 'partition', liveness: undefined }, 'shop.reservations/0@5');
    expect(warnings).toEqual([
      'skipped shop.reservations/0@1: invalid change event: expected an object, got "not json at all"',
      'skipped shop.reservations/0@2: invalid change event: version must be 1, got 2',
      'skipped shop.reservations/0@3: a change of shop.orders, not of shop.reservations',
      'skipped shop.reservations/0@4: invalid reservation: order_id must be a uuid, got "seven"',
    ]);
    expect(await store.get(id)).toMatchObject({ status: 'PENDING' });
    expect((await figures()).skipped).toEqual([
      ['meridian_orders_events_skipped_total{why="invalid"}', 4],
      ['meridian_orders_events_skipped_total{why="not a reservation"}', 1],
    ]);
  });

  it('retries while Cassandra is away, and decides once it answers', async () => {
    const { id, placedUs } = await placeOrder();
    store.failNext = 1;
    await handler.handle(reservationEvent(id, 'RESERVED', placedUs + 1000n), 'shop.reservations/0@1');
    expect(await store.get(id)).toMatchObject({ status: 'CONFIRMED' });
    expect(warnings).toEqual([expect.stringContaining(`deciding order ${id} failed: Cassandra query failed`) as unknown]);
  });

  it('gives up at shutdown without deciding, so the record is handed over again', async () => {
    const { id, placedUs } = await placeOrder();
    store.failNext = 1000;
    const handling = handler.handle(reservationEvent(id, 'RESERVED', placedUs + 1000n), 'shop.reservations/0@1');
    await new Promise((resolve) => setTimeout(resolve, 20));
    handler.beforeApplicationShutdown();
    await expect(handling).rejects.toThrow(StoppedError);
  });
});
