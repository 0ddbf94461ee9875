import { channelSchema, ConfigState, configKey, destinationTopic, parseConfigRecord } from './config';

describe('configuration records', () => {
  it('reads a destination and a channel, filling in the defaults', () => {
    const destination = parseConfigRecord(configKey('destination', 'orders'), JSON.stringify({ name: 'orders', topic: 'cdc.${keyspace}.${table}' }));
    expect(destination).toEqual({ kind: 'destination', name: 'orders', value: { version: 1, name: 'orders', topic: 'cdc.${keyspace}.${table}', format: 'json', options: {}, paused: false } });
    const channel = parseConfigRecord('channel/shop-orders', JSON.stringify({ name: 'shop-orders', keyspace: 'shop', table: 'orders', destination: 'orders' }));
    expect(channel.value).toMatchObject({ image: 'delta', paused: false });
    if (destination.kind === 'destination' && destination.value) expect(destinationTopic(destination.value, 'shop', 'orders')).toBe('cdc.shop.orders');
  });

  it('names every problem of a bad record, with the field', () => {
    expect(() => parseConfigRecord('channel/c1', JSON.stringify({ name: 'c1', keyspace: 'bad-name', table: '', destination: 'd', image: 'half', extra: 1 }))).toThrow(
      /configuration record channel\/c1: keyspace: keyspace must be a CQL identifier; table: .*; image: .*; value: .*extra/,
    );
    expect(() => parseConfigRecord('channel/c1', JSON.stringify({ name: 'c2', keyspace: 'k', table: 't', destination: 'd' }))).toThrow('its name is "c2"');
    expect(() => parseConfigRecord('queue/x', '{}')).toThrow('the key must be destination/<name> or channel/<name>');
    expect(() => parseConfigRecord('destination/x', '{')).toThrow('the value is not JSON');
    expect(channelSchema.safeParse({ name: 'c', keyspace: 'k', table: 't', destination: 'd', version: 2 }).success).toBe(false);
  });

  it('follows sets and deletes, and lists the unpaused channels of a destination for a table', () => {
    const state = new ConfigState();
    const channel = (name: string, paused = false) => parseConfigRecord(`channel/${name}`, JSON.stringify({ name, keyspace: 'shop', table: 'orders', destination: 'd1', paused }));
    state.apply(parseConfigRecord('destination/d1', JSON.stringify({ name: 'd1', topic: 't1' })));
    state.apply(channel('a'));
    state.apply(channel('b', true));
    expect(state.channelsOf('d1', 'shop', 'orders').map((c) => c.name)).toEqual(['a']);
    state.apply(parseConfigRecord('channel/a', null));
    expect(state.channelsOf('d1', 'shop', 'orders')).toEqual([]);
    state.apply(parseConfigRecord('destination/d1', null));
    expect(state.destination('d1')).toBeUndefined();
    expect(state.channels().map((c) => c.name)).toEqual(['b']);
  });

  it('lists the tables whose unpaused channels ask for full-row images, whatever their destination does', () => {
    const state = new ConfigState();
    const channel = (name: string, table: string, image: string, paused = false) =>
      state.apply(parseConfigRecord(`channel/${name}`, JSON.stringify({ name, keyspace: 'shop', table, destination: 'd1', image, paused })));
    state.apply(parseConfigRecord('destination/d1', JSON.stringify({ name: 'd1', topic: 't1', paused: true })));
    channel('a', 'orders', 'full');
    channel('b', 'orders', 'delta');
    channel('c', 'stock', 'delta');
    channel('d', 'items', 'full', true);
    expect([...state.fullImageTables()]).toEqual(['shop.orders']);
    channel('a', 'orders', 'delta');
    expect(state.fullImageTables().size).toBe(0);
  });
});
