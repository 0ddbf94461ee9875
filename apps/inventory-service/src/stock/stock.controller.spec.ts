import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { InventorySchema, SCHEMA_SETUP } from '../schema/inventory-schema';
import { FakeStockStore } from '../testing/fakes';
import { StockController } from './stock.controller';
import { StockService } from './stock.service';
import { STOCK_STORE } from './stock-store';

describe('the stock API over HTTP', () => {
  let app: INestApplication;
  let base: string;

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: response.status, body: (await response.json()) };
  };

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [StockController],
      providers: [{ provide: STOCK_STORE, useValue: new FakeStockStore() }, { provide: SCHEMA_SETUP, useValue: { ensure: () => Promise.resolve([]) } }, InventorySchema, StockService],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    await app.get(InventorySchema).ready();
  });

  afterAll(async () => {
    await app.close();
  });

  it('sets and reads a product stock', async () => {
    expect(await call('GET', '/stock/apple')).toEqual({ status: 404, body: { error: 'no stock for product "apple"' } });
    expect(await call('PUT', '/stock/apple', { available: 5 })).toEqual({ status: 200, body: { productId: 'apple', available: 5, reserved: 0, orders: { reserved: 0, rejected: 0 } } });
    expect(await call('PUT', '/stock/apple', { available: 2 })).toMatchObject({ status: 200, body: { available: 2 } });
    expect(await call('GET', '/stock/apple')).toMatchObject({ status: 200, body: { available: 2 } });
  });

  it('answers 400 naming the bad field', async () => {
    expect(await call('PUT', '/stock/apple', { available: -1 })).toEqual({ status: 400, body: { error: 'invalid stock', problems: [{ field: 'available', message: 'available must not be negative' }] } });
    expect(await call('PUT', '/stock/apple', {})).toMatchObject({ status: 400, body: { problems: [{ field: 'available' }] } });
  });
});
