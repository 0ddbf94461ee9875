import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { MalformedMutationError } from '../errors';
import { SchemaIndex } from '../schema/schema-index';
import type { SchemaDescription } from '../schema/table-schema';
import { readSegment } from '../segment/segment-reader';
import { decodeMutation, MESSAGING_VERSION_50 } from './mutation-decoder';

/**
 * The CRCs stop most damage before the mutation decoder sees it; this feeds it damaged
 * mutation bytes directly, past the CRCs: it must answer with a result or MalformedMutationError,
 * and nothing else.
 */
const CORPUS = join(__dirname, '..', '..', 'corpus');
const variant = readdirSync(CORPUS).find((name) => existsSync(join(CORPUS, name, 'schema.json')));

describe('decoding damaged mutations', () => {
  if (!variant) throw new Error(`no corpus in ${CORPUS}`);
  const schema = new SchemaIndex(JSON.parse(readFileSync(join(CORPUS, variant, 'schema.json'), 'utf8')) as SchemaDescription);
  const bodies: Uint8Array[] = [];
  for (const node of readdirSync(join(CORPUS, variant), { withFileTypes: true }).filter((e) => e.isDirectory())) {
    for (const file of readdirSync(join(CORPUS, variant, node.name)).filter((f) => f.endsWith('.log'))) {
      const bytes = readFileSync(join(CORPUS, variant, node.name, file));
      const events = readSegment(bytes, { schema, segment: file });
      for (let step = events.next(); !step.done; step = events.next()) {
        if (step.value.kind === 'mutation') bodies.push(bytes.subarray(step.value.position + 8, step.value.end - 4));
      }
    }
  }

  it('has mutations to damage', () => {
    expect(bodies.length).toBeGreaterThan(50);
  });

  it('answers damaged bytes with a typed error or a result, never anything else', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...bodies),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.double({ min: 0.5, max: 1, noNaN: true }),
        (body, damage, keep) => {
          const bytes = Uint8Array.from(body.subarray(0, Math.max(1, Math.floor(body.length * keep))));
          for (const [where, value] of damage) bytes[Math.floor(where * bytes.length)] = value;
          try {
            const decoded = decodeMutation(bytes, { schema, segment: 'fuzzed.log', position: 0, messagingVersion: MESSAGING_VERSION_50 });
            // Whatever garbage decodes to stays proportionate to the bytes it came from.
            expect(JSON.stringify(decoded).length).toBeLessThan(bytes.length * 200 + 10_000);
          } catch (error) {
            if (!(error instanceof MalformedMutationError)) throw error;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
