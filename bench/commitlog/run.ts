/**
 * bench/commitlog: decode throughput of @meridian/commitlog against Cassandra's own
 * CommitLogReader on the same segments (the golden corpus, every variant), in the same
 * run, each warmed up and pinned to one core, printed with their ratio.
 *
 *   npm run bench:commitlog [-- --seconds 10] [-- --variant v7]
 *
 * Both readers get the same schema: Cassandra's offline reader cannot load the `system`
 * and `system_schema` keyspaces, so they are left out of ours too, and both skip those
 * entries as unknown tables. MB/s counts segment bytes read; mutations/s those decoded.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readSegment, SchemaIndex, type SchemaDescription } from '@meridian/commitlog';

const ROOT = resolve(__dirname, '..', '..');
const CORPUS = join(ROOT, 'libs', 'commitlog', 'corpus');
const ORACLE = join(ROOT, 'tools', 'commitlog-oracle', 'run.sh');
const LOCAL_KEYSPACES = new Set(['system', 'system_schema']);

interface Measurement {
  readonly reader: string;
  readonly passes: number;
  readonly bytes: number;
  readonly mutations: number;
  readonly seconds: number;
  readonly mbPerSecond: number;
  readonly mutationsPerSecond: number;
  readonly errors: number;
}

function segmentsOf(variant: string): string[] {
  const dir = join(CORPUS, variant);
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((node) => readdirSync(join(dir, node.name)).filter((f) => f.endsWith('.log')).map((f) => join(dir, node.name, f)));
}

function benchSchema(variant: string): { path: string; description: SchemaDescription } {
  const description = JSON.parse(readFileSync(join(CORPUS, variant, 'schema.json'), 'utf8')) as SchemaDescription;
  const trimmed: SchemaDescription = { ...description, tables: description.tables.filter((t) => !LOCAL_KEYSPACES.has(t.keyspace)) };
  const dir = join(ROOT, 'bench', 'results', 'tmp');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `schema-${variant}.json`);
  writeFileSync(path, JSON.stringify(trimmed));
  return { path, description: trimmed };
}

/** The worker: our decoder over the segments, warm-up then a measured interval. */
function measureOurs(variant: string, seconds: number): Measurement {
  const schema = new SchemaIndex(benchSchema(variant).description);
  const segments = segmentsOf(variant).map((path) => ({ name: path.slice(path.lastIndexOf('/') + 1), bytes: readFileSync(path) }));
  const bytesPerPass = segments.reduce((sum, s) => sum + s.bytes.length, 0);
  let mutations = 0;
  let errors = 0;
  const pass = () => {
    for (const segment of segments) {
      const events = readSegment(segment.bytes, { schema, segment: segment.name });
      for (let step = events.next(); !step.done; step = events.next()) {
        if (step.value.kind === 'mutation') mutations++;
        else if (step.value.kind === 'problem') errors++;
      }
    }
  };
  const warmupEnd = performance.now() + (seconds / 2) * 1000;
  while (performance.now() < warmupEnd) pass();
  mutations = 0;
  let passes = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    pass();
    passes++;
  }
  const elapsed = (performance.now() - start) / 1000;
  const bytes = passes * bytesPerPass;
  return { reader: 'meridian', passes, bytes, mutations, seconds: elapsed, mbPerSecond: bytes / elapsed / 1e6, mutationsPerSecond: mutations / elapsed, errors };
}

/** `taskset -c 0` when available: each reader gets one core, one after the other. */
function pinned(command: string, args: string[]): string {
  const hasTaskset = spawnSync('taskset', ['--version']).status === 0;
  return execFileSync(hasTaskset ? 'taskset' : command, hasTaskset ? ['-c', '0', command, ...args] : args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

function main(): void {
  const { values } = parseArgs({
    options: { seconds: { type: 'string', default: '8' }, variant: { type: 'string' }, worker: { type: 'boolean', default: false } },
  });
  const seconds = Number(values.seconds);
  if (values.worker) {
    if (!values.variant) throw new Error('--worker needs --variant');
    process.stdout.write(`${JSON.stringify(measureOurs(values.variant, seconds))}\n`);
    return;
  }
  const variants = values.variant ? [values.variant] : readdirSync(CORPUS).filter((v) => existsSync(join(CORPUS, v, 'manifest.json')));
  const results = [];
  for (const variant of variants) {
    process.stderr.write(`${variant}: measuring @meridian/commitlog (${seconds} s after ${seconds / 2} s warm-up)...\n`);
    const ours = JSON.parse(
      pinned(process.execPath, ['--conditions=@meridian/source', '--import', 'tsx', __filename, '--worker', '--variant', variant, '--seconds', String(seconds)]),
    ) as Measurement;
    process.stderr.write(`${variant}: measuring Cassandra's CommitLogReader...\n`);
    const schema = benchSchema(variant).path;
    const cassandra = JSON.parse(pinned(ORACLE, ['--schema', schema, '--bench', String(seconds), ...segmentsOf(variant)]).trim().split('\n').pop() ?? '{}') as Measurement;
    results.push({ variant, ours, cassandra, ratio: ours.mbPerSecond / cassandra.mbPerSecond });
  }

  const row = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(8) : c.padStart(14))).join(' ');
  process.stdout.write(`${row(['variant', 'meridian MB/s', 'mut/s', 'cassandra MB/s', 'mut/s', 'ratio'])}\n`);
  for (const r of results) {
    process.stdout.write(
      `${row([r.variant, r.ours.mbPerSecond.toFixed(1), r.ours.mutationsPerSecond.toFixed(0), r.cassandra.mbPerSecond.toFixed(1), r.cassandra.mutationsPerSecond.toFixed(0), r.ratio.toFixed(2)])}\n`,
    );
  }
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
  const out = join(ROOT, 'bench', 'results', 'commitlog.json');
  writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), machine, seconds, results }, null, 2)}\n`);
  process.stdout.write(`results: ${out}\n`);
}

main();
