import { hostPortList, identifier, port, text } from '@meridian/config';

/** Settings every Meridian service takes. */
export function serviceEnv(defaultHttpPort: number) {
  return {
    MERIDIAN_DC: identifier('data centre this service runs in, e.g. dc1'),
    MERIDIAN_HTTP_HOST: text('address the HTTP server (health, API) listens on').default('127.0.0.1'),
    MERIDIAN_HTTP_PORT: port('port of the HTTP server (health, API)', defaultHttpPort),
  };
}

/** Settings of a service that talks to its DC's Kafka cluster. */
export const kafkaEnv = {
  MERIDIAN_KAFKA_BROKERS: hostPortList("bootstrap servers of this DC's Kafka cluster, host:port[,host:port]"),
};

/** Settings of a service that talks to Cassandra nodes of its DC. */
export const cassandraEnv = {
  MERIDIAN_CASSANDRA_CONTACT_POINTS: hostPortList('CQL address(es) of the Cassandra node(s) to use, host:port[,host:port]; only these nodes are used'),
};
