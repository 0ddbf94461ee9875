/**
 * How a Cassandra node and a Kafka broker are configured as containers of the official
 * images (`cassandra:5.0`, `apache/kafka:4`) or of the local images with the same
 * contract (infra/images): shared by the containers driver and the Docker compose
 * deployment (infra/compose), so that both run Cassandra and Kafka alike.
 */
import { renderCassandraYaml } from '../config/cassandra-yaml';
import { CASSANDRA_CLUSTER_NAME, CASSANDRA_RACK, type CassandraNodeLayout } from '../layout';
import type { CassandraOptions } from '../topology';

/** A node's data directory in its container: data/, commitlog/, cdc_raw/, hints/, saved_caches/. */
export const CONTAINER_DATA_DIR = '/var/lib/cassandra';
export const CONTAINER_LOG_DIR = '/var/log/cassandra';
/** The port a broker listens on for containers on its network (9092 is for the host). */
export const KAFKA_INTERNAL_PORT = 19092;

/**
 * cassandra.yaml of a node in a container. Its addresses are placeholders: the image's
 * entrypoint rewrites `listen_address`, `broadcast_address`, `rpc_address`,
 * `broadcast_rpc_address` and the seeds in place from CASSANDRA_* (containerCassandraEnvironment)
 * and the container's own address.
 */
export function containerCassandraYaml(node: CassandraNodeLayout, seeds: string, options: CassandraOptions = {}): string {
  return renderCassandraYaml({
    clusterName: CASSANDRA_CLUSTER_NAME,
    initialToken: node.initialToken,
    seeds: [seeds],
    listenAddress: 'localhost',
    rpcAddress: '0.0.0.0',
    broadcastAddress: 'localhost',
    cqlPort: node.cqlPort,
    storagePort: node.storagePort,
    dataDir: CONTAINER_DATA_DIR,
    storageCompatibilityMode: options.storageCompatibilityMode,
    commitlogCompression: options.commitlogCompression,
  });
}

/** The official image's variables for a node: its DC and rack (rackdc file), snitch, seeds (comma-separated host names), heap. */
export function containerCassandraEnvironment(node: CassandraNodeLayout, seeds: string): Record<string, string> {
  return {
    CASSANDRA_CLUSTER_NAME,
    CASSANDRA_DC: node.dc,
    CASSANDRA_RACK,
    CASSANDRA_ENDPOINT_SNITCH: 'GossipingPropertyFileSnitch',
    CASSANDRA_SEEDS: seeds,
    CASSANDRA_NUM_TOKENS: '1',
    MAX_HEAP_SIZE: '1G',
    HEAP_NEWSIZE: '256M',
    // A new cluster has no ring to learn: skip the 30 s waits for gossip and ring settling.
    JVM_EXTRA_OPTS: '-Dcassandra.skip_wait_for_gossip_to_settle=0 -Dcassandra.ring_delay_ms=2000',
  };
}

/**
 * apache/kafka's variables (each KAFKA_* becomes a line of server.properties) for a single
 * combined broker and controller in KRaft mode: PLAINTEXT for the host at `hostAddress`
 * (published there, container port 9092), INTERNAL for containers on its network, which
 * find it as `containerName`.
 */
export function containerKafkaEnvironment(containerName: string, hostAddress: string, clusterId: string): Record<string, string> {
  return {
    CLUSTER_ID: clusterId,
    KAFKA_NODE_ID: '1',
    KAFKA_PROCESS_ROLES: 'broker,controller',
    KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
    KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
    KAFKA_LISTENERS: `PLAINTEXT://0.0.0.0:9092,INTERNAL://0.0.0.0:${KAFKA_INTERNAL_PORT},CONTROLLER://localhost:9093`,
    KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${hostAddress},INTERNAL://${containerName}:${KAFKA_INTERNAL_PORT}`,
    KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT',
    KAFKA_INTER_BROKER_LISTENER_NAME: 'INTERNAL',
    KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
    KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '10',
    KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
    KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
    KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS: '10',
    KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
    KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
    KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
    KAFKA_HEAP_OPTS: '-Xms256m -Xmx512m',
  };
}
