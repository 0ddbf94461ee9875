import { join } from 'node:path';
import { CassandraConnection } from '@meridian/cassandra';
import { type DataCentre, type DriverName, type RunningService, type ServiceInstance, type ServiceName, serviceInstances, startService, type TopologyEndpoints, waitHealthy } from '@meridian/infra';
import { KafkaConnection } from '@meridian/kafka';
import { callHttp, callUntil, startTopology, type TopologyFixture, uniqueName, waitFor } from '@meridian/testing';
import { errorMessage } from '@meridian/contracts';

const PIPELINE: readonly ServiceName[] = ['cdc-reader', 'deduper', 'publisher', 'coordinator'];
const DCS: readonly DataCentre[] = ['dc1', 'dc2'];
/** Rows written per test, at about ROWS_PER_SECOND: a stream long enough to put the fault in its middle. */
const ROWS = 1500;
const ROWS_PER_SECOND = 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Faults under a steady write load in dc1, each checked by counting: every row written
 * arrives on its destination topic in dc1 and in dc2 exactly once (read_committed), as
 * written. A write that fails is retried with its timestamp: the same mutation again,
 * which Meridian must not deliver twice.
 */
export function faultSuite(driver: DriverName): void {
  describe(`faults across dc1 and dc2 (${driver} driver)`, () => {
    let topology: TopologyFixture | undefined;
    let endpoints: TopologyEndpoints;
    const running = new Map<string, { instance: ServiceInstance; service: RunningService }>();
    const connections: { close(): Promise<void> }[] = [];
    const keyspace = uniqueName('faults');
    let dc1: CassandraConnection;
    const kafka = new Map<DataCentre, KafkaConnection>();

    const start = async (instance: ServiceInstance): Promise<RunningService> => {
      const service = await startService(instance, join(endpoints.workdir, 'services'));
      running.set(service.label, { instance, service });
      await waitHealthy(service, 120_000);
      return service;
    };
    const coordinatorPort = (dc: DataCentre) => {
      const found = serviceInstances(endpoints, dc).find((s) => s.service === 'coordinator');
      if (!found) throw new Error(`no coordinator in ${dc}`);
      return found.httpPort;
    };
    beforeAll(async () => {
      const started = await startTopology(driver, { dc1Nodes: 2 });
      topology = started;
      endpoints = started.endpoints;
      dc1 = new CassandraConnection({ contactPoints: endpoints.cassandra.filter((n) => n.dc === 'dc1').map((n) => `${n.cql.host}:${n.cql.port}`), localDataCenter: 'dc1' });
      connections.push(dc1);
      for (const broker of endpoints.kafka) {
        const connection = new KafkaConnection({ brokers: [broker.bootstrap], clientId: `e2e-faults-${broker.dc}` });
        kafka.set(broker.dc, connection);
        connections.push(connection);
      }
      await dc1.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 2, 'dc2': 1}`);
      for (const dc of DCS) for (const instance of serviceInstances(endpoints, dc).filter((s) => PIPELINE.includes(s.service))) await start(instance);
    });

    afterAll(async () => {
      await Promise.allSettled([...running.values()].map(({ service }) => service.stop()));
      await Promise.allSettled(connections.map((c) => c.close()));
      await topology?.stop();
    });

    /** A table of its own, replicated to both DCs, with a destination and a channel for it in each DC. */
    const tableWithDestinations = async (name: string) => {
      await dc1.execute(`CREATE TABLE ${keyspace}.${name} (id int PRIMARY KEY, payload text) WITH cdc = true`);
      const topic = uniqueName(`faults_${name}`);
      for (const dc of DCS) {
        await callUntil(201, coordinatorPort(dc), 'POST', '/api/destinations', { name, topic });
        await callUntil(201, coordinatorPort(dc), 'POST', '/api/channels', { name, keyspace, table: name, destination: name });
      }
      return topic;
    };

    /**
     * Writes ROWS rows at a steady rate; each at its own client timestamp, tried again
     * (same timestamp) until Cassandra takes it. `fault` runs alongside, from `faultAfterMs`.
     */
    const writeThrough = async (table: string, faultAfterMs: number, fault: () => Promise<void>) => {
      let retried = 0;
      const writeRow = async (id: number, timestamp: number) => {
        for (let attempt = 1; ; attempt++) {
          try {
            await dc1.execute(`INSERT INTO ${keyspace}.${table} (id, payload) VALUES (?, ?) USING TIMESTAMP ?`, [id, `row ${id}`, timestamp], 'LOCAL_ONE');
            return;
          } catch (error) {
            if (attempt >= 60) throw error;
            retried++;
            await sleep(1000);
          }
        }
      };
      const faulted = sleep(faultAfterMs).then(fault);
      const writes: Promise<void>[] = [];
      const began = Date.now();
      for (let id = 0; id < ROWS; id++) {
        writes.push(writeRow(id, (began + id) * 1000));
        const due = began + ((id + 1) * 1000) / ROWS_PER_SECOND;
        if (due > Date.now()) await sleep(due - Date.now());
      }
      await Promise.all([...writes, faulted]);
      process.stderr.write(`[faults] ${ROWS} rows written to ${table} in ${((Date.now() - began) / 1000).toFixed(1)} s, ${retried} write(s) retried\n`);
    };

    /**
     * Where the rows of `table` are in `dc`'s pipeline, for a wait that timed out: how many
     * distinct rows the raw topic and the mutations topic hold, and how far behind the
     * deduper and the destination's publisher group are, as the DC's coordinator reports.
     */
    const whereRowsAre = async (dc: DataCentre, table: string): Promise<string> => {
      const connection = kafka.get(dc);
      if (!connection) return `no Kafka in ${dc}`;
      try {
        const { body } = await callHttp(coordinatorPort(dc), 'GET', '/api/status');
        const status = body as { deduper: { topic: string; lag: number | null } | null; destinations: { destination: string; topic: string; lag: number | null }[] | null };
        const destination = status.destinations?.find((d) => d.destination === table);
        const rowsOn = async (topic: string | undefined, isolation: 'read_committed' | 'read_uncommitted') => {
          if (topic === undefined) return '?';
          const prefix = `${keyspace}.${table}:`;
          const records = await connection.readTopic(topic, { count: Number.MAX_SAFE_INTEGER, timeoutMs: 5000, isolation, groupId: uniqueName('where') });
          return new Set(records.map((r) => r.key?.toString() ?? '').filter((key) => key.startsWith(prefix))).size;
        };
        return (
          `In ${dc}, the raw topic ${status.deduper?.topic ?? '?'} holds ${await rowsOn(status.deduper?.topic, 'read_uncommitted')} distinct rows of ${table} (deduper lag ${status.deduper?.lag ?? '?'}), ` +
          `the mutations topic ${destination?.topic ?? '?'} ${await rowsOn(destination?.topic, 'read_committed')} (publisher lag ${destination?.lag ?? '?'}): ` +
          'rows missing from the raw topic are with the cdc-readers, from the mutations topic with the deduper, and otherwise with the publisher'
        );
      } catch (error) {
        return `Where the rest are could not be told: ${errorMessage(error)}`;
      }
    };

    /** Waits until `topic` in `dc` has every row of `table`, then checks it has each exactly once, as written. */
    const everyRowOnce = async (dc: DataCentre, table: string, topic: string) => {
      const connection = kafka.get(dc);
      if (!connection) throw new Error(`no Kafka in ${dc}`);
      const read = async () =>
        (await connection.readTopic(topic, { count: Number.MAX_SAFE_INTEGER, timeoutMs: 3000, isolation: 'read_committed', groupId: uniqueName('check') })).map(
          (r) => JSON.parse(r.value?.toString() ?? 'null') as { key: { id: number }; after: { payload: string } },
        );
      let arrived = 0;
      try {
        await waitFor(`${ROWS} events on ${topic} in ${dc}`, async () => ((arrived = (await read()).length) >= ROWS ? true : undefined), { timeoutMs: 300_000, intervalMs: 2000 });
      } catch (error) {
        throw new Error(`${errorMessage(error)}; ${arrived} arrived. ${await whereRowsAre(dc, table)}`, { cause: error });
      }
      const events = await read();
      const copies = new Map<number, number>();
      for (const event of events) copies.set(event.key.id, (copies.get(event.key.id) ?? 0) + 1);
      const missing = Array.from({ length: ROWS }, (_, id) => id).filter((id) => !copies.has(id));
      const duplicated = [...copies].filter(([, n]) => n > 1).map(([id]) => id);
      // The DC is in the compared value, so that a failure names it.
      expect({ dc, topic, missing, duplicated }).toEqual({ dc, topic, missing: [], duplicated: [] });
      expect(events.every((e) => e.after.payload === `row ${e.key.id}`)).toBe(true);
    };

    const restartService = async (label: string) => {
      const entry = running.get(label);
      if (!entry) throw new Error(`no running ${label}`);
      entry.service.process.kill('SIGKILL');
      await entry.service.stop();
      await start(entry.instance);
    };

    it("kills each Meridian service of both DCs with SIGKILL and restarts it, mid-stream: every row arrives once in each DC", async () => {
      const topic = await tableWithDestinations('killed');
      const labels = [...running.keys()];
      await writeThrough('killed', 2000, async () => {
        for (const label of labels) {
          await restartService(label);
          await sleep(500);
        }
      });
      for (const dc of DCS) await everyRowOnce(dc, 'killed', topic);
    });

    it("restarts dc1's Kafka broker mid-stream: every row arrives once in each DC", async () => {
      const topic = await tableWithDestinations('broker');
      await writeThrough('broker', 4000, async () => {
        await topology?.stopComponent('kafka-dc1');
        await sleep(5000);
        await topology?.startComponent('kafka-dc1');
      });
      for (const dc of DCS) await everyRowOnce(dc, 'broker', topic);
    });

    it('restarts a Cassandra node of dc1 mid-stream: every row arrives once in each DC', async () => {
      const topic = await tableWithDestinations('node');
      await writeThrough('node', 3000, async () => {
        await topology?.stopComponent('dc1-n2');
        await sleep(3000);
        await topology?.startComponent('dc1-n2');
      });
      for (const dc of DCS) await everyRowOnce(dc, 'node', topic);
    });

    const partitionable = driver === 'containers';
    (partitionable ? it : it.skip)('cuts dc2 off from dc1 mid-stream, then heals it: dc1 flows on, and dc2 gets every row once after', async () => {
      const topic = await tableWithDestinations('partition');
      const arrivedDuringCut = new Map<DataCentre, number>();
      await writeThrough('partition', 2000, async () => {
        await topology?.disconnect('dc2-n1');
        await sleep(12_000);
        for (const dc of DCS) {
          const events = await kafka.get(dc)?.readTopic(topic, { count: Number.MAX_SAFE_INTEGER, timeoutMs: 2000, isolation: 'read_committed', groupId: uniqueName('check') });
          arrivedDuringCut.set(dc, events?.length ?? 0);
        }
        await topology?.reconnect('dc2-n1');
      });
      process.stderr.write(`[faults] after 12 s of the cut: ${arrivedDuringCut.get('dc1') ?? 0} events in dc1, ${arrivedDuringCut.get('dc2') ?? 0} in dc2\n`);
      // dc1 flowed on through the cut; dc2 had only what was written before it.
      expect(arrivedDuringCut.get('dc1')).toBeGreaterThan(ROWS_PER_SECOND * 10);
      expect(arrivedDuringCut.get('dc2')).toBeLessThan(ROWS_PER_SECOND * 5);
      for (const dc of DCS) await everyRowOnce(dc, 'partition', topic);
    });
  });
}
