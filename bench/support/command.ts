import { type Cleanup, runCleanly } from './topology';
import { errorMessage } from '@meridian/contracts';

/** A command line that cannot be run: reported with the usage, not as a failure. */
export class UsageError extends Error {}

export interface Benchmark<Options extends { readonly help: boolean }> {
  /** As progress lines and errors name it, e.g. `bench:reader`. */
  readonly name: string;
  readonly usage: string;
  /** Throws a UsageError for a command line that cannot be run. */
  readonly parse: (args: readonly string[]) => Options;
  /** What is missing before it can run (e.g. a service not built), or undefined. */
  readonly missing: () => string | undefined;
  readonly run: (options: Options, cleanup: Cleanup) => Promise<void>;
}

/** Parses the command line, checks what the run needs, and runs it; exits with 0, 1 (failed) or 2 (cannot run). */
export function runBenchmark<Options extends { readonly help: boolean }>(benchmark: Benchmark<Options>, progress: (line: string) => void): void {
  void main(benchmark, progress).then((code) => process.exit(code));
}

async function main<Options extends { readonly help: boolean }>(benchmark: Benchmark<Options>, progress: (line: string) => void): Promise<number> {
  let options: Options;
  try {
    options = benchmark.parse(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${benchmark.name}: ${error.message}\n${benchmark.usage}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${benchmark.usage}\n`);
    return 0;
  }
  const missing = benchmark.missing();
  if (missing !== undefined) {
    process.stderr.write(`${benchmark.name}: ${missing}\n`);
    return 2;
  }
  return runCleanly(progress, (cleanup) => benchmark.run(options, cleanup));
}

/**
 * Reads `--name`'s text as a positive number (an integer when `integer`), adding what is
 * wrong to `problems` so that every bad option is reported at once.
 */
export function positiveOption(name: string, text: string, problems: string[], integer: boolean): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) problems.push(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(text)}`);
  return value;
}

/** A comma-separated list of positive numbers, as `--rates 1000,2000` gives it. */
export function positiveListOption(name: string, text: string | undefined, problems: string[]): number[] | undefined {
  return text?.split(',').map((item) => positiveOption(name, item.trim(), problems, false));
}

/** parseArgs' own errors (unknown option, missing value) as a UsageError. */
export function usageErrorOf(error: unknown): UsageError {
  return new UsageError(errorMessage(error));
}
