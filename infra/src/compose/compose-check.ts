/**
 * The cross-DC check of a running compose deployment (scripts/compose-check.sh runs it):
 * a row written to a CDC table through dc1's Cassandra node must arrive as a change event
 * on a destination topic of dc2's Kafka, configured through dc2's coordinator, and
 * nothing of it may appear in dc1's Kafka. Everything is reached through the ports the
 * compose file publishes on the host.
 *
 *   node --conditions=@meridian/source --import tsx infra/src/compose/compose-check.ts [--address 127.0.0.1] [--timeout 180]
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { CassandraConnection } from '@meridian/cassandra';
import { KafkaConnection } from '@meridian/kafka';
import { errorMessage } from '@meridian/contracts';

interface ChangeEvent {
  readonly op: string;
  readonly key: Record<string, unknown>;
  readonly after: Record<string, unknown> | null;
  readonly source: { readonly dc: string; readonly node: string; readonly keyspace: string; readonly table: string; readonly writetime_us: string | number };
}

class CheckError extends Error {}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { address: { type: 'string', default: '127.0.0.1' }, timeout: { type: 'string', default: '180' } } });
  const address = values.address;
  const deadline = Date.now() + Number(values.timeout) * 1000;
  const log = (line: string) => {
    process.stdout.write(`compose-check: ${line}\n`);
  };
  const suffix = randomBytes(3).toString('hex');
  const keyspace = `compose_check_${suffix}`;
  const destination = `compose-check-${suffix}`;
  const topic = `compose.check.${suffix}`;
  const coordinatorDc2 = `http://${address}:8180`;

  const dc1 = new CassandraConnection({ contactPoints: [`${address}:9042`], localDataCenter: 'dc1' });
  const kafkaDc1 = new KafkaConnection({ brokers: [`${address}:9092`], clientId: 'compose-check-dc1' });
  const kafkaDc2 = new KafkaConnection({ brokers: [`${address}:9192`], clientId: 'compose-check-dc2' });
  try {
    const node = await dc1.check();
    log(`dc1: Cassandra ${node.releaseVersion} (${node.dataCenter}); dc1 Kafka cluster ${(await kafkaDc1.check()).clusterId}, dc2 Kafka cluster ${(await kafkaDc2.check()).clusterId}`);

    await dc1.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 1, 'dc2': 1}`);
    await dc1.execute(`CREATE TABLE ${keyspace}.notes (id text PRIMARY KEY, note text) WITH cdc = true`);
    log(`created ${keyspace}.notes (cdc = true) through dc1, replicated to dc1 and dc2`);

    await untilDone('the destination in dc2', deadline, () => post(`${coordinatorDc2}/api/destinations`, { name: destination, topic }));
    // The coordinator takes the channel once dc2's node has the table (schema replication).
    await untilDone('the channel in dc2', deadline, () => post(`${coordinatorDc2}/api/channels`, { name: destination, keyspace, table: 'notes', destination }));
    log(`dc2 coordinator: destination ${destination} -> topic ${topic}, channel for ${keyspace}.notes`);

    // A write made before dc2's reader has the channel is not captured: keep writing until one arrives.
    const began = Date.now();
    let written = 0;
    let event: ChangeEvent | undefined;
    while (!event) {
      if (Date.now() > deadline) throw new CheckError(`no change event reached ${topic} in dc2's Kafka within the timeout (${written} rows written in dc1)`);
      written += 1;
      await dc1.execute(`INSERT INTO ${keyspace}.notes (id, note) VALUES (?, ?)`, [`row-${written}`, `written in dc1, #${written}`], 'LOCAL_ONE');
      // Read only once the publisher has created the topic: a read would create it with the broker's defaults.
      if ((await kafkaDc2.partitionCount(topic)) === undefined) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      const records = await kafkaDc2.readTopic(topic, { count: 1, timeoutMs: 3000, isolation: 'read_committed', groupId: `compose-check-${suffix}-${written}` }).catch(() => []);
      const value = records[0]?.value;
      if (value) event = JSON.parse(value.toString('utf8')) as ChangeEvent;
    }
    log(`after ${written} write(s) in dc1, ${((Date.now() - began) / 1000).toFixed(1)} s: dc2's Kafka has on ${topic}:`);
    log(`  ${JSON.stringify({ op: event.op, key: event.key, after: event.after, source: { dc: event.source.dc, node: event.source.node, keyspace: event.source.keyspace, table: event.source.table } })}`);
    const problems = [
      event.source.dc !== 'dc2' ? `source.dc is ${event.source.dc}, not dc2` : '',
      event.source.keyspace !== keyspace || event.source.table !== 'notes' ? `source names ${event.source.keyspace}.${event.source.table}` : '',
      typeof event.key['id'] !== 'string' || !event.key['id'].startsWith('row-') ? `key ${JSON.stringify(event.key)} is not one of the rows written` : '',
      event.op !== 'c' ? `op is ${event.op}, not c (an INSERT)` : '',
    ].filter((p) => p !== '');
    if (problems.length > 0) throw new CheckError(`the change event is not the row written: ${problems.join('; ')}`);

    if ((await kafkaDc1.partitionCount(topic)) !== undefined) throw new CheckError(`dc1's Kafka has a topic ${topic}, which only dc2 has a channel for`);
    log(`dc1's Kafka has no topic ${topic}: the event came through Cassandra's replication and dc2's own pipeline`);

    await dc1.execute(`DROP KEYSPACE ${keyspace}`);
    log('OK');
  } finally {
    await Promise.allSettled([dc1.close(), kafkaDc1.close(), kafkaDc2.close()]);
  }
}

/** POST a JSON body; 2xx and 409 (already there) count as done. */
async function post(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  if (!response.ok && response.status !== 409) throw new CheckError(`POST ${url} answered ${response.status}: ${await response.text()}`);
}

async function untilDone(what: string, deadline: number, attempt: () => Promise<void>): Promise<void> {
  for (;;) {
    try {
      await attempt();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new CheckError(`gave up on ${what}: ${errorMessage(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`compose-check: FAILED: ${errorMessage(error)}\n`);
  process.exit(1);
});
