import { hostPortList, identifier, port, positiveInt, text } from '@meridian/config';
import { PIPELINE_NAMES } from '@meridian/contracts';

/** Settings every Meridian service takes. */
export function serviceEnv(defaultHttpPort: number) {
  return {
    MERIDIAN_DC: identifier('data centre this service runs in, e.g. dc1'),
    MERIDIAN_HTTP_HOST: text('address the HTTP server (health, metrics, API) listens on').default('127.0.0.1'),
    MERIDIAN_HTTP_PORT: port('port of the HTTP server (health, metrics, API)', defaultHttpPort),
    MERIDIAN_HEARTBEAT_MS: positiveInt('how often this service publishes its heartbeat to the status topic, in milliseconds', 5000),
    MERIDIAN_STATUS_TOPIC: text("compacted topic of the components' heartbeats").default(PIPELINE_NAMES.MERIDIAN_STATUS_TOPIC),
    MERIDIAN_INSTANCE: text('names this instance in heartbeats and metric labels, unique among its kind in the DC; default <hostname>:<http port>').optional(),
  };
}

/** The settings of serviceEnv that ServiceModule itself reads from the configuration it is given. */
export interface ServiceSettings {
  readonly MERIDIAN_HEARTBEAT_MS: number;
  readonly MERIDIAN_STATUS_TOPIC: string;
  readonly MERIDIAN_INSTANCE?: string | undefined;
  readonly MERIDIAN_HTTP_PORT?: number;
  readonly MERIDIAN_STALL_AFTER_MS?: number;
}

/** Settings of a service that talks to its DC's Kafka cluster. */
export const kafkaEnv = {
  MERIDIAN_KAFKA_BROKERS: hostPortList("bootstrap servers of this DC's Kafka cluster, host:port[,host:port]"),
  MERIDIAN_STALL_AFTER_MS: positiveInt(
    'how long a consumer group member may make no progress while records wait for it before /health reports it stalled and it is replaced by a new one, in milliseconds',
    60_000,
  ),
};

/** Settings of a service that talks to Cassandra nodes of its DC. */
export const cassandraEnv = {
  MERIDIAN_CASSANDRA_CONTACT_POINTS: hostPortList('CQL address(es) of the Cassandra node(s) to use, host:port[,host:port]; only these nodes are used'),
};
