import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CassandraConnection } from '@meridian/cassandra';
import { type RunningService, serviceInstances, startService, type TopologyEndpoints, waitHealthy } from '@meridian/infra';
import type { KafkaConnection } from '@meridian/kafka';
import { type TopologyFixture, uniqueName, waitFor } from '@meridian/testing';

/** What the reader tests need of the suite they run in (set up in its beforeAll). */
export interface ReaderTestContext {
  readonly dc1Nodes: 1 | 2;
  endpoints(): TopologyEndpoints;
  topology(): TopologyFixture;
  cassandraAt(node: string): CassandraConnection;
  kafkaIn(dc: 'dc1' | 'dc2'): KafkaConnection;
}

/** The fields of a raw mutation event these tests look at (the whole contract: libs/commitlog/docs/dump-format.md). */
interface RawEvent {
  readonly node: string;
  readonly segment: string;
  readonly position: number;
  readonly digest: string;
  readonly update: {
    readonly keyspace: string;
    readonly table: string;
    readonly key: Record<string, unknown>;
    readonly partitionDeletion: { markedForDeleteAt: string } | null;
    readonly staticRow: { cells: Record<string, unknown> } | null;
    readonly rows: { clustering: Record<string, unknown>; liveness: { timestamp: string; ttl?: number } | null; deletion: unknown; cells: Record<string, Cell> }[];
    readonly rangeTombstones: { start: unknown; end: unknown }[];
  };
}
type Cell = { value?: unknown; timestamp?: string; ttl?: number; tombstone?: true; cells?: { path: unknown; value: unknown }[]; deletion?: unknown };

/**
 * The cdc-reader against real servers: dc1-n1's commit log to dc1's raw topic. Each test
 * runs its own reader process into a topic of its own; progress is kept in the shared
 * offsets topic, as across restarts of one reader.
 */
export function cdcReaderTests(ctx: ReaderTestContext): void {
  describe('cdc-reader on dc1-n1', () => {
    const running: RunningService[] = [];
    afterEach(async () => {
      await Promise.all(running.splice(0).map((r) => r.stop()));
    });

    const instance = (rawTopic: string) => {
      const reader = serviceInstances(ctx.endpoints(), 'dc1', 2000).find((s) => s.service === 'cdc-reader' && s.node === 'dc1-n1');
      if (!reader) throw new Error('no cdc-reader for dc1-n1');
      return { ...reader, env: { ...reader.env, MERIDIAN_RAW_TOPIC: rawTopic } };
    };
    const startReader = async (rawTopic: string): Promise<RunningService> => {
      const reader = await startService(instance(rawTopic), join(ctx.endpoints().workdir, 'services'));
      running.push(reader);
      await waitHealthy(reader, 60_000);
      return reader;
    };
    const node = () => {
      const found = ctx.endpoints().cassandra.find((n) => n.name === 'dc1-n1');
      if (!found) throw new Error('no dc1-n1');
      return found;
    };
    const keyspaceWithTable = async (prefix: string, table: string): Promise<string> => {
      const keyspace = uniqueName(prefix);
      const dc1 = ctx.cassandraAt('dc1-n1');
      await dc1.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': ${ctx.dc1Nodes}, 'dc2': 1}`);
      await dc1.execute(`CREATE TABLE ${keyspace}.${table} WITH cdc = true`);
      return keyspace;
    };
    /** Every event of `keyspace` on `topic`, once at least `count` are there. */
    const eventsOn = (topic: string, keyspace: string, count: number, timeoutMs = 30_000): Promise<RawEvent[]> =>
      waitFor(
        `${count} events of ${keyspace} on ${topic}`,
        async () => {
          const mine = (await ctx.kafkaIn('dc1').readToEnd(topic)).map((r) => JSON.parse(r.value?.toString() ?? 'null') as RawEvent).filter((e) => e.update.keyspace === keyspace);
          return mine.length >= count ? mine : undefined;
        },
        { timeoutMs, intervalMs: 500 },
      );
    /** Writes `count` rows, `concurrency` at a time, calling `after` once `at` of them are acknowledged. */
    const writeRows = async (keyspace: string, count: number, at?: { written: number; then: () => Promise<void> }): Promise<void> => {
      const dc1 = ctx.cassandraAt('dc1-n1');
      const concurrency = 16;
      let next = 0;
      let acknowledged = 0;
      let hook: Promise<void> | undefined;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < count) {
            const id = next++;
            await dc1.execute(`INSERT INTO ${keyspace}.rows (id, payload) VALUES (?, ?)`, [id, `row ${id}`], 'LOCAL_ONE');
            if (++acknowledged === at?.written) hook = at.then();
          }
        }),
      );
      await hook;
    };
    const idsOf = (events: readonly RawEvent[]) => new Set(events.map((e) => Number(e.update.key['id'])));

    it('streams every kind of write with its content, and a column added mid-stream without a stall', async () => {
      const keyspace = await keyspaceWithTable('reader', 'kinds (pk int, ck int, v text, tags set<text>, attrs map<text, int>, s int static, PRIMARY KEY (pk, ck))');
      const topic = uniqueName('raw');
      await startReader(topic);
      const dc1 = ctx.cassandraAt('dc1-n1');
      const table = `${keyspace}.kinds`;
      const statements: [string, unknown[]][] = [
        [`INSERT INTO ${table} (pk, ck, v) VALUES (1, 1, 'inserted')`, []],
        [`UPDATE ${table} USING TTL 3600 SET v = 'updated' WHERE pk = 1 AND ck = 2`, []],
        [`DELETE v FROM ${table} WHERE pk = 1 AND ck = 1`, []],
        [`DELETE FROM ${table} WHERE pk = 1 AND ck = 2`, []],
        [`DELETE FROM ${table} WHERE pk = 1 AND ck > 5 AND ck <= 9`, []],
        [`DELETE FROM ${table} WHERE pk = 2`, []],
        [`UPDATE ${table} SET tags = tags + {'red'}, attrs['size'] = 3 WHERE pk = 3 AND ck = 1`, []],
        [`UPDATE ${table} SET s = 5 WHERE pk = 4`, []],
        [`INSERT INTO ${table} (pk, ck, v) VALUES (5, 1, 'old') USING TIMESTAMP 1234`, []],
        [`ALTER TABLE ${table} ADD note text`, []],
        [`INSERT INTO ${table} (pk, ck, note) VALUES (6, 1, ?)`, ['added later']],
        // A table without CDC, turned on mid-stream: what is written after that is streamed.
        [`CREATE TABLE ${keyspace}.late (id int PRIMARY KEY, v text)`, []],
        [`INSERT INTO ${keyspace}.late (id, v) VALUES (1, 'before cdc')`, []],
        [`ALTER TABLE ${keyspace}.late WITH cdc = true`, []],
        [`INSERT INTO ${keyspace}.late (id, v) VALUES (2, 'after cdc')`, []],
      ];
      for (const [cql, params] of statements) await dc1.execute(cql, params, 'LOCAL_QUORUM');

      const all = await eventsOn(topic, keyspace, statements.length - 4);
      expect(all.filter((e) => e.update.table === 'late').map((e) => e.update.key['id'])).toEqual([2]);
      const events = all.filter((e) => e.update.table === 'kinds');
      expect(events).toHaveLength(10); // one per write to it; the ALTER is not a write
      const at = (pk: number, ck?: number) => {
        const found = events.filter((e) => e.update.key['pk'] === pk && (ck === undefined || e.update.rows.some((r) => r.clustering['ck'] === ck)));
        if (found.length === 0) throw new Error(`no event for pk ${pk}${ck === undefined ? '' : ` ck ${ck}`}`);
        return found;
      };
      const insert = at(1, 1).find((e) => e.update.rows[0]?.liveness !== null);
      expect(insert?.update.rows[0]?.cells['v']).toMatchObject({ value: 'inserted' });
      const update = at(1, 2).find((e) => e.update.rows[0]?.deletion === null);
      expect(update?.update.rows[0]).toMatchObject({ liveness: null, cells: { v: { value: 'updated', ttl: 3600 } } });
      expect(at(1, 1).some((e) => e.update.rows[0]?.cells['v']?.tombstone === true)).toBe(true);
      expect(at(1, 2).some((e) => e.update.rows[0]?.deletion !== null)).toBe(true);
      expect(at(1).some((e) => e.update.rangeTombstones.length === 1)).toBe(true);
      expect(at(2)[0]?.update.partitionDeletion).not.toBeNull();
      const collections = at(3, 1)[0]?.update.rows[0]?.cells;
      expect(collections?.['tags']?.cells).toEqual([expect.objectContaining({ path: 'red' })]);
      expect(collections?.['attrs']?.cells).toEqual([expect.objectContaining({ path: 'size', value: 3 })]);
      expect(at(4)[0]?.update.staticRow?.cells['s']).toMatchObject({ value: 5 });
      expect(at(5, 1)[0]?.update.rows[0]?.liveness?.timestamp).toBe('1234');
      expect(at(6, 1)[0]?.update.rows[0]?.cells['note']).toMatchObject({ value: 'added later' });
      expect(events.every((e) => e.node === 'dc1-n1' && /^[0-9a-f]{64}$/.test(e.digest))).toBe(true);
    });

    it('loses nothing when killed with SIGKILL in the middle of a write stream', async () => {
      const keyspace = await keyspaceWithTable('reader_kill', 'rows (id int PRIMARY KEY, payload text)');
      const topic = uniqueName('raw');
      const first = await startReader(topic);
      const total = 3000;
      let killedAfter = 0;
      await writeRows(keyspace, total, {
        written: 1000,
        then: async () => {
          // Once the reader has sent some of the stream, not before.
          await eventsOn(topic, keyspace, 1);
          first.process.kill('SIGKILL');
          killedAfter = (await ctx.kafkaIn('dc1').readToEnd(topic)).length;
        },
      });
      expect(killedAfter).toBeGreaterThan(0);
      expect(killedAfter).toBeLessThan(total);
      await startReader(topic);
      const events = await eventsOn(topic, keyspace, total, 60_000);
      expect(idsOf(events).size).toBe(total); // every row written is there, at least once
      process.stderr.write(`[reader kill -9] ${total} rows written, ${events.length} events (${events.length - idsOf(events).size} re-sent after the restart)\n`);
    });

    it('stops reading while Kafka is away for 30 s, keeps the files, and catches up when it is back', async () => {
      const keyspace = await keyspaceWithTable('reader_outage', 'rows (id int PRIMARY KEY, payload text)');
      const topic = uniqueName('raw');
      const reader = await startReader(topic);
      await writeRows(keyspace, 200);
      await eventsOn(topic, keyspace, 200);

      await ctx.topology().stopComponent('kafka-dc1');
      const stoppedAt = Date.now();
      const segmentsBefore = (await readdir(node().cdcRawDir)).filter((n) => n.endsWith('.log'));
      await writeRows(keyspace, 1200);
      const health = await fetch(reader.healthUrl);
      expect(health.status).toBe(503); // says Kafka is down
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 30_000 - (Date.now() - stoppedAt))));
      const segmentsDuring = (await readdir(node().cdcRawDir)).filter((n) => n.endsWith('.log'));
      expect(segmentsDuring).toEqual(expect.arrayContaining(segmentsBefore)); // nothing deleted while unsent
      await ctx.topology().startComponent('kafka-dc1');

      const events = await eventsOn(topic, keyspace, 1400, 120_000);
      expect(idsOf(events).size).toBe(1200); // ids 0..1199, the first 200 written twice
      expect(reader.process.exitCode).toBeNull(); // the same process, not a restart
    });

    it('reports a corrupt segment placed in cdc_raw, copies it aside, and streams on', async () => {
      const keyspace = await keyspaceWithTable('reader_corrupt', 'rows (id int PRIMARY KEY, payload text)');
      const topic = uniqueName('raw');
      const { cdcRawDir } = node();
      // Older than any real segment, so it is the first the reader meets.
      await writeFile(join(cdcRawDir, 'CommitLog-7-1.log'), Buffer.alloc(64 * 1024, 0x5a));
      await writeFile(join(cdcRawDir, 'CommitLog-7-1_cdc.idx'), '65536\nCOMPLETED');
      const reader = await startReader(topic);
      await writeRows(keyspace, 100);
      const events = await eventsOn(topic, keyspace, 100);
      expect(idsOf(events).size).toBe(100);

      await waitFor('the corrupt segment to leave cdc_raw', async () => ((await readdir(cdcRawDir)).includes('CommitLog-7-1.log') ? undefined : true), { timeoutMs: 10_000 });
      const quarantine = join(dirname(cdcRawDir), 'meridian-quarantine');
      expect(await readdir(quarantine)).toEqual(expect.arrayContaining(['CommitLog-7-1.log', 'CommitLog-7-1_cdc.idx']));
      const log = await readFile(reader.logFile, 'utf8');
      expect(log).toMatch(/corrupt data skipped: .*\(CommitLog-7-1\.log at 0\)/);
      const metrics = await (await fetch(reader.healthUrl.replace('/health', '/metrics'))).text();
      expect(metrics).toMatch(/^meridian_reader_problems_total(\{[^}]*\})? 1$/m);
      expect(metrics).toMatch(/^meridian_reader_events_total(\{[^}]*\})? [1-9]\d*$/m);
    });

    it('deletes segments from cdc_raw once they are completed and read', async () => {
      const keyspace = await keyspaceWithTable('reader_fill', 'rows (id int PRIMARY KEY, payload text, blob blob)');
      const topic = uniqueName('raw');
      await startReader(topic);
      const { cdcRawDir } = node();
      const before = (await readdir(cdcRawDir)).filter((name) => name.endsWith('.log'));
      // Filling the active segment completes it: once read to its end, the reader deletes it.
      const dc1 = ctx.cassandraAt('dc1-n1');
      const blob = Buffer.alloc(16 * 1024, 7);
      for (let batch = 0; batch < 50; batch++) {
        await Promise.all(Array.from({ length: 50 }, (_, i) => dc1.execute(`INSERT INTO ${keyspace}.rows (id, payload, blob) VALUES (?, ?, ?)`, [batch * 50 + i, 'filler', blob], 'LOCAL_ONE')));
      }
      const rows = 50 * 50;
      // A segment that held these writes is gone from cdc_raw: the reader read it to its end first.
      const deleted = await waitFor(
        `the reader to delete a completed segment holding writes of ${keyspace} (cdc_raw held ${before.join(', ')})`,
        async () => {
          const now = new Set(await readdir(cdcRawDir));
          const events = await eventsOn(topic, keyspace, 1);
          const gone = [...new Set(events.map((e) => e.segment))].filter((segment) => !now.has(segment));
          return gone.length > 0 ? gone : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      // Every row was written once and dc1-n1 holds them all: a deleted segment whose events were
      // not all sent first would leave rows that never arrive.
      const events = await eventsOn(topic, keyspace, rows, 60_000);
      expect(idsOf(events)).toEqual(new Set(Array.from({ length: rows }, (_, id) => id)));
      expect(events.some((e) => deleted.includes(e.segment))).toBe(true);
    });
  });
}
