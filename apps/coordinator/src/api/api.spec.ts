import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { SERVICE_CONFIG } from '@meridian/service';
import { ConfigurationService } from '../configuration/configuration.service';
import { CONFIG_STORE, TABLE_CATALOG } from '../configuration/ports';
import { ApiDocs } from '../docs/api-docs';
import { FakeConfigStore, FakeTableCatalog } from '../testing/fakes';
import { ChannelsController } from './channels.controller';
import { DestinationsController } from './destinations.controller';

const TOKEN = 's3cret';

describe('the configuration API over HTTP', () => {
  let app: INestApplication;
  let base: string;
  let store: FakeConfigStore;

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
    store = new FakeConfigStore();
    const catalog = new FakeTableCatalog();
    catalog.tables.set('shop.orders', { cdc: true });
    const moduleRef = await Test.createTestingModule({
      controllers: [DestinationsController, ChannelsController],
      providers: [
        { provide: SERVICE_CONFIG, useValue: { MERIDIAN_API_TOKEN: TOKEN } },
        { provide: CONFIG_STORE, useValue: store },
        { provide: TABLE_CATALOG, useValue: catalog },
        ConfigurationService,
        ApiDocs,
      ],
    }).compile();
    store.failLoad = !options.load;
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    await app.get(ConfigurationService).start();
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

  it('serves the OpenAPI document, with bodies from the contract schemas, and its browsable docs', async () => {
    await startApp({ load: true });
    const document = await call('GET', '/docs/openapi.json');
    expect(document.status).toBe(200);
    expect(Object.keys(document.body?.['paths'] as object)).toEqual(expect.arrayContaining(['/api/destinations', '/api/destinations/{name}/pause', '/api/channels/{name}']));
    expect(document.body).toMatchObject({ components: { schemas: { DestinationInput: { required: ['name', 'topic'], additionalProperties: false } } } });
    const page = await fetch(`${base}/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui');
  });
});
