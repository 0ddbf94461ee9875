import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import {
  type CdcIndex,
  CommitLogError,
  MAX_HEADER_LENGTH,
  type PartitionUpdate,
  readDescriptor,
  readSegment,
  type SchemaIndex,
  type SectionBoundary,
  type SegmentDescriptor,
  type SegmentReadResult,
} from '@meridian/commitlog';
import { type Logger, RAW_MUTATION_VERSION, type RawMutationEvent, errorMessage } from '@meridian/contracts';
import { type CdcSegment, cdcPath, cdcSegments, copyAside, readCdcIndex, readRange } from './cdc-files';

/** Where each segment has been read up to, kept durably (a compacted Kafka topic in production). */
export interface OffsetStore {
  load(): Promise<Map<string, number>>;
  commit(segment: string, position: number): Promise<void>;
  forget(segment: string): Promise<void>;
}

/** Where raw mutation events go; `send` resolves once every event is acknowledged. */
export interface EventSink {
  send(events: readonly RawMutationEvent<PartitionUpdate>[]): Promise<void>;
}

export interface FollowerOptions {
  readonly dc: string;
  readonly node: string;
  readonly cdcRawDir: string;
  /** Where a segment with corrupt parts is copied, for inspection, before it is deleted from cdc_raw. */
  readonly quarantineDir: string;
  /** The schema to decode with; asked again after each refresh. */
  readonly schema: () => SchemaIndex;
  /**
   * Called when an entry names a table the schema does not know; true when the schema was
   * reloaded from the node, false when the node could not be asked.
   */
  readonly refreshSchema: () => Promise<boolean>;
  /**
   * Called before new bytes are decoded: reloads the schema if the node's changed. The
   * bytes were written before this call, so a table turned `cdc = true` before they were
   * written is known as such when they are decoded.
   */
  readonly checkSchema?: () => Promise<void>;
  readonly offsets: OffsetStore;
  readonly sink: EventSink;
  readonly log: Logger;
  /** Events sent (and progress committed) at a time, so a backlog is streamed, not held whole in memory. */
  readonly batchEvents?: number;
}

const DEFAULT_BATCH_EVENTS = 2000;

export interface PollSummary {
  readonly events: number;
  readonly deletedSegments: number;
  /** Corrupt or unreadable parts met for the first time in this poll. */
  readonly problems: number;
  /** Bytes read from cdc_raw in this poll. */
  readonly bytesRead: number;
  /** Bytes the `_cdc.idx` files announce that are not read yet (logical bytes, after decompression). */
  readonly backlogBytes: number;
  /** True when an unknown table stopped the poll and the schema was reloaded: poll again at once, from that entry. */
  readonly waitingForSchema: boolean;
  /** Entries skipped in this poll because their table is gone from the node's schema (dropped before they were read). */
  readonly droppedTableEntries: number;
}

/** What the follower knows of a segment between polls (lost on restart: the offset store is the durable part). */
interface SegmentState {
  /** The header, and the section boundary the next read starts at. */
  cursor?: { readonly descriptor: SegmentDescriptor; next: SectionBoundary };
  /** The idx as it was at the last read: unchanged means nothing new to read. */
  readIndex?: string;
  /** Positions of the problems already reported, so a re-read does not report them again. */
  readonly reported: Set<number>;
  /** Positions of entries of an unknown table already logged. */
  readonly unknownReported: Set<number>;
  quarantined: boolean;
}

interface SegmentOutcome {
  droppedTableEntries: number;
  events: number;
  problems: number;
  bytesRead: number;
  waitingForSchema: boolean;
  deleted: boolean;
}

/**
 * Follows a node's cdc_raw: reads each segment, oldest first, from where it was left up
 * to the durable offset of its `_cdc.idx`, sends an event per partition update of a
 * `cdc = true` table, and only then records the new position. A segment whose idx says
 * COMPLETED and that has been read to its end is deleted, so cdc_raw never fills. An
 * unknown table stops the poll at that entry until the schema is reloaded from the node;
 * if the reloaded schema still lacks it, the table was dropped after the write (the node
 * applied the write, so it knew the table then), and the entry is skipped, as Cassandra's
 * own commit log replay skips it. A failed send leaves the position where it was (the
 * events are sent again). A corrupt
 * part is reported once, with segment and position, and the segment is copied to the
 * quarantine directory before it is deleted.
 */
export class CdcFollower {
  private positions: Map<string, number> | undefined;
  private readonly segments = new Map<string, SegmentState>();
  /** Entries (`segment@position`) still unknown to a schema reloaded after they stopped a read: skipped when met again. */
  private readonly unknownAfterReload = new Set<string>();
  /** Dropped tables already logged, so a dropped table's thousand writes make one line. */
  private readonly droppedTablesLogged = new Set<string>();

  constructor(private readonly options: FollowerOptions) {}

  async poll(): Promise<PollSummary> {
    this.positions ??= await this.options.offsets.load();
    let events = 0;
    let deletedSegments = 0;
    let problems = 0;
    let bytesRead = 0;
    let backlogBytes = 0;
    let waitingForSchema = false;
    let droppedTableEntries = 0;
    const present = new Set<string>();
    for (const segment of await cdcSegments(this.options.cdcRawDir)) {
      present.add(segment.log);
      const index = await readCdcIndex(cdcPath(this.options.cdcRawDir, segment.idx));
      if (!index) break; // caught mid-rewrite: read it, and what follows it, next time
      if (!waitingForSchema) {
        const outcome = await this.follow(segment, index);
        events += outcome.events;
        problems += outcome.problems;
        bytesRead += outcome.bytesRead;
        droppedTableEntries += outcome.droppedTableEntries;
        if (outcome.deleted) {
          deletedSegments++;
          continue;
        }
        waitingForSchema = outcome.waitingForSchema;
      }
      backlogBytes += Math.max(0, index.durableOffset - (this.positions.get(segment.log) ?? 0));
    }
    // Segments removed by someone else (an operator, a test) are forgotten.
    for (const name of this.segments.keys()) if (!present.has(name)) this.segments.delete(name);
    return { events, deletedSegments, problems, bytesRead, backlogBytes, waitingForSchema, droppedTableEntries };
  }

  private async follow(segment: CdcSegment, index: CdcIndex): Promise<SegmentOutcome> {
    const { cdcRawDir, log } = this.options;
    const positions = this.positions ?? new Map<string, number>();
    const state = this.stateOf(segment.log);
    const outcome: SegmentOutcome = { events: 0, problems: 0, bytesRead: 0, waitingForSchema: false, deleted: false, droppedTableEntries: 0 };
    const indexKey = `${index.durableOffset}${index.completed ? ' COMPLETED' : ''}`;
    if (state.readIndex === indexKey) return outcome;

    await this.options.checkSchema?.();
    const path = cdcPath(cdcRawDir, segment.log);
    const from = positions.get(segment.log);
    let batch: RawMutationEvent<PartitionUpdate>[] = [];
    let committed = from ?? 0;
    /** Sends what is decoded so far and records the position after it. */
    const flush = async (upTo: number): Promise<void> => {
      if (batch.length > 0) await this.options.sink.send(batch);
      outcome.events += batch.length;
      batch = [];
      if (upTo > committed) {
        await this.options.offsets.commit(segment.log, upTo);
        positions.set(segment.log, upTo);
        committed = upTo;
      }
    };
    const problems: CommitLogError[] = [];
    let stoppedAt: number | undefined;
    let result: SegmentReadResult | undefined;
    try {
      state.cursor ??= await openSegment(path, segment.log);
      const { descriptor, next } = state.cursor;
      // An uncompressed segment is preallocated: read up to the durable offset, not to the file's end.
      const end = descriptor.compression === undefined && !index.completed ? index.durableOffset : undefined;
      const bytes = await readRange(path, next.physical, end);
      outcome.bytesRead = bytes.length;
      const reader = readSegment(bytes, {
        schema: this.options.schema(),
        segment: segment.log,
        resume: { descriptor, at: next },
        ...(from === undefined ? {} : { from }),
        ...(index.completed ? {} : { durableOffset: index.durableOffset }),
      });
      for (let step = reader.next(); ; step = reader.next()) {
        if (step.done) {
          result = step.value;
          break;
        }
        const event = step.value;
        if (event.kind === 'unknown-table') {
          if (this.unknownAfterReload.delete(`${segment.log}@${event.position}`)) {
            outcome.droppedTableEntries++;
            if (!this.droppedTablesLogged.has(event.tableId)) {
              this.droppedTablesLogged.add(event.tableId);
              log.warn(`table ${event.tableId} is not in the node's schema any more (dropped after these writes): its entries are skipped, from ${segment.log} at ${event.position}`);
            }
            continue;
          }
          stoppedAt = event.position;
          const what = event.column === undefined ? `table ${event.tableId}` : `column "${event.column}" of table ${event.tableId}`;
          // Once per entry: with the node away, the same entry stops every poll until it is back.
          if (!state.unknownReported.has(event.position)) log.warn(`unknown ${what} in ${segment.log} at ${event.position}: refreshing the schema before reading on`);
          state.unknownReported.add(event.position);
          break;
        }
        if (event.kind === 'problem') {
          problems.push(event.error);
          continue;
        }
        for (const update of event.updates) {
          if (this.options.schema().table(update.tableId)?.schema.cdc) batch.push(this.rawEvent(update));
        }
        // Entries before `from` are skipped on a re-read, so an entry's end is a safe place to resume.
        if (batch.length >= (this.options.batchEvents ?? DEFAULT_BATCH_EVENTS)) await flush(event.end);
      }
    } catch (error) {
      // An unreadable header: nothing in this segment can be read.
      if (!(error instanceof CommitLogError)) throw error;
      problems.push(error);
    }

    await flush(stoppedAt ?? result?.readUpTo ?? committed);
    // A read stopped by an unknown table ended mid-section: the cursor stays at that section's start.
    if (result && state.cursor) state.cursor.next = result.next;

    for (const problem of problems) {
      if (state.reported.has(problem.position)) continue;
      state.reported.add(problem.position);
      outcome.problems++;
      log.error(`corrupt data skipped: ${problem.message}`);
    }
    if (stoppedAt !== undefined) {
      if (await this.options.refreshSchema()) {
        this.unknownAfterReload.add(`${segment.log}@${stoppedAt}`);
        outcome.waitingForSchema = true;
      }
      return outcome;
    }
    state.readIndex = indexKey;
    // COMPLETED and read as far as it can be: to its end, or to a part that cannot be read past.
    if (index.completed) outcome.deleted = await this.finish(segment, state);
    return outcome;
  }

  /** Deletes a fully read segment, after copying it aside if any part of it was corrupt. */
  private async finish(segment: CdcSegment, state: SegmentState): Promise<boolean> {
    const { cdcRawDir, quarantineDir, log } = this.options;
    if (state.reported.size > 0 && !state.quarantined) {
      try {
        await copyAside(cdcRawDir, [segment.log, segment.idx], quarantineDir);
        state.quarantined = true;
        log.warn(`${segment.log} had ${state.reported.size} corrupt part(s); copied to ${quarantineDir} for inspection`);
      } catch (error) {
        log.error(`${segment.log} is kept in cdc_raw: it had corrupt parts and could not be copied to ${quarantineDir} (${errorMessage(error)}); it is tried again after a restart`);
        return false;
      }
    }
    await rm(cdcPath(cdcRawDir, segment.log), { force: true });
    await rm(cdcPath(cdcRawDir, segment.idx), { force: true });
    await this.options.offsets.forget(segment.log);
    this.positions?.delete(segment.log);
    this.segments.delete(segment.log);
    log.log(`${segment.log} read to its end and deleted`);
    return true;
  }

  private stateOf(segment: string): SegmentState {
    let state = this.segments.get(segment);
    if (!state) {
      state = { reported: new Set(), unknownReported: new Set(), quarantined: false };
      this.segments.set(segment, state);
    }
    return state;
  }

  private rawEvent(update: PartitionUpdate): RawMutationEvent<PartitionUpdate> {
    const { segment, position, ...content } = update;
    return {
      version: RAW_MUTATION_VERSION,
      dc: this.options.dc,
      node: this.options.node,
      segment,
      position,
      digest: createHash('sha256').update(JSON.stringify(content)).digest('hex'),
      update,
    };
  }
}

/** Reads a segment's header; its sections are then read from the first sync marker on. */
async function openSegment(path: string, segment: string): Promise<{ descriptor: SegmentDescriptor; next: SectionBoundary }> {
  const descriptor = readDescriptor(await readRange(path, 0, MAX_HEADER_LENGTH), segment);
  return { descriptor, next: { physical: descriptor.headerLength, logical: descriptor.headerLength } };
}
