import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchemaIndex, type SchemaDescription } from '@meridian/commitlog';
import { cdcSegments, entryHolding } from './cdc-files';

/** Every directory these tests make is under this one, removed after them. */
const scratch = mkdtempSync(join(tmpdir(), 'meridian-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('cdcSegments', () => {
  it('lists the segments that have an index, oldest first', async () => {
    const dir = mkdtempSync(join(scratch, 'cdc-raw-'));
    for (const name of ['CommitLog-7-20.log', 'CommitLog-7-20_cdc.idx', 'CommitLog-7-3.log', 'CommitLog-7-3_cdc.idx', 'CommitLog-7-99.log', 'CommitLog-7-5_cdc.idx']) {
      writeFileSync(join(dir, name), '');
    }
    expect((await cdcSegments(dir)).map((s) => s.log)).toEqual(['CommitLog-7-3.log', 'CommitLog-7-20.log']);
  });
});

describe('entryHolding', () => {
  const variant = join(__dirname, 'v7');
  const manifest = JSON.parse(readFileSync(join(variant, 'manifest.json'), 'utf8')) as {
    sentinel: string;
    nodes: { name: string; segments: { file: string; idx: { offset: number }; sentinelAt: number | null }[] }[];
  };
  const schema = new SchemaIndex(JSON.parse(readFileSync(join(variant, 'schema.json'), 'utf8')) as SchemaDescription);

  it('finds the entry of the last write below the durable offset, and not past it', () => {
    const node = manifest.nodes[0]!;
    const segment = node.segments.find((s) => s.sentinelAt !== null)!;
    const bytes = readFileSync(join(variant, node.name, segment.file));
    const at = entryHolding(bytes, segment.file, schema, segment.idx.offset, manifest.sentinel);
    expect(at).toBe(segment.sentinelAt);
    expect(entryHolding(bytes, segment.file, schema, at!, manifest.sentinel)).toBeUndefined();
  });
});
