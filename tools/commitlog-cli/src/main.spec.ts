import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The command as people run it, against a real segment of the golden corpus. */
const CORPUS = join(__dirname, '..', '..', '..', 'libs', 'commitlog', 'corpus', 'v7');
const SCHEMA = join(CORPUS, 'schema.json');
const SEGMENT = join(CORPUS, 'dc1-n1', readdirSync(join(CORPUS, 'dc1-n1')).find((f) => f.endsWith('.log')) ?? 'missing.log');

function run(...args: string[]) {
  const result = spawnSync(process.execPath, ['--conditions=@meridian/source', '--import', 'tsx', join(__dirname, 'main.ts'), ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('meridian-commitlog dump', () => {
  it('prints one JSON line per partition update of the CDC tables', () => {
    const { code, stdout, stderr } = run('dump', SEGMENT, '--schema', SCHEMA, '--json');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as { keyspace: string; position: number; segment: string });
    expect(lines.length).toBeGreaterThan(50);
    expect(new Set(lines.map((l) => l.keyspace))).toEqual(new Set(['corpus']));
    expect(lines.every((l) => SEGMENT.endsWith(l.segment))).toBe(true);
    expect(stderr).toMatch(/descriptor version 7; \d+ entries read up to \d+, \d+ partition updates shown, 0 skipped/);
  });

  it('keeps only entries in [--from, --to) and prints them for people by default', () => {
    const all = run('dump', SEGMENT, '--schema', SCHEMA, '--json').stdout.trim().split('\n').map((l) => JSON.parse(l) as { position: number });
    const from = all[10]!.position;
    const to = all[20]!.position;
    const { code, stdout } = run('dump', SEGMENT, '--schema', SCHEMA, '--from', String(from), '--to', String(to));
    expect(code).toBe(0);
    const headers = stdout.split('\n').filter((line) => /^CommitLog-\S+@\d+ /.test(line));
    expect(headers[0]).toContain(`@${from} corpus.`);
    expect(headers.every((h) => Number(/@(\d+)/.exec(h)?.[1]) < to)).toBe(true);
  });

  it('reports the entries of tables the schema does not know, and exits 3', () => {
    const schema = JSON.parse(readFileSync(SCHEMA, 'utf8')) as { tables: { keyspace: string }[] };
    const path = join(mkdtempSync(join(tmpdir(), 'commitlog-cli-')), 'schema.json');
    writeFileSync(path, JSON.stringify({ ...schema, tables: schema.tables.filter((t) => t.keyspace !== 'corpus') }));
    const { code, stderr } = run('dump', SEGMENT, '--schema', path);
    expect(code).toBe(3);
    expect(stderr).toMatch(/skipped: unknown table id [0-9a-f-]{36} \(CommitLog-\S+ at \d+\); is the schema current\?/);
  });

  it('says what is wrong with bad input, without a stack trace', () => {
    const missing = run('dump', join(CORPUS, 'nope.log'), '--schema', SCHEMA);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read');
    const notSchema = run('dump', SEGMENT, '--schema', SEGMENT);
    expect(notSchema.code).toBe(1);
    expect(notSchema.stderr).toContain('cannot read the schema');
    const usage = run('dump', SEGMENT);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('dump needs --schema');
    for (const result of [missing, notSchema, usage]) expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
