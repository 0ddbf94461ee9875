import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Metrics } from '@meridian/service';
import { FakeOrderStore } from '../testing/fakes';
import { OrderFigures } from './order-figures';
import { OrderSchema } from './order-schema';
import { ORDER_STORE } from './order-store';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';

describe('the orders API over HTTP', () => {
  let app: INestApplication;
  let base: string;
  let store: FakeOrderStore;

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) };
  };

  async function start(options: { schemaFails: boolean } = { schemaFails: false }) {
    store = new FakeOrderStore();
    store.schemaFails = options.schemaFails;
    const moduleRef = await Test.createTestingModule({
      controllers: [OrdersController],
      providers: [
        { provide: ORDER_STORE, useValue: store },
        { provide: Metrics, useValue: new Metrics({ service: 'order-service', dc: 'dc1', instance: 'dc1' }) },
        OrderFigures,
        OrderSchema,
        OrdersService,
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    if (!options.schemaFails) await app.get(OrderSchema).ready();
  }

  afterEach(async () => {
    await app.close();
  });

  it('places an order, PENDING, and reads it back', async () => {
    await start();
    const placed = await call('POST', '/orders', { productId: 'apple', quantity: 3, customer: 'ada' });
    expect(placed).toMatchObject({ status: 201, body: { productId: 'apple', quantity: 3, customer: 'ada', status: 'PENDING' } });
    const { id } = placed.body as { id: string };
    expect(await call('GET', `/orders/${id}`)).toMatchObject({ status: 200, body: { id, status: 'PENDING', placedAt: expect.any(String) as unknown } });
    expect(await call('GET', '/orders?limit=10')).toMatchObject({ status: 200, body: [{ id }] });
    expect((await app.get(Metrics).figures())['meridian_orders_placed_total']).toBe(1);
  });

  it('answers 400 naming every bad field of a malformed order, and stores nothing', async () => {
    await start();
    expect(await call('POST', '/orders', { productId: '', quantity: 1.5, colour: 'red' })).toEqual({
      status: 400,
      body: {
        error: 'invalid order',
        problems: [
          { field: 'productId', message: 'productId must not be empty' },
          { field: 'quantity', message: 'quantity must be a whole number' },
          { field: 'body', message: 'Unrecognized key: "colour"' },
        ],
      },
    });
    expect(await call('POST', '/orders', { productId: 'apple' })).toMatchObject({ status: 400, body: { problems: [{ field: 'quantity' }] } });
    expect(await call('POST', '/orders', '{"productId": ')).toMatchObject({ status: 400, body: { error: expect.any(String) as unknown } });
    expect(await call('GET', '/orders?limit=0')).toMatchObject({ status: 400, body: { error: 'invalid query', problems: [{ field: 'limit' }] } });
    expect(store.rows.size).toBe(0);
  });

  it('answers 404 for an order it does not know', async () => {
    await start();
    expect(await call('GET', '/orders/0b8a4b53-5d0c-4c1e-9f5e-0d6d1f3c2b1a')).toEqual({ status: 404, body: { error: 'no order "0b8a4b53-5d0c-4c1e-9f5e-0d6d1f3c2b1a"' } });
    expect(await call('GET', '/orders/seven')).toEqual({ status: 404, body: { error: 'no order "seven"' } });
  });

  it('answers 503 until its table is in place, and when Cassandra is away', async () => {
    await start({ schemaFails: true });
    expect(await call('POST', '/orders', { productId: 'apple', quantity: 1 })).toMatchObject({ status: 503, body: { error: expect.stringContaining('not in place yet') as unknown } });
    store.schemaFails = false;
    await app.get(OrderSchema).ready();
    store.failNext = 1;
    expect(await call('POST', '/orders', { productId: 'apple', quantity: 1 })).toMatchObject({ status: 503, body: { error: expect.stringContaining('ECONNREFUSED') as unknown } });
  });
});
