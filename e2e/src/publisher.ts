import { readFile } from 'node:fs/promises';
import { isolatedPipelineEnv, uniqueName, waitFor } from '@meridian/testing';
import type { ReaderTestContext } from './cdc-reader';
import { TestServices } from './test-services';

interface ChangeEvent {
  readonly op: string;
  readonly key: Record<string, unknown>;
  readonly after: Record<string, unknown> | null;
  readonly source: { readonly keyspace: string; readonly table: string };
}

interface DestinationSpec {
  readonly name: string;
  readonly topic: string;
  readonly paused?: boolean;
}

/**
 * The dc1 pipeline end to end: readers, deduper and publisher, configured through the
 * configuration topic (written here as the coordinator writes it): each write arrives
 * once on every destination whose channel captures its table, a paused destination holds
 * back nothing else and gets what it missed on resume, and a SIGKILL of the publisher
 * repeats nothing; a destination topic deleted under a running publisher is created again
 * and gets every event not delivered before.
 */
export function publisherTests(ctx: ReaderTestContext): void {
  describe('publisher in dc1', () => {
    let services: TestServices | undefined;
    const closing: { close(): Promise<void> }[] = [];
    afterEach(async () => {
      await Promise.allSettled(closing.splice(0).map((c) => c.close()));
      await services?.stopAll();
    });

    /** A table of its own, the destinations with a channel each for it, and dc1's pipeline running on the test's own topics. */
    const pipelineFor = async (portOffset: number, destinations: readonly DestinationSpec[]) => {
      const env = isolatedPipelineEnv();
      const testServices = new TestServices(ctx, portOffset, env);
      services = testServices;
      const kafka = ctx.kafkaIn('dc1');
      const keyspace = uniqueName('pub');
      const dc1 = ctx.cassandraAt('dc1-n1');
      await dc1.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': ${ctx.dc1Nodes}, 'dc2': 1}`);
      await dc1.execute(`CREATE TABLE ${keyspace}.rows (id int PRIMARY KEY, payload text) WITH cdc = true`);

      await kafka.createTopics([{ topic: env.MERIDIAN_CONFIG_TOPIC, partitions: 1, compacted: true }]);
      const configWriter = await kafka.producer();
      closing.push(configWriter);
      const configure = (records: { key: string; value: object | null }[]) =>
        configWriter.send(env.MERIDIAN_CONFIG_TOPIC, records.map(({ key, value }) => ({ key, value: value === null ? null : JSON.stringify(value) })));
      const destination = ({ name, topic, paused = false }: DestinationSpec) => ({ key: `destination/${name}`, value: { name, topic, paused } });
      await configure([
        ...destinations.map(destination),
        ...destinations.map(({ name }) => ({ key: `channel/rows-${name}`, value: { name: `rows-${name}`, keyspace, table: 'rows', destination: name } })),
      ]);
      await testServices.start('cdc-reader');
      await testServices.start('deduper');
      const [publisher] = await testServices.start('publisher');
      if (!publisher) throw new Error('no publisher instance');

      const write = async (from: number, count: number, during?: { at: number; then: () => Promise<void> }) => {
        for (let id = from; id < from + count; id += 20) {
          await Promise.all(Array.from({ length: 20 }, (_, i) => dc1.execute(`INSERT INTO ${keyspace}.rows (id, payload) VALUES (?, ?)`, [id + i, `row ${id + i}`], 'LOCAL_QUORUM')));
          if (during && id === during.at) await during.then();
        }
      };
      const eventsOn = async (topic: string) =>
        (await kafka.readTopic(topic, { count: Number.MAX_SAFE_INTEGER, timeoutMs: 3000, isolation: 'read_committed', groupId: uniqueName('check') })).map(
          (r) => JSON.parse(r.value?.toString() ?? 'null') as ChangeEvent,
        );
      /** Waits for `ids` on `topic`, then checks that nothing else came: each once, as written. */
      const exactly = async (topic: string, ids: { from: number; count: number }) => {
        await waitFor(`${ids.count} events on ${topic}`, async () => ((await eventsOn(topic)).length >= ids.count ? true : undefined), { timeoutMs: 90_000, intervalMs: 1000 });
        await new Promise((resolve) => setTimeout(resolve, 2000)); // and no more after
        const events = await eventsOn(topic);
        expect(events.map((e) => Number(e.key['id'])).sort((a, b) => a - b)).toEqual(Array.from({ length: ids.count }, (_, i) => ids.from + i));
        expect(events.every((e) => e.op === 'c' && e.source.keyspace === keyspace && e.after?.['payload'] === `row ${String(e.key['id'])}`)).toBe(true);
      };
      return { kafka, publisher, start: () => testServices.start('publisher'), configure, destination, write, eventsOn, exactly };
    };

    it('delivers each write once to each destination, through a pause, a resume and a SIGKILL of the publisher', async () => {
      const live = { name: 'live', topic: uniqueName('dest_live') };
      const later = { name: 'later', topic: uniqueName('dest_paused') };
      const { publisher, start, configure, destination, write, eventsOn, exactly } = await pipelineFor(4000, [live, later]);

      await write(0, 300);
      await exactly(live.topic, { from: 0, count: 300 });
      await exactly(later.topic, { from: 0, count: 300 });

      // One destination paused: the other keeps flowing, through a SIGKILL of the publisher.
      await configure([destination({ ...later, paused: true })]);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await write(300, 300, {
        at: 400,
        then: async () => {
          publisher.process.kill('SIGKILL');
          await start();
        },
      });
      await exactly(live.topic, { from: 0, count: 600 });
      expect(await eventsOn(later.topic)).toHaveLength(300);

      // Resumed, it gets everything it missed, once.
      await configure([destination(later)]);
      await exactly(later.topic, { from: 0, count: 600 });
    });

    it('creates a destination topic deleted under it again, and delivers there every event not delivered before, once', async () => {
      const orders = { name: 'orders', topic: uniqueName('dest_deleted') };
      const { kafka, publisher, write, exactly } = await pipelineFor(4100, [orders]);

      await write(0, 200);
      await exactly(orders.topic, { from: 0, count: 200 });

      await kafka.deleteTopics([orders.topic]);
      await write(200, 200);
      // The first 200 went with the deleted topic; the next 200 arrive on the new one, each once.
      await exactly(orders.topic, { from: 200, count: 200 });
      expect(await kafka.partitionCount(orders.topic)).toBe(6);
      expect(await readFile(publisher.logFile, 'utf8')).toContain(`topic ${orders.topic} was deleted while in use; created it again`);
    });
  });
}
