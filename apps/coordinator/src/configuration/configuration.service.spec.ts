import { FakeConfigStore, FakeTableCatalog } from '../testing/fakes';
import { ConfigurationService } from './configuration.service';
import { ConflictError, InvalidRequestError, NotFoundError, NotReadyError } from '@meridian/service';

const settle = () => new Promise((resolve) => setImmediate(resolve));

async function started(store = new FakeConfigStore(), catalog = new FakeTableCatalog()) {
  catalog.tables.set('shop.orders', { cdc: true });
  catalog.tables.set('shop.plain', { cdc: false });
  const service = new ConfigurationService(store, catalog);
  await service.start();
  return { service, store, catalog };
}

const caught = async (work: () => unknown): Promise<unknown> => {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
};

describe('ConfigurationService', () => {
  it('answers nothing until the topic is loaded, and retries the load', async () => {
    const store = new FakeConfigStore([{ key: 'destination/orders', value: { name: 'orders', topic: 'cdc.orders' } }]);
    store.failLoad = true;
    const service = new ConfigurationService(store, new FakeTableCatalog());
    const starting = service.start();
    await settle();
    expect(() => service.listDestinations()).toThrow(NotReadyError);
    await expect(service.createDestination({ name: 'x', topic: 'x' })).rejects.toThrow(NotReadyError);
    store.failLoad = false;
    await starting; // the retry, after its backoff
    expect(service.listDestinations().map((d) => d.name)).toEqual(['orders']);
    await service.onApplicationShutdown();
  });

  it('stores a destination with its defaults and refuses a second of that name', async () => {
    const { service, store } = await started();
    const created = await service.createDestination({ name: 'orders', topic: 'cdc.${keyspace}.${table}' });
    expect(created).toEqual({ version: 1, name: 'orders', topic: 'cdc.${keyspace}.${table}', format: 'json', options: {}, paused: false });
    expect(store.latest().get('destination/orders')).toEqual(created);
    expect(service.getDestination('orders')).toEqual(created);
    await expect(service.createDestination({ name: 'orders', topic: 'other' })).rejects.toThrow(ConflictError);
  });

  it('lists every invalid field, by name', async () => {
    const { service } = await started();
    const error = await caught(() => service.createDestination({ name: '-bad', topic: 'no spaces', colour: 'red' }));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).problems.map((p) => p.field).sort()).toEqual(['body', 'name', 'topic']);
    const notAnObject = await caught(() => service.createDestination('just text'));
    expect((notAnObject as InvalidRequestError).problems).toEqual([{ field: 'body', message: expect.stringContaining('object') as unknown }]);
  });

  it('patches a destination over its current record and validates the result whole', async () => {
    const { service } = await started();
    await service.createDestination({ name: 'orders', topic: 'cdc.orders', options: { a: '1' } });
    expect(await service.updateDestination('orders', { topic: 'cdc.orders.v2' })).toMatchObject({ topic: 'cdc.orders.v2', options: { a: '1' }, paused: false });
    await expect(service.updateDestination('orders', { topic: 'bad topic' })).rejects.toThrow(InvalidRequestError);
    const renamed = await caught(() => service.updateDestination('orders', { name: 'other' }));
    expect((renamed as InvalidRequestError).problems[0]?.field).toBe('name');
    await expect(service.updateDestination('missing', { topic: 'x' })).rejects.toThrow(NotFoundError);
    expect((await service.setDestinationPaused('orders', true)).paused).toBe(true);
    expect((await service.setDestinationPaused('orders', false)).paused).toBe(false);
  });

  it('refuses to delete a destination that channels use, naming them', async () => {
    const { service, store } = await started();
    await service.createDestination({ name: 'orders', topic: 'cdc.orders' });
    await service.createChannel({ name: 'orders-a', keyspace: 'shop', table: 'orders', destination: 'orders' });
    await service.createChannel({ name: 'orders-b', keyspace: 'shop', table: 'orders', destination: 'orders' });
    const error = await caught(() => service.deleteDestination('orders'));
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toContain('orders-a, orders-b');
    await service.deleteChannel('orders-a');
    await service.deleteChannel('orders-b');
    await service.deleteDestination('orders');
    expect(store.latest().get('destination/orders')).toBeNull();
    expect(() => service.getDestination('orders')).toThrow(NotFoundError);
    await expect(service.deleteDestination('orders')).rejects.toThrow(NotFoundError);
  });

  it('creates a channel only for an existing destination and a table with CDC on', async () => {
    const { service } = await started();
    const channel = { name: 'c1', keyspace: 'shop', table: 'orders', destination: 'orders' };
    expect(String(await caught(() => service.createChannel(channel)))).toContain('destination "orders" does not exist');
    await service.createDestination({ name: 'orders', topic: 'cdc.orders' });
    expect(String(await caught(() => service.createChannel({ ...channel, table: 'nothing' })))).toContain('table shop.nothing does not exist');
    const noCdc = await caught(() => service.createChannel({ ...channel, table: 'plain' }));
    expect(noCdc).toBeInstanceOf(ConflictError);
    expect((noCdc as Error).message).toContain('ALTER TABLE shop.plain WITH cdc = true;');
    expect(await service.createChannel(channel)).toEqual({ version: 1, ...channel, image: 'delta', paused: false });
    await expect(service.createChannel(channel)).rejects.toThrow(ConflictError);
    // A patch that moves the channel is checked again; one that pauses it is not.
    await expect(service.updateChannel('c1', { table: 'plain' })).rejects.toThrow('ALTER TABLE shop.plain');
    expect((await service.setChannelPaused('c1', true)).paused).toBe(true);
    expect(service.listChannels()).toHaveLength(1);
  });

  it('leaves its view unchanged when Kafka does not acknowledge a write', async () => {
    const { service, store } = await started();
    store.failWrites = true;
    await expect(service.createDestination({ name: 'orders', topic: 'cdc.orders' })).rejects.toThrow('not acknowledged');
    expect(service.listDestinations()).toEqual([]);
  });

  it('sees its latest write even when an older echo arrives later, and follows records written by others', async () => {
    const { service, store } = await started();
    await service.createDestination({ name: 'orders', topic: 'cdc.orders' });
    await service.setDestinationPaused('orders', true);
    await service.setDestinationPaused('orders', false);
    await service.setDestinationPaused('orders', true);
    expect(service.getDestination('orders').paused).toBe(true);
    await settle();
    expect(service.getDestination('orders').paused).toBe(true);
    await store.write('destination/other', JSON.stringify({ name: 'other', topic: 'other' }));
    await settle();
    expect(service.listDestinations().map((d) => d.name).sort()).toEqual(['orders', 'other']);
  });
});
