import type { Producer } from 'kafkajs';
import { kafkaRequest, requestFailure } from './kafka-errors';

export interface OutgoingRecord {
  readonly key: string | Buffer | null;
  readonly value: string | Buffer | null;
  readonly partition?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Records for one topic. */
export interface TopicRecords {
  readonly topic: string;
  readonly records: readonly OutgoingRecord[];
}

export interface TransactionScope {
  /**
   * Sends records for any number of topics in one request per broker: each separate send
   * would cost its own round trips (adding its partitions to the transaction, producing),
   * and a batch's latency is their sum. Batches with no records are left out.
   */
  send(batches: readonly TopicRecords[]): Promise<void>;
  /** Commits a consumer group's offsets as part of the transaction (consume–transform–produce). */
  sendOffsets(groupId: string, offsets: readonly { topic: string; partition: number; offset: string }[]): Promise<void>;
}

/** The key of the records `endHangingTransactions` writes and aborts. */
const HANGING_TRANSACTION_KEY = 'meridian.end-hanging-transaction';

export class RecordProducer {
  private closed = false;
  /** Topics whose hanging transactions this producer has ended. */
  private readonly endedIn = new Set<string>();

  constructor(
    private producer: Producer | undefined,
    private readonly open: () => Promise<Producer>,
    private readonly onClose: () => void,
    private readonly partitionCount: (topic: string) => Promise<number | undefined>,
  ) {}

  /**
   * Sends the records and waits until they are acknowledged. After a failed send the next one
   * goes through a new producer: kafkajs resends a failed request with the same sequence
   * numbers, and when the broker had written it anyway (the answer was lost in a restart) the
   * broker has moved past them, so every later send of that producer fails with
   * OUT_OF_ORDER_SEQUENCE_NUMBER. A new producer id starts its sequences afresh; the records
   * may then be written twice, as any retry of an at-least-once send may.
   */
  async send(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    const producer = await this.connected();
    try {
      await producer.send({ topic, acks: -1, messages: records.map(toMessage) });
    } catch (error) {
      this.producer = undefined;
      void producer.disconnect().catch(() => undefined);
      throw requestFailure(`sending to ${topic}`, error);
    }
  }

  /**
   * Runs `work` in one Kafka transaction: committed if it resolves, aborted if it throws.
   * What `work` throws comes out as it is; Kafka's own failures as KafkaUnavailableError.
   */
  async transaction(work: (scope: TransactionScope) => Promise<void>): Promise<void> {
    const transaction = await kafkaRequest('beginning a transaction', async () => (await this.connected()).transaction());
    const scope: TransactionScope = {
      send: async (batches) => {
        const topicMessages = batches.filter((b) => b.records.length > 0).map(({ topic, records }) => ({ topic, messages: records.map(toMessage) }));
        if (topicMessages.length > 0) await kafkaRequest('sending in a transaction', () => transaction.sendBatch({ acks: -1, topicMessages }));
      },
      sendOffsets: async (groupId, offsets) => {
        const byTopic = new Map<string, { partition: number; offset: string }[]>();
        for (const { topic, partition, offset } of offsets) {
          byTopic.set(topic, [...(byTopic.get(topic) ?? []), { partition, offset }]);
        }
        await kafkaRequest(`committing ${groupId}'s offsets in a transaction`, () =>
          transaction.sendOffsets({
            consumerGroupId: groupId,
            topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
          }),
        );
      },
    };
    try {
      await work(scope);
    } catch (error) {
      await kafkaRequest('aborting a transaction', () => transaction.abort());
      throw error;
    }
    await kafkaRequest('committing a transaction', () => transaction.commit());
  }

  /**
   * Ends, as aborted, any transaction of this producer's transactional id that a partition
   * of `topics` still holds open although the broker's transaction coordinator no longer
   * knows it (a hanging transaction). After a broker restart, a partition was seen holding
   * records of an earlier epoch whose transaction the coordinator had as complete: fencing
   * found nothing to abort, and the id's next commit in that partition committed those
   * records too, a batch published twice. Until it ends, such a transaction also holds
   * every read_committed consumer of the partition back.
   *
   * One keyed record with no value goes to every partition of each topic, in a transaction
   * that is aborted: its abort marker ends whatever the id left open there. Read_committed
   * consumers never see it, and the consumer groups of Meridian commit their offsets past
   * it. Done once per topic for the life of this producer, since after fencing nothing
   * older can be written any more; call it with the topics a transaction writes before it.
   */
  async endHangingTransactions(topics: readonly string[]): Promise<void> {
    const topicMessages: { topic: string; messages: { partition: number; key: string; value: null }[] }[] = [];
    for (const topic of new Set(topics)) {
      if (this.endedIn.has(topic)) continue;
      const partitions = await this.partitionCount(topic);
      // A topic not created yet holds nothing: it is looked at again on the next call.
      if (partitions === undefined) continue;
      topicMessages.push({ topic, messages: Array.from({ length: partitions }, (_, partition) => ({ partition, key: HANGING_TRANSACTION_KEY, value: null })) });
    }
    if (topicMessages.length === 0) return;
    const what = `ending hanging transactions in ${topicMessages.map((t) => t.topic).join(', ')}`;
    const transaction = await kafkaRequest(what, async () => (await this.connected()).transaction());
    try {
      await kafkaRequest(what, () => transaction.sendBatch({ acks: -1, topicMessages }));
    } finally {
      await kafkaRequest(what, () => transaction.abort());
    }
    for (const { topic } of topicMessages) this.endedIn.add(topic);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.onClose();
    const producer = this.producer;
    this.producer = undefined;
    if (producer) await kafkaRequest('closing a producer', () => producer.disconnect());
  }

  private async connected(): Promise<Producer> {
    if (this.closed) throw new Error('this producer was closed');
    this.producer ??= await this.open();
    return this.producer;
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
