import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { CassandraConnection } from '@meridian/cassandra';
import { type DataCentre, type DriverName, type RunningService, type ServiceInstance, type ServiceName, serviceInstances, startService, type TopologyEndpoints, waitHealthy } from '@meridian/infra';
import { KafkaConnection } from '@meridian/kafka';
import { callHttp, callUntil, startTopology, type TopologyFixture, uniqueName, waitFor } from '@meridian/testing';

interface Order {
  readonly id: string;
  readonly productId: string;
  readonly quantity: number;
  readonly status: 'PENDING' | 'CONFIRMED' | 'REJECTED';
  readonly reason?: string;
}

const PIPELINE: readonly ServiceName[] = ['cdc-reader', 'deduper', 'publisher', 'coordinator'];

/**
 * The example shop across two DCs, through Meridian only: order-service places orders in
 * dc1, inventory-service in dc2 reserves stock for them, and each learns of the other's
 * writes from its own DC's Kafka, fed by that DC's pipeline from Cassandra's replication.
 * Orders race for the last items, ask for more than the stock or for an unknown product,
 * and inventory-service is killed mid-stream; every order must end as the stock allows,
 * with one reservation each and the stock never below zero.
 */
export function shopSuite(driver: DriverName): void {
  describe(`shop across dc1 and dc2 (${driver} driver)`, () => {
    let topology: TopologyFixture | undefined;
    let endpoints: TopologyEndpoints;
    const running: RunningService[] = [];
    const connections: { close(): Promise<void> }[] = [];

    const keyspace = uniqueName('shop');
    const topics = { orders: uniqueName('shop_orders'), reservations: uniqueName('shop_reservations') };
    const shopEnv = { SHOP_KEYSPACE: keyspace, SHOP_ORDERS_TOPIC: topics.orders, SHOP_RESERVATIONS_TOPIC: topics.reservations };

    const instance = (service: ServiceName, dc: DataCentre): ServiceInstance[] => serviceInstances(endpoints, dc).filter((s) => s.service === service);
    const start = async (instances: readonly ServiceInstance[]): Promise<RunningService[]> => {
      const started: RunningService[] = [];
      for (const one of instances) {
        const service = await startService({ ...one, env: { ...one.env, ...shopEnv } }, join(endpoints.workdir, 'services'));
        running.push(service);
        started.push(service);
      }
      for (const service of started) await waitHealthy(service, 120_000);
      return started;
    };
    beforeAll(async () => {
      const started = await startTopology(driver, { dc1Nodes: 1 });
      topology = started;
      endpoints = started.endpoints;
    });

    afterAll(async () => {
      await Promise.allSettled(running.map((r) => r.stop()));
      await Promise.allSettled(connections.map((c) => c.close()));
      await topology?.stop();
    });

    it('decides every order exactly as the stock allows, with one reservation each, through a SIGKILL of inventory-service', async () => {
      const port = (service: ServiceName, dc: DataCentre) => {
        const [found] = instance(service, dc);
        if (!found) throw new Error(`no ${service} in ${dc}`);
        return found.httpPort;
      };
      const ports = { orders: port('order-service', 'dc1'), inventory: port('inventory-service', 'dc2'), coordinator1: port('coordinator', 'dc1'), coordinator2: port('coordinator', 'dc2') };

      // Each DC's pipeline, then the two services; each creates its own tables.
      await start([...PIPELINE.flatMap((s) => instance(s, 'dc1')), ...PIPELINE.flatMap((s) => instance(s, 'dc2'))]);
      await start(instance('order-service', 'dc1'));
      await callUntil(200, ports.orders, 'GET', '/orders');
      let [inventory] = await start(instance('inventory-service', 'dc2'));
      await callUntil(404, ports.inventory, 'GET', '/stock/apple');

      // Each DC publishes the table the other DC's service writes.
      await callUntil(201, ports.coordinator1, 'POST', '/api/destinations', { name: 'shop-reservations', topic: topics.reservations });
      await callUntil(201, ports.coordinator1, 'POST', '/api/channels', { name: 'shop-reservations', keyspace, table: 'reservations', destination: 'shop-reservations' });
      await callUntil(201, ports.coordinator2, 'POST', '/api/destinations', { name: 'shop-orders', topic: topics.orders });
      await callUntil(201, ports.coordinator2, 'POST', '/api/channels', { name: 'shop-orders', keyspace, table: 'orders', destination: 'shop-orders' });

      // A record that is not a change event: skipped with a warning, the consumer goes on.
      const dc1Kafka = new KafkaConnection({ brokers: [endpoints.kafka.find((k) => k.dc === 'dc1')?.bootstrap ?? ''], clientId: 'e2e-shop' });
      connections.push(dc1Kafka);
      const producer = await dc1Kafka.producer();
      await producer.send(topics.reservations, [{ key: 'junk', value: 'not a change event' }]);
      await producer.close();

      expect(await callHttp(ports.inventory, 'PUT', '/stock/apple', { available: 10 })).toMatchObject({ status: 200, body: { available: 10 } });
      expect(await callHttp(ports.inventory, 'PUT', '/stock/pear', { available: 5 })).toMatchObject({ status: 200, body: { available: 5 } });
      expect(await callHttp(ports.orders, 'POST', '/orders', { productId: 'apple', quantity: 0 })).toMatchObject({ status: 400, body: { error: 'invalid order', problems: [{ field: 'quantity' }] } });

      const place = async (productId: string, quantity: number): Promise<Order> => {
        const answer = await callHttp(ports.orders, 'POST', '/orders', { productId, quantity });
        expect(answer).toMatchObject({ status: 201, body: { status: 'PENDING' } });
        return answer.body as Order;
      };
      const placed: Order[] = [];
      // Twelve orders race for five pears.
      placed.push(...(await Promise.all(Array.from({ length: 12 }, () => place('pear', 1)))));
      // inventory-service dies with some of them handled, some not: it comes back and finishes them.
      await waitFor('a first reservation', async () => ((await callHttp(ports.inventory, 'GET', '/stock/pear')).body as { orders: { reserved: number; rejected: number } }).orders.reserved > 0 ? true : undefined, { timeoutMs: 120_000, intervalMs: 200 });
      inventory?.process.kill('SIGKILL');
      // Three apples each: nine of ten. Then more than there ever were, and a product nobody stocks.
      placed.push(await place('apple', 3), await place('apple', 3), await place('apple', 3));
      placed.push(await place('apple', 11), await place('durian', 1), await place('durian', 2));
      [inventory] = await start(instance('inventory-service', 'dc2'));

      const decided = await waitFor(
        `all ${placed.length} orders decided`,
        async () => {
          const orders = await Promise.all(placed.map(async ({ id }) => (await callHttp(ports.orders, 'GET', `/orders/${id}`)).body as Order));
          return orders.every((o) => o.status !== 'PENDING') ? orders : undefined;
        },
        { timeoutMs: 240_000, intervalMs: 1000 },
      );
      const outcome = (productId: string) => {
        const mine = decided.filter((o) => o.productId === productId);
        const count = (status: string, reason?: string) => mine.filter((o) => o.status === status && (reason === undefined || o.reason === reason)).length;
        return { confirmed: count('CONFIRMED'), outOfStock: count('REJECTED', 'out of stock'), unknown: count('REJECTED', 'unknown product') };
      };
      expect(outcome('pear')).toEqual({ confirmed: 5, outOfStock: 7, unknown: 0 });
      expect(outcome('apple')).toEqual({ confirmed: 3, outOfStock: 1, unknown: 0 });
      expect(outcome('durian')).toEqual({ confirmed: 0, outOfStock: 0, unknown: 2 });
      expect(decided.filter((o) => o.productId === 'apple' && o.status === 'REJECTED').map((o) => o.quantity)).toEqual([11]);

      // The stock: what the confirmed orders hold is gone, nothing more, never below zero.
      expect(await callHttp(ports.inventory, 'GET', '/stock/pear')).toEqual({ status: 200, body: { productId: 'pear', available: 0, reserved: 5, orders: { reserved: 5, rejected: 7 } } });
      expect(await callHttp(ports.inventory, 'GET', '/stock/apple')).toEqual({ status: 200, body: { productId: 'apple', available: 1, reserved: 9, orders: { reserved: 3, rejected: 1 } } });

      // One reservation per order, in dc2's table and as change events in dc1, across the SIGKILL.
      const dc2 = new CassandraConnection({ contactPoints: endpoints.cassandra.filter((n) => n.dc === 'dc2').map((n) => `${n.cql.host}:${n.cql.port}`), localDataCenter: 'dc2' });
      connections.push(dc2);
      const reservations = await dc2.execute(`SELECT order_id, status FROM ${keyspace}.reservations`, [], 'LOCAL_QUORUM');
      expect(reservations.map((r) => String(r['order_id'])).sort()).toEqual(placed.map((o) => o.id).sort());
      // Everything there, with the stray record: read for 10 s (a duplicate would show up), again while short.
      const events = await waitFor(
        `the ${placed.length} reservation events and the stray record on ${topics.reservations}`,
        async () => {
          const read = await dc1Kafka.readTopic(topics.reservations, { count: placed.length + 2, timeoutMs: 10_000, isolation: 'read_committed', groupId: uniqueName('check') });
          return read.length > placed.length ? read : undefined;
        },
        { timeoutMs: 90_000 },
      );
      const eventOrders = events.flatMap((r) => {
        const value = r.value?.toString() ?? '';
        return value.startsWith('{') ? [(JSON.parse(value) as { key: { order_id: string } }).key.order_id] : [];
      });
      expect(eventOrders.sort()).toEqual(placed.map((o) => o.id).sort());

      // order-service counted each order and decision once, and said why it skipped the stray record.
      const metrics = await (await fetch(`http://127.0.0.1:${ports.orders}/metrics`)).text();
      const figure = (name: string) => metrics.split('\n').filter((line) => line.startsWith(name)).reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
      expect(figure('meridian_orders_placed_total')).toBe(placed.length);
      expect(figure('meridian_orders_confirmed_total')).toBe(8);
      expect(figure('meridian_orders_rejected_total')).toBe(10);
      expect(figure('meridian_orders_decision_seconds_count')).toBe(placed.length);
      const log = await readFile(join(endpoints.workdir, 'services', 'order-service_dc1.log'), 'utf8');
      expect(log).toContain(`skipped ${topics.reservations}/`);
      expect(log).toContain('invalid change event: expected an object, got "not a change event"');
    });
  });
}
