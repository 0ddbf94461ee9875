import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { CHANGE_EVENT_SCHEMA_FILE, type ChangeEvent, parseChangeEvent } from './change-event';

const validate = new Ajv2020({ allErrors: true }).compile(JSON.parse(readFileSync(CHANGE_EVENT_SCHEMA_FILE, 'utf8')) as object);

/** The examples of docs/change-event.md, so that they stay valid events. */
const examples = [...readFileSync(join(__dirname, '..', 'docs', 'change-event.md'), 'utf8').matchAll(/```json\n([\s\S]*?)```/g)].map(
  (match) => JSON.parse(match[1]!) as ChangeEvent,
);

/** The full-image examples of the doc (fenced as `json full-image`). */
const fullImageExamples = [...readFileSync(join(__dirname, '..', 'docs', 'change-event.md'), 'utf8').matchAll(/```json full-image\n([\s\S]*?)```/g)].map(
  (match) => JSON.parse(match[1]!) as ChangeEvent,
);

const source = {
  connector: 'meridian',
  version: '0.1.0',
  dc: 'dc1',
  node: 'dc1-n1',
  keyspace: 'ks',
  table: 't',
  segment: 'CommitLog-7-1.log',
  position: 42,
  writetime_us: '1700000000000000',
  ts_ms: 1700000000000,
} as const;

const update: ChangeEvent = {
  version: 1,
  op: 'u',
  key: { id: 1 },
  after: { v: null, l: { replaced: true, added: [['4ca21480-e59e-11f1-a22b-e3320ae92489', 4]], removed: [] } },
  changed: ['v', 'l'],
  cells: {
    v: { writetime_us: '1700000000000000', tombstone: true },
    l: {
      writetime_us: '1700000000000000',
      replaced_at_us: '1699999999999999',
      elements: [{ path: '4ca21480-e59e-11f1-a22b-e3320ae92489', writetime_us: '1700000000000000', ttl: 60, expires_at: '2024-01-01T00:01:00.000Z' }],
    },
  },
  source,
  ts_ms: 1800000000000,
};

const schemaErrors = (value: unknown) => (validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`));

describe('the change event contract', () => {
  it('has the examples of its doc', () => {
    expect(examples.map((e) => [e.op, e.op === 'd' ? e.deleted : e.op])).toEqual([
      ['c', 'c'],
      ['d', 'range'],
      ['u', 'u'],
    ]);
  });

  /** `update` on a channel with full images: every column of the row in after, changed and cells still the write's. */
  const fullImage: ChangeEvent = { ...update, after: { ...update.after, n: 7, t: { a: 1 } }, image: { status: 'full', ts_ms: 1800000000000 } };
  const notFound: ChangeEvent = { ...update, image: { status: 'not_found', ts_ms: 1800000000000 } };
  const readFailed: ChangeEvent = { ...update, image: { status: 'read_failed', reason: 'Cassandra query failed: 127.0.0.11:9042: connect ECONNREFUSED' } };

  it('has a full-image example in its doc', () => {
    expect(fullImageExamples.map((e) => e.op !== 'd' && e.image?.status)).toEqual(['full']);
  });

  it.each([...examples, update, ...fullImageExamples, fullImage, notFound, readFailed])('accepts a valid event, after a JSON round trip, in the parser and the schema (%#)', (event) => {
    const sent: unknown = JSON.parse(JSON.stringify(event));
    expect(parseChangeEvent(sent)).toEqual(event);
    expect(schemaErrors(sent)).toEqual([]);
  });

  it('drops fields the contract does not know; the schema refuses them', () => {
    expect(parseChangeEvent({ ...update, extra: true })).toEqual(update);
    expect(schemaErrors({ ...update, extra: true })).not.toEqual([]);
  });

  it('rejects another version and what is not an object', () => {
    expect(() => parseChangeEvent({ ...update, version: 2 })).toThrow('invalid change event: version must be 1, got 2');
    expect(() => parseChangeEvent(null)).toThrow('invalid change event: expected an object, got null');
    expect(() => parseChangeEvent([update])).toThrow('expected an object, got an array');
  });

  it('names every wrong field at once', () => {
    const broken = {
      ...update,
      op: 'x',
      key: 1,
      changed: ['v'],
      cells: { v: { writetime_us: 17, ttl: 0 } },
      source: { ...source, connector: 'debezium', position: -1, writetime_us: '1.5' },
      ts_ms: 'now',
    };
    let message = '';
    try {
      parseChangeEvent(broken);
    } catch (error) {
      message = (error as Error).message;
    }
    for (const problem of [
      'op must be one of c, u, d, got "x"',
      'key must be an object, got 1',
      'cells.v.writetime_us must be a decimal string, got 17',
      'cells.v.ttl must be a positive integer, got 0',
      'source.connector must be "meridian", got "debezium"',
      'source.position must be a non-negative integer, got -1',
      'source.writetime_us must be a decimal string, got "1.5"',
      'ts_ms must be a non-negative integer, got "now"',
    ]) {
      expect(message).toContain(problem);
    }
    expect(schemaErrors(broken).length).toBeGreaterThanOrEqual(8);
  });

  it('holds after and cells to the columns in changed', () => {
    expect(() => parseChangeEvent({ ...update, changed: ['v'] })).toThrow('after must have exactly the columns in changed (v), got v, l');
    expect(() => parseChangeEvent({ ...update, cells: { v: update.cells['v'] } })).toThrow('cells must have exactly the columns in changed (l, v), got v');
    // A full image has every column of the row; without one, after is the write again.
    expect(() => parseChangeEvent({ ...update, after: { n: 7, v: null }, image: { status: 'full', ts_ms: 1 } })).toThrow('after must have every column in changed, missing l');
    expect(() => parseChangeEvent({ ...update, after: { n: 7, v: null, l: null }, image: { status: 'full', ts_ms: 1 } })).not.toThrow();
    expect(() => parseChangeEvent({ ...update, after: { n: 7, v: null, l: null }, image: { status: 'not_found', ts_ms: 1 } })).toThrow(
      'after must have exactly the columns in changed (l, v), got n, v, l',
    );
  });

  it('holds each op to its own fields, as the schema does', () => {
    const [insert, range] = examples as [ChangeEvent, ChangeEvent];
    const cases: [unknown, string][] = [
      [{ ...range, after: {} }, 'after must be null on a d event'],
      [{ ...range, deleted: 'table' }, 'deleted must be one of partition, row, range, got "table"'],
      [{ ...range, range: undefined }, 'range must be an object on a range deletion, got nothing'],
      [{ ...range, deleted: 'row' }, 'range must be absent unless deleted is range'],
      [{ ...range, range: { start: { clustering: {}, inclusive: 'yes' }, end: {} } }, 'range.start.inclusive must be a boolean, got "yes"; range.end.clustering must be an object'],
      [{ ...range, changed: ['v'], cells: { v: { writetime_us: '1' } } }, 'changed must be empty on a d event'],
      [{ ...insert, op: 'u' }, 'liveness must be absent on a u event'],
      [{ ...insert, deleted: 'row' }, 'deleted must be absent on a c event'],
      [{ ...insert, after: null }, 'after must be an object, got null'],
      [{ ...insert, static: false }, 'static must be true or absent, got false'],
      [{ ...insert, liveness: { writetime_us: '1', expires_at: 'tomorrow' } }, 'liveness.expires_at must be an ISO-8601 time, got "tomorrow"'],
      [{ ...update, cells: { ...update.cells, l: { writetime_us: '1', elements: [{ writetime_us: '1' }] } } }, 'cells.l.elements[0].path is missing'],
      [{ ...range, image: { status: 'full', ts_ms: 1 } }, 'image must be absent on a d event'],
      [{ ...update, image: { status: 'partial', ts_ms: 1 } }, 'image.status must be one of full, not_found, read_failed, got "partial"'],
      [{ ...update, image: 'full' }, 'image must be an object, got "full"'],
      [{ ...update, image: { status: 'full' } }, 'image.ts_ms must be a non-negative integer, got nothing'],
      [{ ...update, image: { status: 'read_failed', reason: '' } }, 'image.reason must be a non-empty string, got ""'],
      [{ ...update, image: { status: 'not_found', ts_ms: 1, reason: 'gone' } }, 'image.reason must be absent when status is not_found'],
    ];
    for (const [event, problem] of cases) {
      expect(() => parseChangeEvent(event)).toThrow(problem);
      expect(schemaErrors(JSON.parse(JSON.stringify(event)))).not.toEqual([]);
    }
  });
});
