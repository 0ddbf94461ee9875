export type { DependencyState, HealthReport } from './health';
export type { Logger } from './logger';
