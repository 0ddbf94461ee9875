import type { JsonValue } from '../types/value-codec';

/** What one partition update of a mutation says, in the form of docs/dump-format.md. */
export interface PartitionUpdate {
  readonly segment: string;
  readonly position: number;
  readonly keyspace: string;
  readonly table: string;
  readonly tableId: string;
  readonly key: Record<string, JsonValue>;
  readonly partitionDeletion: Deletion | null;
  readonly staticRow: Row | null;
  readonly rows: Row[];
  readonly rangeTombstones: RangeTombstone[];
}

export interface Deletion {
  /** Microseconds, as a decimal string. */
  readonly markedForDeleteAt: string;
  /** Seconds. */
  readonly localDeletionTime: number;
  readonly shadowable?: true;
}

export interface Liveness {
  readonly timestamp: string;
  readonly ttl?: number;
  readonly localExpirationTime?: number;
}

export interface Row {
  readonly clustering: Record<string, JsonValue>;
  readonly liveness: Liveness | null;
  readonly deletion: Deletion | null;
  readonly cells: Record<string, Cell | ComplexColumn>;
}

export interface Cell {
  readonly value: JsonValue;
  readonly timestamp: string;
  readonly ttl?: number;
  readonly localExpirationTime?: number;
  readonly tombstone?: true;
  readonly localDeletionTime?: number;
}

export interface ComplexCell extends Cell {
  readonly path: JsonValue;
}

export interface ComplexColumn {
  readonly deletion: Deletion | null;
  readonly cells: ComplexCell[];
}

export interface Bound {
  readonly clustering: Record<string, JsonValue>;
  readonly inclusive: boolean;
}

export interface RangeTombstone {
  readonly start: Bound;
  readonly end: Bound;
  readonly deletion: Deletion;
}
