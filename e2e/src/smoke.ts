import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CassandraConnection, loadSchema } from '@meridian/cassandra';
import { type DriverName, type RunningService, serviceInstances, startService, type TopologyEndpoints, waitHealthy } from '@meridian/infra';
import { KafkaConnection } from '@meridian/kafka';
import { startTopology, type TopologyFixture, uniqueName, waitFor } from '@meridian/testing';
import { cdcReaderTests } from './cdc-reader';
import { coordinatorTests } from './coordinator';
import { deduperTests } from './deduper';
import { fullImageTests } from './full-image';
import { publisherTests } from './publisher';
import { walkthroughTests } from './walkthrough';

/**
 * The foundation's smoke, run once per driver: both DCs up, Cassandra replicating
 * between them with CDC on, each DC's Kafka doing transactions, each service healthy.
 */
export function smokeSuite(driver: DriverName, dc1Nodes: 1 | 2): void {
  describe(`smoke (${driver} driver, ${dc1Nodes} node(s) in dc1)`, () => {
    let topology: TopologyFixture | undefined;
    let endpoints: TopologyEndpoints;
    const connections: { close(): Promise<void> }[] = [];

    const cassandraAt = (nodeName: string) => {
      const node = endpoints.cassandra.find((n) => n.name === nodeName);
      if (!node) throw new Error(`no node ${nodeName}`);
      const connection = new CassandraConnection({ contactPoints: [`${node.cql.host}:${node.cql.port}`], localDataCenter: node.dc });
      connections.push(connection);
      return connection;
    };

    const kafkaByDc = new Map<string, KafkaConnection>();
    const kafkaIn = (dc: 'dc1' | 'dc2') => {
      let kafka = kafkaByDc.get(dc);
      if (!kafka) {
        const broker = endpoints.kafka.find((k) => k.dc === dc);
        if (!broker) throw new Error(`no Kafka in ${dc}`);
        kafka = new KafkaConnection({ brokers: [broker.bootstrap], clientId: `e2e-${dc}` });
        kafkaByDc.set(dc, kafka);
        connections.push(kafka);
      }
      return kafka;
    };

    beforeAll(async () => {
      const started = await startTopology(driver, { dc1Nodes });
      topology = started;
      endpoints = started.endpoints;
    });

    afterAll(async () => {
      await Promise.allSettled(connections.map((c) => c.close()));
      await topology?.stop();
    });

    it('has every node in the right DC, one Kafka per DC', async () => {
      expect(endpoints.cassandra.map((n) => `${n.name}:${n.dc}`).sort()).toEqual(dc1Nodes === 2 ? ['dc1-n1:dc1', 'dc1-n2:dc1', 'dc2-n1:dc2'] : ['dc1-n1:dc1', 'dc2-n1:dc2']);
      for (const node of endpoints.cassandra) {
        const info = await cassandraAt(node.name).check();
        expect(info.dataCenter).toBe(node.dc);
        expect(info.releaseVersion).toBe(endpoints.cassandraVersion);
      }
      const clusterIds = new Set<string>();
      for (const broker of endpoints.kafka) {
        const kafka = new KafkaConnection({ brokers: [broker.bootstrap], clientId: 'smoke' });
        connections.push(kafka);
        clusterIds.add((await kafka.check()).clusterId);
      }
      expect(clusterIds.size).toBe(2); // two separate clusters, not one
    });

    it('replicates a row written in dc1 to dc2, and logs it to cdc_raw on every node', async () => {
      const keyspace = uniqueName('smoke');
      const dc1 = cassandraAt('dc1-n1');
      await dc1.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 1, 'dc2': 1}`);
      await dc1.execute(`CREATE TABLE ${keyspace}.items (id int PRIMARY KEY, name text) WITH cdc = true`);
      // The commit log decoder's schema, read from the live node.
      const schema = await loadSchema(dc1);
      expect(schema.tables.find((t) => t.keyspace === keyspace && t.table === 'items')).toMatchObject({
        cdc: true,
        partitionKey: [{ name: 'id', type: 'int' }],
        clustering: [],
        columns: [{ name: 'name', type: 'text', kind: 'regular' }],
      });
      // Enough keys that each dc1 node owns some of them when dc1 has two nodes.
      const ids = Array.from({ length: 20 }, (_, i) => i);
      for (const id of ids) await dc1.execute(`INSERT INTO ${keyspace}.items (id, name) VALUES (?, ?)`, [id, `item ${id}`], 'LOCAL_QUORUM');

      const dc2 = cassandraAt('dc2-n1');
      const rows = await waitFor(
        'the rows to reach dc2',
        async () => {
          const found = await dc2.execute(`SELECT id, name FROM ${keyspace}.items`, [], 'LOCAL_ONE');
          return found.length === ids.length ? found : undefined;
        },
        { timeoutMs: 30_000 },
      );
      expect(rows.map((r) => r['name']).sort()).toEqual(ids.map((id) => `item ${id}`).sort());

      for (const node of endpoints.cassandra) {
        const offset = await waitFor(
          `a _cdc.idx with a non-zero offset in ${node.cdcRawDir}`,
          async () => {
            for (const name of await readdir(node.cdcRawDir)) {
              if (!name.endsWith('_cdc.idx')) continue;
              const durable = Number((await readFile(join(node.cdcRawDir, name), 'utf8')).split('\n')[0]);
              if (durable > 0) return durable;
            }
            return undefined;
          },
          { timeoutMs: 15_000 },
        );
        expect(offset).toBeGreaterThan(0);
      }
    });

    it.each(['dc1', 'dc2'] as const)('round-trips records through %s Kafka transactionally (kafkajs against this broker)', async (dc) => {
      const broker = endpoints.kafka.find((k) => k.dc === dc);
      if (!broker) throw new Error(`no Kafka in ${dc}`);
      const kafka = new KafkaConnection({ brokers: [broker.bootstrap], clientId: `smoke-${dc}` });
      connections.push(kafka);
      const input = uniqueName('smoke_in');
      const output = uniqueName('smoke_out');
      await kafka.createTopics([
        { topic: input, partitions: 2 },
        { topic: output, partitions: 2 },
      ]);

      const plain = await kafka.producer();
      await plain.send(input, [
        { key: 'a', value: 'one' },
        { key: 'b', value: 'two' },
      ]);
      const consumed = await kafka.readTopic(input, { count: 2, timeoutMs: 20_000, isolation: 'read_committed', groupId: uniqueName('smoke_group') });
      expect(consumed.map((r) => r.value?.toString()).sort()).toEqual(['one', 'two']);

      // consume–transform–produce: output and input offsets commit together, or not at all.
      const transactional = await kafka.producer({ transactionalId: uniqueName('smoke_tx') });
      const group = uniqueName('smoke_transform');
      await transactional.transaction(async (tx) => {
        await tx.send([{ topic: output, records: consumed.map((r) => ({ key: r.key, value: `${r.value?.toString() ?? ''}!` })) }]);
        await tx.sendOffsets(group, consumed.map((r) => ({ topic: r.topic, partition: r.partition, offset: (BigInt(r.offset) + 1n).toString() })));
      });
      await expect(
        transactional.transaction(async (tx) => {
          await tx.send([{ topic: output, records: [{ key: 'c', value: 'aborted' }] }]);
          throw new Error('abort this one');
        }),
      ).rejects.toThrow('abort this one');

      const committed = await kafka.readTopic(output, { count: 3, timeoutMs: 5_000, isolation: 'read_committed', groupId: uniqueName('smoke_reader') });
      expect(committed.map((r) => r.value?.toString()).sort()).toEqual(['one!', 'two!']);
      const everything = await kafka.readTopic(output, { count: 3, timeoutMs: 20_000, isolation: 'read_uncommitted', groupId: uniqueName('smoke_reader') });
      expect(everything.map((r) => r.value?.toString()).sort()).toEqual(['aborted', 'one!', 'two!']);
      await transactional.close();
      await plain.close();
    });

    it('fences a transactional producer as soon as another one takes its id, and tells which of two racing calls created a topic', async () => {
      const kafka = kafkaIn('dc1');
      const topic = uniqueName('smoke_fence');
      const racing = await Promise.all([kafka.createTopics([{ topic, partitions: 1 }]), kafka.createTopics([{ topic, partitions: 1 }])]);
      expect(racing.flat()).toEqual([topic]);

      // The first producer's transaction is open when the second producer with its id is
      // created: creating it aborts that transaction, and the first can no longer commit.
      const transactionalId = uniqueName('smoke_fenced');
      const first = await kafka.producer({ transactionalId });
      let second: Awaited<ReturnType<KafkaConnection['producer']>> | undefined;
      await expect(
        first.transaction(async (tx) => {
          await tx.send([{ topic, records: [{ key: 'z', value: 'from the fenced producer' }] }]);
          second = await kafka.producer({ transactionalId });
        }),
      ).rejects.toThrow(/epoch|fence/i);
      if (!second) throw new Error('the second producer was not created');
      await second.transaction(async (tx) => {
        await tx.send([{ topic, records: [{ key: 's', value: 'from the new producer' }] }]);
      });
      const committed = await kafka.readTopic(topic, { count: 2, timeoutMs: 5_000, isolation: 'read_committed', groupId: uniqueName('smoke_reader') });
      expect(committed.map((r) => r.value?.toString())).toEqual(['from the new producer']);
      await Promise.all([first.close().catch(() => undefined), second.close()]);
    });

    it("hides aborted transactions from a read_committed consumer when two producers' transactions interleave in a partition", async () => {
      const kafka = kafkaIn('dc1');
      const topic = uniqueName('smoke_interleaved');
      await kafka.createTopics([{ topic, partitions: 1 }]);
      const first = await kafka.producer({ transactionalId: uniqueName('smoke_first') });
      const second = await kafka.producer({ transactionalId: uniqueName('smoke_second') });
      const plain = await kafka.producer();
      try {
        // The first transaction starts before the second and ends after it: the broker lists
        // aborted transactions in the order they ended, so the second comes first in its list.
        await expect(
          first.transaction(async (tx) => {
            await tx.send([{ topic, records: [{ key: 'a', value: 'aborted, started first' }] }]);
            await expect(
              second.transaction(async (inner) => {
                await inner.send([{ topic, records: [{ key: 'b', value: 'aborted, started second' }] }]);
                throw new Error('abort the second');
              }),
            ).rejects.toThrow('abort the second');
            throw new Error('abort the first');
          }),
        ).rejects.toThrow('abort the first');
        await plain.send(topic, [{ key: 'c', value: 'committed' }]);
        const read = await kafka.readTopic(topic, { count: 3, timeoutMs: 5000, isolation: 'read_committed', groupId: uniqueName('smoke_reader') });
        expect(read.map((r) => r.value?.toString())).toEqual(['committed']);
      } finally {
        await Promise.all([first.close(), second.close(), plain.close()]);
      }
    });

    it('ends a transactional id\'s open transactions in every partition unseen, and a consumer group commits past them', async () => {
      const kafka = kafkaIn('dc1');
      const topic = uniqueName('smoke_hanging');
      await kafka.createTopics([{ topic, partitions: 3 }]);
      const groupId = uniqueName('smoke_hanging_group');
      const handled: string[] = [];
      const consumer = await kafka.consume({
        groupId,
        topics: [topic],
        isolation: 'read_committed',
        eachBatch: (batch) => Promise.resolve(void handled.push(...batch.records.map((r) => r.value?.toString() ?? ''))),
      });
      const producer = await kafka.producer({ transactionalId: uniqueName('smoke_hanging') });
      try {
        await producer.endHangingTransactions([topic]);
        await producer.endHangingTransactions([topic]); // once per topic: nothing more is written
        await producer.transaction((tx) => tx.send([{ topic, records: [{ key: 'k', value: 'committed', partition: 1 }] }]));
        const read = await kafka.readTopic(topic, { count: 2, timeoutMs: 5000, isolation: 'read_committed', groupId: uniqueName('smoke_reader') });
        expect(read.map((r) => r.value?.toString())).toEqual(['committed']);
        // Partitions 0 and 2 hold only an aborted record and its marker, partition 1 those and a committed record and its marker.
        const ends = (await kafka.groupProgress(groupId, topic))?.sort((a, b) => a.partition - b.partition).map((p) => p.end);
        expect(ends).toEqual(['2', '4', '2']);
        // The handler commits nothing (it produces nothing); the group still moves past the aborted records.
        const progress = await waitFor('the group to commit past the aborted records', async () => {
          const partitions = (await kafka.groupProgress(groupId, topic))?.sort((a, b) => a.partition - b.partition);
          return partitions?.filter((p) => p.partition !== 1).every((p) => p.committed === p.end) ? partitions : undefined;
        }, { timeoutMs: 20_000 });
        expect(progress.filter((p) => p.partition !== 1).map((p) => p.committed)).toEqual(['2', '2']);
        expect(handled).toEqual(['committed']);
      } finally {
        await consumer.stop().catch(() => undefined);
        await producer.close();
      }
    });

    it('replaces a consumer group member that stalls with records waiting, and the new member reads them', async () => {
      const broker = endpoints.kafka.find((k) => k.dc === 'dc1');
      if (!broker) throw new Error('no Kafka in dc1');
      const events: string[] = [];
      const kafka = new KafkaConnection({ brokers: [broker.bootstrap], clientId: 'smoke-stall', stallAfterMs: 3000 }, undefined, {
        stalled: (stall) => events.push(`stalled: ${stall.reason}`),
        recovered: () => events.push('recovered'),
      });
      connections.push(kafka);
      const topic = uniqueName('smoke_stall');
      await kafka.createTopics([{ topic, partitions: 1 }]);
      const producer = await kafka.producer();
      await producer.send(topic, ['a', 'b', 'c'].map((value) => ({ key: null, value })));

      // The first batch never finishes, as a handler stuck on a lost answer would not.
      let calls = 0;
      const handled: string[] = [];
      const consumer = await kafka.consume({
        groupId: uniqueName('smoke_stall_group'),
        topics: [topic],
        isolation: 'read_committed',
        eachBatch: (batch) => {
          if (calls++ === 0) return new Promise<void>(() => undefined);
          handled.push(...batch.records.map((r) => r.value?.toString() ?? ''));
          return Promise.resolve();
        },
      });
      try {
        const stall = await waitFor('the member to be found stalled', () => Promise.resolve(kafka.stalls()[0]), { timeoutMs: 30_000 });
        expect(stall.reason).toMatch(new RegExp(`^no progress on ${topic}/0 for \\d+ s with 3 offset\\(s\\) waiting`));
        await waitFor('the records handled by the member that replaced it', () => Promise.resolve(handled.length >= 3 ? true : undefined), { timeoutMs: 60_000 });
        expect(handled).toEqual(['a', 'b', 'c']);
        await waitFor('the stall to be over', () => Promise.resolve(kafka.stalls().length === 0 ? true : undefined), { timeoutMs: 30_000 });
        expect(events).toEqual([expect.stringMatching(/^stalled: no progress on /), 'recovered']);
      } finally {
        await consumer.stop().catch(() => undefined);
        await producer.close();
      }
    });

    const readerContext = {
      dc1Nodes,
      endpoints: () => endpoints,
      topology: () => {
        if (!topology) throw new Error('the topology did not start');
        return topology;
      },
      cassandraAt,
      kafkaIn,
    };
    deduperTests(readerContext);
    publisherTests(readerContext);
    fullImageTests(readerContext);
    coordinatorTests(readerContext);
    walkthroughTests(readerContext);
    cdcReaderTests(readerContext);

    it('starts every service of both DCs and each answers /health with its dependencies up', async () => {
      const started: RunningService[] = [];
      try {
        for (const dc of ['dc1', 'dc2'] as const) {
          for (const instance of serviceInstances(endpoints, dc, 1000)) started.push(await startService(instance, join(endpoints.workdir, 'services')));
        }
        for (const service of started) {
          const health = await waitHealthy(service, 60_000);
          expect(health.code).toBe(200);
          const expected = service.instance.service === 'publisher' ? ['consumers', 'kafka'] : service.instance.service === 'cdc-reader' ? ['cassandra', 'cdc_raw', 'consumers', 'kafka'] : ['cassandra', 'consumers', 'kafka'];
          expect(Object.keys((health.body as { details: object }).details).sort()).toEqual(expected);
        }
      } finally {
        await Promise.all(started.map((s) => s.stop()));
      }
    });
  });
}
