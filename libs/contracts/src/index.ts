export type { DependencyState, HealthReport } from './health';
export { HEARTBEAT_VERSION, type Heartbeat, heartbeatKey, type HeartbeatState, parseHeartbeat } from './heartbeat';
export type { Logger } from './logger';
export { DIGEST_HEADER, RAW_MUTATION_VERSION, type RawMutationEvent, rawMutationKey } from './raw-mutation';
export type { MutationEvent, RowImage, RowImages } from './mutation';
export {
  type Channel,
  channelSchema,
  CONFIG_VERSION,
  type ConfigChange,
  type ConfigKind,
  configKey,
  ConfigState,
  describeIssues,
  type Destination,
  destinationSchema,
  destinationTopic,
  parseConfigRecord,
} from './config';
export {
  CHANGE_EVENT_CONNECTOR,
  CHANGE_EVENT_SCHEMA_FILE,
  CHANGE_EVENT_VERSION,
  type CellWrite,
  type ChangeEvent,
  type ChangeSource,
  type ColumnValue,
  type CqlJson,
  type DeleteChangeEvent,
  type DeleteKind,
  type ElementsChange,
  type ElementWrite,
  type ImageMarker,
  parseChangeEvent,
  type RangeBound,
  type WriteChangeEvent,
  type WriteTime,
} from './change-event';
export { isSkipped, type Skipped, tableChangeEvent } from './table-events';
export { DEAD_LETTER_HEADERS, recordSource } from './dead-letter';
export { errorMessage } from './error-message';
export { DEAD_LETTER_TOPICS, PIPELINE_NAMES, SERVICE_PORTS } from './wiring';
