import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Put on every metric, so figures from many services can sit side by side in one Prometheus. */
export interface MetricLabels {
  readonly service: string;
  readonly dc: string;
  readonly instance: string;
}

type Owned = { readonly histogram: false; readonly metric: Counter | Gauge } | { readonly histogram: true; readonly metric: Histogram };

const PREFIX = 'meridian_';

/**
 * A service's Prometheus metrics: its own counters, gauges and histograms plus Node's
 * defaults, in a registry of its own (not prom-client's global one, so two services in
 * one process, as in tests, never share or clash).
 */
@Injectable()
export class Metrics {
  private readonly registry = new Registry();
  private readonly owned: Owned[] = [];

  constructor(labels: MetricLabels) {
    this.registry.setDefaultLabels({ ...labels });
    collectDefaultMetrics({ register: this.registry });
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    const counter = new Counter({ name: checkName(name), help, labelNames, registers: [this.registry] });
    this.owned.push({ histogram: false, metric: counter });
    return counter;
  }

  gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    const gauge = new Gauge({ name: checkName(name), help, labelNames, registers: [this.registry] });
    this.owned.push({ histogram: false, metric: gauge });
    return gauge;
  }

  histogram<L extends string>(name: string, help: string, buckets: readonly number[], labelNames: readonly L[] = []): Histogram<L> {
    const histogram = new Histogram({ name: checkName(name), help, buckets: [...buckets], labelNames, registers: [this.registry] });
    this.owned.push({ histogram: true, metric: histogram });
    return histogram;
  }

  /** The Content-Type of text(). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Every metric in Prometheus' text exposition format. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /**
   * The service's own metrics as `name` or `name{label="v"}` → value, for heartbeats:
   * counters and gauges as they are, histograms as `<name>_count` and `<name>_sum`.
   * Node's defaults and the labels every metric carries are left out; the heartbeat
   * already says which service it is.
   */
  async figures(): Promise<Record<string, number>> {
    const figures: Record<string, number> = {};
    for (const owned of this.owned) {
      if (owned.histogram) {
        const { name, values } = await owned.metric.get();
        for (const { metricName, labels, value } of values) {
          if (metricName === `${name}_count` || metricName === `${name}_sum`) figures[figureKey(metricName, labels)] = value;
        }
      } else {
        const { name, values } = await owned.metric.get();
        for (const { labels, value } of values) figures[figureKey(name, labels)] = value;
      }
    }
    return figures;
  }
}

function checkName(name: string): string {
  if (!name.startsWith(PREFIX)) throw new Error(`metric name "${name}" must start with "${PREFIX}"`);
  return name;
}

function figureKey(name: string, labels: Readonly<Record<string, string | number | undefined>>): string {
  const pairs = Object.entries(labels).flatMap(([label, value]) => (value === undefined ? [] : [`${label}=${JSON.stringify(String(value))}`]));
  return pairs.length === 0 ? name : `${name}{${pairs.join(',')}}`;
}
