/**
 * The topology every test, demo and benchmark runs against: one Cassandra 5.0
 * cluster spanning dc1 and dc2, and one Kafka 4.x KRaft broker per DC.
 * Two drivers bring it up (local JVMs, containers) behind this one interface.
 */
import { type DataCentre, kafkaBrokerName } from './layout';

export type { DataCentre };
export type DriverName = 'local' | 'containers';

export interface TopologySpec {
  /** Absolute path; holds the state file, each node's data directory and logs. */
  readonly workdir: string;
  /** 1, or 2 to add a second Cassandra node in dc1 (RF=2 tests). */
  readonly dc1Nodes: 1 | 2;
  /** Readiness timeout for the whole topology, in milliseconds. */
  readonly startTimeoutMs: number;
  /** Cassandra settings that change what the commit log looks like; every node gets the same. */
  readonly cassandra?: CassandraOptions;
}

/** What `storage_compatibility_mode` a node runs with (see CassandraOptions). */
export type StorageCompatibilityMode = 'CASSANDRA_4' | 'NONE';
/** Commit log compressors Cassandra 5.0 ships (org.apache.cassandra.io.compress.*Compressor). */
export type CommitlogCompression = 'LZ4' | 'Snappy' | 'Deflate' | 'Zstd';
export const STORAGE_COMPATIBILITY_MODES: readonly StorageCompatibilityMode[] = ['CASSANDRA_4', 'NONE'];
export const COMMITLOG_COMPRESSIONS: readonly CommitlogCompression[] = ['LZ4', 'Snappy', 'Deflate', 'Zstd'];

export interface CassandraOptions {
  /**
   * `CASSANDRA_4` (the default, as in Cassandra 5.0's stock cassandra.yaml) writes commit log
   * descriptor version 7 and messaging version 12; `NONE` writes version 8 and messaging 13.
   * A new cluster may start in `NONE` at once: the `UPGRADING` step is only for rolling
   * upgrades of a cluster that still has 4.x nodes or data.
   */
  readonly storageCompatibilityMode?: StorageCompatibilityMode;
  /** `commitlog_compression`; uncompressed (mmapped, preallocated segments) when absent. */
  readonly commitlogCompression?: CommitlogCompression;
}

/** What is wrong with `spec.cassandra` (callers in plain JS or from a CLI may pass anything). */
export function cassandraOptionProblems(options: CassandraOptions | undefined): string[] {
  const problems: string[] = [];
  const mode: unknown = options?.storageCompatibilityMode;
  if (mode !== undefined && !(STORAGE_COMPATIBILITY_MODES as readonly unknown[]).includes(mode)) {
    problems.push(`cassandra.storageCompatibilityMode must be one of ${STORAGE_COMPATIBILITY_MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  }
  const compression: unknown = options?.commitlogCompression;
  if (compression !== undefined && !(COMMITLOG_COMPRESSIONS as readonly unknown[]).includes(compression)) {
    problems.push(`cassandra.commitlogCompression must be one of ${COMMITLOG_COMPRESSIONS.join(', ')}, got ${JSON.stringify(compression)}`);
  }
  return problems;
}

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export interface CassandraNodeEndpoint {
  /** Stable node name, e.g. `dc1-n1`. */
  readonly name: string;
  readonly dc: DataCentre;
  /** CQL native transport as reachable from the host. */
  readonly cql: HostPort;
  /** Address the node announces to peers and drivers (for address translation). */
  readonly broadcastAddress: string;
  /** The node's data directory on the host (contains `cdc_raw/`, `commitlog/`, `data/`). */
  readonly dataDir: string;
  readonly cdcRawDir: string;
  readonly logFile: string;
}

export interface KafkaEndpoint {
  readonly dc: DataCentre;
  /** Bootstrap address reachable from the host, `host:port`. */
  readonly bootstrap: string;
  /** Bootstrap address reachable from containers on the topology's network (containers driver only). */
  readonly internalBootstrap?: string;
  readonly logFile: string;
}

export interface TopologyEndpoints {
  readonly driver: DriverName;
  readonly workdir: string;
  readonly cassandraVersion: string;
  readonly kafkaVersion: string;
  readonly cassandra: readonly CassandraNodeEndpoint[];
  readonly kafka: readonly KafkaEndpoint[];
}

export type ComponentState = 'up' | 'down';

export interface TopologyStatus extends TopologyEndpoints {
  /** Live check of each Cassandra node (CQL port) and Kafka broker, by name (`dc1-n1`, `kafka-dc1`). */
  readonly state: Readonly<Record<string, ComponentState>>;
}

/** Progress lines for people: what is being started, resolved, waited on. */
export type ProgressLog = (line: string) => void;

export interface TopologyDriver {
  readonly name: DriverName;
  /** Brings everything up and waits for real readiness; on failure tears down what it started and throws InfraError. */
  up(spec: TopologySpec, log: ProgressLog): Promise<TopologyEndpoints>;
  /** Reads the state file in `workdir` and checks each component; throws InfraError if nothing is up there. */
  status(workdir: string): Promise<TopologyStatus>;
  /** Stops and removes every process, container and network recorded in `workdir`'s state. Idempotent. */
  down(workdir: string, log: ProgressLog): Promise<void>;
  /** Stops one component (`kafka-dc1`, `kafka-dc2`, `dc1-n1`, ...) and keeps its data; `start` brings it back. */
  stop(workdir: string, component: string, log: ProgressLog): Promise<void>;
  /** Starts a stopped component again with its data, and waits until it answers its protocol (CQL / Kafka ApiVersions) or `timeoutMs` passes (InfraError naming the log to read). */
  start(workdir: string, component: string, log: ProgressLog, timeoutMs?: number): Promise<void>;
  /**
   * Cuts a running component off the topology's network (a network partition: it runs on
   * but reaches no other component, and none reaches it); `reconnect` heals it. Only the
   * containers driver can; the local driver throws InfraError.
   */
  disconnect(workdir: string, component: string, log: ProgressLog): Promise<void>;
  reconnect(workdir: string, component: string, log: ProgressLog): Promise<void>;
  /**
   * Copies each component's logs (Cassandra's log directory, Kafka's log directory or its
   * container's output) into `into`, one entry per component, for a post-mortem; call it
   * before `down`. Returns the paths written.
   */
  saveLogs(workdir: string, into: string): Promise<string[]>;
}

/** How long `start` waits for a component to answer, unless told otherwise. */
export const COMPONENT_START_TIMEOUT_MS = 120_000;

/** One component of a topology, as `stop` and `start` take it. */
export type TopologyComponent = { readonly kind: 'cassandra'; readonly node: CassandraNodeEndpoint } | { readonly kind: 'kafka'; readonly broker: KafkaEndpoint };

/** The names `status` reports: each Cassandra node, then each DC's broker. */
export function componentNames(endpoints: Pick<TopologyEndpoints, 'cassandra' | 'kafka'>): string[] {
  return [...endpoints.cassandra.map((n) => n.name), ...endpoints.kafka.map((k) => kafkaBrokerName(k.dc))];
}

/** The component of that name, or an InfraError listing the names there are. */
export function findComponent(endpoints: Pick<TopologyEndpoints, 'cassandra' | 'kafka' | 'workdir'>, name: string): TopologyComponent {
  const node = endpoints.cassandra.find((n) => n.name === name);
  if (node) return { kind: 'cassandra', node };
  const broker = endpoints.kafka.find((k) => kafkaBrokerName(k.dc) === name);
  if (broker) return { kind: 'kafka', broker };
  throw new InfraError(`no component "${name}" in the topology in ${endpoints.workdir}; it has ${componentNames(endpoints).join(', ')}`);
}

/** A failure people can act on: `message` says what is wrong and what to do; `detail` carries e.g. a log tail. */
export class InfraError extends Error {
  constructor(
    message: string,
    readonly detail?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'InfraError';
  }
}
