/**
 * cassandra.yaml for one node of the Meridian topology (Cassandra 5.0).
 *
 * Only what differs from Cassandra's built-in defaults (org.apache.cassandra.config.Config)
 * or what the topology depends on is written; everything else keeps the default.
 */
import type { CommitlogCompression } from '../topology';

export interface CassandraYamlOptions {
  readonly clusterName: string;
  /** Murmur3 token as a decimal string (num_tokens is 1). */
  readonly initialToken: string;
  /** `host:port` of each seed. */
  readonly seeds: readonly string[];
  /** Address the node binds for storage (gossip, messaging) and CQL. Inside a container: `0.0.0.0` is not allowed for listen, use the container's address. */
  readonly listenAddress: string;
  readonly rpcAddress: string;
  /** Address announced to peers and to clients. */
  readonly broadcastAddress: string;
  readonly cqlPort: number;
  readonly storagePort: number;
  /**
   * The node's data directory: data/, commitlog/, cdc_raw/, hints/ and saved_caches/
   * are created beneath it (on the host for the local driver, /var/lib/cassandra in a container).
   */
  readonly dataDir: string;
  /**
   * `CASSANDRA_4` (the default of Cassandra 5.0's own cassandra.yaml, and of a config that omits it)
   * writes commit log descriptors at messaging version 12 (VERSION_40); `NONE` writes 13 (VERSION_50).
   * The commit log decoder must handle whichever is chosen here. Cassandra 5.0 has no check
   * that makes a node pass through `UPGRADING` first: a new cluster may start in `NONE`.
   */
  readonly storageCompatibilityMode?: 'CASSANDRA_4' | 'UPGRADING' | 'NONE';
  /**
   * `commitlog_compression`: segments are written compressed, one block per sync section, and
   * grow as they are written instead of being preallocated (the `_cdc.idx` offset stays a
   * position in the uncompressed stream). Absent: uncompressed, memory-mapped segments.
   */
  readonly commitlogCompression?: CommitlogCompression;
  /** See the comment in the rendered file. Default 10 ms. */
  readonly commitlogSyncGroupWindowMs?: number;
}

/** Default group commit window: an acknowledged write is in `_cdc.idx` within this time plus an fsync. */
export const DEFAULT_COMMITLOG_SYNC_GROUP_WINDOW_MS = 10;

export function renderCassandraYaml(o: CassandraYamlOptions): string {
  const dir = (sub: string): string => yamlString(joinPosix(o.dataDir, sub));
  const window = o.commitlogSyncGroupWindowMs ?? DEFAULT_COMMITLOG_SYNC_GROUP_WINDOW_MS;
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`commitlogSyncGroupWindowMs must be a positive integer, got ${window}`);
  if (o.seeds.length === 0) throw new RangeError('at least one seed is needed');
  const mode: string = o.storageCompatibilityMode ?? 'CASSANDRA_4'; // callers in plain JS may pass anything
  if (!['CASSANDRA_4', 'UPGRADING', 'NONE'].includes(mode)) throw new RangeError(`unknown storage compatibility mode ${JSON.stringify(mode)}`);
  return `# Rendered by Meridian (infra/src/config/cassandra-yaml.ts); rewritten on every start.
cluster_name: ${yamlString(o.clusterName)}
num_tokens: 1
initial_token: ${o.initialToken}
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: GossipingPropertyFileSnitch
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: ${yamlString(o.seeds.join(','))}
listen_address: ${o.listenAddress}
broadcast_address: ${o.broadcastAddress}
rpc_address: ${o.rpcAddress}
broadcast_rpc_address: ${o.broadcastAddress}
storage_port: ${o.storagePort}
native_transport_port: ${o.cqlPort}
start_native_transport: true
# Every node of a new cluster owns its token at once; there is nothing to stream.
auto_bootstrap: false
storage_compatibility_mode: ${mode}
${renderCommitlogCompression(o.commitlogCompression)}
data_file_directories:
  - ${dir('data')}
commitlog_directory: ${dir('commitlog')}
cdc_raw_directory: ${dir('cdc_raw')}
hints_directory: ${dir('hints')}
saved_caches_directory: ${dir('saved_caches')}

# Change data capture: segments holding writes to tables WITH cdc=true are hard-linked
# into cdc_raw/, and CommitLog-<v>-<id>_cdc.idx beside them holds the durable offset.
# Writes to CDC tables are refused once cdc_raw/ holds cdc_total_space (the reader must
# delete consumed segments).
cdc_enabled: true
cdc_block_writes: true
cdc_total_space: 4096MiB

# Commit log sync, chosen for sub-second CDC. The _cdc.idx offset is written only by
# CommitLogSegment.sync(flush=true), right after the segment is flushed to disk
# (writeCDCIndexFile(descriptor, sectionEnd, ...)); a sync without flush only moves
# the in-buffer sync markers. So the idx lags a write by at most the flush interval:
#  - periodic: the syncer flushes every commitlog_sync_period (markers every 100 ms
#    when the period is longer), and writes are acknowledged before they are flushed.
#    The idx trails the client's ack by up to one period, and an acked write can still
#    be missing from the idx (and from disk) when the node dies.
#  - group: the syncer flushes every commitlog_sync_group_window and each write waits
#    (Allocation.awaitDiskSync) until the flush covering it has completed. sync() writes
#    the idx before it advances lastSyncedOffset and signals the waiters, so by the time
#    a client sees its write acknowledged, the idx already covers it: commit-to-idx
#    latency is zero as seen by the client, and nothing acknowledged is missed.
# group with a small window costs each write up to one window of latency (batched: one
# fsync per window for all writes in it); an idle node's syncer finds nothing to flush.
commitlog_sync: group
commitlog_sync_group_window: ${window}ms
commitlog_segment_size: 32MiB

# Small footprint for a development or test machine: several nodes share a few cores.
key_cache_size: 16MiB
counter_cache_size: 8MiB
row_cache_size: 0MiB
file_cache_size: 64MiB
networking_cache_size: 32MiB
concurrent_compactors: 1
memtable_flush_writers: 1
# Tests create and drop keyspaces all the time; a snapshot per drop only costs time and disk.
auto_snapshot: false
authenticator: AllowAllAuthenticator
authorizer: AllowAllAuthorizer
`;
}

/** Cassandra's compressor class of each choice (short names resolve in org.apache.cassandra.io.compress). */
export const COMMITLOG_COMPRESSOR_CLASSES: Readonly<Record<CommitlogCompression, string>> = {
  LZ4: 'LZ4Compressor',
  Snappy: 'SnappyCompressor',
  Deflate: 'DeflateCompressor',
  Zstd: 'ZstdCompressor',
};

/**
 * A ParameterizedClass, in the list form Cassandra's stock cassandra.yaml uses (one map, no
 * parameters: each compressor's defaults); empty when the commit log stays uncompressed.
 */
function renderCommitlogCompression(compression: CommitlogCompression | undefined): string {
  if (compression === undefined) return '';
  const className = (COMMITLOG_COMPRESSOR_CLASSES as Partial<Record<string, string>>)[compression];
  if (className === undefined) throw new RangeError(`unknown commit log compression ${JSON.stringify(compression)}; one of ${Object.keys(COMMITLOG_COMPRESSOR_CLASSES).join(', ')}`);
  return `commitlog_compression:\n  - class_name: ${className}\n`;
}

/** Double-quoted YAML scalar (JSON strings are valid YAML). */
function yamlString(s: string): string {
  return JSON.stringify(s);
}

/** Joins with `/` whatever the host OS: the same text serves container paths. */
function joinPosix(base: string, sub: string): string {
  return base.endsWith('/') ? base + sub : `${base}/${sub}`;
}
