import type { Heartbeat } from '@meridian/contracts';
import { z } from 'zod';

/**
 * running/degraded: as the component says in its latest heartbeat. stopped: its last
 * heartbeat said it was stopping. stale: no heartbeat for three intervals, so it crashed,
 * hangs, or cannot reach Kafka.
 */
export const componentStatusSchema = z.object({
  component: z.string(),
  instance: z.string(),
  dc: z.string(),
  state: z.enum(['running', 'degraded', 'stopped', 'stale']),
  problems: z.array(z.string()),
  startedAt: z.string(),
  lastHeartbeat: z.string(),
  secondsSinceHeartbeat: z.number(),
  eventsPerSecond: z.number().nullable().describe('events passed on per second between the last two heartbeats; null until two arrived'),
  latencyMs: z.number().nullable().describe('mean latency from Cassandra writetime over those events, in ms; null where not measured or no events'),
  lagSeconds: z.number().nullable().describe("a cdc-reader's lag: seconds behind the newest write while it has a backlog"),
  figures: z.record(z.string(), z.number()).describe("every figure of the latest heartbeat, as the component sent it"),
});

export type ComponentStatus = z.output<typeof componentStatusSchema>;
export type ComponentState = ComponentStatus['state'];

/** Which figures of a component's heartbeat give its throughput, latency and lag. */
interface Summary {
  /** A counter of events passed on; summed over its labels. */
  readonly events?: string;
  /** A histogram of seconds from writetime; its `_sum` and `_count` figures. */
  readonly latency?: string;
  /** A gauge of seconds behind. */
  readonly lag?: string;
}

const SUMMARIES: Readonly<Record<string, Summary>> = {
  'cdc-reader': { events: 'meridian_reader_events_total', latency: 'meridian_reader_latency_seconds', lag: 'meridian_reader_lag_seconds' },
  deduper: { events: 'meridian_deduper_events_out_total' },
  publisher: { events: 'meridian_publisher_events_total', latency: 'meridian_publisher_latency_seconds' },
};

/** A component that stopped cleanly is listed this long afterwards, then forgotten; a stale one is listed until it comes back. */
const STOPPED_LISTED_MS = 3_600_000;
/** A heartbeat older than this many of its intervals makes the component stale. */
const STALE_INTERVALS = 3;

/**
 * Every component of the DC as its heartbeats on the status topic describe it: the
 * latest heartbeat per instance, and the one before, from which rates are derived.
 */
export class StatusBoard {
  private readonly latest = new Map<string, { current: Heartbeat; previous: Heartbeat | undefined }>();

  record(heartbeat: Heartbeat): void {
    const key = `${heartbeat.component}/${heartbeat.instance}`;
    const known = this.latest.get(key);
    // The status topic is compacted and may hand over a key's records more than once.
    if (known && Date.parse(heartbeat.at) <= Date.parse(known.current.at)) return;
    this.latest.set(key, { current: heartbeat, previous: known?.current.startedAt === heartbeat.startedAt ? known.current : undefined });
  }

  components(nowMs: number): ComponentStatus[] {
    const listed: ComponentStatus[] = [];
    for (const { current, previous } of this.latest.values()) {
      const ageMs = Math.max(0, nowMs - Date.parse(current.at));
      const state: ComponentState = current.state === 'stopping' ? 'stopped' : ageMs > STALE_INTERVALS * current.intervalMs ? 'stale' : current.state;
      if (state === 'stopped' && ageMs > STOPPED_LISTED_MS) continue;
      const summary = SUMMARIES[current.component] ?? {};
      const live = state === 'running' || state === 'degraded';
      listed.push({
        component: current.component,
        instance: current.instance,
        dc: current.dc,
        state,
        problems: [...current.problems],
        startedAt: current.startedAt,
        lastHeartbeat: current.at,
        secondsSinceHeartbeat: Math.round(ageMs / 1000),
        eventsPerSecond: live && previous && summary.events ? rate(summary.events, current, previous) : null,
        latencyMs: live && previous && summary.latency ? meanLatencyMs(summary.latency, current, previous) : null,
        lagSeconds: live && summary.lag ? (total(current.figures, summary.lag) ?? null) : null,
        figures: current.figures,
      });
    }
    return listed.sort((a, b) => a.component.localeCompare(b.component) || a.instance.localeCompare(b.instance));
  }
}

/** A figure summed over its labels (`name` and every `name{...}`); undefined when the heartbeat has none. */
export function total(figures: Readonly<Record<string, number>>, name: string): number | undefined {
  let sum: number | undefined;
  for (const [key, value] of Object.entries(figures)) {
    if (key === name || key.startsWith(`${name}{`)) sum = (sum ?? 0) + value;
  }
  return sum;
}

function rate(counter: string, current: Heartbeat, previous: Heartbeat): number | null {
  const seconds = (Date.parse(current.at) - Date.parse(previous.at)) / 1000;
  const now = total(current.figures, counter);
  const before = total(previous.figures, counter) ?? 0;
  if (now === undefined || seconds <= 0) return null;
  return round((now - before) / seconds);
}

function meanLatencyMs(histogram: string, current: Heartbeat, previous: Heartbeat): number | null {
  const count = (total(current.figures, `${histogram}_count`) ?? 0) - (total(previous.figures, `${histogram}_count`) ?? 0);
  const sum = (total(current.figures, `${histogram}_sum`) ?? 0) - (total(previous.figures, `${histogram}_sum`) ?? 0);
  return count > 0 ? round((sum / count) * 1000) : null;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
