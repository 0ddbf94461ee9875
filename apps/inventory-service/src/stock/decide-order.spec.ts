import { randomUUID } from 'node:crypto';
import { FakeStockStore } from '../testing/fakes';
import { ContentionError, decideOrder } from './decide-order';
import type { StockStore } from './stock-store';

const order = (productId: string, quantity: number) => ({ orderId: randomUUID(), productId, quantity });

describe('decideOrder', () => {
  it('reserves exactly as many of the last items as there are, when orders race for them', async () => {
    const store = new FakeStockStore({ apple: 5 });
    const decisions = await Promise.all(Array.from({ length: 20 }, () => decideOrder(store, order('apple', 1))));
    expect(decisions.filter((d) => d.status === 'RESERVED')).toHaveLength(5);
    expect(decisions.filter((d) => d.status === 'REJECTED' && d.reason === 'out of stock')).toHaveLength(15);
    expect(await store.summary('apple')).toEqual({ productId: 'apple', available: 0, reserved: 5, orders: { reserved: 5, rejected: 15 } });
  });

  it('never oversells nor loses stock when orders of different sizes race', async () => {
    const store = new FakeStockStore({ pear: 17 });
    const quantities = Array.from({ length: 30 }, (_, i) => (i % 4) + 1);
    const decisions = await Promise.all(quantities.map((q) => decideOrder(store, order('pear', q))));
    const reserved = decisions.filter((d) => d.status === 'RESERVED').reduce((sum, d) => sum + d.quantity, 0);
    const summary = await store.summary('pear');
    expect(reserved).toBeLessThanOrEqual(17);
    expect(summary).toMatchObject({ available: 17 - reserved, reserved });
    // Rejected only for want of stock: whatever is left is less than every rejected order asked for.
    const smallestRejected = Math.min(...decisions.filter((d) => d.status === 'REJECTED').map((d) => d.quantity));
    expect(summary?.available).toBeLessThan(smallestRejected);
  });

  it('decides an order once: handled again, or twice at once, it gets the same answer and holds stock once', async () => {
    const store = new FakeStockStore({ apple: 3 });
    const line = order('apple', 2);
    const [first, second] = await Promise.all([decideOrder(store, line), decideOrder(store, line)]);
    const again = await decideOrder(store, line);
    expect([first, second, again]).toEqual([
      { status: 'RESERVED', quantity: 2 },
      { status: 'RESERVED', quantity: 2 },
      { status: 'RESERVED', quantity: 2 },
    ]);
    expect(await store.summary('apple')).toMatchObject({ available: 1, reserved: 2, orders: { reserved: 1, rejected: 0 } });
  });

  it('rejects an order for an unknown product, and keeps rejecting it once the product is stocked', async () => {
    const store = new FakeStockStore();
    const line = order('durian', 1);
    expect(await decideOrder(store, line)).toEqual({ status: 'REJECTED', quantity: 1, reason: 'unknown product' });
    await store.setAvailable('durian', null, 10);
    expect(await decideOrder(store, line)).toEqual({ status: 'REJECTED', quantity: 1, reason: 'unknown product' });
    expect(await store.summary('durian')).toMatchObject({ available: 10, reserved: 0 });
  });

  it('gives up with a retriable ContentionError after losing every attempt', async () => {
    // A product whose count changes between every read and write.
    const store: StockStore = {
      available: () => Promise.resolve(5),
      record: () => Promise.resolve({ applied: false, now: { available: Math.floor(Math.random() * 100) } }),
      setAvailable: () => Promise.reject(new Error('unused')),
      summary: () => Promise.reject(new Error('unused')),
    };
    const error = await decideOrder(store, order('apple', 1), { maxAttempts: 3, pause: () => Promise.resolve() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContentionError);
    expect(error).toMatchObject({ retriable: true });
  });
});
