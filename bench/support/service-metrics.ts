/** A service's `GET /metrics` (Prometheus' text format), read at one moment. */
export interface MetricSeries {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A histogram summed over the series that match: cumulative counts by bucket bound (seconds, +Infinity last). */
export interface Histogram {
  readonly buckets: ReadonlyMap<number, number>;
  readonly sum: number;
  readonly count: number;
}

/** What a histogram recorded between two readings. */
export interface HistogramSummary {
  readonly count: number;
  /** From the sum and the count: exact. */
  readonly meanMs: number;
  /** The bucket bounds the p50 and the p99 fall under: upper bounds (Infinity: above the largest bucket). */
  readonly p50AtMostMs: number;
  readonly p99AtMostMs: number;
}

export class MetricsSnapshot {
  constructor(
    readonly series: readonly MetricSeries[],
    /** The text as the service sent it. */
    readonly text: string,
  ) {}

  static parse(text: string): MetricsSnapshot {
    const series: MetricSeries[] = [];
    for (const line of text.split('\n')) {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})?\s+(\S+)$/.exec(line);
      if (match?.[1] === undefined || match[3] === undefined) continue;
      const labels: Record<string, string> = {};
      for (const label of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) if (label[1] !== undefined) labels[label[1]] = label[2] ?? '';
      series.push({ name: match[1], labels, value: parseValue(match[3]) });
    }
    return new MetricsSnapshot(series, text);
  }

  /** The sum of every series of that name whose labels include `where`; 0 when there is none. */
  value(name: string, where: Readonly<Record<string, string>> = {}): number {
    return this.matching(name, where).reduce((sum, s) => sum + s.value, 0);
  }

  /** Every `meridian_*` figure by name, its series summed over their labels. */
  totals(prefix = 'meridian_'): Map<string, number> {
    const totals = new Map<string, number>();
    for (const s of this.series) if (s.name.startsWith(prefix)) totals.set(s.name, (totals.get(s.name) ?? 0) + s.value);
    return totals;
  }

  histogram(name: string, where: Readonly<Record<string, string>> = {}): Histogram {
    const buckets = new Map<number, number>();
    for (const s of this.matching(`${name}_bucket`, where)) {
      const le = s.labels['le'];
      if (le === undefined) continue;
      const bound = parseValue(le);
      buckets.set(bound, (buckets.get(bound) ?? 0) + s.value);
    }
    return { buckets: new Map([...buckets].sort(([a], [b]) => a - b)), sum: this.value(`${name}_sum`, where), count: this.value(`${name}_count`, where) };
  }

  private matching(name: string, where: Readonly<Record<string, string>>): MetricSeries[] {
    return this.series.filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v));
  }
}

/** Reads `http://127.0.0.1:<port>/metrics`. */
export async function scrapeMetrics(port: number, timeoutMs = 5000): Promise<MetricsSnapshot> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`127.0.0.1:${port}/metrics answered ${response.status}`);
  return MetricsSnapshot.parse(await response.text());
}

/** What `after` recorded since `before` (undefined: since the start). */
export function histogramBetween(before: Histogram | undefined, after: Histogram): HistogramSummary {
  const count = after.count - (before?.count ?? 0);
  if (count <= 0) return { count: 0, meanMs: Number.NaN, p50AtMostMs: Number.NaN, p99AtMostMs: Number.NaN };
  const atMost = (q: number): number => {
    for (const [le, cumulative] of after.buckets) if (cumulative - (before?.buckets.get(le) ?? 0) >= q * count) return le * 1000;
    return Number.POSITIVE_INFINITY;
  };
  return { count, meanMs: ((after.sum - (before?.sum ?? 0)) / count) * 1000, p50AtMostMs: atMost(0.5), p99AtMostMs: atMost(0.99) };
}

function parseValue(text: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}
