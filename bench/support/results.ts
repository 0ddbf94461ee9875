import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const RESULTS = resolve(__dirname, '..', 'results');

/**
 * The commit a run measured, `+dirty` when the checkout had changes besides bench/results;
 * `unknown` outside a git checkout. Taken when the run starts (this module is loaded), not
 * when its results are written, which may be after the checkout moved on.
 */
function measuredCommit(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: RESULTS, encoding: 'utf8' }).trim();
    const dirty = git('status', '--porcelain', '--', ':/', ':(top,exclude)bench/results').length > 0;
    return `${git('rev-parse', 'HEAD')}${dirty ? '+dirty' : ''}`;
  } catch {
    return 'unknown';
  }
}

const MEASURED_COMMIT = measuredCommit();

/**
 * Writes bench/results/<name> with the commit it measured, then names it on stdout. JSON has
 * no NaN or Infinity: such numbers are written as the strings "NaN" and "Infinity" rather than as null, so a figure
 * that could not be measured still says why.
 */
export function writeResults(name: string, results: object): void {
  const out = join(RESULTS, name);
  writeFileSync(out, `${JSON.stringify({ commit: MEASURED_COMMIT, ...results }, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value), 2)}\n`);
  process.stdout.write(`results: ${out}\n`);
}

/** Writes bench/results/<name> as it is (a chart, a table), then names it on stdout. */
export function writeResultText(name: string, text: string): void {
  const out = join(RESULTS, name);
  writeFileSync(out, text);
  process.stdout.write(`results: ${out}\n`);
}
