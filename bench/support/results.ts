import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const RESULTS = resolve(__dirname, '..', 'results');

/**
 * Writes bench/results/<name>, then names it on stdout. JSON has no NaN or Infinity: such
 * numbers are written as the strings "NaN" and "Infinity" rather than as null, so a figure
 * that could not be measured still says why.
 */
export function writeResults(name: string, results: object): void {
  const out = join(RESULTS, name);
  writeFileSync(out, `${JSON.stringify(results, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value), 2)}\n`);
  process.stdout.write(`results: ${out}\n`);
}

/** Writes bench/results/<name> as it is (a chart, a table), then names it on stdout. */
export function writeResultText(name: string, text: string): void {
  const out = join(RESULTS, name);
  writeFileSync(out, text);
  process.stdout.write(`results: ${out}\n`);
}
