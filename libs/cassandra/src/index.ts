export {
  CassandraConnection,
  type CassandraNodeInfo,
  type CassandraSettings,
  CassandraUnavailableError,
  type Consistency,
  type QueryOptions,
  type Row,
  type RowKey,
  type RowReadOptions,
  type SerialConsistency,
  type Statement,
} from './cassandra-connection';

export { describeSchema, loadSchema, type SchemaRows, schemaVersion } from './schema-loader';

export { ensureSchema, type SchemaSpec, type TableSpec } from './schema-setup';
