import { join } from 'node:path';
import { type RunningService, serviceInstances, startService, waitHealthy } from '@meridian/infra';
import { isolatedPipelineEnv, uniqueName, waitFor } from '@meridian/testing';
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
    it('drives the pipeline: a channel created through the API starts the flow within seconds, status shows every component, an offset reset replays', async () => {
      // The status topic is this test's own too, so the coordinator sees only this test's components.
      const env = { ...isolatedPipelineEnv(), MERIDIAN_HEARTBEAT_MS: '1000' };
      const services: RunningService[] = [];
      const instances = serviceInstances(ctx.endpoints(), 'dc1', 7000).filter((s) => ['cdc-reader', 'deduper', 'publisher', 'coordinator'].includes(s.service));
      for (const instance of instances) services.push(await startService({ ...instance, env: { ...instance.env, ...env } }, join(ctx.endpoints().workdir, 'services')));
      try {
        for (const service of services) await waitHealthy(service, 60_000);
        const coordinator = instances.find((s) => s.service === 'coordinator');
        if (!coordinator) throw new Error('no coordinator instance');
        const base = `http://127.0.0.1:${coordinator.httpPort}`;
        const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
          const response = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
          const text = await response.text();
          return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
        };
        const kafka = ctx.kafkaIn('dc1');
        const keyspace = uniqueName('flow');
        const dc1 = ctx.cassandraAt('dc1-n1');
        await dc1.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': ${ctx.dc1Nodes}, 'dc2': 1}`);
        await dc1.execute(`CREATE TABLE ${keyspace}.items (id int PRIMARY KEY, name text) WITH cdc = true`);

        // Every component of the pipeline reports itself, running.
        const expected = instances.map((s) => s.service).sort();
        const status = await waitFor(
          'every component running in /api/status',
          async () => {
            const answer = await call('GET', '/api/status');
            const components = (answer.body as { components?: { component: string; state: string }[] } | undefined)?.components ?? [];
            const running = components.filter((c) => c.state === 'running').map((c) => c.component).sort();
            return JSON.stringify(running) === JSON.stringify(expected) ? (answer.body as Record<string, unknown>) : undefined;
          },
          { timeoutMs: 60_000, intervalMs: 1000 },
        );
        expect(status).toMatchObject({ dc: 'dc1', problems: [] });

        // A destination and a channel through the API; writes then reach the topic within seconds.
        const topic = uniqueName('items');
        expect((await call('POST', '/api/destinations', { name: 'items', topic })).status).toBe(201);
        expect((await call('POST', '/api/channels', { name: 'items', keyspace, table: 'items', destination: 'items' })).status).toBe(201);
        const insert = async (ids: number[]) => {
          for (const id of ids) await dc1.execute(`INSERT INTO ${keyspace}.items (id, name) VALUES (?, ?)`, [id, `item ${id}`], 'LOCAL_QUORUM');
        };
        const idsOn = async () =>
          (await kafka.readTopic(topic, { count: Number.MAX_SAFE_INTEGER, timeoutMs: 2000, isolation: 'read_committed', groupId: uniqueName('check') })).map(
            (r) => (JSON.parse(r.value?.toString() ?? 'null') as { key: { id: number } }).key.id,
          );
        const arrived = (count: number, timeoutMs: number) =>
          waitFor(`${count} events on ${topic}`, async () => {
            const ids = await idsOn();
            return ids.length >= count ? ids : undefined;
          }, { timeoutMs, intervalMs: 500 });
        const firstBatch = Array.from({ length: 40 }, (_, i) => i);
        await insert(firstBatch);
        // The config record reaches the publisher, the rows pass reader and deduper: seconds, not a restart.
        expect((await arrived(40, 15_000)).sort((a, b) => a - b)).toEqual(firstBatch);

        const channel = await waitFor('the channel status to count the events', async () => {
          const answer = await call('GET', '/api/channels/items/status');
          const body = answer.body as { events?: number } | undefined;
          return (body?.events ?? 0) >= 40 ? body : undefined;
        }, { timeoutMs: 15_000, intervalMs: 500 });
        expect(channel).toMatchObject({ state: 'active', reasons: [], topic, events: 40 });
        // Caught up: each transaction's commit marker takes an offset the group never reads as a record, so a partition may show 1.
        await waitFor('the destination to be caught up', async () => {
          const answer = await call('GET', '/api/offsets?destination=items');
          const progress = (answer.body as { lag: number | null; partitions: unknown[] }[] | undefined)?.[0];
          return progress?.lag !== null && progress !== undefined && progress.lag <= progress.partitions.length ? true : undefined;
        }, { timeoutMs: 15_000, intervalMs: 500 });

        // A second batch, after a moment to replay from.
        const since = new Date().toISOString();
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const secondBatch = Array.from({ length: 20 }, (_, i) => 100 + i);
        await insert(secondBatch);
        await arrived(60, 30_000);

        // Resets are refused while the destination runs; paused, the group empties and a reset to a writetime replays the second batch only.
        expect(await call('POST', '/api/offsets/reset', { destination: 'items', to: 'earliest' })).toMatchObject({ status: 409 });
        expect((await call('POST', '/api/destinations/items/pause')).status).toBe(200);
        const reset = await waitFor('the publishers to leave the group, and the reset', async () => {
          const answer = await call('POST', '/api/offsets/reset', { destination: 'items', to: 'writetime', writetime: since });
          return answer.status === 200 ? answer.body : undefined;
        }, { timeoutMs: 30_000, intervalMs: 1000 });
        expect(reset).toMatchObject({ destination: 'items', to: 'writetime', writetime: since });
        expect((await call('POST', '/api/destinations/items/resume')).status).toBe(200);
        await arrived(80, 30_000);
        await new Promise((resolve) => setTimeout(resolve, 2000)); // and no more after
        const times = new Map<number, number>();
        for (const id of await idsOn()) times.set(id, (times.get(id) ?? 0) + 1);
        expect([...times].filter(([, n]) => n === 2).map(([id]) => id).sort((a, b) => a - b)).toEqual(secondBatch);
        expect([...times].filter(([, n]) => n === 1).map(([id]) => id).sort((a, b) => a - b)).toEqual(firstBatch);
      } finally {
        await Promise.all(services.map((s) => s.stop()));
      }
    });
  });
}
