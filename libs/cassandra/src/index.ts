export {
  CassandraConnection,
  type CassandraNodeInfo,
  type CassandraSettings,
  CassandraUnavailableError,
  type Consistency,
  type Row,
} from './cassandra-connection';

export { describeSchema, loadSchema, type SchemaRows } from './schema-loader';
