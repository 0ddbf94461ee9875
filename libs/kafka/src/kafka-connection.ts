import {
  type Admin,
  type Consumer,
  type Kafka as KafkaClient,
  Kafka,
  logLevel,
  type LogEntry,
  Partitioners,
  type Producer,
} from 'kafkajs';
import type { Logger } from '@meridian/contracts';
import { type ConsumedRecord, type ConsumerStall, type GroupConsumer, type GroupConsumerOptions, GroupMember, type Isolation, type StallEvents, textHeaders } from './group-member';
import type { PartitionEnds } from './stall-watch';
import { errorMessage } from '@meridian/contracts';
import { describeFailure } from './kafka-errors';
import { RecordProducer } from './record-producer';

export interface KafkaSettings {
  /** Bootstrap servers, `host:port`. */
  readonly brokers: readonly string[];
  /** Names this process in broker logs and quotas, e.g. `cdc-reader-dc1-n1`. */
  readonly clientId: string;
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /** How long a consumer group member may make no progress while records wait for it before it is replaced (DEFAULT_STALL_AFTER_MS). */
  readonly stallAfterMs?: number;
}

export interface KafkaClusterInfo {
  readonly clusterId: string;
  readonly controllerId: number | null;
  readonly brokers: readonly string[];
}

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  /** Log compaction (`cleanup.policy=compact`) for state and configuration topics. */
  readonly compacted?: boolean;
  /** The topic's `max.message.bytes`, when its records can outgrow the broker's default (1 MiB). */
  readonly maxMessageBytes?: number;
}

/** Where a consumer group stands in one partition of a topic. */
export interface PartitionProgress {
  readonly partition: number;
  /** The offset the group reads next, or null when it never committed one here. */
  readonly committed: string | null;
  /** The partition's first offset still stored (the log start). */
  readonly start: string;
  /** The partition's end: the offset the next record will take (the high watermark). */
  readonly end: string;
}

/** A consumer group as the broker describes it: `Empty` when no member is running. */
export interface GroupDescription {
  readonly state: string;
  readonly members: number;
}

/** How long a consumer group member may make no progress while records wait for it before it is replaced, unless told otherwise. */
export const DEFAULT_STALL_AFTER_MS = 60_000;

/**
 * The one place that talks to Kafka. Callers get Meridian-shaped records and errors,
 * never kafkajs types, so the client can be swapped without touching them.
 */
export class KafkaConnection {
  private readonly client: KafkaClient;
  private admin: Admin | undefined;
  private readonly opened = new Set<{ close(): Promise<void> }>();
  private readonly members = new Set<GroupMember>();

  constructor(
    private readonly settings: KafkaSettings,
    private readonly logger?: Logger,
    private readonly stallEvents?: StallEvents,
  ) {
    this.client = new Kafka({
      clientId: settings.clientId,
      brokers: [...settings.brokers],
      connectionTimeout: settings.connectionTimeoutMs ?? 3000,
      requestTimeout: settings.requestTimeoutMs ?? 30000,
      // Connection failures surface through check() and the callers' own retries;
      // kafkajs' internal retry stays short so health reflects reality quickly.
      retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
      logLevel: logLevel.WARN,
      logCreator: () => (entry: LogEntry) => {
        this.forward(entry);
      },
    });
  }

  get brokers(): readonly string[] {
    return this.settings.brokers;
  }

  /** Asks the cluster for its metadata; throws KafkaUnavailableError when it cannot. */
  async check(): Promise<KafkaClusterInfo> {
    try {
      const admin = await this.connectedAdmin();
      const cluster = await admin.describeCluster();
      return {
        clusterId: cluster.clusterId,
        controllerId: cluster.controller,
        brokers: cluster.brokers.map((b) => `${b.host}:${b.port}`),
      };
    } catch (error) {
      await this.dropAdmin();
      throw describeFailure(this.settings.brokers, error);
    }
  }

  /** Creates the topics that do not exist yet and returns the names of those this call created; existing ones are left as they are. */
  async createTopics(specs: readonly TopicSpec[]): Promise<string[]> {
    try {
      const admin = await this.connectedAdmin();
      const existing = new Set(await admin.listTopics());
      const missing = specs.filter((spec) => !existing.has(spec.topic));
      // One request per topic: kafkajs answers false when every topic of a request exists
      // already, so only then can it tell which ones this call created (another client,
      // or this one concurrently, may create the same topic meanwhile).
      const created = await Promise.all(
        missing.map(async (spec) => {
          const made = await admin.createTopics({
            topics: [
              {
                topic: spec.topic,
                numPartitions: spec.partitions,
                replicationFactor: -1,
                configEntries: [
                  ...(spec.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : []),
                  ...(spec.maxMessageBytes === undefined ? [] : [{ name: 'max.message.bytes', value: String(spec.maxMessageBytes) }]),
                ],
              },
            ],
            // kafkajs' own wait gives up when the broker does not know the topic yet; ours does not.
            waitForLeaders: false,
          });
          await waitForLeaders(admin, spec.topic);
          return made;
        }),
      );
      return missing.filter((_, i) => created[i]).map((spec) => spec.topic);
    } catch (error) {
      throw describeFailure(this.settings.brokers, error);
    }
  }


  /** Deletes the topics, with what they hold; the broker forgets them shortly after it answers. */
  async deleteTopics(topics: readonly string[]): Promise<void> {
    try {
      await (await this.connectedAdmin()).deleteTopics({ topics: [...topics] });
    } catch (error) {
      throw describeFailure(this.settings.brokers, error);
    }
  }

  /** How many partitions `topic` has, or undefined when it does not exist. */
  async partitionCount(topic: string): Promise<number | undefined> {
    try {
      const admin = await this.connectedAdmin();
      if (!(await admin.listTopics()).includes(topic)) return undefined;
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      return topics[0]?.partitions.length;
    } catch (error) {
      throw describeFailure(this.settings.brokers, error);
    }
  }

  /**
   * Where `groupId` stands in each partition of `topic`, with each partition's start and
   * end; undefined when the topic does not exist.
   */
  async groupProgress(groupId: string, topic: string): Promise<PartitionProgress[] | undefined> {
    try {
      const admin = await this.connectedAdmin();
      if (!(await admin.listTopics()).includes(topic)) return undefined;
      const [bounds, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
      const byPartition = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, p.offset]));
      return bounds
        .map(({ partition, low, high }) => {
          const offset = byPartition.get(partition);
          return { partition, committed: offset === undefined || BigInt(offset) < 0n ? null : offset, start: low, end: high };
        })
        .sort((a, b) => a.partition - b.partition);
    } catch (error) {
      throw describeFailure(this.settings.brokers, error);
    }
  }

  async describeGroup(groupId: string): Promise<GroupDescription> {
    try {
      const { groups } = await (await this.connectedAdmin()).describeGroups([groupId]);
      const group = groups[0];
      return { state: group?.state ?? 'Dead', members: group?.members.length ?? 0 };
    } catch (error) {
      throw describeFailure(this.settings.brokers, error);
    }
  }

  /**
   * Per partition of `topic`, the first offset whose record timestamp is `timestampMs` or
   * later; the partition's end when there is none.
   */
  async offsetsAtTime(topic: string, timestampMs: number): Promise<{ partition: number; offset: string }[]> {
    try {
      const offsets = await (await this.connectedAdmin()).fetchTopicOffsetsByTimestamp(topic, timestampMs);
      return offsets.map(({ partition, offset }) => ({ partition, offset })).sort((a, b) => a.partition - b.partition);
    } catch (error) {
      throw describeFailure(this.settings.brokers, error);
    }
  }

  /**
   * Commits `offsets` for `groupId` on `topic`, as if the group had read up to them. The
   * broker allows it only while no member of the group runs.
   */
  async setGroupOffsets(groupId: string, topic: string, offsets: readonly { partition: number; offset: string }[]): Promise<void> {
    try {
      await (await this.connectedAdmin()).setOffsets({ groupId, topic, partitions: offsets.map(({ partition, offset }) => ({ partition, offset })) });
    } catch (error) {
      throw describeFailure(this.settings.brokers, error);
    }
  }

  /**
   * An idempotent producer; with `transactionalId`, also transactional. A transactional one
   * fences before it is returned: any earlier producer with the same id is shut out, and
   * the broker has finished that producer's last transaction (committed if its commit was
   * under way, aborted otherwise), so its records and offsets are settled.
   */
  async producer(options: { transactionalId?: string } = {}): Promise<RecordProducer> {
    const open = async (): Promise<Producer> => {
      const producer = this.client.producer({
        // Every topic Meridian writes is created by it, with its settings; a broker creating a
        // missing one on first write would give it the broker's defaults instead.
        allowAutoTopicCreation: false,
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
        ...(options.transactionalId === undefined ? {} : { transactionalId: options.transactionalId }),
      });
      try {
        await producer.connect();
        // kafkajs registers the transactional id (InitProducerId, which fences) only when a
        // first transaction begins; one with nothing in it ends without a request.
        if (options.transactionalId !== undefined) await (await producer.transaction()).abort();
      } catch (error) {
        await producer.disconnect().catch(() => undefined);
        throw describeFailure(this.settings.brokers, error);
      }
      return producer;
    };
    const recordProducer = new RecordProducer(await open(), open, () => this.opened.delete(recordProducer), (topic) => this.partitionCount(topic));
    this.opened.add(recordProducer);
    return recordProducer;
  }

  /**
   * Joins a consumer group and hands each fetched batch to `eachBatch`, one at a time per
   * partition (and `concurrentPartitions` partitions at once). Offsets are never committed
   * automatically: the handler commits them, in the same transaction as what it produced,
   * so that a crash repeats no committed work. The member keeps itself running: it joins
   * again after a failure, and is replaced when it stalls (see GroupMember).
   */
  async consume(options: GroupConsumerOptions): Promise<GroupConsumer> {
    const member = new GroupMember(
      {
        client: this.client,
        admin: () => this.connectedAdmin(),
        waitForLeaders,
        ends: (groupId, topics) => this.partitionEnds(groupId, topics),
        describe: (error) => describeFailure(this.settings.brokers, error).message,
        stallAfterMs: this.settings.stallAfterMs ?? DEFAULT_STALL_AFTER_MS,
        logger: this.logger,
        events: this.stallEvents,
      },
      options,
    );
    try {
      await member.start();
    } catch (error) {
      throw describeFailure(this.settings.brokers, error);
    }
    const closable = { close: () => member.stop() };
    this.members.add(member);
    this.opened.add(closable);
    return {
      stop: async () => {
        this.members.delete(member);
        this.opened.delete(closable);
        await member.stop();
      },
    };
  }

  /** The consumer group members of this connection that are stalled now, with why. */
  stalls(): ConsumerStall[] {
    return [...this.members].flatMap((member) => member.stalled() ?? []);
  }

  /** The group's committed offsets and each partition's ends, by `topic/partition`, for the topics given. */
  private async partitionEnds(groupId: string, topics: readonly string[]): Promise<Map<string, PartitionEnds>> {
    const ends = new Map<string, PartitionEnds>();
    for (const topic of topics) {
      for (const p of (await this.groupProgress(groupId, topic)) ?? []) {
        ends.set(`${topic}/${p.partition}`, { committed: p.committed === null ? null : BigInt(p.committed), start: BigInt(p.start), end: BigInt(p.end) });
      }
    }
    return ends;
  }

  /**
   * Reads a topic from the beginning until `count` records arrived or `timeoutMs`
   * passed, with the given isolation. Uses a throwaway consumer group. A topic that does
   * not exist yet is waited for within the same time (and has no records if it never comes).
   */
  async readTopic(topic: string, options: { count: number; timeoutMs: number; isolation: Isolation; groupId: string }): Promise<ConsumedRecord[]> {
    const records: ConsumedRecord[] = [];
    const deadline = Date.now() + options.timeoutMs;
    while ((await this.partitionCount(topic)) === undefined) {
      if (Date.now() >= deadline) return records;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const timeoutMs = Math.max(0, deadline - Date.now());
    await this.consumeFromStart(topic, { groupId: options.groupId, isolation: options.isolation, timeoutMs, onTimeout: 'resolve' }, (record) => {
      records.push(record);
      return records.length >= options.count;
    });
    return records;
  }

  /**
   * Reads a topic from the beginning to its current end (the high watermarks when
   * called): how a compacted state topic is loaded at start. Committed records only.
   */
  async readToEnd(topic: string, timeoutMs = 30_000): Promise<ConsumedRecord[]> {
    let ends: Map<number, bigint>;
    try {
      const offsets = await (await this.connectedAdmin()).fetchTopicOffsets(topic);
      ends = new Map(offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, BigInt(o.high)]));
    } catch (error) {
      throw describeFailure(this.settings.brokers, error);
    }
    const records: ConsumedRecord[] = [];
    if (ends.size === 0) return records;
    const groupId = `${this.settings.clientId}-load-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    await this.consumeFromStart(
      topic,
      { groupId, isolation: 'read_committed', timeoutMs, onTimeout: 'reject' },
      (record) => {
        records.push(record);
        return false;
      },
      // Judged by batch, not by record: a transactional topic ends in a commit marker,
      // which takes an offset but is never handed over as a record.
      (partition, lastOffset) => {
        const end = ends.get(partition);
        if (end !== undefined && BigInt(lastOffset) + 1n >= end) ends.delete(partition);
        return ends.size === 0;
      },
    );
    return records;
  }

  /**
   * Consumes `topic` from the beginning with a throwaway group until `onRecord` says it
   * has enough, or the timeout passes (which resolves or rejects, as the caller wants).
   */
  private async consumeFromStart(
    topic: string,
    options: { groupId: string; isolation: Isolation; timeoutMs: number; onTimeout: 'resolve' | 'reject' },
    onRecord: (record: ConsumedRecord) => boolean,
    onBatchEnd?: (partition: number, lastOffset: string) => boolean,
  ): Promise<void> {
    const consumer: Consumer = this.client.consumer({
      groupId: options.groupId,
      readUncommitted: options.isolation === 'read_uncommitted',
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 100,
    });
    try {
      await waitForLeaders(await this.connectedAdmin(), topic);
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        if (onBatchEnd) {
          // Emitted for every batch, also one holding only control records or aborted ones.
          consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
            if (onBatchEnd(payload.partition, payload.lastOffset)) {
              clearTimeout(timer);
              resolve();
            }
          });
        }
        const timer = setTimeout(() => {
          if (options.onTimeout === 'resolve') resolve();
          else reject(new Error(`${topic} was not read to its end within ${options.timeoutMs} ms`));
        }, options.timeoutMs);
        consumer
          .run({
            eachMessage: ({ topic: from, partition, message }) => {
              const done = onRecord({ topic: from, partition, offset: message.offset, key: message.key, value: message.value, timestamp: message.timestamp, headers: textHeaders(message.headers) });
              if (done) {
                clearTimeout(timer);
                resolve();
              }
              return Promise.resolve();
            },
          })
          .catch((error: unknown) => {
            clearTimeout(timer);
            reject(error instanceof Error ? error : new Error(String(error)));
          });
      });
    } catch (error) {
      throw describeFailure(this.settings.brokers, error);
    } finally {
      await consumer.disconnect();
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.opened].map((client) => client.close()));
    this.opened.clear();
    await this.dropAdmin();
  }

  private async connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.client.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }

  private async dropAdmin(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  // kafkajs logs every failed attempt at ERROR before the failure reaches the caller
  // as an exception (and /health); to keep one line per problem they go to debug.
  private forward(entry: LogEntry): void {
    const { message, ...extra } = entry.log;
    this.logger?.debug?.(`kafka ${entry.namespace}: ${message}${extra['error'] ? ` (${String(extra['error'])})` : ''}`);
  }
}

/** How long a topic just created may take to be known to the broker, with a leader for each partition. */
const LEADERS_TIMEOUT_MS = 10_000;

/**
 * Waits until every partition of `topic` has a leader. A broker may answer that it does not
 * know a topic for a moment after creating it (its metadata cache lags the controller), and
 * kafkajs then fails a subscription or its own leader wait at once; this waits it out, so
 * creating a topic and subscribing to one just created never race.
 */
async function waitForLeaders(admin: Admin, topic: string): Promise<void> {
  const deadline = Date.now() + LEADERS_TIMEOUT_MS;
  for (;;) {
    let reason: unknown;
    try {
      const partitions = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions ?? [];
      if (partitions.length > 0 && partitions.every((p) => p.leader >= 0)) return;
      reason = `${partitions.filter((p) => p.leader < 0).length} of ${partitions.length} partition(s) have no leader`;
    } catch (error) {
      reason = error;
    }
    if (Date.now() >= deadline) {
      throw new Error(`topic ${topic} does not exist or has no leader for each partition after ${LEADERS_TIMEOUT_MS / 1000} s: ${errorMessage(reason)}`, { cause: reason });
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
