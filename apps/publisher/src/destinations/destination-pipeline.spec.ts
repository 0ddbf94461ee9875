import type { ConsumedRecord, GroupConsumerOptions, KafkaConnection, PartitionBatch, PartitionProgress, RecordProducer, TopicRecords, TopicSpec } from '@meridian/kafka';
import { configWith, mutation } from '../testing/mutations';
import { DestinationPipeline, type PipelineFigures } from './destination-pipeline';

const MUTATIONS = 'meridian.mutations';
const GROUP = 'meridian.publisher.orders';

interface Transaction {
  readonly sent: readonly TopicRecords[];
  readonly offsets: readonly { partition: number; offset: string }[];
}

/** The part of a Kafka cluster a pipeline uses, in memory; `steps` records the order of what it was asked. */
class FakeKafka {
  readonly topics = new Set([MUTATIONS, 'meridian.publisher.dead']);
  readonly committed = new Map<number, string>();
  readonly transactions: Transaction[] = [];
  readonly steps: string[] = [];
  consumer: GroupConsumerOptions | undefined;
  failNextTransaction = false;
  /** While set, a call that creates a topic answers only when it resolves (the topic already exists meanwhile, as on a broker waiting for leaders). */
  creating: Promise<void> | undefined;

  partitionCount(topic: string): Promise<number | undefined> {
    return Promise.resolve(this.topics.has(topic) ? 6 : undefined);
  }

  consume(options: GroupConsumerOptions): Promise<{ stop(): Promise<void> }> {
    this.consumer = options;
    return Promise.resolve({ stop: () => Promise.resolve() });
  }

  async createTopics(specs: readonly TopicSpec[]): Promise<string[]> {
    const created = specs.filter((s) => !this.topics.has(s.topic)).map((s) => s.topic);
    for (const topic of created) this.topics.add(topic);
    if (created.length > 0) await this.creating;
    return created;
  }

  producer(): Promise<RecordProducer> {
    this.steps.push('producer');
    const producer = {
      transaction: async (work: (scope: { send(b: readonly TopicRecords[]): Promise<void>; sendOffsets(g: string, o: { partition: number; offset: string }[]): Promise<void> }) => Promise<void>) => {
        const sent: TopicRecords[] = [];
        const offsets: { partition: number; offset: string }[] = [];
        await work({
          send: (batches) => Promise.resolve(void sent.push(...batches.filter((b) => b.records.length > 0))),
          sendOffsets: (_group, committed) => Promise.resolve(void offsets.push(...committed.map(({ partition, offset }) => ({ partition, offset })))),
        });
        if (this.failNextTransaction) {
          this.failNextTransaction = false;
          throw new Error('Connection error: connect ECONNREFUSED');
        }
        this.transactions.push({ sent, offsets });
        for (const { partition, offset } of offsets) this.committed.set(partition, offset);
      },
      endHangingTransactions: (topics: readonly string[]) => Promise.resolve(void this.steps.push(`end hanging in ${[...new Set(topics)].join(', ')}`)),
      close: () => Promise.resolve(),
    };
    return Promise.resolve(producer as unknown as RecordProducer);
  }

  groupProgress(groupId: string): Promise<PartitionProgress[]> {
    this.steps.push(`progress ${groupId}`);
    return Promise.resolve([...this.committed].map(([partition, committed]) => ({ partition, committed, start: '0', end: committed })));
  }

  /** Hands the pipeline a batch of `meridian.mutations`, as the consumer would. */
  deliver(partition: number, records: readonly ConsumedRecord[]): Promise<void> {
    if (!this.consumer) throw new Error('the pipeline is not consuming');
    const last = records.at(-1);
    const batch: PartitionBatch = { topic: MUTATIONS, partition, records, nextOffset: String(Number(last?.offset ?? -1) + 1) };
    return this.consumer.eachBatch(batch, () => Promise.resolve());
  }
}

const records = (partition: number, ids: readonly number[]): ConsumedRecord[] =>
  ids.map((id) => ({ ...mutation(id, 'orders', id), topic: MUTATIONS, partition, timestamp: '0', headers: {} }));
const idsSent = (transaction: Transaction | undefined) => transaction?.sent.flatMap((b) => b.records.map((r) => (JSON.parse(String(r.value)) as { key: { id: number } }).key.id));
const figures: PipelineFigures = { published: () => undefined, channelEvents: () => undefined, latency: () => undefined, transaction: () => undefined, deadLettered: () => undefined };

async function startedPipeline() {
  const kafka = new FakeKafka();
  const lines: string[] = [];
  const config = configWith([
    ['destination/orders', { name: 'orders', topic: 'cdc.orders' }],
    ['channel/orders', { name: 'orders', keyspace: 'shop', table: 'orders', destination: 'orders' }],
  ]);
  const pipeline = new DestinationPipeline(
    'orders',
    kafka as unknown as KafkaConnection,
    () => config,
    { mutationsTopic: MUTATIONS, groupId: GROUP, deadLetterTopic: 'meridian.publisher.dead', destinationPartitions: 6, concurrentPartitions: 6, maxEventBytes: 1024 * 1024 },
    figures,
    { log: (l) => lines.push(`log ${l}`), warn: (l) => lines.push(`warn ${l}`), error: (l) => lines.push(`error ${l}`) },
  );
  await pipeline.start();
  return { kafka, lines };
}

describe('DestinationPipeline', () => {
  it("skips, on a partition's first batch after an assignment, what the group committed, learnt after fencing the partition's producer", async () => {
    const { kafka, lines } = await startedPipeline();
    kafka.committed.set(0, '2'); // the last transaction published offsets 0 and 1
    kafka.consumer?.onAssignment?.([{ topic: MUTATIONS, partition: 0 }]);

    await kafka.deliver(0, records(0, [0, 1, 2, 3]));
    // The fresh producer ends any hanging transaction of its id: in the dead-letter topic when
    // it starts, in each topic a batch writes before the batch's own transaction.
    expect(kafka.steps).toEqual(['producer', 'end hanging in meridian.publisher.dead', `progress ${GROUP}`, 'end hanging in cdc.orders']);
    expect(idsSent(kafka.transactions[0])).toEqual([2, 3]);
    expect(kafka.transactions[0]?.offsets).toEqual([{ partition: 0, offset: '4' }]);
    expect(lines).toContain('log orders: skipped 2 record(s) of meridian.mutations/0 below its committed offset 2, committed already');

    // A batch wholly published already commits nothing: its offsets would move the group back.
    await kafka.deliver(0, records(0, [1]));
    expect(kafka.transactions).toHaveLength(1);
  });

  it('learns the committed offset again after a failed transaction, whose commit may have gone through unseen', async () => {
    const { kafka } = await startedPipeline();
    kafka.consumer?.onAssignment?.([{ topic: MUTATIONS, partition: 0 }]);
    await kafka.deliver(0, records(0, [0, 1]));
    kafka.failNextTransaction = true;
    await expect(kafka.deliver(0, records(0, [2, 3]))).rejects.toThrow('ECONNREFUSED');
    kafka.committed.set(0, '4'); // it had committed

    await kafka.deliver(0, records(0, [2, 3, 4]));
    const takeOver = ['producer', 'end hanging in meridian.publisher.dead', `progress ${GROUP}`];
    const endHanging = 'end hanging in cdc.orders';
    expect(kafka.steps).toEqual([...takeOver, endHanging, endHanging, ...takeOver, endHanging]);
    expect(kafka.transactions.map(idsSent)).toEqual([[0, 1], [4]]);
  });

  it('logs a new topic as created once when batches of two partitions race to create it, and warns only when one it used is gone', async () => {
    const { kafka, lines } = await startedPipeline();
    let created!: () => void;
    kafka.creating = new Promise((resolve) => (created = resolve));
    const first = kafka.deliver(0, records(0, [0]));
    await kafka.deliver(1, records(1, [1])); // finds the topic there, made by the first
    created();
    await first;
    expect(lines).toEqual(['log orders: created topic cdc.orders']);

    kafka.topics.delete('cdc.orders');
    kafka.failNextTransaction = true; // a transaction to a deleted topic fails
    await expect(kafka.deliver(0, records(0, [2]))).rejects.toThrow();
    await kafka.deliver(0, records(0, [2]));
    expect(lines.slice(1)).toEqual([
      'warn orders: batch of meridian.mutations/0 not committed, will be consumed again: Connection error: connect ECONNREFUSED',
      'warn orders: topic cdc.orders was deleted while in use; created it again, and the events not yet delivered go there (what it held before is gone)',
    ]);
  });
});
