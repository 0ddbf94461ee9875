import type { ChangeEvent, ColumnValue, CqlJson, ElementsChange, WriteChangeEvent } from '@meridian/contracts';
import { parseChangeEvent } from '@meridian/contracts';
import type { ServiceName } from '@meridian/infra';
import { isolatedPipelineEnv, uniqueName, waitFor } from '@meridian/testing';
import type { ReaderTestContext } from './cdc-reader';
import { TestServices } from './test-services';

/** A row of every CQL type but counter (a table of its own), with non-frozen collections and a non-frozen UDT. */
const COLUMNS = `c_ascii ascii, c_bigint bigint, c_blob blob, c_boolean boolean, c_date date, c_decimal decimal, c_double double,
  c_duration duration, c_float float, c_inet inet, c_int int, c_smallint smallint, c_text text, c_time time, c_timestamp timestamp,
  c_timeuuid timeuuid, c_tinyint tinyint, c_uuid uuid, c_varint varint, c_vector vector<float, 3>,
  l list<int>, st set<text>, m map<text, int>, fl frozen<list<int>>, fm frozen<map<int, text>>, t tuple<int, text, boolean>,
  a address, af frozen<address>`;
const VALUES: Record<string, string> = {
  c_ascii: "'ascii'",
  c_bigint: '-9223372036854775808',
  c_blob: '0xcafebabe',
  c_boolean: 'true',
  c_date: "'2024-02-29'",
  c_decimal: '-1.50E-7',
  c_double: '2.718281828459045',
  c_duration: '1mo2d3ns',
  c_float: 'NaN',
  c_inet: "'2001:db8::1'",
  c_int: '-2147483648',
  c_smallint: '-32768',
  c_text: "'héllo ✓'",
  c_time: "'13:30:54.234567891'",
  c_timestamp: "'2024-01-02 03:04:05.678+0000'",
  c_timeuuid: '50554d6e-29bb-11e5-b345-feff819cdc9f',
  c_tinyint: '127',
  c_uuid: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
  c_varint: '-123456789012345678901234567890',
  c_vector: '[0.5, -1.25, 3]',
  l: '[3, 1, 2]',
  st: "{'b', 'a'}",
  m: "{'k2': 2, 'k1': 1}",
  fl: '[10, 20]',
  fm: "{2: 'two', 1: 'one'}",
  t: "(1, 'x', null)",
  a: "{street: 'Main', tags: {'home'}}",
  af: "{street: 'Elm', zip: 1, tags: {'x'}}",
};
/** Those values as the change event doc maps them, non-frozen collections and UDTs in their frozen form. */
const AS_JSON: Record<string, CqlJson> = {
  c_ascii: 'ascii',
  c_bigint: '-9223372036854775808',
  c_blob: 'yv66vg==',
  c_boolean: true,
  c_date: '2024-02-29',
  c_decimal: '-1.50E-7',
  c_double: 2.718281828459045,
  c_duration: { months: 1, days: 2, nanoseconds: '3' },
  c_float: 'NaN',
  c_inet: '2001:db8:0:0:0:0:0:1',
  c_int: -2147483648,
  c_smallint: -32768,
  c_text: 'héllo ✓',
  c_time: '13:30:54.234567891',
  c_timestamp: '2024-01-02T03:04:05.678Z',
  c_timeuuid: '50554d6e-29bb-11e5-b345-feff819cdc9f',
  c_tinyint: 127,
  c_uuid: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
  c_varint: '-123456789012345678901234567890',
  c_vector: [0.5, -1.25, 3],
  l: [3, 1, 2],
  st: ['a', 'b'],
  m: [
    ['k1', 1],
    ['k2', 2],
  ],
  fl: [10, 20],
  fm: [
    [1, 'one'],
    [2, 'two'],
  ],
  t: [1, 'x', null],
  a: { street: 'Main', zip: null, tags: ['home'] },
  af: { street: 'Elm', zip: 1, tags: ['x'] },
};
const ADDRESS_FIELDS = ['street', 'zip', 'tags'];

/**
 * A delta event's value of a non-frozen collection or UDT written whole (an INSERT: cleared,
 * then every element added) in the frozen form a read gives, so the two can be compared.
 */
function whole(column: string, value: ColumnValue): ColumnValue {
  const change = value as ElementsChange;
  switch (column) {
    case 'l':
      return change.added.map(([, element]) => element);
    case 'st':
      return change.added.map(([element]) => element);
    case 'm':
      return change.added.map(([key, element]) => [key, element]);
    case 'a':
      return Object.fromEntries(ADDRESS_FIELDS.map((field) => [field, change.added.find(([path]) => path === field)?.[1] ?? null]));
    default:
      return value;
  }
}

/**
 * Full-row images end to end in dc1: readers, deduper and publisher, one table with a
 * channel that asks for full images and one that does not, each to its own destination.
 */
export function fullImageTests(ctx: ReaderTestContext): void {
  describe('full-row images in dc1', () => {
    let services: TestServices | undefined;
    afterEach(async () => {
      await services?.stopAll();
    });

    it('sends a full channel the whole row, each type as the delta maps it, and a delta channel of the table the write; with a replica down, the write marked read_failed', async () => {
      const env = isolatedPipelineEnv();
      const testServices = new TestServices(ctx, 5000, env);
      services = testServices;
      const start = (service: ServiceName) => testServices.start(service);
      const kafka = ctx.kafkaIn('dc1');
      const keyspace = uniqueName('image');
      const dc1 = ctx.cassandraAt('dc1-n1');
      await dc1.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': ${ctx.dc1Nodes}, 'dc2': 1}`);
      await dc1.execute(`CREATE TYPE ${keyspace}.address (street text, zip int, tags frozen<set<text>>)`);
      await dc1.execute(`CREATE TABLE ${keyspace}.every (id int, ck int, s text static, ${COLUMNS}, PRIMARY KEY (id, ck)) WITH cdc = true`);

      const topics = { full: uniqueName('dest_full'), delta: uniqueName('dest_delta') };
      await kafka.createTopics([{ topic: env.MERIDIAN_CONFIG_TOPIC, partitions: 1, compacted: true }]);
      const configWriter = await kafka.producer();
      const record = (kind: string, value: { name: string } & Record<string, string>) => ({ key: `${kind}/${value.name}`, value: JSON.stringify(value) });
      await configWriter.send(env.MERIDIAN_CONFIG_TOPIC, [
        record('destination', { name: 'full', topic: topics.full }),
        record('destination', { name: 'delta', topic: topics.delta }),
        record('channel', { name: 'every-full', keyspace, table: 'every', destination: 'full', image: 'full' }),
        record('channel', { name: 'every-delta', keyspace, table: 'every', destination: 'delta', image: 'delta' }),
      ]);
      await configWriter.close();
      await start('cdc-reader');
      const [deduper] = await start('deduper');
      await start('publisher');

      const eventsOn = async (topic: string, count: number) =>
        waitFor(
          `${count} events on ${topic}`,
          async () => {
            const records = await kafka.readTopic(topic, { count: Number.MAX_SAFE_INTEGER, timeoutMs: 2000, isolation: 'read_committed', groupId: uniqueName('check') });
            // Each one passes the contract's parser, which also holds after to changed as image says.
            const events = records.map((r) => parseChangeEvent(JSON.parse(r.value?.toString() ?? 'null')));
            return events.length >= count ? events : undefined;
          },
          { timeoutMs: 90_000, intervalMs: 500 },
        );
      const written = (event: ChangeEvent | undefined): WriteChangeEvent => {
        if (!event || event.op === 'd') throw new Error(`expected a write, got ${JSON.stringify(event)}`);
        return event;
      };
      const table = `${keyspace}.every`;

      // An INSERT of every column: the full image is the row, and each value is what the delta says.
      await dc1.execute(`INSERT INTO ${table} (id, ck, s, ${Object.keys(VALUES).join(', ')}) VALUES (1, 1, 'static', ${Object.values(VALUES).join(', ')})`, [], 'LOCAL_QUORUM');
      const [fullStatic, fullInsert] = (await eventsOn(topics.full, 2)).map(written);
      const [deltaStatic, deltaInsert] = (await eventsOn(topics.delta, 2)).map(written);
      expect(fullStatic).toMatchObject({ op: 'u', static: true, key: { id: 1 }, after: { s: 'static' }, changed: ['s'], image: { status: 'full' } });
      expect(deltaStatic).toMatchObject({ op: 'u', static: true, after: { s: 'static' } });
      expect(deltaStatic?.image).toBeUndefined();
      expect(fullInsert).toMatchObject({ op: 'c', key: { id: 1, ck: 1 }, image: { status: 'full' } });
      expect(fullInsert?.after).toEqual(AS_JSON);
      const deltaAfter = Object.fromEntries(Object.entries(deltaInsert?.after ?? {}).map(([column, value]) => [column, whole(column, value)]));
      expect(deltaAfter).toEqual(AS_JSON);
      expect(deltaInsert?.image).toBeUndefined();
      expect([...(fullInsert?.changed ?? [])].sort()).toEqual(Object.keys(VALUES).sort());
      expect(fullInsert?.cells).toEqual(deltaInsert?.cells);

      // An UPDATE of one column: the whole row to the full channel, that column to the delta one.
      await dc1.execute(`UPDATE ${table} SET c_text = 'updated' WHERE id = 1 AND ck = 1`, [], 'LOCAL_QUORUM');
      const fullUpdate = written((await eventsOn(topics.full, 3))[2]);
      const deltaUpdate = written((await eventsOn(topics.delta, 3))[2]);
      expect(fullUpdate).toMatchObject({ op: 'u', key: { id: 1, ck: 1 }, changed: ['c_text'], after: { ...AS_JSON, c_text: 'updated' }, image: { status: 'full' } });
      expect(Object.keys(fullUpdate.after).sort()).toEqual(Object.keys(AS_JSON).sort());
      expect(deltaUpdate).toMatchObject({ op: 'u', changed: ['c_text'], after: { c_text: 'updated' } });
      expect(fullUpdate.cells).toEqual(deltaUpdate.cells);

      if (ctx.dc1Nodes === 2) {
        // A dc1 replica down: no LOCAL_QUORUM read, so the write goes on marked, without waiting.
        await ctx.topology().stopComponent('dc1-n2');
        try {
          await dc1.execute(`UPDATE ${table} SET c_int = 7 WHERE id = 1 AND ck = 1`, [], 'LOCAL_ONE');
          const failed = written((await eventsOn(topics.full, 4))[3]);
          expect(failed).toMatchObject({ changed: ['c_int'], after: { c_int: 7 }, image: { status: 'read_failed' } });
          expect(failed.image?.status === 'read_failed' ? failed.image.reason : '').toMatch(/Cassandra/);
          expect(written((await eventsOn(topics.delta, 4))[3])).toMatchObject({ after: { c_int: 7 } });
        } finally {
          await ctx.topology().startComponent('dc1-n2');
        }
        // And once it is back, images again.
        await waitFor('a LOCAL_QUORUM write with dc1-n2 back', () => dc1.execute(`UPDATE ${table} SET c_int = 8 WHERE id = 1 AND ck = 1`, [], 'LOCAL_QUORUM').then(() => true), {
          timeoutMs: 60_000,
          intervalMs: 1000,
        });
        const recovered = written((await eventsOn(topics.full, 5))[4]);
        expect(recovered).toMatchObject({ changed: ['c_int'], after: { ...AS_JSON, c_text: 'updated', c_int: 8 }, image: { status: 'full' } });
      }

      const metrics = await (await fetch(`http://127.0.0.1:${String(deduper?.instance.httpPort)}/metrics`)).text();
      const figure = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(metrics)?.[1] ?? 'NaN');
      const reads = figure('meridian_deduper_image_read_seconds_count');
      expect(metrics).toMatch(/^meridian_deduper_image_reads_total\{status="full"[^}]*\} [1-9]/m);
      // The static row and the row of the INSERT, the UPDATE's row, and with two dc1 nodes the read after dc1-n2 came back.
      expect(reads).toBeGreaterThanOrEqual(ctx.dc1Nodes === 2 ? 4 : 3);
      process.stderr.write(`full-row image reads: ${reads}, mean ${((figure('meridian_deduper_image_read_seconds_sum') / reads) * 1000).toFixed(1)} ms\n`);
    });
  });
}
