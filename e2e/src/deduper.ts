import { join } from 'node:path';
import { type RunningService, serviceInstances, startService, waitHealthy } from '@meridian/infra';
import { uniqueName, waitFor } from '@meridian/testing';
import type { ReaderTestContext } from './cdc-reader';

interface MutationEvent {
  readonly digest: string;
  readonly node: string;
  readonly update: { readonly keyspace: string; readonly key: { readonly id: number }; readonly rows: { cells: Record<string, { value: unknown }> }[] };
}

/**
 * The deduper against real servers: every dc1 node's reader feeds one raw topic (with RF
 * copies of each write), and the mutations topic, read with read_committed, holds each
 * write exactly once, even when the deduper is killed mid-stream.
 */
export function deduperTests(ctx: ReaderTestContext): void {
  describe('deduper in dc1', () => {
    const running: RunningService[] = [];
    afterEach(async () => {
      await Promise.all(running.splice(0).map((r) => r.stop()));
    });

    it('turns the RF copies of each write into exactly one event, with two dedupers sharing the work, across a SIGKILL of a deduper and of a reader', async () => {
      const topics = { raw: uniqueName('raw'), mutations: uniqueName('mutations') };
      const env = {
        MERIDIAN_RAW_TOPIC: topics.raw,
        MERIDIAN_MUTATIONS_TOPIC: topics.mutations,
        MERIDIAN_DEDUP_CHANGELOG_TOPIC: uniqueName('changelog'),
        MERIDIAN_DEAD_LETTER_TOPIC: uniqueName('dead'),
        MERIDIAN_DEDUPER_GROUP: uniqueName('deduper'),
      };
      const base = serviceInstances(ctx.endpoints(), 'dc1', 3000).filter((s) => s.service === 'cdc-reader' || s.service === 'deduper');
      // Two dedupers in one group: they share the raw partitions.
      const instances = base.flatMap((s) => (s.service === 'deduper' ? [s, { ...s, httpPort: s.httpPort + 50, env: { ...s.env, MERIDIAN_HTTP_PORT: String(s.httpPort + 50) } }] : [s]));
      const start = async (service: 'cdc-reader' | 'deduper', which?: (instance: (typeof instances)[number]) => boolean) => {
        const started: RunningService[] = [];
        for (const instance of instances.filter((s) => s.service === service && (which?.(s) ?? true))) {
          const process = await startService({ ...instance, env: { ...instance.env, ...env } }, join(ctx.endpoints().workdir, 'services'));
          running.push(process);
          started.push(process);
        }
        for (const process of started) await waitHealthy(process, 60_000);
        return started;
      };

      const keyspace = uniqueName('dedup');
      const dc1 = ctx.cassandraAt('dc1-n1');
      await dc1.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': ${ctx.dc1Nodes}, 'dc2': 1}`);
      await dc1.execute(`CREATE TABLE ${keyspace}.rows (id int PRIMARY KEY, payload text) WITH cdc = true`);
      const readers = await start('cdc-reader');
      const dedupers = await start('deduper');
      const [deduper] = dedupers;
      const [reader] = readers;
      if (!deduper || !reader) throw new Error('no deduper or reader instance');

      const mine = async (isolation: 'read_committed' | 'read_uncommitted' = 'read_committed') =>
        (await ctx.kafkaIn('dc1').readTopic(topics.mutations, { count: Number.MAX_SAFE_INTEGER, timeoutMs: 3000, isolation, groupId: uniqueName('check') }))
          .map((r) => JSON.parse(r.value?.toString() ?? 'null') as MutationEvent)
          .filter((e) => e.update.keyspace === keyspace);

      const total = 2000;
      for (let id = 0; id < total; id += 20) {
        await Promise.all(Array.from({ length: 20 }, (_, i) => dc1.execute(`INSERT INTO ${keyspace}.rows (id, payload) VALUES (?, ?)`, [id + i, `row ${id + i}`], 'LOCAL_QUORUM')));
        if (id === 600) {
          // A deduper killed once output has begun, with the stream still running.
          await waitFor('the dedupers to pass some events', async () => ((await mine()).length > 0 ? true : undefined), { timeoutMs: 30_000 });
          deduper.process.kill('SIGKILL');
          await start('deduper', (s) => s.httpPort === deduper.instance.httpPort);
        }
        if (id === 1200) {
          // A reader killed too: it re-reads what it had not recorded, and those copies are dropped as well.
          reader.process.kill('SIGKILL');
          await start('cdc-reader', (s) => s.node === reader.instance.node);
        }
      }

      const events = await waitFor(
        `${total} events of ${keyspace} on ${topics.mutations}`,
        async () => {
          const found = await mine();
          return found.length >= total ? found : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 1000 },
      );
      // Nothing more arrives later: exactly one event per write.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const settled = await mine();
      expect(settled).toHaveLength(total);
      expect(new Set(events.map((e) => e.update.key.id)).size).toBe(total);
      expect(settled.every((e) => e.node.startsWith('dc1-') && e.update.rows[0]?.cells['payload']?.value === `row ${e.update.key.id}`)).toBe(true);
      // The raw topic had RF copies of each write: the deduper dropped the rest.
      const raw = (await ctx.kafkaIn('dc1').readToEnd(topics.raw)).filter((r) => r.value?.toString().includes(`"keyspace":"${keyspace}"`));
      expect(raw.length).toBeGreaterThanOrEqual(total * ctx.dc1Nodes);
      process.stderr.write(`[deduper] ${total} writes, ${raw.length} raw copies, ${settled.length} events (read_committed)\n`);
    });
  });
}
