import { isRecord } from './client';

/** A column of a list: its heading and how to read it from one item. */
export interface Column {
  readonly heading: string;
  readonly value: (item: Record<string, unknown>) => unknown;
}

/** Items as a table with a heading row, columns padded to their widest cell. */
export function formatTable(items: readonly unknown[], columns: readonly Column[]): string {
  const rows = [columns.map((c) => c.heading), ...items.filter(isRecord).map((item) => columns.map((c) => text(c.value(item))))];
  const widths = columns.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')).join('\n');
}

/** One item as `key: value` lines, in the order the coordinator sent its fields. */
export function formatRecord(item: unknown): string {
  if (!isRecord(item)) return text(item);
  return Object.entries(item)
    .map(([key, value]) => `${key}: ${text(value)}`)
    .join('\n');
}

/** A value for people: maps (a destination's options) as `k=v, k=v`, nothing as "-". */
function text(value: unknown): string {
  if (value === undefined || value === null || value === '') return '-';
  if (isRecord(value)) {
    const entries = Object.entries(value);
    return entries.length === 0 ? '-' : entries.map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ');
  }
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}
