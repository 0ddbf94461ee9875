/**
 * Names, addresses, ports and tokens of the topology, shared by both drivers.
 *
 * Every Cassandra node uses the default ports (CQL 9042, storage 7000), so on one
 * host each node gets its own loopback address (all of 127/8 is loopback on Linux).
 * The third octet's tens digit is the DC, the units digit the node: dc1-n1 is
 * 127.0.0.11, dc1-n2 127.0.0.12, dc2-n1 127.0.0.21. Each DC's Kafka listens on the
 * address of that DC's first node.
 */
import { join } from 'node:path';

export type DataCentre = 'dc1' | 'dc2';

export const CASSANDRA_CLUSTER_NAME = 'meridian';
export const CASSANDRA_RACK = 'rack1';
export const CQL_PORT = 9042;
export const STORAGE_PORT = 7000;
export const KAFKA_PORT = 9092;
export const KAFKA_CONTROLLER_PORT = 9093;
/** A combined broker+controller is the only node of its cluster. */
export const KAFKA_NODE_ID = 1;

export interface CassandraNodeLayout {
  /** `dc1-n1` */
  readonly name: string;
  readonly dc: DataCentre;
  readonly rack: string;
  /** Listen, RPC and broadcast address. */
  readonly address: string;
  readonly cqlPort: number;
  readonly storagePort: number;
  /** JMX binds to 127.0.0.1 whatever the listen address, so each node needs its own port. */
  readonly jmxPort: number;
  /** Murmur3 token (num_tokens 1); a decimal string because it does not fit a JS number. */
  readonly initialToken: string;
  readonly seed: boolean;
}

export interface KafkaBrokerLayout {
  /** `kafka-dc1` */
  readonly name: string;
  readonly dc: DataCentre;
  readonly address: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly nodeId: number;
}

// Tokens are fixed per node, so a node keeps its token whatever dc1Nodes is.
// dc1's two nodes split the ring in half; dc2's node sits 100 past dc1-n1's
// (tokens must be unique across the whole cluster, DCs are placed independently).
const CASSANDRA_NODES: readonly CassandraNodeLayout[] = [
  node('dc1-n1', 'dc1', '127.0.0.11', 7111, '-4611686018427387904', true),
  node('dc1-n2', 'dc1', '127.0.0.12', 7112, '4611686018427387904', false),
  node('dc2-n1', 'dc2', '127.0.0.21', 7121, '-4611686018427387804', true),
];

function node(
  name: string,
  dc: DataCentre,
  address: string,
  jmxPort: number,
  initialToken: string,
  seed: boolean,
): CassandraNodeLayout {
  return { name, dc, rack: CASSANDRA_RACK, address, cqlPort: CQL_PORT, storagePort: STORAGE_PORT, jmxPort, initialToken, seed };
}

/** The Cassandra nodes of a topology, by name: dc1-n1, (dc1-n2 if asked for), dc2-n1. */
export function cassandraNodes(dc1Nodes: 1 | 2): CassandraNodeLayout[] {
  return CASSANDRA_NODES.filter((n) => dc1Nodes === 2 || n.name !== 'dc1-n2');
}

/** `host:port` of every seed, for SimpleSeedProvider. */
export function cassandraSeeds(nodes: readonly CassandraNodeLayout[]): string[] {
  return nodes.filter((n) => n.seed).map((n) => `${n.address}:${n.storagePort}`);
}

/** `kafka-dc1`: how status reports, and logs name, a DC's broker. */
export function kafkaBrokerName(dc: DataCentre): string {
  return `kafka-${dc}`;
}

/** One single-node KRaft cluster per DC. */
export function kafkaBrokers(): KafkaBrokerLayout[] {
  return (['dc1', 'dc2'] as const).map((dc) => ({
    name: kafkaBrokerName(dc),
    dc,
    address: dc === 'dc1' ? '127.0.0.11' : '127.0.0.21',
    port: KAFKA_PORT,
    controllerPort: KAFKA_CONTROLLER_PORT,
    nodeId: KAFKA_NODE_ID,
  }));
}

/** Where things live under a topology's workdir. */
export const workdirLayout = {
  stateFile: (workdir: string): string => join(workdir, 'topology.json'),
  cassandraNodeDir: (workdir: string, name: string): string => join(workdir, 'cassandra', name),
  kafkaDir: (workdir: string, dc: DataCentre): string => join(workdir, 'kafka', dc),
} as const;

/** Sub-directories of a Cassandra node's directory (the same names inside a container's /var/lib/cassandra). */
export const cassandraDirs = {
  data: 'data',
  commitlog: 'commitlog',
  cdcRaw: 'cdc_raw',
  hints: 'hints',
  savedCaches: 'saved_caches',
  conf: 'conf',
  logs: 'logs',
} as const;

/** Sub-directories of a Kafka broker's directory. */
export const kafkaDirs = { data: 'data', conf: 'conf', logs: 'logs' } as const;

export const CASSANDRA_LOG_FILE = 'system.log';
export const KAFKA_LOG_FILE = 'server.log';
