import type { Row } from './cassandra-connection';
import { ensureSchema } from './schema-setup';

/** Answers the system_schema reads from what it holds and records every other statement. */
function fakeCassandra(keyspaces: Record<string, Record<string, string>>, tables: Row[]) {
  const statements: string[] = [];
  return {
    statements,
    execute: (cql: string): Promise<Row[]> => {
      if (cql.includes('system_schema.keyspaces')) return Promise.resolve(Object.values(keyspaces).map((replication) => ({ replication })));
      if (cql.includes('system_schema.tables')) return Promise.resolve(tables);
      statements.push(cql);
      return Promise.resolve([]);
    },
  };
}

describe('ensureSchema', () => {
  const spec = {
    keyspace: 'shop',
    replication: { dc2: 1, dc1: 1 },
    tables: [
      { name: 'orders', definition: 'id uuid PRIMARY KEY, status text', cdc: true },
      { name: 'stock', definition: 'product_id text PRIMARY KEY, available int', cdc: false },
    ],
  };

  it('creates what is missing and says so', async () => {
    const cassandra = fakeCassandra({}, []);
    expect(await ensureSchema(cassandra, spec)).toEqual(['created keyspace shop (dc1:1,dc2:1)', 'created table shop.orders (cdc = true)', 'created table shop.stock (cdc = false)']);
    expect(cassandra.statements).toEqual([
      "CREATE KEYSPACE IF NOT EXISTS shop WITH replication = {'class': 'NetworkTopologyStrategy', 'dc2': 1, 'dc1': 1}",
      'CREATE TABLE IF NOT EXISTS shop.orders (id uuid PRIMARY KEY, status text) WITH cdc = true',
      'CREATE TABLE IF NOT EXISTS shop.stock (product_id text PRIMARY KEY, available int) WITH cdc = false',
    ]);
  });

  it('leaves what exists, turning CDC on where it is wanted, and names a replication other than the configured one', async () => {
    const cassandra = fakeCassandra({ shop: { class: 'org.apache.cassandra.locator.NetworkTopologyStrategy', dc1: '3' } }, [
      { table_name: 'orders', cdc: false },
      { table_name: 'stock', cdc: false },
    ]);
    expect(await ensureSchema(cassandra, spec)).toEqual([
      'keyspace shop exists with org.apache.cassandra.locator.NetworkTopologyStrategy dc1:3, not dc1:1,dc2:1 as configured: left as it is',
      'table shop.orders exists; turned cdc on',
      'table shop.stock exists (cdc = false)',
    ]);
    expect(cassandra.statements).toEqual(['ALTER TABLE shop.orders WITH cdc = true']);
  });
});
