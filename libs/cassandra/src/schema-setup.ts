import type { CassandraConnection } from './cassandra-connection';

export interface TableSpec {
  readonly name: string;
  /** Columns and primary key, as between the parentheses of CREATE TABLE. */
  readonly definition: string;
  /** Whether the table's writes are captured (`cdc = true`). */
  readonly cdc: boolean;
}

export interface SchemaSpec {
  readonly keyspace: string;
  /** Replication factor per data centre (NetworkTopologyStrategy). */
  readonly replication: Readonly<Record<string, number>>;
  readonly tables: readonly TableSpec[];
}

/** `dc1:1,dc2:1`, by DC name, so that replications can be compared as text. */
const describeReplication = (factors: Readonly<Record<string, string | number>>) =>
  Object.entries(factors)
    .map(([dc, factor]) => `${dc}:${String(factor)}`)
    .sort()
    .join(',');

/**
 * Puts a service's keyspace and tables in place: each one missing is created (`IF NOT
 * EXISTS`, so services starting together do not trip over each other), CDC is turned on
 * where the spec wants it and it is off, and anything else that exists is left as it is.
 * Returns what it found and did, a line each, for the log.
 */
export async function ensureSchema(cassandra: Pick<CassandraConnection, 'execute'>, spec: SchemaSpec): Promise<string[]> {
  const { keyspace } = spec;
  const done: string[] = [];
  const wanted = describeReplication(spec.replication);
  const [existing] = await cassandra.execute('SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?', [keyspace], 'LOCAL_ONE');
  if (existing) {
    const { class: strategy = '', ...factors } = (existing['replication'] ?? {}) as Record<string, string>;
    const found = describeReplication(factors);
    done.push(found === wanted && strategy.endsWith('NetworkTopologyStrategy') ? `keyspace ${keyspace} exists (${found})` : `keyspace ${keyspace} exists with ${strategy} ${found}, not ${wanted} as configured: left as it is`);
  } else {
    const factors = Object.entries(spec.replication).map(([dc, factor]) => `'${dc}': ${factor}`);
    await cassandra.execute(`CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = {'class': 'NetworkTopologyStrategy', ${factors.join(', ')}}`);
    done.push(`created keyspace ${keyspace} (${wanted})`);
  }
  const tables = new Map(
    (await cassandra.execute('SELECT table_name, cdc FROM system_schema.tables WHERE keyspace_name = ?', [keyspace], 'LOCAL_ONE')).map((row) => [String(row['table_name']), row['cdc'] === true]),
  );
  for (const table of spec.tables) {
    const name = `${keyspace}.${table.name}`;
    const cdc = tables.get(table.name);
    if (cdc === undefined) {
      await cassandra.execute(`CREATE TABLE IF NOT EXISTS ${name} (${table.definition}) WITH cdc = ${table.cdc}`);
      done.push(`created table ${name} (cdc = ${table.cdc})`);
    } else if (table.cdc && !cdc) {
      await cassandra.execute(`ALTER TABLE ${name} WITH cdc = true`);
      done.push(`table ${name} exists; turned cdc on`);
    } else {
      done.push(`table ${name} exists (cdc = ${cdc})`);
    }
  }
  return done;
}
