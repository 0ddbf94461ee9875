import { types } from 'cassandra-driver';
import { CassandraConnection, CassandraUnavailableError, rowRead, withObjectMaps } from './cassandra-connection';

// TCP port 1 (tcpmux) is reserved and unused: connecting to it on loopback is refused.
const NOTHING_LISTENS = 1;

describe('CassandraConnection', () => {
  it('reports an unreachable node in one line naming the node and the cause', async () => {
    const port = NOTHING_LISTENS;
    const cassandra = new CassandraConnection({ contactPoints: [`127.0.0.1:${port}`], localDataCenter: 'dc1', connectTimeoutMs: 500 });
    try {
      const error = await cassandra.check().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CassandraUnavailableError);
      expect((error as Error).message).toBe(`Cassandra at 127.0.0.1:${port} (dc1) is unavailable: 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`);
    } finally {
      await cassandra.close();
    }
  });
});

describe('rowRead', () => {
  const { dataTypes } = types;
  // As the driver's table metadata describes `CREATE TABLE "Shop".orders (customer text, region int, day date, line int, s text STATIC, total decimal, "Note" text, PRIMARY KEY ((customer, region), day, line))`.
  const table = {
    partitionKeys: [
      { name: 'customer', type: { code: dataTypes.text } },
      { name: 'region', type: { code: dataTypes.int } },
    ],
    clusteringKeys: [
      { name: 'day', type: { code: dataTypes.date } },
      { name: 'line', type: { code: dataTypes.int } },
    ],
    columns: [
      { name: 'customer', type: { code: dataTypes.text } },
      { name: 'region', type: { code: dataTypes.int } },
      { name: 'day', type: { code: dataTypes.date } },
      { name: 'line', type: { code: dataTypes.int } },
      { name: 's', type: { code: dataTypes.text }, isStatic: true },
      { name: 'total', type: { code: dataTypes.decimal } },
      { name: 'Note', type: { code: dataTypes.text } },
    ],
  };
  const key = { customer: 'ann', region: 3, day: '2024-02-29', line: 7 };

  it('selects a row by its whole primary key, its regular columns, the key bound as driver values', () => {
    const read = rowRead(table, { keyspace: 'Shop', table: 'orders', key, static: false });
    expect(read.cql).toBe('SELECT "customer", "total", "Note" FROM "Shop"."orders" WHERE "customer" = ? AND "region" = ? AND "day" = ? AND "line" = ?');
    expect(read.columns).toEqual(['total', 'Note']);
    expect(read.params.slice(0, 2)).toEqual(['ann', 3]);
    expect(String(read.params[2])).toBe('2024-02-29');
  });

  it("selects a static row by its partition key, the partition's static columns", () => {
    const read = rowRead(table, { keyspace: 'Shop', table: 'orders', key: { customer: 'ann', region: 3 }, static: true });
    expect(read.cql).toBe('SELECT "customer", "s" FROM "Shop"."orders" WHERE "customer" = ? AND "region" = ? LIMIT 1');
    expect(read.columns).toEqual(['s']);
  });

  it('names a key column the key lacks, or a value that does not fit its type', () => {
    expect(() => rowRead(table, { keyspace: 'Shop', table: 'orders', key: { customer: 'ann', region: 3 }, static: false })).toThrow('the key of Shop.orders has no day');
    expect(() => rowRead(table, { keyspace: 'Shop', table: 'orders', key: { ...key, region: 'x' }, static: false })).toThrow('"x" is not a CQL value of type int');
  });
});

describe('withObjectMaps', () => {
  it("gives execute's rows the driver's default map form, an object keyed by text, at any depth", () => {
    const uuid = types.Uuid.fromString('b6f3c2a0-1d2e-41ef-9a3b-0242ac120002');
    expect(withObjectMaps(new Map([['class', 'NetworkTopologyStrategy'], ['dc1', '2']]))).toEqual({ class: 'NetworkTopologyStrategy', dc1: '2' });
    expect(withObjectMaps([new Map([[1, new Map([[uuid, 'x']])]])])).toEqual([{ '1': { 'b6f3c2a0-1d2e-41ef-9a3b-0242ac120002': 'x' } }]);
    expect(withObjectMaps({ home: new Map([['k', 1]]) })).toEqual({ home: { k: 1 } });
    expect(withObjectMaps(uuid)).toBe(uuid);
  });
});
