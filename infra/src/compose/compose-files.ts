/**
 * Files of the Docker compose deployment (infra/compose) that are rendered rather than
 * written by hand: each Cassandra node's cassandra.yaml, from the same code as the
 * containers driver's, so that both run Cassandra alike (CDC on, group commit, the
 * node's token). `npm run compose:files` writes them; a unit test fails when the
 * committed files differ from what this renders.
 */
import { CONTAINER_DATA_DIR, containerCassandraYaml, KAFKA_INTERNAL_PORT } from '../containers/container-config';
import { cassandraDirs, cassandraNodes, type CassandraNodeLayout } from '../layout';
import { type ServiceInstance, serviceInstances } from '../services';
import type { DataCentre, TopologyEndpoints } from '../topology';

/** The compose file, relative to the repository root. */
export const COMPOSE_FILE = 'infra/compose/compose.yaml';

export interface ComposeCassandraNode {
  readonly node: CassandraNodeLayout;
  /** The compose service, which is also the node's host name on the `cassandra` network. */
  readonly service: string;
  /** Its cassandra.yaml, relative to the repository root. */
  readonly yamlFile: string;
}

/** One node per DC, as the demo runs them: dc1-n1 as `cassandra-dc1`, dc2-n1 as `cassandra-dc2`. */
export function composeCassandraNodes(): ComposeCassandraNode[] {
  return cassandraNodes(1).map((node) => ({ node, service: `cassandra-${node.dc}`, yamlFile: `infra/compose/cassandra/${node.name}.yaml` }));
}

/** CASSANDRA_SEEDS of every node: the seed nodes' service names. */
export function composeCassandraSeeds(): string {
  return composeCassandraNodes().filter((n) => n.node.seed).map((n) => n.service).join(',');
}

/** The rendered files, relative to the repository root, with their content. */
export function renderComposeFiles(): { readonly file: string; readonly content: string }[] {
  const seeds = composeCassandraSeeds();
  return composeCassandraNodes().map(({ node, service, yamlFile }) => ({
    file: yamlFile,
    content: `# ${yamlFile}: ${node.name} (${node.dc}), the compose service ${service}. Written by
# \`npm run compose:files\` from the containers driver's renderer; do not edit by hand.
# ${COMPOSE_FILE} copies it over the image's /etc/cassandra/cassandra.yaml; the image's
# entrypoint then fills in the addresses and seeds from the CASSANDRA_* variables.
${containerCassandraYaml(node, seeds)}`,
  }));
}

/** The example service each DC runs, as the demo does: orders are taken in dc1, stock is kept in dc2. */
const EXAMPLE_SERVICE: Readonly<Record<DataCentre, string>> = { dc1: 'order-service', dc2: 'inventory-service' };

export interface ComposeService extends ServiceInstance {
  /** Its name in the compose file: `<service>-<dc>`, or the example service's own name. */
  readonly composeService: string;
}

/**
 * The Meridian services the compose file runs, with the environment infra/src/services.ts
 * gives them (the same as the demo's), addressed by the names they have on the compose
 * networks and listening on all of their container's addresses.
 */
export function composeServices(): ComposeService[] {
  const nodes = composeCassandraNodes();
  const endpoints: TopologyEndpoints = {
    driver: 'containers',
    workdir: '/',
    cassandraVersion: 'compose',
    kafkaVersion: 'compose',
    cassandra: nodes.map(({ node, service }) => ({
      name: node.name,
      dc: node.dc,
      cql: { host: service, port: node.cqlPort },
      broadcastAddress: service,
      dataDir: CONTAINER_DATA_DIR,
      cdcRawDir: `${CONTAINER_DATA_DIR}/${cassandraDirs.cdcRaw}`,
      logFile: '/var/log/cassandra/system.log',
    })),
    kafka: (['dc1', 'dc2'] as const).map((dc) => ({ dc, bootstrap: `kafka-${dc}:${KAFKA_INTERNAL_PORT}`, logFile: `kafka-${dc}` })),
  };
  return (['dc1', 'dc2'] as const).flatMap((dc) =>
    serviceInstances(endpoints, dc)
      .filter((s) => !['order-service', 'inventory-service'].includes(s.service) || s.service === EXAMPLE_SERVICE[dc])
      .map((s) => ({
        ...s,
        composeService: s.service === EXAMPLE_SERVICE[dc] ? s.service : `${s.service}-${dc}`,
        env: { ...s.env, MERIDIAN_HTTP_HOST: '0.0.0.0' },
      })),
  );
}
