export {
  CommitLogError,
  CorruptEntryError,
  CorruptHeaderError,
  CorruptSyncMarkerError,
  MalformedMutationError,
  TruncatedDataError,
  UnsupportedSegmentError,
} from './errors';
export type { Bound, Cell, ComplexCell, ComplexColumn, Deletion, Liveness, PartitionUpdate, RangeTombstone, Row } from './mutation/partition-update';
export { decodeMutation, type DecodedMutation } from './mutation/mutation-decoder';
export { writetimeMicros } from './mutation/writetime';
export { SchemaIndex } from './schema/schema-index';
export * from './schema/table-schema';
export { MAX_HEADER_LENGTH, readDescriptor, type SegmentDescriptor } from './segment/descriptor';
export { cdcIndexName, parseCdcIndex, type CdcIndex } from './segment/idx-file';
export { readSegment, type SectionBoundary, type SegmentEvent, type SegmentReadOptions, type SegmentReadResult } from './segment/segment-reader';
export { CqlTypeError, parseCqlType, type CqlType, type NativeTypeName } from './types/cql-type';
export { decodeValue, type JsonValue } from './types/value-codec';
