import { describeValue } from './describe-value';

/**
 * What every component publishes to the status topic every few seconds, keyed by
 * heartbeatKey: whether it runs, what is down, and its own figures. The topic is
 * compacted, so it holds each instance's latest heartbeat; a reader treats one older
 * than three intervals as a component that has gone away.
 */
export const HEARTBEAT_VERSION = 1;

export type HeartbeatState = 'running' | 'degraded' | 'stopping';

export interface Heartbeat {
  readonly version: typeof HEARTBEAT_VERSION;
  /** What kind of component, e.g. `cdc-reader`, `deduper`. */
  readonly component: string;
  /** Which one of them, e.g. `dc1-n1` or `deduper-1`. */
  readonly instance: string;
  readonly dc: string;
  readonly state: HeartbeatState;
  /** What is down, one line each; empty when running. */
  readonly problems: readonly string[];
  /** ISO-8601. */
  readonly startedAt: string;
  /** ISO-8601, when this heartbeat was made. */
  readonly at: string;
  /** How often the component sends one, so readers can tell a stale one (older than 3 × intervalMs). */
  readonly intervalMs: number;
  /** The component's own metrics, `name` or `name{label="v"}` → value. */
  readonly figures: Readonly<Record<string, number>>;
}

export function heartbeatKey(component: string, instance: string): string {
  return `${component}/${instance}`;
}

const STATES: readonly string[] = ['running', 'degraded', 'stopping'] satisfies HeartbeatState[];

/**
 * Checks a decoded status-topic value and returns it as a Heartbeat; throws an Error
 * listing every field that is missing or wrong.
 */
export function parseHeartbeat(value: unknown): Heartbeat {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`invalid heartbeat: expected an object, got ${describeValue(value)}`);
  }
  const v = value as Record<string, unknown>;
  if (v['version'] !== HEARTBEAT_VERSION) {
    throw new Error(`invalid heartbeat: version must be ${HEARTBEAT_VERSION}, got ${describeValue(v['version'])}`);
  }
  const problems: string[] = [];
  const expect = (field: string, ok: boolean, what: string) => {
    if (!ok) problems.push(`${field} must be ${what}, got ${describeValue(v[field])}`);
  };
  const isText = (x: unknown) => typeof x === 'string' && x !== '';
  const isTime = (x: unknown) => typeof x === 'string' && !Number.isNaN(Date.parse(x));
  expect('component', isText(v['component']), 'a non-empty string');
  expect('instance', isText(v['instance']), 'a non-empty string');
  expect('dc', isText(v['dc']), 'a non-empty string');
  expect('state', typeof v['state'] === 'string' && STATES.includes(v['state']), `one of ${STATES.join(', ')}`);
  expect('problems', Array.isArray(v['problems']) && v['problems'].every((p) => typeof p === 'string'), 'an array of strings');
  expect('startedAt', isTime(v['startedAt']), 'an ISO-8601 time');
  expect('at', isTime(v['at']), 'an ISO-8601 time');
  expect('intervalMs', typeof v['intervalMs'] === 'number' && v['intervalMs'] > 0, 'a positive number');
  const figures = v['figures'];
  expect(
    'figures',
    typeof figures === 'object' && figures !== null && !Array.isArray(figures) && Object.values(figures).every((n) => typeof n === 'number'),
    'an object of numbers',
  );
  if (problems.length > 0) throw new Error(`invalid heartbeat: ${problems.join('; ')}`);
  // Only the known fields, so a reader never passes on what it did not check.
  return {
    version: HEARTBEAT_VERSION,
    component: v['component'] as string,
    instance: v['instance'] as string,
    dc: v['dc'] as string,
    state: v['state'] as HeartbeatState,
    problems: [...(v['problems'] as string[])],
    startedAt: v['startedAt'] as string,
    at: v['at'] as string,
    intervalMs: v['intervalMs'] as number,
    figures: { ...(figures as Record<string, number>) },
  };
}
