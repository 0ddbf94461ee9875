/**
 * Generates the golden commit log corpus: for each variant, a real Cassandra 5.0 topology
 * (local driver) runs the scenario statements, and what it logged for CDC is copied here,
 * with the schema, the statements and a manifest saying what each statement did.
 *
 *   npm run corpus                       # every variant
 *   npm run corpus -- --variant v8       # one (repeatable)
 *
 * See README.md beside this file.
 */
import { mkdir, mkdtemp, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { CassandraConnection, loadSchema } from '@meridian/cassandra';
import { InfraError, loadDriver, type CassandraNodeEndpoint, type TopologyEndpoints } from '@meridian/infra';
import { readDescriptor, SchemaIndex } from '@meridian/commitlog';
import { cdcSegments, entryHolding, readCdcIndex, type CdcIndex } from './cdc-files';
import { KEYSPACE, SENTINEL, TIMESTAMP_BASE_US, replication, renderStatement, scenarios, statementTimestamp, type Effect, type StatementSpec } from './scenarios';
import { MESSAGING_VERSION, VARIANTS, type Variant } from './variants';

const CORPUS_DIR = __dirname;
const START_TIMEOUT_MS = 300_000;
/** How long every node gets to have the last write below its idx offset (group commit makes it immediate). */
const COVERAGE_TIMEOUT_MS = 30_000;
const SIZE_BUDGET_BYTES = 5 * 1024 * 1024;

const USAGE = `Usage: npm run corpus -- [--variant NAME]... [--keep-workdir]

Brings up a local Cassandra topology per variant, runs the corpus statements, and writes
libs/commitlog/corpus/<variant>/ (schema.json, statements.cql, manifest.json, and each
node's CDC segments cut at their _cdc.idx offset). Variants: ${VARIANTS.map((v) => v.name).join(', ')} (default: all).

  --variant NAME    only this variant (repeatable)
  --keep-workdir    keep each topology's workdir (data, logs) instead of deleting it
  -h, --help        this text
`;

class UsageError extends Error {}

interface StatementRecord {
  readonly index: number;
  readonly cql: string;
  /** The statement's `USING TIMESTAMP` (µs, decimal); null when it has none (DDL; counters and LWTs, whose writes Cassandra timestamps). */
  readonly timestamp: string | null;
  readonly serverTimestamp?: string;
  readonly applied?: boolean;
  readonly effects: readonly (Effect & { readonly timestamp: string | null })[];
}

interface SegmentRecord {
  readonly file: string;
  readonly idxFile: string;
  readonly segmentId: string;
  readonly descriptorVersion: number;
  readonly compression: string | null;
  /** Size of the segment in cdc_raw (uncompressed segments are preallocated). */
  readonly originalFileSize: number;
  /** Size of the copy here: cut at the idx offset when uncompressed; compressed segments hold only synced sections and are copied whole. */
  readonly fileSize: number;
  readonly idx: CdcIndex;
  /** The idx when the generator checked coverage, before `down` (drain) closed the segment. */
  readonly idxBeforeDown: CdcIndex | null;
  /** Position of the entry holding the sentinel (the run's last write), when this segment has it. */
  readonly sentinelAt: number | null;
}

async function main(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        variant: { type: 'string', multiple: true },
        'keep-workdir': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const names = values.variant ?? VARIANTS.map((v) => v.name);
  const chosen = names.map((name) => {
    const variant = VARIANTS.find((v) => v.name === name);
    if (!variant) throw new UsageError(`unknown variant "${name}"; one of ${VARIANTS.map((v) => v.name).join(', ')}`);
    return variant;
  });

  const results: { variant: string; seconds: number; bytes?: number; error?: string }[] = [];
  for (const variant of chosen) {
    const started = Date.now();
    try {
      const bytes = await generate(variant, values['keep-workdir']);
      results.push({ variant: variant.name, seconds: (Date.now() - started) / 1000, bytes });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const detail = error instanceof InfraError && error.detail ? `\n${error.detail}` : '';
      process.stderr.write(`[${variant.name}] FAILED: ${message}${detail}\n`);
      results.push({ variant: variant.name, seconds: (Date.now() - started) / 1000, error: message });
    }
  }

  process.stdout.write('\nsummary\n');
  for (const r of results) {
    process.stdout.write(`  ${r.variant.padEnd(11)} ${r.seconds.toFixed(1).padStart(6)} s  ${r.error ? `FAILED: ${r.error}` : `${kib(r.bytes ?? 0)} written`}\n`);
  }
  const total = await directorySize(CORPUS_DIR);
  process.stdout.write(`  corpus total (all variants on disk, with README and sources): ${kib(total)}\n`);
  if (total > SIZE_BUDGET_BYTES) process.stdout.write(`  WARNING: over the ${kib(SIZE_BUDGET_BYTES)} budget\n`);
  return results.some((r) => r.error) ? 1 : 0;
}

/** One variant, start to finish; returns the bytes written. The topology is always brought down. */
async function generate(variant: Variant, keepWorkdir: boolean): Promise<number> {
  const began = Date.now();
  const log = (line: string): void => {
    process.stdout.write(`[${variant.name} ${((Date.now() - began) / 1000).toFixed(1).padStart(5)}s] ${line}\n`);
  };
  const workdir = await mkdtemp(join(tmpdir(), `meridian-corpus-${variant.name}-`));
  const driver = loadDriver('local');
  log(variant.description);
  log(`starting the topology in ${workdir} (dc1 nodes: ${variant.dc1Nodes}, ${JSON.stringify(variant.cassandra)})`);
  const stopOnSignal = (): void => {
    log('interrupted: stopping the topology');
    void driver.down(workdir, log).finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  let up = false;
  try {
    const endpoints = await driver.up({ workdir, dc1Nodes: variant.dc1Nodes, startTimeoutMs: START_TIMEOUT_MS, cassandra: variant.cassandra }, (line) => log(`infra: ${line}`));
    up = true;
    const timings: Record<string, number> = { up: seconds(began) };

    const phase = Date.now();
    const { records, before } = await runScenarios(variant, endpoints, log);
    timings['statements'] = seconds(phase);

    const downAt = Date.now();
    log('stopping the topology (Cassandra drains and closes its segments)');
    await driver.down(workdir, (line) => log(`infra: ${line}`));
    up = false;
    timings['down'] = seconds(downAt);

    const written = await writeVariant(variant, endpoints, records, before.schema, before.idx, before.releaseVersion, log, { ...timings, total: seconds(began) });
    log(`done in ${seconds(began)} s: ${kib(written)} in ${relative(process.cwd(), join(CORPUS_DIR, variant.name))}/`);
    return written;
  } finally {
    process.removeListener('SIGINT', stopOnSignal);
    process.removeListener('SIGTERM', stopOnSignal);
    if (up) await driver.down(workdir, (line) => log(`infra: ${line}`)).catch((error: unknown) => log(`down failed: ${String(error)}`));
    if (!keepWorkdir) await rm(workdir, { recursive: true, force: true });
    else log(`workdir kept: ${workdir}`);
  }
}

interface Captured {
  readonly schema: Awaited<ReturnType<typeof loadSchema>>;
  readonly idx: ReadonlyMap<string, ReadonlyMap<string, CdcIndex>>;
  readonly releaseVersion: string;
}

/** Runs every statement against dc1-n1 at consistency ALL, waits for every node's idx to cover them, loads the schema. */
async function runScenarios(variant: Variant, endpoints: TopologyEndpoints, log: (line: string) => void): Promise<{ records: Map<string, StatementRecord[]>; before: Captured }> {
  const coordinator = endpoints.cassandra.find((n) => n.name === 'dc1-n1');
  if (!coordinator) throw new Error('the topology has no dc1-n1');
  const connection = new CassandraConnection({ contactPoints: [`${coordinator.cql.host}:${coordinator.cql.port}`], localDataCenter: 'dc1', connectTimeoutMs: 10_000 });
  try {
    const node = await connection.check();
    log(`connected to ${coordinator.name} (Cassandra ${node.releaseVersion}, ${node.dataCenter})`);
    const records = new Map<string, StatementRecord[]>();
    let index = 0;
    for (const scenario of scenarios(variant.dc1Nodes)) {
      const started = Date.now();
      const done: StatementRecord[] = [];
      for (const spec of scenario.statements) {
        done.push(await runStatement(connection, scenario.name, spec, index));
        index++;
      }
      records.set(scenario.name, done);
      log(`scenario ${scenario.name}: ${done.length} statement(s), ${done.reduce((n, s) => n + s.effects.length, 0)} effect(s) in ${Date.now() - started} ms`);
    }
    const schema = await loadSchema(connection);
    const corpusTables = schema.tables.filter((t) => t.keyspace === KEYSPACE);
    log(`schema loaded: ${schema.tables.length} tables (${corpusTables.length} in ${KEYSPACE}, ${corpusTables.filter((t) => t.cdc).length} with cdc), ${schema.types.length} user types`);
    log(`${index} statements run at consistency ALL; waiting for every node's _cdc.idx to cover the last one`);
    const idx = await waitForCoverage(endpoints.cassandra, new SchemaIndex(schema), log);
    return { records, before: { schema, idx, releaseVersion: node.releaseVersion } };
  } finally {
    await connection.close();
  }
}

async function runStatement(connection: CassandraConnection, scenario: string, spec: StatementSpec, index: number): Promise<StatementRecord> {
  const cql = renderStatement(spec, index);
  // DDL, counter statements and LWTs carry no `{ts}`: their writes get the server's time.
  const clientTimestamp = /\{ts/.test(spec.cql);
  let rows;
  try {
    rows = await connection.execute(cql, [], 'ALL');
  } catch (error) {
    throw new Error(`scenario ${scenario}, statement ${index}: ${error instanceof Error ? error.message : String(error)}\n  ${cql}`, { cause: error });
  }
  let applied: boolean | undefined;
  if (spec.applied !== undefined) {
    const value = rows[0]?.['[applied]'];
    if (typeof value !== 'boolean') throw new Error(`scenario ${scenario}, statement ${index}: no [applied] column in the answer to\n  ${cql}`);
    if (value !== spec.applied) throw new Error(`scenario ${scenario}, statement ${index}: [applied] = ${value}, expected ${spec.applied}\n  ${cql}`);
    applied = value;
  }
  const ts = statementTimestamp(index);
  return {
    index,
    cql,
    timestamp: clientTimestamp ? ts.toString() : null,
    ...(spec.serverTimestamp !== undefined ? { serverTimestamp: spec.serverTimestamp } : {}),
    ...(applied !== undefined ? { applied } : {}),
    effects: (spec.effects ?? []).map((effect) => ({ ...effect, timestamp: clientTimestamp ? (ts + BigInt(effect.timestampPlus ?? 0)).toString() : null })),
  };
}

/**
 * Group commit writes the idx before a write is acknowledged, and every write ran at ALL,
 * so this should hold at once; it is checked, not assumed: each node must have the sentinel
 * (the last write) in a CDC segment below that segment's idx offset.
 */
async function waitForCoverage(nodes: readonly CassandraNodeEndpoint[], schema: SchemaIndex, log: (line: string) => void): Promise<Map<string, Map<string, CdcIndex>>> {
  const deadline = Date.now() + COVERAGE_TIMEOUT_MS;
  const result = new Map<string, Map<string, CdcIndex>>();
  for (const node of nodes) {
    for (;;) {
      const segments = await cdcSegments(node.cdcRawDir);
      const indexes = new Map<string, CdcIndex>();
      let found: string | undefined;
      for (const segment of segments) {
        const idx = await readCdcIndex(join(node.cdcRawDir, segment.idx));
        indexes.set(segment.log, idx);
        const at = entryHolding(await readFile(join(node.cdcRawDir, segment.log)), segment.log, schema, idx.offset, SENTINEL);
        if (at !== undefined) found = `${segment.log} at ${at}, idx offset ${idx.offset}`;
      }
      if (found) {
        log(`${node.name}: covered (${found})`);
        result.set(node.name, indexes);
        break;
      }
      if (Date.now() > deadline) {
        const seen = [...indexes].map(([log, idx]) => `${log} idx ${idx.offset}${idx.completed ? ' COMPLETED' : ''}`).join(', ') || 'no CDC segment';
        throw new Error(`${node.name}: the last write is not below any _cdc.idx offset in ${node.cdcRawDir} after ${COVERAGE_TIMEOUT_MS / 1000} s (${seen})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return result;
}

/** Copies each node's CDC segments (cut at the idx offset) and writes schema, statements and manifest; returns the bytes written. */
async function writeVariant(
  variant: Variant,
  endpoints: TopologyEndpoints,
  records: ReadonlyMap<string, readonly StatementRecord[]>,
  schema: Captured['schema'],
  idxBeforeDown: Captured['idx'],
  releaseVersion: string,
  log: (line: string) => void,
  timings: Record<string, number>,
): Promise<number> {
  const target = join(CORPUS_DIR, variant.name);
  const staging = join(CORPUS_DIR, `.${variant.name}.tmp`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const decoding = new SchemaIndex(schema);
  const nodes: { name: string; dc: string; segments: SegmentRecord[] }[] = [];
  for (const node of endpoints.cassandra) {
    const segments: SegmentRecord[] = [];
    await mkdir(join(staging, node.name));
    for (const segment of await cdcSegments(node.cdcRawDir)) {
      const idx = await readCdcIndex(join(node.cdcRawDir, segment.idx));
      const file = await readFile(join(node.cdcRawDir, segment.log));
      const header = readDescriptor(file, segment.log);
      const compression = header.compression ?? null;
      const where = `${node.name}/${segment.log}`;
      if (header.version !== variant.descriptorVersion) throw new Error(`${where}: descriptor version ${header.version}, expected ${variant.descriptorVersion}`);
      if (compression !== variant.compressor) throw new Error(`${where}: compression ${String(compression)}, expected ${String(variant.compressor)}`);
      if (idx.offset > file.length && compression === null) throw new Error(`${where}: idx offset ${idx.offset} is past the end of the ${file.length}-byte file`);
      const copy = compression === null ? file.subarray(0, idx.offset) : file;
      // The copy must still hold what was checked: everything up to the idx offset decodes.
      const sentinel = entryHolding(copy, segment.log, decoding, idx.offset, SENTINEL) ?? -1;
      await writeFile(join(staging, node.name, segment.log), copy);
      await writeFile(join(staging, node.name, segment.idx), await readFile(join(node.cdcRawDir, segment.idx)));
      segments.push({
        file: segment.log,
        idxFile: segment.idx,
        segmentId: segment.id,
        descriptorVersion: header.version,
        compression,
        originalFileSize: file.length,
        fileSize: copy.length,
        idx,
        idxBeforeDown: idxBeforeDown.get(node.name)?.get(segment.log) ?? null,
        sentinelAt: sentinel >= 0 ? sentinel : null,
      });
      log(`${node.name}: ${segment.log} ${kib(file.length)} → ${kib(copy.length)} (idx ${idx.offset}${idx.completed ? ' COMPLETED' : ''}${sentinel >= 0 ? ', has the sentinel' : ''})`);
    }
    if (segments.length === 0) throw new Error(`${node.name}: no CDC segment (no _cdc.idx) in ${node.cdcRawDir}`);
    if (!segments.some((s) => s.sentinelAt !== null)) throw new Error(`${node.name}: no copied segment holds the last write`);
    nodes.push({ name: node.name, dc: node.dc, segments });
  }

  const scenarioList = scenarios(variant.dc1Nodes);
  const statementsCql = [
    `-- Meridian commit log corpus, variant ${variant.name}: every statement the generator ran, in order,`,
    `-- each at consistency ALL against dc1-n1. Generated by libs/commitlog/corpus/generate.ts; do not edit.`,
    '',
    ...scenarioList.flatMap((scenario) =>
      (records.get(scenario.name) ?? []).flatMap((s) => [
        `-- scenario: ${scenario.name} (statement ${s.index}${s.timestamp ? `, timestamp ${s.timestamp}` : s.serverTimestamp ? ', timestamp from the server' : ''})`,
        `${s.cql};`,
      ]),
    ),
    '',
  ].join('\n');
  const statementCount = [...records.values()].reduce((n, list) => n + list.length, 0);
  const descriptorVersion = variant.descriptorVersion;
  const manifest = {
    format: 1,
    variant: variant.name,
    description: variant.description,
    cassandraVersion: endpoints.cassandraVersion,
    releaseVersion,
    storageCompatibilityMode: variant.cassandra.storageCompatibilityMode,
    descriptorVersion,
    messagingVersion: MESSAGING_VERSION[descriptorVersion],
    compression: variant.compressor,
    keyspace: KEYSPACE,
    replication: replication(variant.dc1Nodes),
    writeConsistency: 'ALL',
    coordinator: 'dc1-n1',
    timestampBaseUs: TIMESTAMP_BASE_US.toString(),
    timestampRule: 'statement i (0-based) writes USING TIMESTAMP timestampBaseUs + (i + 1) * 1000 (+ N where it says {ts+N}); timestamp null: DDL, or counters and LWTs, whose writes Cassandra timestamps',
    sentinel: SENTINEL,
    statementCount,
    files: { schema: 'schema.json', statements: 'statements.cql', segments: '<node>/CommitLog-<version>-<id>.log and <node>/CommitLog-<version>-<id>_cdc.idx' },
    nodes,
    scenarios: scenarioList.map((scenario) => ({ name: scenario.name, description: scenario.description, statements: records.get(scenario.name) ?? [] })),
    generatedAt: new Date().toISOString(),
    generationSeconds: timings,
  };
  await writeFile(join(staging, 'schema.json'), `${JSON.stringify(schema, null, 2)}\n`);
  await writeFile(join(staging, 'statements.cql'), statementsCql);
  await writeFile(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await rm(target, { recursive: true, force: true });
  await rename(staging, target);
  return directorySize(target);
}

async function directorySize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'out-tsc') total += await directorySize(path);
    } else total += (await stat(path)).size;
  }
  return total;
}

function seconds(since: number): number {
  return Math.round((Date.now() - since) / 100) / 10;
}

function kib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`corpus: ${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof UsageError) process.stderr.write(USAGE);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
