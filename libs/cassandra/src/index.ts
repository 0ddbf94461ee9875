export {
  CassandraConnection,
  type CassandraNodeInfo,
  type CassandraSettings,
  CassandraUnavailableError,
  type Consistency,
  type Row,
  type RowKey,
  type RowReadOptions,
} from './cassandra-connection';

export { describeSchema, loadSchema, type SchemaRows, schemaVersion } from './schema-loader';
