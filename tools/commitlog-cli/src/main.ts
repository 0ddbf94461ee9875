import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { CassandraConnection, loadSchema } from '@meridian/cassandra';
import { cdcIndexName, CommitLogError, parseCdcIndex, readSegment, SCHEMA_FORMAT_VERSION, type SchemaDescription, SchemaIndex } from '@meridian/commitlog';
import { formatHuman } from './format-human';
import { errorMessage } from '@meridian/contracts';

const USAGE = `Usage:
  meridian-commitlog dump <segment.log> --schema <schema.json> [--from POSITION] [--to POSITION] [--all] [--json]
  meridian-commitlog schema --host HOST [--port 9042] [--dc dc1] > schema.json

dump     decodes a Cassandra 5.0 commit log segment: one line per partition update,
         human-readable, or JSON Lines with --json (format: libs/commitlog/README.md).
         With a _cdc.idx beside the segment that is not COMPLETED, reads only up to its
         durable offset. Only tables with cdc = true are shown unless --all.
         --from/--to keep the entries whose position is in [FROM, TO).
schema   writes the schema description of a live node (every keyspace) as JSON.

Exit codes: 0 done, 1 the segment or schema cannot be read, 2 bad usage,
3 done but entries were skipped (each reported on stderr).
`;

class UsageError extends Error {}

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      schema: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      json: { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
      host: { type: 'string' },
      port: { type: 'string', default: '9042' },
      dc: { type: 'string', default: 'dc1' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (command === 'schema') {
    if (!values.host) throw new UsageError('schema needs --host');
    const connection = new CassandraConnection({ contactPoints: [`${values.host}:${values.port}`], localDataCenter: values.dc });
    try {
      process.stdout.write(`${JSON.stringify(await loadSchema(connection), null, 2)}\n`);
    } finally {
      await connection.close();
    }
    return 0;
  }
  if (command !== 'dump') throw new UsageError(command === undefined ? 'missing command' : `unknown command "${command}"`);
  const [path] = rest;
  if (!path || rest.length > 1) throw new UsageError('dump takes one segment file');
  if (!values.schema) throw new UsageError('dump needs --schema <schema.json> (make one with "meridian-commitlog schema")');
  const from = position('--from', values.from);
  const to = position('--to', values.to);
  const schema = new SchemaIndex(readSchema(values.schema));
  const segment = basename(path);
  const bytes = readBytes(path);

  let durableOffset: number | undefined;
  const idxPath = join(dirname(path), cdcIndexName(segment));
  if (existsSync(idxPath)) {
    const idx = parseCdcIndex(readFileSync(idxPath, 'utf8'));
    if (idx && !idx.completed) {
      durableOffset = idx.durableOffset;
      process.stderr.write(`reading up to the durable offset ${durableOffset} of ${basename(idxPath)} (the segment is still being written)\n`);
    }
  }

  let entries = 0;
  let shown = 0;
  let problems = 0;
  const events = readSegment(bytes, { schema, segment, ...(from === undefined ? {} : { from }), ...(durableOffset === undefined ? {} : { durableOffset }) });
  for (;;) {
    const step = events.next();
    if (step.done) {
      process.stderr.write(
        `${segment}: descriptor version ${step.value.descriptor.version}${step.value.descriptor.compression ? `, ${step.value.descriptor.compression}` : ''}; ` +
          `${entries} entries read up to ${step.value.readUpTo}, ${shown} partition updates shown, ${problems} skipped\n`,
      );
      break;
    }
    const event = step.value;
    if (event.kind === 'problem') {
      problems++;
      process.stderr.write(`skipped: ${event.error.message}\n`);
      continue;
    }
    if (event.kind === 'unknown-table') {
      problems++;
      const what = event.column === undefined ? `table id ${event.tableId}` : `column "${event.column}" of table ${event.tableId}`;
      process.stderr.write(`skipped: unknown ${what} (${segment} at ${event.position}); is the schema current?\n`);
      continue;
    }
    if (to !== undefined && event.position >= to) continue;
    entries++;
    for (const update of event.updates) {
      if (!values.all && !schema.table(update.tableId)?.schema.cdc) continue;
      shown++;
      process.stdout.write(`${values.json ? JSON.stringify(update) : formatHuman(update)}\n`);
    }
  }
  return problems > 0 ? 3 : 0;
}

function position(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a byte position, got "${value}"`);
  return Number(value);
}

function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

function readSchema(path: string): SchemaDescription {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the schema ${path}: ${errorMessage(error)}`);
  }
  const candidate = parsed as Partial<SchemaDescription> | null;
  if (candidate?.version !== SCHEMA_FORMAT_VERSION || !Array.isArray(candidate.tables) || !Array.isArray(candidate.types)) {
    throw new Error(`${path} is not a schema description (version ${SCHEMA_FORMAT_VERSION} with "tables" and "types"); make one with "meridian-commitlog schema"`);
  }
  return candidate as SchemaDescription;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`meridian-commitlog: ${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`meridian-commitlog: ${error instanceof CommitLogError || errorMessage(error)}\n`);
      process.exitCode = 1;
    }
  },
);
