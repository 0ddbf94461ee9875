import type { Admin, Consumer, IHeaders, Kafka } from 'kafkajs';
import type { Logger } from '@meridian/contracts';
import { type PartitionEnds, StallWatch } from './stall-watch';
import { errorMessage } from '@meridian/contracts';

/** How long a consumer that kafkajs stopped waits before it joins its group again. */
const REJOIN_MS = 1000;
/** A member stuck in a handler may never finish leaving: it is left behind after this long. */
const ABANDON_AFTER_MS = 10_000;
/**
 * How long the group coordinator keeps a member that stopped heartbeating. A member that
 * could not leave (its broker was away) still counts until then, and a member joining in
 * its place waits for it: after a broker restart the group resumes about this long after
 * the broker is back (with kafkajs' default, 30 s, that wait was most of the recovery
 * time). 6 s is the least a broker allows by default (group.min.session.timeout.ms).
 */
export const SESSION_TIMEOUT_MS = 6000;
/**
 * How long a rebalance waits for every member to join again. A member stuck in a handler
 * never does, and the member replacing it waits this long for the group (kafkajs' default,
 * 60 s); a healthy member only has to finish the batch in hand.
 */
const REBALANCE_TIMEOUT_MS = 20_000;
/** A third of the session or less, as Kafka asks; also sent while a long batch is handled. */
export const HEARTBEAT_INTERVAL_MS = 1000;

export type Isolation = 'read_committed' | 'read_uncommitted';

export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Records of one partition, in offset order, fetched together. */
export interface PartitionBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly ConsumedRecord[];
  /** The offset to commit once the batch is handled: its last record's offset plus one. */
  readonly nextOffset: string;
}

export interface GroupConsumerOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly isolation: Isolation;
  /**
   * How many partitions' batches are handled at once (1 when not given). Batches of one
   * partition are always handled one after the other, in order.
   */
  readonly concurrentPartitions?: number;
  /**
   * Called each time this member joins the group (at start and after every rebalance),
   * with the partitions it now owns, before it handles their next batch.
   */
  readonly onAssignment?: (partitions: readonly { topic: string; partition: number }[]) => void;
  /**
   * Handles a batch and commits its offsets itself (in a transaction, with sendOffsets):
   * nothing is committed for it otherwise. A throw makes the consumer restart from the
   * last committed offsets.
   */
  readonly eachBatch: (batch: PartitionBatch, heartbeat: () => Promise<void>) => Promise<void>;
}

/** A running member of a consumer group; `stop` leaves the group. */
export interface GroupConsumer {
  stop(): Promise<void>;
}

/** A consumer group member that makes no progress while records wait for it. */
export interface ConsumerStall {
  readonly groupId: string;
  /** Which partition, for how long, how far behind. */
  readonly reason: string;
  readonly sinceMs: number;
}

/** Told when a member is found stalled (once per episode) and when it moves again. */
export interface StallEvents {
  stalled(stall: ConsumerStall): void;
  recovered(groupId: string, afterMs: number): void;
}

/** What a member needs of its connection. */
export interface MemberContext {
  readonly client: Kafka;
  readonly admin: () => Promise<Admin>;
  /** Waits until the topic exists with a leader for each partition. */
  readonly waitForLeaders: (admin: Admin, topic: string) => Promise<void>;
  /** The group's committed offsets and each partition's ends, by `topic/partition`. */
  readonly ends: (groupId: string, topics: readonly string[]) => Promise<Map<string, PartitionEnds>>;
  /** An error as a one-line reason naming the cluster. */
  readonly describe: (error: unknown) => string;
  readonly stallAfterMs: number;
  readonly logger?: Logger | undefined;
  readonly events?: StallEvents | undefined;
}

/**
 * One member of a consumer group, kept running: when the handler throws, or anything else
 * stops kafkajs' consumer (a broker away too long), it joins the group again and reads on
 * from the committed offsets; it never gives up. A watchdog compares, every few seconds,
 * where it has got to with where the partitions it owns end: a member that has not moved
 * for `stallAfterMs` while records wait for it is reported stalled and replaced by a new
 * consumer with connections of its own, which joins in its place.
 */
export class GroupMember implements GroupConsumer {
  private consumer: Consumer;
  private stopped = false;
  private rejoinTimer: NodeJS.Timeout | undefined;
  private watchTimer: NodeJS.Timeout | undefined;
  /** While Kafka is away every try fails the same way: one warning when the first fails, one line when the member is back. */
  private failingSince: number | undefined;
  private readonly watch: StallWatch;
  private stall: (ConsumerStall & { restartedAtMs: number }) | undefined;
  /** Why the last batch that failed did, for a stall's reason. */
  private lastFailure: string | undefined;
  /**
   * Per `topic/partition`, the commit of offsets past a batch that held no records for the
   * handler (only aborted records and transaction markers), while it is under way. The
   * partition's next batch waits for it, so the two commits land in order.
   */
  private readonly skipCommits = new Map<string, Promise<void>>();

  constructor(
    private readonly context: MemberContext,
    private readonly options: GroupConsumerOptions,
  ) {
    this.watch = new StallWatch(context.stallAfterMs);
    this.consumer = this.newConsumer();
  }

  /** Joins the group; throws (and leaves nothing running) when it cannot. */
  async start(): Promise<void> {
    try {
      await this.join();
    } catch (error) {
      this.stopped = true;
      await this.consumer.disconnect().catch(() => undefined);
      throw error;
    }
    this.scheduleWatch();
  }

  /** Why this member is stalled, or undefined while it moves. */
  stalled(): ConsumerStall | undefined {
    if (!this.stall) return undefined;
    const { groupId, reason, sinceMs } = this.stall;
    return { groupId, reason, sinceMs };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.rejoinTimer);
    clearTimeout(this.watchTimer);
    await leave(this.consumer);
  }

  private newConsumer(): Consumer {
    const { groupId, isolation, onAssignment } = this.options;
    const consumer = this.context.client.consumer({
      groupId,
      readUncommitted: isolation === 'read_uncommitted',
      allowAutoTopicCreation: false,
      sessionTimeout: SESSION_TIMEOUT_MS,
      rebalanceTimeout: REBALANCE_TIMEOUT_MS,
      heartbeatInterval: HEARTBEAT_INTERVAL_MS,
      // How long the broker holds a fetch that finds nothing new. Records (and, for
      // read_committed, a transaction's commit) end the wait at once, so this costs no
      // latency; a short wait only makes every idle consumer poll the broker more.
      maxWaitTimeInMs: 500,
    });
    const current = () => consumer === this.consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      if (!current()) return;
      const owned = Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) => partitions.map((partition) => ({ topic, partition })));
      this.watch.assigned(owned, Date.now());
      onAssignment?.(owned);
    });
    // Also emitted for a batch of only transaction markers or aborted records: that is moving too.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (!current()) return;
      const nextOffset = BigInt(payload.lastOffset) + 1n;
      this.watch.moved(payload.topic, payload.partition, nextOffset, Date.now());
      if (payload.batchSize === 0) this.commitPast(consumer, payload.topic, payload.partition, nextOffset);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.stopped || !current()) return;
      this.context.logger?.debug?.(`consumer group ${groupId} stopped on ${payload.error.message}; joining again in ${REJOIN_MS / 1000}s`);
      this.rejoinLater(REJOIN_MS);
    });
    return consumer;
  }

  private async join(): Promise<void> {
    const consumer = this.consumer;
    const admin = await this.context.admin();
    for (const topic of this.options.topics) await this.context.waitForLeaders(admin, topic);
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.options.topics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: this.options.concurrentPartitions ?? 1,
      eachBatch: async (payload) => {
        const { batch } = payload;
        const last = batch.messages.at(-1);
        if (!last) return;
        await this.skipCommits.get(`${batch.topic}/${batch.partition}`);
        const records = batch.messages.map((m) => ({ topic: batch.topic, partition: batch.partition, offset: m.offset, key: m.key, value: m.value, timestamp: m.timestamp, headers: textHeaders(m.headers) }));
        // kafkajs heartbeats only between batches: a batch handled longer than the session
        // would get this member evicted mid-batch. A member replaced as stalled beats no
        // more, so the group lets it go.
        const beating = setInterval(() => {
          if (consumer === this.consumer) void payload.heartbeat().catch(() => undefined);
        }, HEARTBEAT_INTERVAL_MS);
        try {
          await this.options.eachBatch({ topic: batch.topic, partition: batch.partition, records, nextOffset: (BigInt(last.offset) + 1n).toString() }, () => payload.heartbeat());
          this.lastFailure = undefined;
        } catch (error) {
          const failure = errorMessage(error);
          this.lastFailure = failure;
          // Not retried in place: kafkajs would fetch again from where it stands in
          // memory, and a transaction whose commit went through unseen (the broker went
          // away before it answered) would then be done twice. Marked final, the error
          // stops the consumer, which joins again and reads on from the offsets the broker
          // has committed.
          throw Object.assign(new Error(failure), { retriable: false });
        } finally {
          clearInterval(beating);
        }
      },
    });
  }

  /**
   * Commits the group's offset past a batch the handler never saw: aborted records (such as
   * those that end hanging transactions) and transaction markers. The handler commits
   * offsets only with what it produced, so without this a partition would show that lag
   * for good. Nothing is lost if it fails: the next batch's commit moves past them too.
   */
  private commitPast(consumer: Consumer, topic: string, partition: number, nextOffset: bigint): void {
    const key = `${topic}/${partition}`;
    const commit = (this.skipCommits.get(key) ?? Promise.resolve())
      .then(() => consumer.commitOffsets([{ topic, partition, offset: nextOffset.toString() }]))
      .catch((error: unknown) => this.context.logger?.debug?.(`consumer group ${this.options.groupId} could not commit ${key} past aborted records: ${this.context.describe(error)}`))
      .finally(() => {
        if (this.skipCommits.get(key) === commit) this.skipCommits.delete(key);
      });
    this.skipCommits.set(key, commit);
  }

  private rejoinLater(delayMs: number): void {
    clearTimeout(this.rejoinTimer);
    this.rejoinTimer = setTimeout(() => {
      this.rejoinTimer = undefined;
      if (this.stopped) return;
      this.join().then(
        () => {
          if (this.failingSince === undefined) return;
          this.context.logger?.log(`consumer group ${this.options.groupId} joined again after ${((Date.now() - this.failingSince) / 1000).toFixed(0)}s`);
          this.failingSince = undefined;
        },
        async (error: unknown) => {
          if (this.failingSince === undefined) {
            this.failingSince = Date.now();
            this.context.logger?.warn(`consumer group ${this.options.groupId} could not join again, retrying every ${REJOIN_MS / 1000}s: ${this.context.describe(error)}`);
          }
          // Left completely before the next try, so that try starts from nothing.
          await leave(this.consumer);
          this.rejoinLater(REJOIN_MS);
        },
      );
    }, delayMs);
  }

  private scheduleWatch(): void {
    if (this.stopped) return;
    this.watchTimer = setTimeout(() => {
      void this.checkProgress().finally(() => this.scheduleWatch());
    }, Math.min(15_000, Math.max(1000, this.context.stallAfterMs / 4)));
  }

  private async checkProgress(): Promise<void> {
    const topics = this.watch.topics();
    // While joining again, what it owned is not what it will own.
    if (this.stopped || this.rejoinTimer !== undefined || topics.length === 0) return;
    let ends: Map<string, PartitionEnds>;
    try {
      ends = await this.context.ends(this.options.groupId, topics);
    } catch {
      this.watch.unanswered(Date.now());
      return;
    }
    const now = Date.now();
    const judged = this.watch.judge((topic, partition) => ends.get(`${topic}/${partition}`), now);
    const reason = judged === undefined || this.lastFailure === undefined ? judged : `${judged}; its last batch failed: ${this.lastFailure}`;
    if (reason !== undefined) {
      this.replaceStalled(reason, now);
    } else if (this.stall && (this.watch.lastMovedAtMs > this.stall.sinceMs || !this.watch.waiting)) {
      const afterMs = now - this.stall.sinceMs;
      this.stall = undefined;
      this.context.logger?.log(`consumer group ${this.options.groupId} moves again, ${(afterMs / 1000).toFixed(0)}s after it stalled`);
      this.context.events?.recovered(this.options.groupId, afterMs);
    }
  }

  /** Leaves the stalled consumer behind and joins with a new one; once per stall time while the stall lasts. */
  private replaceStalled(reason: string, now: number): void {
    if (!this.stall) {
      const stall = { groupId: this.options.groupId, reason, sinceMs: now };
      this.stall = { ...stall, restartedAtMs: now };
      this.context.logger?.warn(`consumer group ${this.options.groupId} is stalled: ${reason}; replacing its consumer`);
      this.context.events?.stalled(stall);
    } else {
      if (now - this.stall.restartedAtMs < this.context.stallAfterMs) return;
      this.stall = { ...this.stall, reason, restartedAtMs: now };
    }
    const stuck = this.consumer;
    this.consumer = this.newConsumer();
    // Not judged again before the new consumer has joined: that may take a session's time,
    // while the group waits for the stuck member to be given up.
    this.watch.assigned([], now);
    void leave(stuck);
    this.rejoinLater(0);
  }
}

/** Disconnects a consumer, but waits no longer than ABANDON_AFTER_MS: one stuck in a handler may never finish. */
async function leave(consumer: Consumer): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([consumer.disconnect().catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ABANDON_AFTER_MS)))]);
  clearTimeout(timer);
}

/** Record headers as text; a header sent more than once keeps its last value. */
export function textHeaders(headers: IHeaders | undefined): Record<string, string> {
  const text: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const last = Array.isArray(value) ? value.at(-1) : value;
    if (last !== undefined) text[name] = last.toString();
  }
  return text;
}
