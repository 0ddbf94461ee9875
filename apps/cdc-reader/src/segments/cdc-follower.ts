import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { type PartitionUpdate, readSegment, type SchemaIndex } from '@meridian/commitlog';
import { type Logger, RAW_MUTATION_VERSION, type RawMutationEvent } from '@meridian/contracts';
import { cdcPath, cdcSegments, readCdcIndex } from './cdc-files';

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
  /** The schema to decode with; asked again after each refresh. */
  readonly schema: () => SchemaIndex;
  /** Called when an entry names a table the schema does not know. */
  readonly refreshSchema: () => Promise<void>;
  readonly offsets: OffsetStore;
  readonly sink: EventSink;
  readonly log: Logger;
}

export interface PollSummary {
  readonly events: number;
  readonly deletedSegments: number;
  readonly problems: number;
  /** True when an unknown table stopped the poll; it resumes at that entry after a schema refresh. */
  readonly waitingForSchema: boolean;
}

/**
 * Follows a node's cdc_raw: reads each segment, oldest first, from where it was left up
 * to the durable offset of its `_cdc.idx`, sends an event per partition update of a
 * `cdc = true` table, and only then records the new position. A segment whose idx says
 * COMPLETED and that has been read to its end is deleted, so cdc_raw never fills. Nothing
 * is skipped: an unknown table stops the poll at that entry until the schema knows it, and
 * a failed send leaves the position where it was (the events are sent again).
 */
export class CdcFollower {
  private positions: Map<string, number> | undefined;
  /** The idx offset each live segment was last read to: an unchanged idx means nothing new to read. */
  private readonly lastDurable = new Map<string, number>();

  constructor(private readonly options: FollowerOptions) {}

  async poll(): Promise<PollSummary> {
    const { cdcRawDir, offsets, log } = this.options;
    this.positions ??= await offsets.load();
    const positions = this.positions;
    let events = 0;
    let deletedSegments = 0;
    let problems = 0;
    for (const segment of await cdcSegments(cdcRawDir)) {
      const index = await readCdcIndex(cdcPath(cdcRawDir, segment.idx));
      if (!index) return { events, deletedSegments, problems, waitingForSchema: false };
      const from = positions.get(segment.log);
      if (!index.completed && this.lastDurable.get(segment.log) === index.durableOffset) continue;
      const bytes = await readFile(cdcPath(cdcRawDir, segment.log));
      const batch: RawMutationEvent<PartitionUpdate>[] = [];
      let stoppedAt: number | undefined;
      let reachedEnd = false;
      const reader = readSegment(bytes, {
        schema: this.options.schema(),
        segment: segment.log,
        ...(from === undefined ? {} : { from }),
        ...(index.completed ? {} : { durableOffset: index.durableOffset }),
      });
      let readUpTo = from ?? 0;
      for (let step = reader.next(); ; step = reader.next()) {
        if (step.done) {
          readUpTo = Math.max(readUpTo, step.value.readUpTo);
          reachedEnd = step.value.reachedEnd;
          break;
        }
        const event = step.value;
        if (event.kind === 'unknown-table') {
          stoppedAt = event.position;
          readUpTo = event.position;
          const what = event.column === undefined ? `table ${event.tableId}` : `column "${event.column}" of table ${event.tableId}`;
          log.warn(`unknown ${what} in ${segment.log} at ${event.position}: refreshing the schema before reading on`);
          break;
        }
        if (event.kind === 'problem') {
          problems++;
          log.error(`skipped: ${event.error.message}`);
          continue;
        }
        for (const update of event.updates) {
          if (this.options.schema().table(update.tableId)?.schema.cdc) batch.push(this.rawEvent(update));
        }
      }
      if (batch.length > 0) await this.options.sink.send(batch);
      events += batch.length;
      if (readUpTo !== from) {
        await offsets.commit(segment.log, readUpTo);
        positions.set(segment.log, readUpTo);
      }
      if (stoppedAt === undefined && !index.completed) this.lastDurable.set(segment.log, index.durableOffset);
      if (stoppedAt !== undefined) {
        await this.options.refreshSchema();
        return { events, deletedSegments, problems, waitingForSchema: true };
      }
      if (index.completed && reachedEnd) {
        await rm(cdcPath(cdcRawDir, segment.log), { force: true });
        await rm(cdcPath(cdcRawDir, segment.idx), { force: true });
        await offsets.forget(segment.log);
        positions.delete(segment.log);
        this.lastDurable.delete(segment.log);
        deletedSegments++;
        log.log(`${segment.log} read to its end and deleted`);
      }
    }
    return { events, deletedSegments, problems, waitingForSchema: false };
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
