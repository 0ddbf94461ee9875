import { type CassandraConnection, loadSchema } from '@meridian/cassandra';
import type { TableCatalog } from './ports';

/** Tables as the Cassandra node of this DC sees them in system_schema. */
export class CassandraTableCatalog implements TableCatalog {
  constructor(private readonly cassandra: CassandraConnection) {}

  async table(keyspace: string, table: string): Promise<{ cdc: boolean } | undefined> {
    // The whole schema per call: channels are created rarely, and loadSchema is the one reader of system_schema.
    const found = (await loadSchema(this.cassandra)).tables.find((t) => t.keyspace === keyspace && t.table === table);
    return found ? { cdc: found.cdc } : undefined;
  }
}
