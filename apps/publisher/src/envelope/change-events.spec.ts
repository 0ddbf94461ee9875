import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { type PartitionUpdate, readSegment, type SchemaDescription, SchemaIndex } from '@meridian/commitlog';
import {
  CHANGE_EVENT_SCHEMA_FILE,
  type ChangeEvent,
  type CqlJson,
  type ElementsChange,
  RAW_MUTATION_VERSION,
  type MutationEvent,
  parseChangeEvent,
  type WriteChangeEvent,
} from '@meridian/contracts';
import { PUBLISHER_VERSION, toChangeEvents } from './change-events';

/**
 * The change events of the golden corpus (libs/commitlog/corpus: segments written by a
 * real Cassandra 5.0 for the statements in each variant's statements.cql), compared with
 * __golden__/<variant>.json. After a deliberate change of the mapping, regenerate with
 * `UPDATE_GOLDEN=1 npx jest -c apps/publisher/jest.config.js` and review the diff.
 */
const CORPUS = join(__dirname, '..', '..', '..', '..', 'libs', 'commitlog', 'corpus');
const NOW_MS = 1_800_000_000_000;
const validate = new Ajv2020({ allErrors: true }).compile(JSON.parse(readFileSync(CHANGE_EVENT_SCHEMA_FILE, 'utf8')) as object);

interface Manifest {
  readonly nodes: readonly { readonly name: string; readonly dc: string; readonly segments: readonly { readonly file: string }[] }[];
}

/** Each node's mutation events of the corpus keyspace's cdc tables, in segment order. */
function corpusMutations(variant: string): Map<string, MutationEvent<PartitionUpdate>[]> {
  const dir = join(CORPUS, variant);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const description = JSON.parse(readFileSync(join(dir, 'schema.json'), 'utf8')) as SchemaDescription;
  const schema = new SchemaIndex(description);
  const cdcTables = new Set(description.tables.filter((t) => t.keyspace === 'corpus' && t.cdc).map((t) => t.id));
  const byNode = new Map<string, MutationEvent<PartitionUpdate>[]>();
  for (const node of manifest.nodes) {
    const mutations: MutationEvent<PartitionUpdate>[] = [];
    for (const { file } of node.segments) {
      const read = readSegment(readFileSync(join(dir, node.name, file)), { schema, segment: file });
      for (let step = read.next(); !step.done; step = read.next()) {
        if (step.value.kind !== 'mutation') continue;
        for (const update of step.value.updates.filter((u) => cdcTables.has(u.tableId))) mutations.push(mutation(node, update));
      }
    }
    byNode.set(node.name, mutations);
  }
  return byNode;
}

/** Each node's change events of the corpus keyspace's cdc tables, in segment order. */
function corpusEvents(variant: string): Map<string, ChangeEvent[]> {
  return new Map([...corpusMutations(variant)].map(([node, mutations]) => [node, mutations.flatMap((m) => toChangeEvents(m, NOW_MS))]));
}

function mutation(node: { name: string; dc: string }, update: PartitionUpdate): MutationEvent<PartitionUpdate> {
  return {
    version: RAW_MUTATION_VERSION,
    dc: node.dc,
    node: node.name,
    segment: update.segment,
    position: update.position,
    digest: 'not-used',
    update,
  };
}

/** One event per line, so that a change of the mapping shows as a readable diff. */
const golden = (events: readonly ChangeEvent[]) => `[\n${events.map((e) => JSON.stringify(e)).join(',\n')}\n]\n`;
/** An event as any replica gives it; the updates of one mutation come in a different order from each. */
const asAnyReplica = (events: readonly ChangeEvent[]) =>
  events.map((e) => JSON.stringify({ ...e, source: { ...e.source, dc: '', node: '', segment: '', position: 0 } })).sort();

test('the examples of the contract doc are events of corpus v7', () => {
  const events = corpusEvents('v7').get('dc1-n1')!;
  const doc = readFileSync(join(CORPUS, '..', '..', 'contracts', 'docs', 'change-event.md'), 'utf8');
  const examples = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => JSON.parse(match[1]!) as unknown);
  expect(examples.length).toBe(3);
  for (const example of examples) expect(events).toContainEqual(example);
});

test('the full-image example of the contract doc is the corpus UPDATE of t_rows with its row read back', () => {
  const doc = readFileSync(join(CORPUS, '..', '..', 'contracts', 'docs', 'change-event.md'), 'utf8');
  const [example] = [...doc.matchAll(/```json full-image\n([\s\S]*?)```/g)].map((match) => JSON.parse(match[1]!) as WriteChangeEvent);
  if (!example) throw new Error('no full-image example in the doc');
  const written = corpusMutations('v7')
    .get('dc1-n1')!
    .find((m) => m.update.table === 't_rows' && m.position === example.source.position);
  if (!written) throw new Error('no such mutation in the corpus');
  const read: MutationEvent<PartitionUpdate> = { ...written, images: { rows: [{ status: 'full', columns: { n: 1, v: 'one, updated' }, ts_ms: NOW_MS }] } };
  expect(toChangeEvents(read, NOW_MS, 'full')).toEqual([example]);
  expect(toChangeEvents(read, NOW_MS, 'delta')).toEqual([{ ...example, after: { v: 'one, updated' }, image: undefined }].map((e) => JSON.parse(JSON.stringify(e)) as unknown));
});

describe.each(['v7', 'v8'])('the change events of corpus variant %s', (variant) => {
  const byNode = corpusEvents(variant);
  const events = byNode.get('dc1-n1')!;
  const goldenFile = join(__dirname, '__golden__', `${variant}.json`);

  it('match the golden file', () => {
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(goldenFile, golden(events));
    expect(golden(events)).toBe(readFileSync(goldenFile, 'utf8'));
  });

  it('are the same from every replica but for where they were read and their order within a mutation', () => {
    expect(byNode.size).toBe(2);
    for (const [node, theirs] of byNode) {
      expect(theirs.every((e) => e.source.node === node)).toBe(true);
      expect(asAnyReplica(theirs)).toEqual(asAnyReplica(events));
    }
  });

  it('each pass parseChangeEvent and the JSON Schema', () => {
    expect(events.length).toBeGreaterThan(100);
    for (const event of events) {
      const sent: unknown = JSON.parse(JSON.stringify(event));
      expect(parseChangeEvent(sent)).toEqual(event);
      if (!validate(sent)) throw new Error(`${JSON.stringify(event)}: ${JSON.stringify(validate.errors)}`);
    }
  });

  /** The events of one table and key, in order. */
  const of = (table: string, key: Record<string, CqlJson>) =>
    events.filter((e) => e.source.table === table && Object.entries(key).every(([k, v]) => JSON.stringify(e.key[k]) === JSON.stringify(v)));
  const only = (table: string, key: Record<string, CqlJson>, at = 0) => {
    const found = of(table, key)[at];
    if (!found) throw new Error(`no event ${at} of ${table} ${JSON.stringify(key)}`);
    return found;
  };
  const write = (event: ChangeEvent): WriteChangeEvent => {
    if (event.op === 'd') throw new Error(`expected a write, got ${JSON.stringify(event)}`);
    return event;
  };
  const elements = (event: ChangeEvent, column: string) => write(event).after[column] as ElementsChange;

  it('an INSERT is a c with every written column, its row marker and the source', () => {
    const insert = write(only('t_rows', { pk: 1, ck: 1 }));
    expect(insert).toMatchObject({ version: 1, op: 'c', key: { pk: 1, ck: 1 }, after: { n: 1, v: 'one' }, ts_ms: NOW_MS });
    expect([...insert.changed].sort()).toEqual(['n', 'v']);
    expect(insert.liveness).toEqual({ writetime_us: '1700000000074000' });
    expect(insert.cells).toEqual({ n: { writetime_us: '1700000000074000' }, v: { writetime_us: '1700000000074000' } });
    expect(insert.source).toMatchObject({
      connector: 'meridian',
      version: PUBLISHER_VERSION,
      dc: 'dc1',
      node: 'dc1-n1',
      keyspace: 'corpus',
      table: 't_rows',
      writetime_us: '1700000000074000',
      ts_ms: 1700000000074,
    });
    expect(insert.source.segment).toMatch(/^CommitLog-\d+-\d+\.log$/);
  });

  it('an INSERT of a null writes a deleted cell', () => {
    const insert = write(only('t_rows', { pk: 1, ck: 4 }));
    expect(insert).toMatchObject({ op: 'c', after: { n: 4, v: null }, cells: { v: { writetime_us: '1700000000078000', tombstone: true } } });
  });

  it('an UPDATE is a u without a row marker', () => {
    const update = write(only('t_rows', { pk: 1, ck: 1 }, 1));
    expect(update).toMatchObject({ op: 'u', after: { v: 'one, updated' }, changed: ['v'] });
    expect(update.liveness).toBeUndefined();
  });

  it('DELETE v FROM is a u with v null', () => {
    const deleted = write(only('t_rows', { pk: 1, ck: 1 }, 2));
    expect(deleted).toMatchObject({ op: 'u', after: { v: null }, changed: ['v'], cells: { v: { writetime_us: '1700000000079000', tombstone: true } } });
    expect(write(only('t_rows', { pk: 1, ck: 2 }, 1))).toMatchObject({ op: 'u', after: { n: null, v: null } });
  });

  it('a row delete is a d of the row, with the whole primary key', () => {
    expect(only('t_rows', { pk: 1, ck: 4 }, 1)).toMatchObject({
      op: 'd',
      deleted: 'row',
      key: { pk: 1, ck: 4 },
      after: null,
      changed: [],
      source: { writetime_us: '1700000000081000' },
    });
  });

  it('a partition delete is a d of the partition, keyed by the partition key only', () => {
    const deleted = only('t_numeric', { id: 7 }, 1);
    expect(deleted).toMatchObject({ op: 'd', deleted: 'partition', after: null, source: { writetime_us: '1700000000083000' } });
    expect(deleted.key).toEqual({ id: 7 });
    const range = of('t_range', { a: 2, b: 'y' }).at(-1)!;
    expect(range).toMatchObject({ op: 'd', deleted: 'partition' });
    expect(range.key).toEqual({ a: 2, b: 'y' });
  });

  it('range deletes carry their bounds, in clustering order', () => {
    const ranges = of('t_range', { a: 1, b: 'x' }).filter((e) => e.op === 'd' && e.deleted === 'range');
    const bounds = ranges.map((e) => (e.op === 'd' ? [e.range, e.source.writetime_us] : undefined));
    const at = (c: Record<string, CqlJson>, inclusive: boolean) => ({ clustering: c, inclusive });
    expect(bounds).toEqual([
      // c1 = 1 AND c2 > 'a', c2 descending: from the start of c1 = 1 to just before 'a'
      [{ start: at({ c1: 1 }, true), end: at({ c1: 1, c2: 'a' }, false) }, '1700000000092000'],
      [{ start: at({ c1: 1 }, true), end: at({ c1: 1 }, true) }, '1700000000093000'],
      [{ start: at({ c1: 2 }, true), end: at({ c1: 4 }, false) }, '1700000000094000'],
      [{ start: at({ c1: 5 }, false), end: at({}, true) }, '1700000000095000'],
      [{ start: at({}, true), end: at({ c1: -1 }, true) }, '1700000000096000'],
      [{ start: at({ c1: 10 }, true), end: at({ c1: 20 }, false) }, '1700000000097000'],
      [{ start: at({ c1: 20 }, true), end: at({ c1: 30 }, false) }, '1700000000097001'],
    ]);
    for (const range of ranges) expect(range.key).toEqual({ a: 1, b: 'x' });
  });

  it('a batch gives one event per row, in the update order', () => {
    const batch = of('t_batch_a', { pk: 6 });
    expect(batch.map((e) => [e.op, e.key['ck']])).toEqual([
      ['c', 1],
      ['c', 2],
      ['d', 3],
    ]);
  });

  it('TTLs are kept, with the row marker and each cell', () => {
    const expiring = write(only('t_rows', { pk: 1, ck: 2 }));
    expect(expiring.op).toBe('c');
    expect(expiring.liveness).toEqual({ writetime_us: '1700000000075000', ttl: 86400, expires_at: expect.stringMatching(/Z$/) as unknown });
    expect(expiring.cells['v']).toEqual(expiring.liveness);
    expect(expiring.cells['n']).toEqual(expiring.liveness);
    expect(write(only('t_rows', { pk: 1, ck: 3 }))).toMatchObject({ op: 'u', after: { n: 3 }, cells: { n: { ttl: 3600 } } });
  });

  it('static columns are u events of the partition, marked static', () => {
    const staticOnly = of('t_rows', { pk: 2 });
    expect(staticOnly.map((e) => [e.op, e.key, e.op === 'd' ? null : e.after, e.op === 'd' ? null : e.static])).toEqual([
      ['u', { pk: 2 }, { s: 'static only' }, true],
      ['u', { pk: 2 }, { s: 'static updated' }, true],
      ['u', { pk: 2 }, { s: null }, true],
    ]);
    // INSERT of a static column with a row: the static row first, then the row.
    expect(of('t_rows', { pk: 3 }).map((e) => [e.op, e.key])).toEqual([
      ['u', { pk: 3 }],
      ['c', { pk: 3, ck: 1 }],
      ['u', { pk: 3 }],
    ]);
    expect(write(of('t_rows', { pk: 3 })[2]!).cells['s']).toMatchObject({ ttl: 600 });
  });

  it('set, map and list elements are added and removed element by element', () => {
    const ops = of('t_collections', { id: 1 });
    const insert = write(ops[0]!);
    expect(insert.op).toBe('c');
    expect(insert.after['s']).toEqual({ replaced: true, added: [['a', null], ['b', null]], removed: [] });
    expect(insert.after['m']).toEqual({ replaced: true, added: [['k1', 1], ['k2', 2]], removed: [] });
    expect(elements(insert, 'l')).toMatchObject({ replaced: true, removed: [] });
    expect(elements(insert, 'l').added.map(([, value]) => value)).toEqual([1, 2, 3]);
    expect(insert.after['s_tuple']).toEqual({ replaced: true, added: [[[1, 'a'], null], [[2, 'b'], null]], removed: [] });
    // the overwrite an INSERT does clears the collection just before it writes it
    expect(insert.cells['s']).toEqual({ writetime_us: '1700000000041000', replaced_at_us: '1700000000040999' });
    // frozen collections are whole values
    expect(insert.after).toMatchObject({ fl: [10, 20], fs: ['x', 'y'], fm: [['fk', 7]] });

    const listAppend = elements(ops[1]!, 'l');
    expect(listAppend.replaced).toBe(false);
    expect(listAppend.added.map(([, value]) => value)).toEqual([4, 5]);
    const listRemove = elements(ops[3]!, 'l'); // l = l - [2]: the element of 2, by its timeuuid
    expect(listRemove).toEqual({ replaced: false, added: [], removed: [elements(insert, 'l').added[1]![0]] });
    const listSet = elements(ops[5]!, 'l'); // l[0] = 99 replaces the first element in place
    expect(listSet.added).toEqual([[elements(insert, 'l').added[0]![0], 99]]);

    expect(write(ops[7]!)).toMatchObject({ op: 'u', changed: ['s'], after: { s: { replaced: false, added: [['c', null]], removed: [] } } });
    expect(write(ops[8]!).after['s']).toEqual({ replaced: false, added: [], removed: ['a'] });
    expect(write(ops[9]!).after['s']).toEqual({ replaced: true, added: [['z', null]], removed: [] });
    expect(write(ops[10]!).after['m']).toEqual({ replaced: false, added: [['k3', 3]], removed: [] });
    expect(write(ops[12]!).after['m']).toEqual({ replaced: false, added: [], removed: ['k1'] });
    expect(write(ops[13]!).after['m']).toEqual({ replaced: false, added: [], removed: ['k2', 'k3'] });
    expect(write(ops[15]!).after['m_nested']).toEqual({ replaced: false, added: [['n3', [3, 3, 3]]], removed: [] });
    // DELETE s: cleared, nothing added
    expect(write(ops[16]!)).toMatchObject({ after: { s: { replaced: true, added: [], removed: [] } }, cells: { s: { replaced_at_us: '1700000000058000' } } });
  });

  it('tuples and UDTs are arrays and objects; a non-frozen UDT changes field by field', () => {
    expect(write(only('t_tuple', { id: 1 })).after).toMatchObject({ t: [1, 'one', 1.5], t_nested: [2, ['two', true]] });
    expect(write(only('t_tuple', { id: 2 })).after).toMatchObject({ t: [3, null, 2.5], t_nested: [4, [null, false]] });
    const udt = write(only('t_udt', { id: 1 }));
    expect(udt.after['a_frozen']).toEqual({ street: 'Main St 1', city: 'Springfield', zip: 12345, tags: ['home', 'primary'] });
    expect(udt.after['p_frozen']).toEqual({
      name: 'Ada',
      born: '1815-12-10',
      home: { street: 'St James Sq', city: 'London', zip: null, tags: null },
      nicknames: ['Countess'],
    });
    expect(udt.after['a']).toEqual({
      replaced: true,
      added: [
        ['street', 'Elm St 2'],
        ['city', 'Shelbyville'],
        ['zip', 54321],
        ['tags', ['work']],
      ],
      removed: [],
    });
    expect(write(only('t_udt', { id: 1 }, 1)).after['a']).toEqual({ replaced: false, added: [['city', 'Capital City']], removed: [] });
    expect(write(only('t_udt', { id: 1 }, 2)).after['a']).toEqual({ replaced: false, added: [], removed: ['zip'] });
  });

  it('maps every scalar CQL type of the corpus as the dump format does', () => {
    expect(write(only('t_numeric', { id: 1 })).after).toEqual({
      c_tinyint: 42,
      c_smallint: 1234,
      c_int: 123456,
      c_bigint: '1234567890123',
      c_varint: '12345678901234567890',
      c_float: 3.140000104904175,
      c_double: 2.718281828459045,
      c_decimal: '123.450',
    });
    expect(write(only('t_numeric', { id: 2 })).after).toMatchObject({
      c_bigint: '-9223372036854775808',
      c_varint: '-123456789012345678901234567890123456789012345678901234567890',
      c_decimal: '-1E-21',
    });
    expect(write(only('t_numeric', { id: 5 })).after).toEqual({ c_float: 'NaN', c_double: 'Infinity' });
    // empty values are null but live cells; the null is a deleted cell
    const empty = write(only('t_numeric', { id: 7 }));
    expect(empty.after).toEqual({ c_bigint: null, c_int: null, c_varint: null });
    expect(empty.cells['c_int']!.tombstone).toBeUndefined();
    expect(empty.cells['c_varint']!.tombstone).toBe(true);
    expect(write(only('t_text', { id: 1 })).after).toEqual({ c_ascii: 'hello', c_text: 'héllo wörld ✓ 日本語 🎉', c_varchar: 'varchar is text', c_blob: 'yv66vg==' });
    expect(write(only('t_text', { id: 2 })).after).toEqual({ c_ascii: '', c_text: '', c_varchar: '', c_blob: '' });
    expect(write(only('t_time', { id: 1 })).after).toEqual({
      c_timestamp: '2024-01-02T03:04:05.678Z',
      c_date: '2024-02-29',
      c_time: '13:30:54.234567891',
      c_duration: { months: 1, days: 2, nanoseconds: '11045006007008' },
    });
    expect(write(only('t_time', { id: 2 })).after).toMatchObject({ c_timestamp: '1900-01-01T00:00:00.000Z', c_duration: { months: 0, days: -1, nanoseconds: '-7200000000000' } });
    expect(write(only('t_ident', { id: 1 })).after).toEqual({
      c_uuid: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
      c_timeuuid: '50554d6e-29bb-11e5-b345-feff819cdc9f',
      c_inet: '192.168.1.10',
      c_boolean: true,
    });
    expect(write(only('t_ident', { id: 3 })).after).toMatchObject({ c_uuid: 'ffffffff-ffff-ffff-ffff-ffffffffffff', c_inet: '2001:db8:0:0:0:8a2e:370:7334', c_boolean: null });
    expect(write(only('t_vector', { id: 1 })).after).toEqual({ v_float: [1.5, -2.25, 0], v_text: ['a', 'bc'] });
    const counters = of('t_counter', { id: 1 }).map((e) => write(e));
    expect(counters.map((e) => [e.op, e.after])).toEqual([
      ['u', { hits: '5' }],
      ['u', { hits: '2', misses: '1' }],
    ]);
  });
});

describe('toChangeEvents', () => {
  const update = (rows: PartitionUpdate['rows']): MutationEvent<PartitionUpdate> =>
    mutation(
      { name: 'dc1-n1', dc: 'dc1' },
      { segment: 'CommitLog-7-1.log', position: 42, keyspace: 'ks', table: 't', tableId: 'x', key: { id: 1 }, partitionDeletion: null, staticRow: null, rows, rangeTombstones: [] },
    );

  it('gives a row that is deleted and written again in one mutation as a d, then the write', () => {
    const events = toChangeEvents(
      update([
        {
          clustering: { ck: 1 },
          liveness: { timestamp: '20' },
          deletion: { markedForDeleteAt: '10', localDeletionTime: 1 },
          cells: { v: { value: 'x', timestamp: '20' } },
        },
      ]),
      5,
    );
    expect(events.map((e) => [e.op, e.source.writetime_us])).toEqual([
      ['d', '10'],
      ['c', '20'],
    ]);
  });

  describe('on a channel with full images', () => {
    const written = (value: string) => ({ clustering: { ck: 1 }, liveness: null, deletion: null, cells: { v: { value, timestamp: '20' } } });
    const deletedOnly = { clustering: { ck: 2 }, liveness: null, deletion: { markedForDeleteAt: '10', localDeletionTime: 1 }, cells: {} };
    const withImages = (images: MutationEvent['images'], rows: PartitionUpdate['rows'] = [written('x')]) => ({ ...update(rows), ...(images ? { images } : {}) });
    const checked = (events: ChangeEvent[]) => {
      for (const event of events) {
        expect(parseChangeEvent(JSON.parse(JSON.stringify(event)))).toEqual(event);
        expect(validate(event)).toBe(true);
      }
      return events;
    };

    it('puts the row as read in after, every column, and keeps changed and cells the write', () => {
      const [event] = checked(toChangeEvents(withImages({ rows: [{ status: 'full', columns: { v: 'y', n: null, l: [1, 2] }, ts_ms: 7 }] }), 5, 'full'));
      expect(event).toMatchObject({ op: 'u', after: { v: 'y', n: null, l: [1, 2] }, changed: ['v'], cells: { v: { writetime_us: '20' } }, image: { status: 'full', ts_ms: 7 } });
    });

    it('leaves a delta channel the write, without an image, whatever was read', () => {
      const [event] = checked(toChangeEvents(withImages({ rows: [{ status: 'full', columns: { v: 'y', n: 3 }, ts_ms: 7 }] }), 5));
      expect(event).toMatchObject({ after: { v: 'x' } });
      expect(event && 'image' in event).toBe(false);
    });

    it('gives the write, marked, when there is no image: not found, a failed read, none read, a column gone', () => {
      const marked = (images: MutationEvent['images']) => {
        const [event] = checked(toChangeEvents(withImages(images), 5, 'full'));
        if (!event || event.op === 'd') throw new Error('expected a write');
        expect(event.after).toEqual({ v: 'x' });
        return event.image;
      };
      expect(marked({ rows: [{ status: 'not_found', ts_ms: 7 }] })).toEqual({ status: 'not_found', ts_ms: 7 });
      expect(marked({ rows: [{ status: 'read_failed', reason: 'Cassandra query failed: timeout' }] })).toEqual({ status: 'read_failed', reason: 'Cassandra query failed: timeout' });
      expect(marked(undefined)).toEqual({ status: 'read_failed', reason: expect.stringMatching(/^not read back: no channel of the table asked for full images/) as unknown });
      expect(marked({ rows: [] })).toEqual({ status: 'read_failed', reason: 'no image of this row' });
      expect(marked({ rows: [{ status: 'full', columns: { n: 1 }, ts_ms: 7 }] })).toEqual({ status: 'read_failed', reason: 'the row as read has no column v (dropped since the write?)' });
    });

    it('takes the static row its own image and each row the image at its index; deletions have none', () => {
      const rows = [deletedOnly, written('x')];
      const event = { ...withImages({ static: { status: 'full', columns: { s: 'S' }, ts_ms: 7 }, rows: [null, { status: 'full', columns: { v: 'x', n: 1 }, ts_ms: 7 }] }, rows) };
      const withStatic = { ...event, update: { ...event.update, staticRow: { clustering: {}, liveness: null, deletion: null, cells: { s: { value: 'S', timestamp: '20' } } } } };
      const events = checked(toChangeEvents(withStatic, 5, 'full'));
      expect(events.map((e) => [e.op, e.key, e.after, e.op === 'd' ? undefined : e.image?.status])).toEqual([
        ['u', { id: 1 }, { s: 'S' }, 'full'],
        ['d', { id: 1, ck: 2 }, null, undefined],
        ['u', { id: 1, ck: 1 }, { v: 'x', n: 1 }, 'full'],
      ]);
    });
  });

  it("lists a collection's elements with their own writetimes when they differ", () => {
    const [event] = toChangeEvents(
      update([
        {
          clustering: {},
          liveness: null,
          deletion: null,
          cells: {
            s: {
              deletion: null,
              cells: [
                { path: 'a', value: null, timestamp: '10', ttl: 60, localExpirationTime: 1000 },
                { path: 'b', value: null, timestamp: '11' },
                { path: 'c', value: null, timestamp: '11', tombstone: true, localDeletionTime: 1 },
              ],
            },
          },
        },
      ]),
      5,
    );
    expect(event).toMatchObject({
      op: 'u',
      after: { s: { replaced: false, added: [['a', null], ['b', null]], removed: ['c'] } },
      cells: {
        s: {
          writetime_us: '11',
          elements: [
            { path: 'a', writetime_us: '10', ttl: 60, expires_at: '1970-01-01T00:16:40.000Z' },
            { path: 'b', writetime_us: '11' },
            { path: 'c', writetime_us: '11', tombstone: true },
          ],
        },
      },
      source: { writetime_us: '11', ts_ms: 0 },
    });
    expect(parseChangeEvent(event)).toEqual(event);
    expect(validate(event)).toBe(true);
  });
});
