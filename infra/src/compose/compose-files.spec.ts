import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { containerCassandraEnvironment, containerKafkaEnvironment } from '../containers/container-config';
import { CASSANDRA_VERSION, KAFKA_VERSION } from '../versions';
import { COMPOSE_FILE, composeCassandraNodes, composeCassandraSeeds, composeServices, renderComposeFiles } from './compose-files';

const ROOT = join(__dirname, '..', '..', '..');
const composeText = readFileSync(join(ROOT, COMPOSE_FILE), 'utf8');
const PUBLISH = '${MERIDIAN_PUBLISH_ADDRESS:-127.0.0.1}';

/** The lines of one service's block in the compose file (the file is kept in this plain layout). */
function serviceBlock(name: string): string[] {
  const lines = composeText.split('\n');
  const start = lines.indexOf(`  ${name}:`);
  if (start < 0) throw new Error(`${COMPOSE_FILE} has no service ${name}`);
  const block: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^ {0,2}\S/.test(line)) break;
    block.push(line);
  }
  return block;
}

/** `KEY: value` lines of a block's `environment:` map, unquoted. */
function environmentOf(name: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of serviceBlock(name)) {
    const match = /^ {6}([A-Z][A-Z0-9_]*): (.*)$/.exec(line);
    if (match?.[1] && match[2] !== undefined) env[match[1]] = match[2].replace(/^"(.*)"$/, '$1');
  }
  return env;
}

function publishedPorts(name: string): string[] {
  return serviceBlock(name).flatMap((line) => {
    const match = /^ {6}- "(.*)"$/.exec(line);
    return match?.[1]?.startsWith(PUBLISH) ? [match[1].slice(PUBLISH.length + 1)] : [];
  });
}

describe('the Docker compose deployment', () => {
  it('mounts the cassandra.yaml files the containers driver renders (npm run compose:files writes them)', () => {
    for (const { file, content } of renderComposeFiles()) {
      expect({ file, content: readFileSync(join(ROOT, file), 'utf8') }).toEqual({ file, content });
    }
    for (const { service, yamlFile } of composeCassandraNodes()) {
      expect(serviceBlock(service)).toContain(`      - ./${yamlFile.replace('infra/compose/', '')}:/etc/meridian/cassandra.yaml:ro`);
    }
  });

  it('runs the official images of the versions in the POMs by default', () => {
    expect(composeText).toContain(`image: \${CASSANDRA_IMAGE:-cassandra:${CASSANDRA_VERSION}}`);
    expect(composeText).toContain(`image: \${KAFKA_IMAGE:-apache/kafka:${KAFKA_VERSION}}`);
  });

  it('configures each Cassandra node as the containers driver does', () => {
    for (const { node, service } of composeCassandraNodes()) {
      expect(environmentOf(service)).toEqual(containerCassandraEnvironment(node, composeCassandraSeeds()));
      expect(publishedPorts(service)).toEqual([`${node.cqlPort + (node.dc === 'dc1' ? 0 : 100)}:${node.cqlPort}`]);
    }
  });

  it('configures each DC its own Kafka as the containers driver does, on a network of its own', () => {
    const clusterIds = new Set<string>();
    for (const dc of ['dc1', 'dc2'] as const) {
      const service = `kafka-${dc}`;
      const hostPort = dc === 'dc1' ? 9092 : 9192;
      const { CLUSTER_ID, KAFKA_LOG_DIRS, ...env } = environmentOf(service);
      const { CLUSTER_ID: _random, ...expected } = containerKafkaEnvironment(service, `${PUBLISH}:${hostPort}`, '');
      expect(env).toEqual(expected);
      expect(KAFKA_LOG_DIRS).toBe('/var/lib/kafka/data');
      clusterIds.add(CLUSTER_ID ?? '');
      expect(publishedPorts(service)).toEqual([`${hostPort}:9092`]);
      expect(serviceBlock(service)).toContain(`    networks: [${dc}]`);
    }
    expect(clusterIds.size).toBe(2);
  });

  it('runs every service of each DC with the environment and HTTP port infra/src/services.ts gives it', () => {
    const services = composeServices();
    expect(services.map((s) => s.composeService).sort()).toEqual(
      ['cdc-reader', 'deduper', 'publisher', 'coordinator'].flatMap((s) => [`${s}-dc1`, `${s}-dc2`]).concat('order-service', 'inventory-service').sort(),
    );
    for (const s of services) {
      expect({ service: s.composeService, env: environmentOf(s.composeService) }).toEqual({ service: s.composeService, env: s.env });
      expect({ service: s.composeService, ports: publishedPorts(s.composeService) }).toEqual({ service: s.composeService, ports: [`${s.httpPort}:${s.httpPort}`] });
      expect(serviceBlock(s.composeService)).toContain(`    command: ["node", "--enable-source-maps", "apps/${s.service}/dist/main.js"]`);
      // A DC's services reach its own Kafka only.
      const networks = serviceBlock(s.composeService).find((line) => line.startsWith('    networks: '));
      expect(networks).toMatch(new RegExp(`^    networks: \\[${s.dc}(, cassandra)?\\]$`));
    }
  });
});
