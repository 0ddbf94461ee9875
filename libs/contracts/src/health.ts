/**
 * The body of every Meridian service's `GET /health` (HTTP 200 when every
 * dependency is up, 503 otherwise). Same shape as @nestjs/terminus reports.
 */
export type DependencyState = { readonly status: 'up' | 'down' } & Readonly<Record<string, unknown>>;

export interface HealthReport {
  readonly status: 'ok' | 'error' | 'shutting_down';
  readonly info?: Readonly<Record<string, DependencyState>>;
  readonly error?: Readonly<Record<string, DependencyState>>;
  readonly details: Readonly<Record<string, DependencyState>>;
}
