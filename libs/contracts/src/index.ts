export type { DependencyState, HealthReport } from './health';
export type { Logger } from './logger';
export { RAW_MUTATION_VERSION, type RawMutationEvent, rawMutationKey } from './raw-mutation';
