import type { ServiceName } from '@meridian/infra';
import { isolatedPipelineEnv, uniqueName, waitFor } from '@meridian/testing';
import type { ReaderTestContext } from './cdc-reader';
import { TestServices } from './test-services';

interface ChangeEvent {
  readonly op: string;
  readonly key: Record<string, unknown>;
  readonly after: Record<string, unknown> | null;
  readonly source: { readonly keyspace: string; readonly table: string };
}

/**
 * The dc1 pipeline end to end: readers, deduper and publisher, configured through the
 * configuration topic (written here as the coordinator writes it): each write arrives
 * once on every destination whose channel captures its table, a paused destination holds
 * back nothing else and gets what it missed on resume, and a SIGKILL of the publisher
 * repeats nothing.
 */
export function publisherTests(ctx: ReaderTestContext): void {
  describe('publisher in dc1', () => {
    let services: TestServices | undefined;
    afterEach(async () => {
      await services?.stopAll();
    });

    it('delivers each write once to each destination, through a pause, a resume and a SIGKILL of the publisher', async () => {
      const env = isolatedPipelineEnv();
      const testServices = new TestServices(ctx, 4000, env);
      services = testServices;
      const start = (service: ServiceName) => testServices.start(service);
      const kafka = ctx.kafkaIn('dc1');
      const keyspace = uniqueName('pub');
      const dc1 = ctx.cassandraAt('dc1-n1');
      await dc1.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': ${ctx.dc1Nodes}, 'dc2': 1}`);
      await dc1.execute(`CREATE TABLE ${keyspace}.rows (id int PRIMARY KEY, payload text) WITH cdc = true`);

      const topics = { live: uniqueName('dest_live'), paused: uniqueName('dest_paused') };
      await kafka.createTopics([{ topic: env.MERIDIAN_CONFIG_TOPIC, partitions: 1, compacted: true }]);
      const configWriter = await kafka.producer();
      const configure = (records: { key: string; value: object | null }[]) =>
        configWriter.send(env.MERIDIAN_CONFIG_TOPIC, records.map(({ key, value }) => ({ key, value: value === null ? null : JSON.stringify(value) })));
      const destination = (name: string, topic: string, paused = false) => ({ key: `destination/${name}`, value: { name, topic, paused } });
      await configure([
        destination('live', topics.live),
        destination('later', topics.paused),
        { key: 'channel/rows-live', value: { name: 'rows-live', keyspace, table: 'rows', destination: 'live' } },
        { key: 'channel/rows-later', value: { name: 'rows-later', keyspace, table: 'rows', destination: 'later' } },
      ]);
      await start('cdc-reader');
      await start('deduper');
      const [publisher] = await start('publisher');
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
      const exactly = async (topic: string, count: number) => {
        await waitFor(`${count} events on ${topic}`, async () => ((await eventsOn(topic)).length >= count ? true : undefined), { timeoutMs: 90_000, intervalMs: 1000 });
        await new Promise((resolve) => setTimeout(resolve, 2000)); // and no more after
        const events = await eventsOn(topic);
        expect(events).toHaveLength(count);
        expect(new Set(events.map((e) => e.key['id'])).size).toBe(count);
        expect(events.every((e) => e.op === 'c' && e.source.keyspace === keyspace && e.after?.['payload'] === `row ${String(e.key['id'])}`)).toBe(true);
      };

      await write(0, 300);
      await exactly(topics.live, 300);
      await exactly(topics.paused, 300);

      // One destination paused: the other keeps flowing, through a SIGKILL of the publisher.
      await configure([destination('later', topics.paused, true)]);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await write(300, 300, {
        at: 400,
        then: async () => {
          publisher.process.kill('SIGKILL');
          await start('publisher');
        },
      });
      await exactly(topics.live, 600);
      expect(await eventsOn(topics.paused)).toHaveLength(300);

      // Resumed, it gets everything it missed, once.
      await configure([destination('later', topics.paused, false)]);
      await exactly(topics.paused, 600);
      await configWriter.close();
    });
  });
}
