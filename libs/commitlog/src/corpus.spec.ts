import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PartitionUpdate } from './mutation/partition-update';
import { SchemaIndex } from './schema/schema-index';
import type { SchemaDescription } from './schema/table-schema';
import { readSegment } from './segment/segment-reader';

/**
 * The golden corpus (../corpus, written by a real Cassandra 5.0: see its README) decoded
 * by this decoder and by Cassandra's own CommitLogReader (tools/commitlog-oracle), and
 * compared partition update by partition update.
 */
const CORPUS = join(__dirname, '..', 'corpus');
const ORACLE = join(__dirname, '..', '..', '..', 'tools', 'commitlog-oracle', 'run.sh');
const variants = readdirSync(CORPUS).filter((name) => existsSync(join(CORPUS, name, 'manifest.json')));

function segmentsOf(variant: string): string[] {
  const dir = join(CORPUS, variant);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((node) =>
      readdirSync(join(dir, node.name))
        .filter((file) => file.endsWith('.log'))
        .sort()
        .map((file) => join(dir, node.name, file)),
    );
}

function decode(schema: SchemaIndex, path: string): { updates: PartitionUpdate[]; problems: string[] } {
  const updates: PartitionUpdate[] = [];
  const problems: string[] = [];
  const events = readSegment(readFileSync(path), { schema, segment: path.slice(path.lastIndexOf('/') + 1) });
  for (let step = events.next(); !step.done; step = events.next()) {
    if (step.value.kind === 'mutation') updates.push(...step.value.updates);
    else if (step.value.kind === 'unknown-table') problems.push(`unknown table ${step.value.tableId} at ${step.value.position}`);
    else problems.push(step.value.error.message);
  }
  return { updates, problems };
}

/** Compares as parsed JSON, where Java's `-0.0` and JavaScript's `0` are the same number. */
const normalise = (value: unknown): unknown => JSON.parse(JSON.stringify(value), (_, v: unknown) => (Object.is(v, -0) ? 0 : v));

test('the corpus has its variants', () => {
  expect(variants.length).toBeGreaterThan(0);
});

describe.each(variants)('corpus variant %s', (variant) => {
  const schemaPath = join(CORPUS, variant, 'schema.json');
  const schema = new SchemaIndex(JSON.parse(readFileSync(schemaPath, 'utf8')) as SchemaDescription);
  const segments = segmentsOf(variant);

  it('decodes every entry of every segment', () => {
    expect(segments.length).toBeGreaterThan(0);
    for (const segment of segments) {
      const { problems } = decode(schema, segment);
      expect(problems).toEqual([]);
    }
  });

  it("matches Cassandra's own CommitLogReader, partition update by partition update", () => {
    // The oracle cannot register `system` and `system_schema` offline (Cassandra holds
    // them itself) and reports their mutations as unknown tables; all else is compared.
    const oracle = execFileSync(ORACLE, ['--schema', schemaPath, ...segments], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] })
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as unknown);
    const ours = segments.flatMap((segment) => decode(schema, segment).updates).filter((u) => u.keyspace !== 'system' && u.keyspace !== 'system_schema');
    expect(ours.some((u) => u.keyspace === 'corpus')).toBe(true);
    expect(ours.length).toBe(oracle.length);
    for (let i = 0; i < ours.length; i++) expect(normalise(ours[i])).toEqual(normalise(oracle[i]));
  });
});
