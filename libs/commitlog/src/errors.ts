/**
 * Every way a segment can fail to decode, as its own class: callers react to the class
 * (skip an entry, stop a section, refresh schema), never to the message. Each names
 * the segment and the position where it happened.
 */
export abstract class CommitLogError extends Error {
  constructor(
    message: string,
    readonly segment: string,
    readonly position: number,
  ) {
    super(`${message} (${segment} at ${position})`);
    this.name = new.target.name;
  }
}

/** The header does not check out: wrong CRC, unknown version, unreadable parameters. */
export class CorruptHeaderError extends CommitLogError {}

/** A sync marker's CRC or target is wrong: the rest of the segment cannot be trusted. */
export class CorruptSyncMarkerError extends CommitLogError {}

/** An entry's size or content CRC is wrong, or it runs past its section. */
export class CorruptEntryError extends CommitLogError {}

/** The CRCs passed but the mutation inside does not parse against the schema. */
export class MalformedMutationError extends CommitLogError {}

/** A feature of the segment this decoder does not read (encryption, a compressor without a codec). */
export class UnsupportedSegmentError extends CommitLogError {}


/** Reading ran past the end of the bytes available: a truncated value inside a checked entry. */
export class TruncatedDataError extends Error {
  constructor(readonly offset: number, readonly wanted: number) {
    super(`needed ${wanted} byte(s) at offset ${offset}, past the end of the data`);
    this.name = 'TruncatedDataError';
  }
}
