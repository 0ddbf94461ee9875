import { SENTINEL, TABLE_IDS, TIMESTAMP_BASE_US, renderStatement, scenarios, statementTimestamp } from './scenarios';

const all = (dc1Nodes: 1 | 2) => scenarios(dc1Nodes).flatMap((s) => s.statements.map((spec) => ({ scenario: s.name, spec })));

describe('corpus scenarios', () => {
  const statements = all(1);
  const rendered = statements.map(({ spec }, i) => renderStatement(spec, i));
  const ddl = rendered.filter((cql) => /^(CREATE|ALTER) /.test(cql)).join('\n');

  it('create a column of every CQL type', () => {
    const types = [
      'ascii', 'bigint', 'blob', 'boolean', 'counter', 'date', 'decimal', 'double', 'duration', 'float', 'inet', 'int', 'smallint', 'text', 'time',
      'timestamp', 'timeuuid', 'tinyint', 'uuid', 'varchar', 'varint', 'vector<float, 3>', 'list<int>', 'set<text>', 'map<text, int>', 'frozen<list<int>>',
      'frozen<set<text>>', 'frozen<map<text, int>>', 'map<text, frozen<list<int>>>', 'tuple<int, text, double>', 'frozen<tuple<text, boolean>>',
      'frozen<address>', ' address', ' person', 'home frozen<address>',
    ];
    for (const type of types) expect(ddl).toContain(` ${type.trim()}`);
  });

  it('give every write a fixed, distinct, increasing timestamp unless Cassandra forbids one', () => {
    const timestamps: bigint[] = [];
    statements.forEach(({ spec }, i) => {
      const cql = rendered[i] ?? '';
      expect(cql).not.toMatch(/\{ts/);
      const isWrite = /^(INSERT|UPDATE|DELETE|BEGIN)/.test(cql);
      if (spec.serverTimestamp !== undefined) {
        expect(cql).not.toContain('USING TIMESTAMP');
      } else if (isWrite) {
        expect(cql).toContain(`TIMESTAMP ${statementTimestamp(i)}`);
        timestamps.push(statementTimestamp(i));
      }
    });
    expect(new Set(timestamps).size).toBe(timestamps.length);
    expect(timestamps[0]! > TIMESTAMP_BASE_US).toBe(true);
  });

  it('name only tables that the schema scenario creates, with fixed ids', () => {
    for (const { spec } of statements) {
      for (const effect of spec.effects ?? []) {
        expect(Object.keys(TABLE_IDS)).toContain(effect.table);
        expect(ddl).toContain(`CREATE TABLE corpus.${effect.table} (`);
      }
    }
    for (const [table, id] of Object.entries(TABLE_IDS)) {
      expect(ddl).toContain(`CREATE TABLE corpus.${table} (`);
      expect(ddl).toContain(`id = ${id}`);
    }
  });

  it('cover the operations asked for, in about a hundred statements', () => {
    const names = scenarios(1).map((s) => s.name);
    for (const name of ['counters', 'row-operations', 'static-columns', 'range-deletes', 'collection-operations', 'batches', 'lwt', 'alter-table', 'udt-values']) expect(names).toContain(name);
    const kinds = new Set(statements.flatMap(({ spec }) => (spec.effects ?? []).map((e) => e.kind)));
    expect([...kinds].sort()).toEqual(['cell-delete', 'insert', 'partition-delete', 'range-delete', 'row-delete', 'update']);
    expect(statements.length).toBeGreaterThanOrEqual(90);
    expect(statements.length).toBeLessThanOrEqual(130);
  });

  it('end with the sentinel, and describe conditional statements by their expected answer', () => {
    expect(rendered.at(-1)).toContain(SENTINEL);
    for (const { spec } of statements) {
      if (spec.applied === false) expect(spec.effects).toEqual([]);
      if (spec.applied !== undefined) expect(spec.cql).toMatch(/ IF /);
    }
  });

  it('replicate to every node of the topology', () => {
    expect(renderStatement(all(1)[0]!.spec, 0)).toContain(`'dc1': 1, 'dc2': 1`);
    expect(renderStatement(all(2)[0]!.spec, 0)).toContain(`'dc1': 2, 'dc2': 1`);
  });
});
