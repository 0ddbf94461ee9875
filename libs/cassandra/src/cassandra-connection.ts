import { lookup } from 'node:dns/promises';
import { Client, policies, types } from 'cassandra-driver';
import type { Logger } from '@meridian/contracts';

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

function driverOptions(options: QueryOptions): { consistency?: number; serialConsistency: number } {
  return {
    ...(options.consistency === undefined ? {} : { consistency: types.consistencies[toDriverConsistency(options.consistency)] }),
    serialConsistency: types.consistencies[toDriverConsistency(options.serialConsistency ?? 'LOCAL_SERIAL')],
  };
}

function toRows(result: types.ResultSet): Row[] {
  // Statements without a result set (DDL, writes) leave `rows` undefined despite its type.
  const rows = result.rows as types.Row[] | undefined;
  return (rows ?? []).map((row) => Object.fromEntries(row.keys().map((key) => [key, row.get(key) as unknown])));
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
