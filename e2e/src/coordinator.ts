import { join } from 'node:path';
import { type RunningService, serviceInstances, startService, waitHealthy } from '@meridian/infra';
import { uniqueName, waitFor } from '@meridian/testing';
import type { ReaderTestContext } from './cdc-reader';

const TOKEN = 'e2e-token';

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * The coordinator's API against real servers: dc1's Kafka holds the configuration (a
 * topic of this test's own) and dc1's Cassandra says which tables have CDC on.
 */
export function coordinatorTests(ctx: ReaderTestContext): void {
  describe('coordinator in dc1', () => {
    let running: RunningService | undefined;
    afterEach(async () => {
      await running?.stop();
      running = undefined;
    });

    it('keeps destinations and channels in the configuration topic, by the API rules, across a restart', async () => {
      const configTopic = uniqueName('config');
      const instance = serviceInstances(ctx.endpoints(), 'dc1', 6000).find((s) => s.service === 'coordinator');
      if (!instance) throw new Error('no coordinator instance');
      const base = `http://127.0.0.1:${instance.httpPort}`;
      const start = async () => {
        running = await startService({ ...instance, env: { ...instance.env, MERIDIAN_CONFIG_TOPIC: configTopic, MERIDIAN_API_TOKEN: TOKEN } }, join(ctx.endpoints().workdir, 'services'));
        await waitHealthy(running, 60_000);
        // Healthy is not yet loaded: the API answers 503 until the configuration topic is read.
        await waitFor('the configuration to be loaded', async () => ((await call('GET', '/api/destinations')).status === 200 ? true : undefined), { timeoutMs: 60_000 });
      };
      const call = async (method: string, path: string, body?: unknown, token: string | null = TOKEN): Promise<Answer> => {
        const response = await fetch(`${base}${path}`, {
          method,
          headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await response.text();
        return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
      };

      const keyspace = uniqueName('coord');
      const dc1 = ctx.cassandraAt('dc1-n1');
      await dc1.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': ${ctx.dc1Nodes}, 'dc2': 1}`);
      await dc1.execute(`CREATE TABLE ${keyspace}.orders (id int PRIMARY KEY, total decimal)`);
      await start();

      // Validation, authentication, unknown names.
      const invalid = await call('POST', '/api/destinations', { name: 'orders', topic: 'not a topic', extra: 1 });
      expect(invalid.status).toBe(400);
      expect(invalid.body).toMatchObject({ error: 'invalid destination', problems: expect.arrayContaining([expect.objectContaining({ field: 'topic' })]) as unknown });
      const destination = { name: 'orders', topic: 'cdc.${keyspace}.${table}' };
      expect((await call('POST', '/api/destinations', destination, null)).status).toBe(401);
      expect((await call('POST', '/api/destinations', destination, 'wrong')).status).toBe(403);
      expect(await call('GET', '/api/destinations/orders')).toEqual({ status: 404, body: { error: 'no destination named "orders"' } });

      // A destination, then a duplicate of it.
      expect(await call('POST', '/api/destinations', destination)).toEqual({ status: 201, body: { version: 1, ...destination, format: 'json', options: {}, paused: false } });
      expect(await call('GET', '/api/destinations/orders')).toMatchObject({ status: 200, body: destination });
      expect((await call('POST', '/api/destinations', destination)).status).toBe(409);

      // A channel for a table without CDC is refused with the fix, and accepted once CDC is on.
      const channel = { name: 'orders-all', keyspace, table: 'orders', destination: 'orders' };
      const refused = await call('POST', '/api/channels', channel);
      expect(refused).toEqual({ status: 409, body: { error: expect.stringContaining(`ALTER TABLE ${keyspace}.orders WITH cdc = true;`) as unknown } });
      await dc1.execute(`ALTER TABLE ${keyspace}.orders WITH cdc = true`);
      expect(await call('POST', '/api/channels', channel)).toMatchObject({ status: 201, body: { ...channel, image: 'delta', paused: false } });
      expect(await call('POST', '/api/channels/orders-all/pause')).toMatchObject({ status: 200, body: { paused: true } });
      expect(await call('DELETE', '/api/destinations/orders')).toEqual({ status: 409, body: { error: expect.stringContaining('orders-all') as unknown } });

      // A second destination, deleted: it must stay deleted after the restart.
      expect((await call('POST', '/api/destinations', { name: 'gone', topic: 'gone' })).status).toBe(201);
      expect((await call('DELETE', '/api/destinations/gone')).status).toBe(204);

      // What other components read: the records on the configuration topic.
      const records = await ctx.kafkaIn('dc1').readToEnd(configTopic);
      expect(records.map((r) => [r.key?.toString(), r.value === null ? null : (JSON.parse(r.value.toString()) as { paused?: boolean }).paused ?? null])).toEqual([
        ['destination/orders', false],
        ['channel/orders-all', false],
        ['channel/orders-all', true],
        ['destination/gone', false],
        ['destination/gone', null],
      ]);

      await running?.stop();
      await start();
      expect(await call('GET', '/api/destinations')).toMatchObject({ status: 200, body: [destination] });
      expect(await call('GET', '/api/channels')).toMatchObject({ status: 200, body: [{ ...channel, paused: true }] });
      expect((await call('GET', '/api/destinations/gone')).status).toBe(404);
      expect((await call('GET', '/docs/openapi.json')).status).toBe(200);
    });
  });
}
