import { lookup } from 'node:dns/promises';
import { Client, type metadata, policies, types } from 'cassandra-driver';
import type { CqlJson, Logger } from '@meridian/contracts';
import { type DriverType, fromCqlJson, toCqlJson } from './cql-json';

export interface CassandraSettings {
  /** Nodes to talk to, `host:port`. Meridian talks to these nodes only (see below). */
  readonly contactPoints: readonly string[];
  /** The data centre of those nodes; queries never leave it. */
  readonly localDataCenter: string;
  readonly connectTimeoutMs?: number;
}

export interface CassandraNodeInfo {
  readonly address: string;
  readonly dataCenter: string;
  readonly rack: string;
  readonly releaseVersion: string;
  readonly clusterName: string;
}

/** The consistency of a lightweight transaction's Paxos round; a read at one of them sees every committed LWT. */
export type SerialConsistency = 'SERIAL' | 'LOCAL_SERIAL';

export type Consistency = 'ONE' | 'LOCAL_ONE' | 'LOCAL_QUORUM' | 'QUORUM' | 'ALL' | SerialConsistency;

/** One statement of a batch, with its bound parameters. */
export interface Statement {
  readonly cql: string;
  readonly params: readonly unknown[];
}

export interface QueryOptions {
  readonly consistency?: Consistency;
  /** For statements with `IF` conditions: where their Paxos round runs (default LOCAL_SERIAL, so it never leaves the DC). */
  readonly serialConsistency?: SerialConsistency;
}

/** Raised when no listed node answers, or a query fails for lack of replicas; `retriable` says whether trying again can help. */
export class CassandraUnavailableError extends Error {
  constructor(
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CassandraUnavailableError';
  }
}

export type Row = Readonly<Record<string, unknown>>;

/** One row to read back: a row by its whole primary key, or a partition's static row by its partition key. */
export interface RowKey {
  readonly keyspace: string;
  readonly table: string;
  /** Column → value, in the JSON of a change event (as the commit log decoder gives it). */
  readonly key: Readonly<Record<string, CqlJson>>;
  readonly static: boolean;
}

export interface RowReadOptions {
  readonly consistency?: Consistency;
  /** How long to wait for the answer; the driver's default is 12 s. */
  readonly timeoutMs?: number;
}

/**
 * The one place that talks to Cassandra. The driver is pinned to the listed
 * contact points: a cdc-reader must read schema from its own node, and nodes in
 * containers announce addresses the host cannot always reach.
 */
export class CassandraConnection {
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;

  constructor(
    private readonly settings: CassandraSettings,
    private readonly logger?: Logger,
  ) {}

  get contactPoints(): readonly string[] {
    return this.settings.contactPoints;
  }

  /** Asks the node for its identity; throws CassandraUnavailableError when it cannot. */
  async check(): Promise<CassandraNodeInfo> {
    const rows = await this.execute(
      'SELECT broadcast_address, data_center, rack, release_version, cluster_name FROM system.local',
      [],
      'LOCAL_ONE',
    );
    const row = rows[0];
    if (!row) throw new CassandraUnavailableError('system.local returned no row', true);
    return {
      address: String(row['broadcast_address']),
      dataCenter: String(row['data_center']),
      rack: String(row['rack']),
      releaseVersion: String(row['release_version']),
      clusterName: String(row['cluster_name']),
    };
  }

  /**
   * Runs one CQL statement with bound parameters (prepared) and returns its rows. A
   * conditional statement (`IF ...`) returns one row with `[applied]`.
   */
  async execute(cql: string, params: readonly unknown[] = [], consistency: Consistency = 'LOCAL_QUORUM', options: Omit<QueryOptions, 'consistency'> = {}): Promise<Row[]> {
    const client = await this.connected();
    try {
      const result = await client.execute(cql, [...params], { prepare: params.length > 0, ...driverOptions({ ...options, consistency }) });
      return toRows(result);
    } catch (error) {
      throw classify(error);
    }
  }

  /**
   * Reads one row back with a prepared statement: for a row, its regular columns; for a
   * static row, the partition's static columns. Every such column is there, null when
   * unset, its value in the JSON a change event uses (toCqlJson). Null when the row does
   * not exist. Throws CassandraUnavailableError when Cassandra cannot answer (no node, not
   * enough replicas, a timeout), and an Error for a table or key that does not fit.
   */
  async readRow(row: RowKey, options: RowReadOptions = {}): Promise<Record<string, CqlJson> | null> {
    const client = await this.connected();
    try {
      // The driver's table metadata is cached and refreshed on schema change events; a
      // keyspace it has not heard of yet (just created) is looked up once.
      // Null when there is no such table, whatever the type declarations say.
      const lookUp = () => client.metadata.getTable(row.keyspace, row.table) as Promise<metadata.TableMetadata | null>;
      let table = await lookUp();
      if (!table) {
        await client.metadata.refreshKeyspace(row.keyspace);
        table = await lookUp();
      }
      if (!table) throw new Error(`table ${row.keyspace}.${row.table} does not exist`);
      const read = rowRead(table, row);
      const result = await client.execute(read.cql, read.params, {
        prepare: true,
        ...driverOptions({ consistency: options.consistency ?? 'LOCAL_QUORUM' }),
        ...(options.timeoutMs !== undefined ? { readTimeout: options.timeoutMs } : {}),
      });
      const found = result.first() as types.Row | null;
      if (!found) return null;
      const columnTypes = new Map(result.columns.map((c) => [c.name, c.type as DriverType]));
      return Object.fromEntries(read.columns.map((name) => [name, toCqlJson(found.get(name), columnTypes.get(name))]));
    } catch (error) {
      throw classify(error);
    }
  }

  /**
   * Runs statements as one logged batch (prepared). With `IF` conditions, all of them on
   * one partition, it is one lightweight transaction: every statement applies or none
   * does, and the first row's `[applied]` says which.
   */
  async batch(statements: readonly Statement[], options: QueryOptions = {}): Promise<Row[]> {
    const client = await this.connected();
    try {
      const result = await client.batch(
        statements.map(({ cql, params }) => ({ query: cql, params: [...params] })),
        { prepare: true, logged: true, ...driverOptions({ consistency: 'LOCAL_QUORUM', ...options }) },
      );
      return toRows(result);
    } catch (error) {
      throw classify(error);
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.connecting = undefined;
    await client?.shutdown();
  }

  private connected(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<Client> {
    const pinned = await Promise.all(
      this.settings.contactPoints.map(async (contactPoint) => {
        const separator = contactPoint.lastIndexOf(':');
        const host = separator > 0 ? contactPoint.slice(0, separator) : contactPoint;
        const port = separator > 0 ? contactPoint.slice(separator + 1) : '9042';
        const { address } = await lookup(host.replace(/^\[|\]$/g, ''));
        return `${address}:${port}`;
      }),
    ).catch((error: unknown) => {
      throw new CassandraUnavailableError(`Cannot resolve Cassandra contact points ${this.settings.contactPoints.join(',')}: ${String(error)}`, true, { cause: error });
    });
    const client = new Client({
      contactPoints: pinned,
      localDataCenter: this.settings.localDataCenter,
      policies: {
        loadBalancing: new policies.loadBalancing.AllowListPolicy(new policies.loadBalancing.DCAwareRoundRobinPolicy(this.settings.localDataCenter), pinned),
      },
      socketOptions: { connectTimeout: this.settings.connectTimeoutMs ?? 5000 },
      // A CQL map as a Map: keys keep their type and order (an object would make them
      // strings). execute and batch turn them back into objects (withObjectMaps).
      encoding: { map: Map },
    });
    // Connection failures reach callers as errors (and /health); the driver's own
    // per-attempt warnings would repeat them, so they go to debug.
    client.on('log', (level: string, className: string, message: string) => {
      if (level === 'warning' || level === 'error') this.logger?.debug?.(`cassandra ${className}: ${message}`);
    });
    try {
      await client.connect();
    } catch (error) {
      await client.shutdown().catch(() => undefined);
      const reason = describeDriverError(error);
      throw new CassandraUnavailableError(`Cassandra at ${this.settings.contactPoints.join(',')} (${this.settings.localDataCenter}) is unavailable: ${reason}`, true, { cause: error });
    }
    this.client = client;
    return client;
  }
}

interface TableShape {
  readonly partitionKeys: readonly { readonly name: string; readonly type: DriverType }[];
  readonly clusteringKeys: readonly { readonly name: string; readonly type: DriverType }[];
  readonly columns: readonly { readonly name: string; readonly type: DriverType }[];
}

/** The SELECT of one row (or static row) by its key, the key bound as driver values. */
export function rowRead(table: TableShape, row: RowKey): { cql: string; params: unknown[]; columns: string[] } {
  const keyColumns = row.static ? table.partitionKeys : [...table.partitionKeys, ...table.clusteringKeys];
  const isKey = new Set([...table.partitionKeys, ...table.clusteringKeys].map((c) => c.name));
  // The driver's column metadata marks static columns; its type declarations do not say so.
  const columns = table.columns.filter((c) => !isKey.has(c.name) && ((c as { isStatic?: boolean }).isStatic === true) === row.static).map((c) => c.name);
  const params = keyColumns.map((c) => {
    const value = row.key[c.name];
    if (value === undefined) throw new Error(`the key of ${row.keyspace}.${row.table} has no ${c.name}`);
    return fromCqlJson(value, c.type);
  });
  const first = keyColumns[0];
  if (!first) throw new Error(`${row.keyspace}.${row.table} has no partition key`);
  // The first key column is selected too, so that a row with no other column set (or a
  // table of key columns only) is still told apart from no row.
  const selected = [first.name, ...columns].map(quote).join(', ');
  const where = keyColumns.map((c) => `${quote(c.name)} = ?`).join(' AND ');
  return { cql: `SELECT ${selected} FROM ${quote(row.keyspace)}.${quote(row.table)} WHERE ${where}${row.static ? ' LIMIT 1' : ''}`, params, columns };
}

/** A CQL identifier, quoted: names are case-sensitive as system_schema stores them. */
function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function driverOptions(options: QueryOptions): { consistency?: number; serialConsistency: number } {
  return {
    ...(options.consistency === undefined ? {} : { consistency: types.consistencies[toDriverConsistency(options.consistency)] }),
    serialConsistency: types.consistencies[toDriverConsistency(options.serialConsistency ?? 'LOCAL_SERIAL')],
  };
}

function toRows(result: types.ResultSet): Row[] {
  // Statements without a result set (DDL, writes) leave `rows` undefined despite its type.
  const rows = result.rows as types.Row[] | undefined;
  return (rows ?? []).map((row) => Object.fromEntries(row.keys().map((key) => [key, withObjectMaps(row.get(key))])));
}

/**
 * The client decodes CQL maps as Map, because readRow needs their keys as they are; the
 * rows of execute and batch keep the driver's default form, an object keyed by each key as
 * text (`replication['class']`), at any depth.
 */
export function withObjectMaps(value: unknown): unknown {
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), withObjectMaps(v)]));
  if (Array.isArray(value)) return value.map(withObjectMaps);
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withObjectMaps(v)]));
  }
  return value;
}

// What the coordinator answers when replicas are missing, slow or busy (a lightweight
// transaction that lost to others ends in a write timeout): trying again can help.
const RETRIABLE_CODES: ReadonlySet<number> = new Set([
  types.responseErrorCodes.unavailableException,
  types.responseErrorCodes.overloaded,
  types.responseErrorCodes.isBootstrapping,
  types.responseErrorCodes.writeTimeout,
  types.responseErrorCodes.readTimeout,
]);

function classify(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  // By name and code rather than instanceof: errors may come from another realm (a test sandbox).
  const code = (error as Error & { code?: unknown }).code;
  const retriable = /NoHostAvailable|Unavailable|Timeout|OperationTimedOut/i.test(error.name + error.message) || (error.name === 'ResponseError' && typeof code === 'number' && RETRIABLE_CODES.has(code));
  return retriable ? new CassandraUnavailableError(`Cassandra query failed: ${describeDriverError(error)}`, true, { cause: error }) : error;
}

function toDriverConsistency(consistency: Consistency): 'one' | 'localOne' | 'localQuorum' | 'quorum' | 'all' | 'serial' | 'localSerial' {
  switch (consistency) {
    case 'ONE':
      return 'one';
    case 'LOCAL_ONE':
      return 'localOne';
    case 'LOCAL_QUORUM':
      return 'localQuorum';
    case 'QUORUM':
      return 'quorum';
    case 'ALL':
      return 'all';
    case 'SERIAL':
      return 'serial';
    case 'LOCAL_SERIAL':
      return 'localSerial';
  }
}

/** One line per failed host instead of the driver's multi-line dump of inner errors. */
function describeDriverError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const inner = (error as Error & { innerErrors?: Record<string, unknown> }).innerErrors;
  if (!inner || Object.keys(inner).length === 0) return error.message;
  return Object.entries(inner)
    // Inner errors may come from another realm (e.g. a test sandbox), so no instanceof.
    .map(([host, cause]) => `${host}: ${typeof cause === 'object' && cause !== null && 'message' in cause ? String(cause.message) : String(cause)}`)
    .join('; ');
}
