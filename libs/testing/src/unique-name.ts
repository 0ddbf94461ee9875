import { randomBytes } from 'node:crypto';

/**
 * A name no other test run uses, valid as a Cassandra keyspace or table and as a
 * Kafka topic or group: tests never see each other's data.
 */
export function uniqueName(prefix: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(prefix)) throw new Error(`prefix "${prefix}" must be lower-case letters, digits and "_", starting with a letter`);
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}
