import { startTestCoordinator, type TestCoordinator } from '../testing/test-coordinator';

const TOKEN = 's3cret';

describe('the configuration API over HTTP', () => {
  let coordinator: TestCoordinator;
  let app: TestCoordinator['app'];
  let base: string;
  let store: TestCoordinator['store'];

  const call = async (method: string, path: string, body?: unknown, token: string | null = TOKEN) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as Record<string, unknown> | undefined };
  };

  async function startApp(options: { load: boolean }) {
    coordinator = await startTestCoordinator({ token: TOKEN, loaded: options.load });
    ({ app, url: base, store } = coordinator);
    coordinator.catalog.tables.set('shop.orders', { cdc: true });
  }

  afterEach(async () => {
    await app.close();
  });

  it('answers 503 with a message until the configuration is loaded', async () => {
    await startApp({ load: false });
    expect(await call('GET', '/api/destinations')).toEqual({ status: 503, body: { error: expect.stringContaining('still loading the configuration') as unknown } });
  });

  it('maps each rule to its status, with a readable body', async () => {
    await startApp({ load: true });
    const invalid = await call('POST', '/api/destinations', { name: 'orders', topic: 'has space' });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toEqual({ error: 'invalid destination', problems: [{ field: 'topic', message: expect.stringContaining('Kafka topic name') as unknown }] });
    expect((await call('POST', '/api/destinations', '{"name": ', TOKEN)).status).toBe(400);

    expect(await call('POST', '/api/destinations', { name: 'orders', topic: 'cdc.orders' })).toMatchObject({ status: 201, body: { name: 'orders', paused: false } });
    expect(await call('POST', '/api/destinations', { name: 'orders', topic: 'cdc.orders' })).toMatchObject({ status: 409, body: { error: 'destination "orders" already exists' } });
    expect(await call('GET', '/api/destinations/orders')).toMatchObject({ status: 200, body: { topic: 'cdc.orders' } });
    expect(await call('GET', '/api/destinations/nope')).toEqual({ status: 404, body: { error: 'no destination named "nope"' } });
    expect(await call('PATCH', '/api/destinations/orders', { options: { acks: 'all' } })).toMatchObject({ status: 200, body: { options: { acks: 'all' } } });
    expect(await call('POST', '/api/destinations/orders/pause')).toMatchObject({ status: 200, body: { paused: true } });
    expect(await call('POST', '/api/destinations/orders/resume')).toMatchObject({ status: 200, body: { paused: false } });

    const noCdc = await call('POST', '/api/channels', { name: 'c1', keyspace: 'shop', table: 'plain', destination: 'orders' });
    expect(noCdc.status).toBe(409);
    expect(await call('POST', '/api/channels', { name: 'c1', keyspace: 'shop', table: 'orders', destination: 'orders' })).toMatchObject({ status: 201, body: { image: 'delta' } });
    expect(await call('GET', '/api/channels')).toMatchObject({ status: 200, body: [{ name: 'c1' }] });
    expect(await call('DELETE', '/api/destinations/orders')).toEqual({ status: 409, body: { error: expect.stringContaining('channel(s) c1') as unknown } });
    expect(await call('DELETE', '/api/channels/c1')).toEqual({ status: 204, body: undefined });
    expect(await call('DELETE', '/api/destinations/orders')).toEqual({ status: 204, body: undefined });
    expect(store.latest().get('destination/orders')).toBeNull();
  });

  it('needs the bearer token for changes only', async () => {
    await startApp({ load: true });
    expect(await call('POST', '/api/destinations', { name: 'orders', topic: 'cdc.orders' }, null)).toEqual({ status: 401, body: { error: expect.stringContaining('Authorization: Bearer') as unknown } });
    expect(await call('POST', '/api/destinations', { name: 'orders', topic: 'cdc.orders' }, 'wrong')).toEqual({ status: 403, body: { error: expect.stringContaining('not the one') as unknown } });
    expect(await call('DELETE', '/api/channels/x', undefined, null)).toMatchObject({ status: 401 });
    expect(await call('GET', '/api/channels', undefined, null)).toEqual({ status: 200, body: [] });
    expect(store.records).toEqual([]);
  });

  it('reports every component from its heartbeats, with the pipeline groups\' lag, and each channel\'s state', async () => {
    await startApp({ load: true });
    const now = Date.now();
    const beat = (component: string, instance: string, agoMs: number, figures: Record<string, number> = {}) => {
      coordinator.feed.beat(component, instance, { nowMs: now, agoMs }, figures);
    };
    beat('cdc-reader', 'dc1-n1', 6000, { meridian_reader_events_total: 10 });
    beat('cdc-reader', 'dc1-n1', 1000, { meridian_reader_events_total: 60, meridian_reader_lag_seconds: 0 });
    beat('cdc-reader', 'dc1-n2', 20_000);
    beat('deduper', 'd1', 1000);
    beat('publisher', 'p1', 1000, { 'meridian_publisher_channel_events_total{channel="c1"}': 42 });
    coordinator.feed.publish('publisher/bad', '{"version": 1}');
    coordinator.groups.topics.set('meridian.mutations.raw', [{ start: 0n, end: 30n, timestamps: [] }]);
    coordinator.groups.committed.set('meridian.deduper/meridian.mutations.raw', new Map([[0, '25']]));
    coordinator.groups.topics.set('meridian.mutations', [
      { start: 0n, end: 10n, timestamps: [] },
      { start: 5n, end: 8n, timestamps: [] },
    ]);
    coordinator.groups.committed.set('meridian.publisher.orders/meridian.mutations', new Map([[0, '10']]));
    await call('POST', '/api/destinations', { name: 'orders', topic: 'cdc.${keyspace}.${table}' });
    await call('POST', '/api/channels', { name: 'c1', keyspace: 'shop', table: 'orders', destination: 'orders' });

    const status = await call('GET', '/api/status', undefined, null);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      dc: 'dc1',
      components: [
        { component: 'cdc-reader', instance: 'dc1-n1', state: 'running', eventsPerSecond: 10, lagSeconds: 0 },
        { component: 'cdc-reader', instance: 'dc1-n2', state: 'stale' },
        { component: 'deduper', instance: 'd1', state: 'running' },
        { component: 'publisher', instance: 'p1', state: 'running' },
      ],
      deduper: { group: 'meridian.deduper', lag: 5 },
      destinations: [{ destination: 'orders', paused: false, lag: 3, partitions: [{ partition: 0, committed: '10', lag: 0 }, { partition: 1, committed: null, lag: 3 }] }],
      problems: [],
    });

    expect(await call('GET', '/api/channels/c1/status')).toMatchObject({
      status: 200,
      body: { state: 'active', reasons: [], topic: 'cdc.shop.orders', events: 42, readers: [{ instance: 'dc1-n1' }], publishers: [{ instance: 'p1' }], destination: { lag: 3 } },
    });
    await call('POST', '/api/destinations/orders/pause');
    expect(await call('GET', '/api/channels/c1/status')).toMatchObject({ body: { state: 'destination paused', reasons: ['destination orders is paused'] } });
    expect(await call('GET', '/api/channels/nope/status')).toEqual({ status: 404, body: { error: 'no channel named "nope"' } });

    // Kafka away: the heartbeats already read are still reported, with what is missing.
    coordinator.groups.failWith = new Error('Kafka at 127.0.0.1:9092 is unavailable: connection refused');
    expect(await call('GET', '/api/status')).toMatchObject({ status: 200, body: { deduper: null, destinations: null, problems: ['Kafka at 127.0.0.1:9092 is unavailable: connection refused'] } });
  });

  it('resets a destination\'s offsets only while it is paused and its publishers have left', async () => {
    await startApp({ load: true });
    const T = Date.parse('2026-11-21T10:00:00Z');
    coordinator.groups.topics.set('meridian.mutations', [
      { start: 0n, end: 4n, timestamps: [T - 2000, T - 1000, T, T + 1000] },
      { start: 2n, end: 4n, timestamps: [T - 1000, T + 5000] },
    ]);
    coordinator.groups.committed.set('meridian.publisher.orders/meridian.mutations', new Map([[0, '4'], [1, '4']]));
    await call('POST', '/api/destinations', { name: 'orders', topic: 'cdc.orders' });

    expect(await call('POST', '/api/offsets/reset', { destination: 'orders', to: 'earliest' })).toEqual({ status: 409, body: { error: expect.stringContaining('is not paused; pause it first') as unknown } });
    await call('POST', '/api/destinations/orders/pause');
    coordinator.groups.members.set('meridian.publisher.orders', 1);
    expect(await call('POST', '/api/offsets/reset', { destination: 'orders', to: 'earliest' })).toEqual({ status: 409, body: { error: expect.stringContaining('have not left consumer group meridian.publisher.orders yet') as unknown } });
    coordinator.groups.members.set('meridian.publisher.orders', 0);
    expect(await call('POST', '/api/offsets/reset', { destination: 'orders', to: 'writetime' })).toMatchObject({ status: 400, body: { problems: [{ field: 'writetime' }] } });
    expect(await call('POST', '/api/offsets/reset', { destination: 'nope', to: 'latest' })).toMatchObject({ status: 404 });
    expect(await call('POST', '/api/offsets/reset', { destination: 'orders', to: 'earliest' }, null)).toMatchObject({ status: 401 });

    expect(await call('POST', '/api/offsets/reset', { destination: 'orders', to: 'writetime', writetime: `${T * 1000}` })).toEqual({
      status: 200,
      body: { destination: 'orders', group: 'meridian.publisher.orders', topic: 'meridian.mutations', to: 'writetime', writetime: `${T * 1000}`, partitions: [{ partition: 0, from: '4', to: '2' }, { partition: 1, from: '4', to: '3' }] },
    });
    expect(await call('GET', '/api/offsets?destination=orders')).toMatchObject({ status: 200, body: [{ destination: 'orders', paused: true, lag: 3 }] });
    expect(await call('POST', '/api/offsets/reset', { destination: 'orders', to: 'earliest' })).toMatchObject({ status: 200, body: { partitions: [{ to: '0' }, { to: '2' }] } });
    expect(await call('GET', '/api/offsets')).toMatchObject({ status: 200, body: [{ destination: 'orders', lag: 6 }] });
  });

  it('serves the OpenAPI document, with bodies from the contract schemas, and its browsable docs', async () => {
    await startApp({ load: true });
    const document = await call('GET', '/docs/openapi.json');
    expect(document.status).toBe(200);
    expect(Object.keys(document.body?.['paths'] as object)).toEqual(expect.arrayContaining(['/api/destinations', '/api/destinations/{name}/pause', '/api/channels/{name}', '/api/channels/{name}/status', '/api/status', '/api/offsets', '/api/offsets/reset']));
    expect(document.body).toMatchObject({ components: { schemas: { DestinationInput: { required: ['name', 'topic'], additionalProperties: false }, OffsetReset: { properties: { to: { enum: ['earliest', 'latest', 'writetime'] } } } } } });
    const page = await fetch(`${base}/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui');
  });
});
