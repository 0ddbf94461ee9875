import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { CommitLogError, CorruptHeaderError, UnsupportedSegmentError } from '../errors';
import { SchemaIndex } from '../schema/schema-index';
import type { SchemaDescription } from '../schema/table-schema';
import { readSegment } from './segment-reader';

/**
 * Damaged segments (truncated, bit-flipped, overwritten, random) must give typed errors
 * and an end: the reader may report problems and skip, never throw anything else, hang,
 * or produce more than the bytes can hold.
 */
const CORPUS = join(__dirname, '..', '..', 'corpus');
const samples = readdirSync(CORPUS)
  .filter((variant) => existsSync(join(CORPUS, variant, 'schema.json')))
  .flatMap((variant) => {
    const schema = new SchemaIndex(JSON.parse(readFileSync(join(CORPUS, variant, 'schema.json'), 'utf8')) as SchemaDescription);
    return readdirSync(join(CORPUS, variant), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((node) => readdirSync(join(CORPUS, variant, node.name)).filter((f) => f.endsWith('.log')).map((f) => join(CORPUS, variant, node.name, f)))
      .map((path) => ({ path, schema, bytes: readFileSync(path) }));
  })
  .filter((sample) => sample.bytes.length > 64);

function readAll(bytes: Uint8Array, schema: SchemaIndex): { events: number; problems: number } {
  let events = 0;
  let problems = 0;
  try {
    const reader = readSegment(bytes, { schema, segment: 'fuzzed.log' });
    for (let step = reader.next(); !step.done; step = reader.next()) {
      events++;
      if (step.value.kind === 'problem') {
        problems++;
        expect(step.value.error).toBeInstanceOf(CommitLogError);
        expect(step.value.error.segment).toBe('fuzzed.log');
      }
      // An entry takes at least 12 bytes and a section 8: anything more is a loop.
      if (events > bytes.length / 8 + 2) throw new Error('more events than the bytes can hold');
    }
  } catch (error) {
    // Only a header problem may stop the reader before its first event.
    if (!(error instanceof CorruptHeaderError || error instanceof UnsupportedSegmentError)) throw error;
  }
  return { events, problems };
}

describe('reading damaged segments', () => {
  it('has real segments to damage', () => {
    expect(samples.length).toBeGreaterThan(0);
  });

  it('reads an undamaged segment without problems', () => {
    for (const sample of samples) expect(readAll(sample.bytes, sample.schema).problems).toBe(0);
  });

  it('survives truncation at any length', () => {
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.double({ min: 0, max: 1, noNaN: true }), (sample, fraction) => {
        readAll(sample.bytes.subarray(0, Math.floor(sample.bytes.length * fraction)), sample.schema);
      }),
      { numRuns: 150 },
    );
  });

  it('survives flipped bits and overwritten bytes anywhere', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...samples),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.integer({ min: 0, max: 255 }), fc.boolean()), { minLength: 1, maxLength: 8 }),
        (sample, damage) => {
          const bytes = Uint8Array.from(sample.bytes);
          for (const [where, value, flip] of damage) {
            const at = Math.floor(where * bytes.length);
            bytes[at] = flip ? bytes[at]! ^ (1 << (value % 8)) : value;
          }
          readAll(bytes, sample.schema);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reports a flipped bit inside an entry as that entry, and reads the rest', () => {
    const sample = samples[0]!;
    const clean = readAll(sample.bytes, sample.schema).events;
    const bytes = Uint8Array.from(sample.bytes);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = bytes[middle]! ^ 0x10;
    const damaged = readAll(bytes, sample.schema);
    expect(damaged.problems).toBeGreaterThanOrEqual(1);
    expect(damaged.events).toBeGreaterThan(clean / 4);
  });

  it('survives random bytes behind a valid header', () => {
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.uint8Array({ minLength: 0, maxLength: 4096 }), (sample, noise) => {
        const header = sample.bytes.subarray(0, 64);
        readAll(Uint8Array.from([...header, ...noise]), sample.schema);
      }),
      { numRuns: 200 },
    );
  });
});
