import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Cassandra and Kafka versions, read from the Maven POMs under infra/maven so
 * that the local JVMs, the locally built images and the default official images
 * always agree. Change a version there, nowhere else.
 */
function pomProperty(artifact: 'cassandra' | 'kafka', property: string): string {
  const pom = join(__dirname, '..', 'maven', artifact, 'pom.xml');
  const value = new RegExp(`<${property.replace('.', '\\.')}>([^<]+)</`).exec(readFileSync(pom, 'utf8'))?.[1];
  if (!value) throw new Error(`${pom} has no <${property}>`);
  return value.trim();
}

export const CASSANDRA_VERSION = pomProperty('cassandra', 'cassandra.version');
export const KAFKA_VERSION = pomProperty('kafka', 'kafka.version');
