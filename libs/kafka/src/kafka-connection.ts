import {
  type Admin,
  type Consumer,
  type Kafka as KafkaClient,
  Kafka,
  KafkaJSError,
  logLevel,
  type LogEntry,
  Partitioners,
  type Producer,
} from 'kafkajs';
import type { Logger } from '@meridian/contracts';

export interface KafkaSettings {
  /** Bootstrap servers, `host:port`. */
  readonly brokers: readonly string[];
  /** Names this process in broker logs and quotas, e.g. `cdc-reader-dc1-n1`. */
  readonly clientId: string;
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
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

export interface OutgoingRecord {
  readonly key: string | Buffer | null;
  readonly value: string | Buffer | null;
  readonly partition?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: string;
}

export type Isolation = 'read_committed' | 'read_uncommitted';

/** Raised when the cluster cannot be reached or answers with an error; `retriable` follows the broker's own classification. */
export class KafkaUnavailableError extends Error {
  constructor(
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KafkaUnavailableError';
  }
}

function describeFailure(brokers: readonly string[], error: unknown): KafkaUnavailableError {
  const reason = error instanceof Error ? error.message : String(error);
  const retriable = error instanceof KafkaJSError ? error.retriable : true;
  return new KafkaUnavailableError(`Kafka at ${brokers.join(',')} is unavailable: ${reason}`, retriable, { cause: error });
}

/**
 * The one place that talks to Kafka. Callers get Meridian-shaped records and errors,
 * never kafkajs types, so the client can be swapped without touching them.
 */
export class KafkaConnection {
  private readonly client: KafkaClient;
  private admin: Admin | undefined;
  private readonly opened = new Set<{ disconnect(): Promise<void> }>();

  constructor(
    private readonly settings: KafkaSettings,
    private readonly logger?: Logger,
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

  /** Creates the topics that do not exist yet; existing ones are left as they are. */
  async createTopics(specs: readonly TopicSpec[]): Promise<void> {
    try {
      const admin = await this.connectedAdmin();
      await admin.createTopics({
        waitForLeaders: true,
        topics: specs.map((spec) => ({
          topic: spec.topic,
          numPartitions: spec.partitions,
          replicationFactor: -1,
          configEntries: [
            ...(spec.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : []),
            ...(spec.maxMessageBytes === undefined ? [] : [{ name: 'max.message.bytes', value: String(spec.maxMessageBytes) }]),
          ],
        })),
      });
    } catch (error) {
      throw describeFailure(this.settings.brokers, error);
    }
  }


  /** An idempotent producer; with `transactionalId`, also transactional (see TransactionalProducer). */
  async producer(options: { transactionalId?: string } = {}): Promise<RecordProducer> {
    const producer = this.client.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      ...(options.transactionalId === undefined ? {} : { transactionalId: options.transactionalId }),
    });
    try {
      await producer.connect();
    } catch (error) {
      throw describeFailure(this.settings.brokers, error);
    }
    this.opened.add(producer);
    return new RecordProducer(producer, () => this.opened.delete(producer));
  }

  /**
   * Reads a topic from the beginning until `count` records arrived or `timeoutMs`
   * passed, with the given isolation. Uses a throwaway consumer group.
   */
  async readTopic(topic: string, options: { count: number; timeoutMs: number; isolation: Isolation; groupId: string }): Promise<ConsumedRecord[]> {
    const records: ConsumedRecord[] = [];
    await this.consumeFromStart(topic, { groupId: options.groupId, isolation: options.isolation, timeoutMs: options.timeoutMs, onTimeout: 'resolve' }, (record) => {
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
    await this.consumeFromStart(topic, { groupId, isolation: 'read_committed', timeoutMs, onTimeout: 'reject' }, (record) => {
      records.push(record);
      const end = ends.get(record.partition);
      if (end !== undefined && BigInt(record.offset) + 1n >= end) ends.delete(record.partition);
      return ends.size === 0;
    });
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
  ): Promise<void> {
    const consumer: Consumer = this.client.consumer({
      groupId: options.groupId,
      readUncommitted: options.isolation === 'read_uncommitted',
      maxWaitTimeInMs: 100,
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          if (options.onTimeout === 'resolve') resolve();
          else reject(new Error(`${topic} was not read to its end within ${options.timeoutMs} ms`));
        }, options.timeoutMs);
        consumer
          .run({
            eachMessage: ({ topic: from, partition, message }) => {
              const done = onRecord({ topic: from, partition, offset: message.offset, key: message.key, value: message.value, timestamp: message.timestamp });
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
    await Promise.allSettled([...this.opened].map((client) => client.disconnect()));
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

export interface TransactionScope {
  send(topic: string, records: readonly OutgoingRecord[]): Promise<void>;
  /** Commits a consumer group's offsets as part of the transaction (consume–transform–produce). */
  sendOffsets(groupId: string, offsets: readonly { topic: string; partition: number; offset: string }[]): Promise<void>;
}

export class RecordProducer {
  constructor(
    private readonly producer: Producer,
    private readonly onClose: () => void,
  ) {}

  async send(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    await this.producer.send({ topic, acks: -1, messages: records.map(toMessage) });
  }

  /** Runs `work` in one Kafka transaction: committed if it resolves, aborted if it throws. */
  async transaction(work: (scope: TransactionScope) => Promise<void>): Promise<void> {
    const transaction = await this.producer.transaction();
    const scope: TransactionScope = {
      send: async (topic, records) => {
        await transaction.send({ topic, acks: -1, messages: records.map(toMessage) });
      },
      sendOffsets: async (groupId, offsets) => {
        const byTopic = new Map<string, { partition: number; offset: string }[]>();
        for (const { topic, partition, offset } of offsets) {
          byTopic.set(topic, [...(byTopic.get(topic) ?? []), { partition, offset }]);
        }
        await transaction.sendOffsets({
          consumerGroupId: groupId,
          topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
        });
      },
    };
    try {
      await work(scope);
    } catch (error) {
      await transaction.abort();
      throw error;
    }
    await transaction.commit();
  }

  async close(): Promise<void> {
    this.onClose();
    await this.producer.disconnect();
  }
}

function toMessage(record: OutgoingRecord) {
  return {
    key: record.key,
    value: record.value,
    ...(record.partition === undefined ? {} : { partition: record.partition }),
    ...(record.headers === undefined ? {} : { headers: { ...record.headers } }),
  };
}
