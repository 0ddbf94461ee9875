import type { ConsumedRecord, KafkaConnection } from '@meridian/kafka';
import type { DataCentre } from '@meridian/infra';
import { TopicFollower } from '../support/topic-follower';

/** The fields of a change event read here (the whole contract: libs/contracts/docs/change-event.md). */
interface ChangeEventFields {
  readonly key: { readonly id?: string | number };
  readonly source: { readonly keyspace: string; readonly table: string; readonly writetime_us: string; readonly node: string; readonly segment: string; readonly position: number };
  /** When the publisher built the event. */
  readonly ts_ms: number;
}

/** A row delivered twice: where its first event and the repeated one came from. */
export interface DuplicateEvent {
  readonly id: number;
  /** `node segment@position` of the mutation, then the destination's `topic/partition@offset`. */
  readonly first: string;
  readonly again: string;
}

const MAX_DUPLICATES_KEPT = 20;

/** Numbers by row id, growing as ids come; NaN where nothing was recorded. */
class ById {
  private values = new Float64Array(1 << 16).fill(Number.NaN);

  get(id: number): number {
    return this.values[id] ?? Number.NaN;
  }

  set(id: number, value: number): void {
    if (id >= this.values.length) {
      const grown = new Float64Array(Math.max(id + 1, this.values.length * 2)).fill(Number.NaN);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[id] = value;
  }
}

/** What arrived of the rows [fromId, toId) whose writes were acknowledged. */
export interface ArrivalsOf {
  readonly expected: number;
  readonly delivered: number;
  readonly firstArrivalMs: number;
  readonly lastArrivalMs: number;
  /** Per delivered event: arrival at the consumer minus the Cassandra writetime. */
  readonly latenciesMs: Float64Array;
  /** Per delivered event: its mutation on the mutations topic seen by a read_committed consumer (the deduper's transaction committed) minus the writetime; NaN where not seen there. */
  readonly dedupedMs: Float64Array;
  /** Per delivered event: the publisher taking its batch in hand (the event's ts_ms) minus the Cassandra writetime. */
  readonly builtMs: Float64Array;
}

/**
 * Follows one DC's destination topic as a read_committed consumer and records, per row of
 * the bench table, when its change event first arrived, its Cassandra writetime and when
 * the publisher built it. Each fetched batch is stamped when it is handed over: the fetch
 * waits at most 50 ms but the broker answers as soon as committed records are there, so
 * what this adds is one fetch round trip and this process's share of the CPU (it runs
 * beside the load generator). Arrival is therefore an upper bound on when the event was
 * visible to a read_committed consumer.
 *
 * The DC's mutations topic is followed the same way, reading only each record's key (the
 * raw mutation key, `keyspace.table:{"id":"…"}`), to split the time between the deduper
 * and the publisher.
 */
export class DestinationArrivals {
  private readonly arrived = new ById();
  private readonly written = new ById();
  private readonly built = new ById();
  private readonly deduped = new ById();
  /** Where each row's first event came from (`node segment@position`, topic partition and offset), kept to describe a duplicate. */
  private readonly origins = new Map<number, string>();
  /** Distinct rows seen. */
  received = 0;
  /** Events of a row already seen: a broken exactly-once promise, reported. */
  duplicates = 0;
  /** The first few of them, with where each copy came from, to tell the stage that repeated it. */
  readonly duplicated: DuplicateEvent[] = [];
  /** Mutations of a row seen before on the mutations topic: the deduper let a copy through. */
  mutationDuplicates = 0;
  /** Events of another table, or without a row id. */
  foreign = 0;
  batches = 0;
  /** Rows from `markedFrom` on that have arrived: a cheap count to poll while waiting for a phase's rows. */
  private markedFrom = Number.POSITIVE_INFINITY;
  sinceMark = 0;
  private readonly followers: readonly TopicFollower[];
  private readonly mutationKeyPrefix: string;

  constructor(
    kafka: KafkaConnection,
    readonly dc: DataCentre,
    topics: { readonly destination: string; readonly mutations: string },
    private readonly keyspace: string,
    private readonly table: string,
  ) {
    this.mutationKeyPrefix = `${keyspace}.${table}:`;
    this.followers = [
      new TopicFollower(kafka, topics.destination, 'bench_e2e_destination', 'read_committed', (records) => {
        const arrivedMs = Date.now();
        this.batches++;
        for (const record of records) this.take(record, arrivedMs);
      }),
      new TopicFollower(kafka, topics.mutations, 'bench_e2e_mutations', 'read_committed', (records) => {
        const arrivedMs = Date.now();
        for (const record of records) this.takeMutation(record, arrivedMs);
      }),
    ];
  }

  async start(): Promise<void> {
    for (const follower of this.followers) await follower.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.followers.map((f) => f.stop()));
  }

  /** Starts counting the rows from `fromId` on as they arrive (those already here included) in `sinceMark`. */
  mark(fromId: number, toId: number): void {
    this.markedFrom = fromId;
    this.sinceMark = this.countOf(fromId, toId, new Set());
  }

  /** How many of the rows [fromId, toId) not in `failed` have arrived. */
  countOf(fromId: number, toId: number, failed: ReadonlySet<number>): number {
    let count = 0;
    for (let id = fromId; id < toId; id++) if (!Number.isNaN(this.arrived.get(id)) && !failed.has(id)) count++;
    return count;
  }

  /** The earliest arrival at or after `sinceMs` of a row of [fromId, toId); undefined when none arrived then. */
  firstArrivalAfter(fromId: number, toId: number, sinceMs: number): number | undefined {
    let first: number | undefined;
    for (let id = fromId; id < toId; id++) {
      const arrivedMs = this.arrived.get(id);
      if (arrivedMs >= sinceMs && (first === undefined || arrivedMs < first)) first = arrivedMs;
    }
    return first;
  }

  of(fromId: number, toId: number, failed: ReadonlySet<number>): ArrivalsOf {
    const latencies: number[] = [];
    const built: number[] = [];
    const deduped: number[] = [];
    let expected = 0;
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    for (let id = fromId; id < toId; id++) {
      if (failed.has(id)) continue;
      expected++;
      const arrivedMs = this.arrived.get(id);
      if (Number.isNaN(arrivedMs)) continue;
      const writtenMs = this.written.get(id);
      latencies.push(arrivedMs - writtenMs);
      built.push(this.built.get(id) - writtenMs);
      deduped.push(this.deduped.get(id) - writtenMs);
      if (arrivedMs < first) first = arrivedMs;
      if (arrivedMs > last) last = arrivedMs;
    }
    return { expected, delivered: latencies.length, firstArrivalMs: first, lastArrivalMs: last, latenciesMs: Float64Array.from(latencies), dedupedMs: Float64Array.from(deduped.filter((ms) => !Number.isNaN(ms))), builtMs: Float64Array.from(built) };
  }

  private take(record: ConsumedRecord, arrivedMs: number): void {
    if (!record.value) return;
    const event = JSON.parse(record.value.toString('utf8')) as ChangeEventFields;
    const id = Number(event.key.id);
    if (event.source.keyspace !== this.keyspace || event.source.table !== this.table || !Number.isInteger(id) || id < 0) {
      this.foreign++;
      return;
    }
    const origin = `${event.source.node} ${event.source.segment}@${event.source.position}, ${record.topic}/${record.partition}@${record.offset}`;
    if (!Number.isNaN(this.arrived.get(id))) {
      this.duplicates++;
      if (this.duplicated.length < MAX_DUPLICATES_KEPT) this.duplicated.push({ id, first: this.origins.get(id) ?? '?', again: origin });
      return;
    }
    this.origins.set(id, origin);
    this.received++;
    if (id >= this.markedFrom) this.sinceMark++;
    this.arrived.set(id, arrivedMs);
    // The driver's client-side timestamp, taken when the insert was sent: the same clock as arrivedMs.
    this.written.set(id, Number(event.source.writetime_us) / 1000);
    this.built.set(id, event.ts_ms);
  }

  private takeMutation(record: ConsumedRecord, arrivedMs: number): void {
    const key = record.key?.toString('utf8');
    if (key?.startsWith(this.mutationKeyPrefix) !== true) return;
    const id = Number((JSON.parse(key.slice(this.mutationKeyPrefix.length)) as { id?: string | number }).id);
    if (!Number.isInteger(id) || id < 0) return;
    if (Number.isNaN(this.deduped.get(id))) this.deduped.set(id, arrivedMs);
    else this.mutationDuplicates++;
  }
}
