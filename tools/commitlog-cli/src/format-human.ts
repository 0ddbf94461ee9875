import type { Cell, ComplexColumn, Deletion, JsonValue, PartitionUpdate, RangeTombstone, Row } from '@meridian/commitlog';

/** One partition update for people: a header line, then a line per row and range. */
export function formatHuman(update: PartitionUpdate): string {
  const lines = [`${update.segment}@${update.position} ${update.keyspace}.${update.table} key ${values(update.key)}`];
  if (update.partitionDeletion) lines.push(`  partition deleted ${deletion(update.partitionDeletion)}`);
  if (update.staticRow) lines.push(`  static ${row(update.staticRow)}`);
  for (const r of update.rows) lines.push(`  row ${values(r.clustering)} ${row(r)}`);
  for (const range of update.rangeTombstones) lines.push(`  range ${rangeText(range)} deleted ${deletion(range.deletion)}`);
  return lines.join('\n');
}

function row(r: Row): string {
  const parts: string[] = [];
  if (r.liveness) parts.push(`inserted at ${r.liveness.timestamp}${r.liveness.ttl === undefined ? '' : ` ttl ${r.liveness.ttl}s`}`);
  if (r.deletion) parts.push(`deleted ${deletion(r.deletion)}`);
  const cells = Object.entries(r.cells).map(([name, cell]) => `${name}=${'cells' in cell ? complex(cell) : simple(cell)}`);
  if (cells.length > 0) parts.push(cells.join(' '));
  return parts.join('; ');
}

function simple(cell: Cell): string {
  if (cell.tombstone) return `<deleted @${cell.timestamp}>`;
  return `${JSON.stringify(cell.value)}${cell.ttl === undefined ? '' : ` (ttl ${cell.ttl}s)`}`;
}

function complex(column: ComplexColumn): string {
  const items = column.cells.map((cell) => `${JSON.stringify(cell.path)}:${simple(cell)}`);
  return `${column.deletion ? `<cleared ${deletion(column.deletion)}> ` : ''}{${items.join(', ')}}`;
}

function deletion(d: Deletion): string {
  return `at ${d.markedForDeleteAt}${d.shadowable ? ' (shadowable)' : ''}`;
}

function rangeText(range: RangeTombstone): string {
  const bound = (b: RangeTombstone['start']) => (Object.keys(b.clustering).length === 0 ? '*' : values(b.clustering));
  return `${range.start.inclusive ? '[' : '('}${bound(range.start)} .. ${bound(range.end)}${range.end.inclusive ? ']' : ')'}`;
}

function values(record: Record<string, JsonValue>): string {
  return `{${Object.entries(record)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join(', ')}}`;
}
