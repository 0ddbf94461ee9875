import { copyFileSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PartitionUpdate, type SchemaDescription, SchemaIndex } from '@meridian/commitlog';
import type { RawMutationEvent } from '@meridian/contracts';
import { CdcFollower, type EventSink, type OffsetStore } from './cdc-follower';

/** Every directory these tests make is under this one, removed after them. */
const scratch = mkdtempSync(join(tmpdir(), 'meridian-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Real segments of the golden corpus, written by Cassandra 5.0 (libs/commitlog/corpus). */
const CORPUS = join(__dirname, '..', '..', '..', '..', 'libs', 'commitlog', 'corpus', 'v7');
const manifest = JSON.parse(readFileSync(join(CORPUS, 'manifest.json'), 'utf8')) as {
  nodes: { name: string; segments: { file: string; idxFile: string; idx: { offset: number }; idxBeforeDown: { offset: number } }[] }[];
};
const fullSchema = JSON.parse(readFileSync(join(CORPUS, 'schema.json'), 'utf8')) as SchemaDescription;

class MemoryOffsets implements OffsetStore {
  readonly committed = new Map<string, number>();
  load() {
    return Promise.resolve(new Map(this.committed));
  }
  commit(segment: string, position: number) {
    this.committed.set(segment, position);
    return Promise.resolve();
  }
  forget(segment: string) {
    this.committed.delete(segment);
    return Promise.resolve();
  }
}

class MemorySink implements EventSink {
  readonly events: RawMutationEvent<PartitionUpdate>[] = [];
  failNext = false;
  send(events: readonly RawMutationEvent<PartitionUpdate>[]) {
    if (this.failNext) {
      this.failNext = false;
      return Promise.reject(new Error('Kafka is unavailable'));
    }
    this.events.push(...events);
    return Promise.resolve();
  }
}

class MemoryLog {
  readonly errors: string[] = [];
  readonly warnings: string[] = [];
  log() {}
  warn(message: string) {
    this.warnings.push(message);
  }
  error(message: string) {
    this.errors.push(message);
  }
}

/** A cdc_raw holding one node's corpus segment, its idx saying `idx` (the real final one by default). */
function cdcRaw(nodeName: string, idx?: string) {
  const node = manifest.nodes.find((n) => n.name === nodeName)!;
  const segment = node.segments[0]!;
  const dir = mkdtempSync(join(scratch, 'cdc-raw-'));
  copyFileSync(join(CORPUS, node.name, segment.file), join(dir, segment.file));
  writeFileSync(join(dir, segment.idxFile), idx ?? `${segment.idx.offset}\nCOMPLETED`);
  return { dir, segment };
}

function follower(
  dir: string,
  node: string,
  options: { schema?: SchemaDescription; refreshed?: SchemaDescription; refreshFails?: boolean; batchEvents?: number; current?: SchemaDescription } = {},
) {
  let schema = new SchemaIndex(options.schema ?? fullSchema);
  const offsets = new MemoryOffsets();
  const sink = new MemorySink();
  let refreshes = 0;
  const log = new MemoryLog();
  const quarantineDir = join(mkdtempSync(join(scratch, 'quarantine-')), 'aside');
  const cdc = new CdcFollower({
    dc: node.startsWith('dc1') ? 'dc1' : 'dc2',
    node,
    cdcRawDir: dir,
    quarantineDir,
    schema: () => schema,
    refreshSchema: () => {
      refreshes++;
      if (options.refreshFails) return Promise.resolve(false);
      schema = new SchemaIndex(options.refreshed ?? fullSchema);
      return Promise.resolve(true);
    },
    offsets,
    sink,
    log,
    ...(options.batchEvents === undefined ? {} : { batchEvents: options.batchEvents }),
    ...(options.current === undefined
      ? {}
      : {
          checkSchema: () => {
            schema = new SchemaIndex(options.current ?? fullSchema);
            return Promise.resolve();
          },
        }),
  });
  return { cdc, offsets, sink, log, quarantineDir, refreshes: () => refreshes };
}

const cdcTables = new Set(fullSchema.tables.filter((t) => t.cdc).map((t) => t.id));

describe('CdcFollower', () => {
  it('sends every partition update of the cdc tables, then deletes the completed segment', async () => {
    const { dir, segment } = cdcRaw('dc1-n1');
    const { cdc, sink, offsets } = follower(dir, 'dc1-n1');
    const summary = await cdc.poll();
    expect(summary.events).toBeGreaterThan(50);
    expect(sink.events).toHaveLength(summary.events);
    expect(sink.events.every((e) => cdcTables.has(e.update.tableId) && e.node === 'dc1-n1' && e.segment === segment.file)).toBe(true);
    expect(summary.deletedSegments).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
    expect(offsets.committed.size).toBe(0);
  });

  it('reads a live segment only to its durable offset, then the rest once it grows, without repeats', async () => {
    const { dir, segment } = cdcRaw('dc1-n1', String(manifest.nodes[0]!.segments[0]!.idxBeforeDown.offset));
    const { cdc, sink, offsets } = follower(dir, 'dc1-n1');
    const first = await cdc.poll();
    expect(first.deletedSegments).toBe(0);
    expect(offsets.committed.get(segment.file)).toBe(segment.idxBeforeDown.offset);
    expect(sink.events.every((e) => e.position < segment.idxBeforeDown.offset)).toBe(true);

    writeFileSync(join(dir, segment.idxFile), `${segment.idx.offset}\nCOMPLETED`);
    const second = await cdc.poll();
    expect(second.deletedSegments).toBe(1);
    const positions = sink.events.map((e) => `${e.position}:${e.update.tableId}`);
    expect(new Set(positions).size).toBe(positions.length);

    // The second poll read only what the first had not: from the last section boundary on.
    expect(first.bytesRead).toBeLessThanOrEqual(segment.idxBeforeDown.offset);
    expect(second.bytesRead).toBeLessThan(statSync(join(CORPUS, 'dc1-n1', segment.file)).size - segment.idxBeforeDown.offset + 4096);

    const { dir: again } = cdcRaw('dc1-n1');
    const whole = follower(again, 'dc1-n1');
    await whole.cdc.poll();
    expect(sink.events.map((e) => e.digest)).toEqual(whole.sink.events.map((e) => e.digest));
  });

  it('reads nothing while the idx stays the same; after a restart, reads on from the stored position', async () => {
    const { dir, segment } = cdcRaw('dc1-n1', String(manifest.nodes[0]!.segments[0]!.idxBeforeDown.offset));
    const { cdc } = follower(dir, 'dc1-n1');
    await cdc.poll();
    const idle = await cdc.poll();
    expect(idle).toMatchObject({ events: 0, bytesRead: 0, backlogBytes: 0 });
    writeFileSync(join(dir, segment.idxFile), String(segment.idx.offset));
    cdc['segments'].clear(); // forget the cursor: as after a restart, the position comes from the offset store
    const caughtUp = await cdc.poll();
    expect(caughtUp.bytesRead).toBeGreaterThan(0);
    expect(caughtUp.backlogBytes).toBe(0);
  });

  it('reports a corrupt entry once with its segment and position, copies the segment aside, and streams the rest', async () => {
    const { dir, segment } = cdcRaw('dc1-n1');
    const reference = follower(cdcRaw('dc1-n1').dir, 'dc1-n1');
    await reference.cdc.poll();
    const victim = reference.sink.events[10]!;
    const bytes = readFileSync(join(dir, segment.file));
    bytes[victim.position + 20] = bytes[victim.position + 20]! ^ 0xff; // inside the entry: its CRC no longer matches
    writeFileSync(join(dir, segment.file), bytes);

    const { cdc, sink, log, quarantineDir } = follower(dir, 'dc1-n1');
    const summary = await cdc.poll();
    expect(summary.problems).toBe(1);
    expect(log.errors).toEqual([expect.stringContaining(`entry CRC mismatch (${segment.file} at ${victim.position})`)]);
    expect(sink.events.map((e) => e.position)).not.toContain(victim.position);
    expect(sink.events.length).toBeGreaterThan(reference.sink.events.length - 5);
    expect(summary.deletedSegments).toBe(1);
    expect(readdirSync(quarantineDir).sort()).toEqual([segment.file, segment.idxFile].sort());
    expect(readFileSync(join(quarantineDir, segment.file))).toEqual(bytes);
  });

  it('sets aside a segment whose header is garbage and goes on to the next one', async () => {
    const { dir } = cdcRaw('dc1-n1');
    // Older than the corpus segment, so read first.
    writeFileSync(join(dir, 'CommitLog-7-1.log'), Buffer.alloc(4096, 0x5a));
    writeFileSync(join(dir, 'CommitLog-7-1_cdc.idx'), '4096\nCOMPLETED');
    const { cdc, sink, log, quarantineDir } = follower(dir, 'dc1-n1');
    const summary = await cdc.poll();
    expect(summary.problems).toBe(1);
    expect(log.errors[0]).toContain('CommitLog-7-1.log at 0');
    expect(summary.deletedSegments).toBe(2);
    expect(sink.events.length).toBeGreaterThan(50);
    expect(readdirSync(quarantineDir).sort()).toEqual(['CommitLog-7-1.log', 'CommitLog-7-1_cdc.idx']);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps a corrupt segment in cdc_raw when it cannot be copied aside', async () => {
    const { dir } = cdcRaw('dc1-n1');
    writeFileSync(join(dir, 'CommitLog-7-1.log'), Buffer.alloc(64, 1));
    writeFileSync(join(dir, 'CommitLog-7-1_cdc.idx'), '64\nCOMPLETED');
    const blocked = join(mkdtempSync(join(scratch, 'quarantine-')), 'file');
    writeFileSync(blocked, 'not a directory');
    const { cdc, log } = follower(dir, 'dc1-n1');
    (cdc['options'] as { quarantineDir: string }).quarantineDir = blocked;
    const summary = await cdc.poll();
    expect(summary.deletedSegments).toBe(1); // the good one
    expect(readdirSync(dir).sort()).toEqual(['CommitLog-7-1.log', 'CommitLog-7-1_cdc.idx']);
    expect(log.errors.some((e) => e.includes('CommitLog-7-1.log is kept in cdc_raw'))).toBe(true);
  });

  it('streams a segment in batches, recording progress after each, and after a failed send resumes where the last one ended', async () => {
    const reference = follower(cdcRaw('dc1-n1').dir, 'dc1-n1');
    await reference.cdc.poll();
    const { dir, segment } = cdcRaw('dc1-n1');
    const { cdc, sink, offsets } = follower(dir, 'dc1-n1', { batchEvents: 10 });
    const sizes: number[] = [];
    const commits: number[] = [];
    const send = sink.send.bind(sink);
    sink.send = (events) => {
      sizes.push(events.length);
      if (sizes.length === 3) return Promise.reject(new Error('Kafka is unavailable'));
      return send(events);
    };
    const commit = offsets.commit.bind(offsets);
    offsets.commit = (name, position) => {
      commits.push(position);
      return commit(name, position);
    };
    await expect(cdc.poll()).rejects.toThrow('Kafka is unavailable');
    expect(commits).toHaveLength(2); // after each of the two batches Kafka took
    expect(offsets.committed.get(segment.file)).toBe(commits[1]);
    cdc['segments'].clear(); // as after a restart
    await cdc.poll();
    expect(Math.max(...sizes)).toBeLessThanOrEqual(10 + 5); // a batch closes at the end of the entry that fills it
    expect(sink.events.map((e) => e.digest)).toEqual(reference.sink.events.map((e) => e.digest));
  });

  it('keeps its position when the send fails, and sends the same events again', async () => {
    const { dir } = cdcRaw('dc1-n1');
    const { cdc, sink, offsets } = follower(dir, 'dc1-n1');
    sink.failNext = true;
    await expect(cdc.poll()).rejects.toThrow('Kafka is unavailable');
    expect(offsets.committed.size).toBe(0);
    expect(readdirSync(dir)).toHaveLength(2);
    const summary = await cdc.poll();
    expect(summary.events).toBe(sink.events.length);
    expect(summary.deletedSegments).toBe(1);
  });

  it('stops at an unknown table until the schema is refreshed, then reads on from that entry', async () => {
    const { dir } = cdcRaw('dc1-n1');
    const withoutCorpus = { ...fullSchema, tables: fullSchema.tables.filter((t) => t.keyspace !== 'corpus') };
    const { cdc, sink, refreshes } = follower(dir, 'dc1-n1', { schema: withoutCorpus, refreshed: fullSchema });
    const first = await cdc.poll();
    expect(first.waitingForSchema).toBe(true);
    expect(first.backlogBytes).toBeGreaterThan(0);
    expect(refreshes()).toBe(1);
    expect(first.events).toBe(0);
    const second = await cdc.poll();
    expect(second.waitingForSchema).toBe(false);
    expect(second.deletedSegments).toBe(1);

    const reference = follower(cdcRaw('dc1-n1').dir, 'dc1-n1');
    await reference.cdc.poll();
    expect(sink.events.map((e) => e.digest)).toEqual(reference.sink.events.map((e) => e.digest));
  });

  it("skips the entries of a table the reloaded schema still lacks (dropped after the writes), logged once, and reads the rest", async () => {
    const { dir } = cdcRaw('dc1-n1');
    const table = fullSchema.tables.find((t) => t.keyspace === 'corpus' && t.cdc)!;
    const dropped = { ...fullSchema, tables: fullSchema.tables.filter((t) => t !== table) };
    const { cdc, sink, log } = follower(dir, 'dc1-n1', { schema: dropped, refreshed: dropped });
    let skipped = 0;
    let polls = 0;
    for (let deleted = 0; deleted === 0; ) {
      const summary = await cdc.poll();
      skipped += summary.droppedTableEntries;
      deleted = summary.deletedSegments;
      if (++polls > 1000) throw new Error('the follower never got past the dropped table');
    }
    const reference = follower(cdcRaw('dc1-n1').dir, 'dc1-n1');
    await reference.cdc.poll();
    // An entry holding a write to the dropped table is skipped whole (its other updates cannot be parsed past it); every other entry arrives.
    const droppedEntries = new Set(reference.sink.events.filter((e) => e.update.keyspace === table.keyspace && e.update.table === table.table).map((e) => e.position));
    expect(droppedEntries.size).toBeGreaterThan(0);
    expect(sink.events.map((e) => e.digest)).toEqual(reference.sink.events.filter((e) => !droppedEntries.has(e.position)).map((e) => e.digest));
    expect(skipped).toBe(droppedEntries.size);
    expect(log.warnings.filter((l) => l.includes("not in the node's schema any more"))).toHaveLength(1);
  });

  it('keeps the entry of an unknown table while the node cannot be asked, without spinning or repeating the warning', async () => {
    const { dir } = cdcRaw('dc1-n1');
    const withoutCorpus = { ...fullSchema, tables: fullSchema.tables.filter((t) => t.keyspace !== 'corpus') };
    const { cdc, sink, log, refreshes } = follower(dir, 'dc1-n1', { schema: withoutCorpus, refreshFails: true });
    for (let i = 0; i < 3; i++) {
      const summary = await cdc.poll();
      expect(summary).toMatchObject({ waitingForSchema: false, droppedTableEntries: 0, deletedSegments: 0 });
    }
    expect(refreshes()).toBe(3);
    expect(sink.events.every((e) => e.update.keyspace !== 'corpus')).toBe(true);
    expect(log.warnings.filter((l) => l.includes('refreshing the schema before reading on'))).toHaveLength(1);
  });

  it('treats a column added after the schema was loaded like an unknown table: refresh, then read on without loss', async () => {
    const { dir } = cdcRaw('dc1-n1');
    const table = fullSchema.tables.find((t) => t.keyspace === 'corpus' && t.cdc && t.columns.length > 1)!;
    const dropped = table.columns[0]!;
    const behind = { ...fullSchema, tables: fullSchema.tables.map((t) => (t === table ? { ...t, columns: t.columns.filter((c) => c !== dropped) } : t)) };
    const { cdc, sink, refreshes } = follower(dir, 'dc1-n1', { schema: behind, refreshed: fullSchema });
    let polls = 0;
    for (let summary = await cdc.poll(); summary.deletedSegments === 0; summary = await cdc.poll()) polls++;
    expect(polls).toBeGreaterThanOrEqual(1);
    expect(refreshes()).toBeGreaterThanOrEqual(1);
    const reference = follower(cdcRaw('dc1-n1').dir, 'dc1-n1');
    await reference.cdc.poll();
    expect(sink.events.map((e) => e.digest)).toEqual(reference.sink.events.map((e) => e.digest));
  });

  it("asks for the node's current schema before decoding, so a table turned cdc = true since the last load is streamed", async () => {
    const noCdc = { ...fullSchema, tables: fullSchema.tables.map((t) => ({ ...t, cdc: false })) };
    const stale = follower(cdcRaw('dc1-n1').dir, 'dc1-n1', { schema: noCdc });
    expect((await stale.cdc.poll()).events).toBe(0);
    const checked = follower(cdcRaw('dc1-n1').dir, 'dc1-n1', { schema: noCdc, current: fullSchema });
    const reference = follower(cdcRaw('dc1-n1').dir, 'dc1-n1');
    await checked.cdc.poll();
    await reference.cdc.poll();
    expect(checked.sink.events.map((e) => e.digest)).toEqual(reference.sink.events.map((e) => e.digest));
  });

  it('gives the same digest to the copies of a mutation logged by each replica', async () => {
    const dc1 = follower(cdcRaw('dc1-n1').dir, 'dc1-n1');
    const dc2 = follower(cdcRaw('dc2-n1').dir, 'dc2-n1');
    await dc1.cdc.poll();
    await dc2.cdc.poll();
    const digests = (events: RawMutationEvent<PartitionUpdate>[]) => new Set(events.map((e) => e.digest));
    expect(dc1.sink.events.length).toBeGreaterThan(50);
    // Keyspace corpus is replicated dc1:1, dc2:1: both nodes logged every mutation.
    expect(digests(dc2.sink.events)).toEqual(digests(dc1.sink.events));
  });
});
