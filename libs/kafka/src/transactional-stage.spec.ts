import type { GroupConsumerOptions, PartitionBatch } from './group-member';
import type { PartitionProgress } from './kafka-connection';
import type { RecordProducer, TopicRecords } from './record-producer';
import { type StageKafka, type StageOutput, TransactionalStage, type TransactionalStageOptions } from './transactional-stage';

const INPUT = 'in';
const GROUP = 'g';

/** Kafka as a stage sees it, in memory: `steps` records what it was asked, in order. */
class FakeKafka implements StageKafka {
  readonly steps: string[] = [];
  readonly committed = new Map<number, string>();
  readonly transactions: { id: string; sent: TopicRecords[]; offsets: string[] }[] = [];
  failNextTransaction = false;
  options: GroupConsumerOptions | undefined;

  consume(options: GroupConsumerOptions) {
    this.options = options;
    return Promise.resolve({ stop: () => Promise.resolve() });
  }

  producer({ transactionalId }: { transactionalId: string }): Promise<RecordProducer> {
    this.steps.push(`producer ${transactionalId}`);
    const producer = {
      endHangingTransactions: (topics: readonly string[]) => Promise.resolve(void this.steps.push(`end hanging ${transactionalId} in ${topics.join(', ')}`)),
      transaction: async (work: (scope: { send(b: readonly TopicRecords[]): Promise<void>; sendOffsets(g: string, o: { partition: number; offset: string }[]): Promise<void> }) => Promise<void>) => {
        const sent: TopicRecords[] = [];
        const offsets: string[] = [];
        await work({
          send: (batches) => Promise.resolve(void sent.push(...batches)),
          sendOffsets: (_group, committed) => Promise.resolve(void offsets.push(...committed.map((c) => `${c.partition}@${c.offset}`))),
        });
        if (this.failNextTransaction) {
          this.failNextTransaction = false;
          throw new Error('the broker went away');
        }
        this.transactions.push({ id: transactionalId, sent, offsets });
      },
      close: () => Promise.resolve(void this.steps.push(`close ${transactionalId}`)),
    };
    return Promise.resolve(producer as unknown as RecordProducer);
  }

  groupProgress(groupId: string): Promise<PartitionProgress[]> {
    this.steps.push(`progress ${groupId}`);
    return Promise.resolve([...this.committed].map(([partition, committed]) => ({ partition, committed, start: '0', end: '100' })));
  }

  assign(partitions: number[]): void {
    this.options?.onAssignment?.(partitions.map((partition) => ({ topic: INPUT, partition })));
  }

  deliver(partition: number, offsets: number[]): Promise<void> {
    const records = offsets.map((o) => ({ topic: INPUT, partition, offset: String(o), key: Buffer.from(`k${o}`), value: Buffer.from(`v${o}`), timestamp: '0', headers: {} }));
    const options = this.options;
    if (!options) throw new Error('not consuming');
    return options.eachBatch({ topic: INPUT, partition, records, nextOffset: String((offsets.at(-1) ?? 0) + 1) }, () => Promise.resolve());
  }
}

async function startedStage(overrides: Partial<TransactionalStageOptions<StageOutput>> = {}) {
  const kafka = new FakeKafka();
  const calls: string[] = [];
  const stage = new TransactionalStage<StageOutput>(kafka, {
    groupId: GROUP,
    input: INPUT,
    deadLetterTopic: 'dead',
    deadLetterHeaders: { 'meridian.destination': 'd' },
    concurrentPartitions: 2,
    writesTo: ['out'],
    takeOver: (partitions) => Promise.resolve(void calls.push(`take over ${partitions.join(', ')}`)),
    transform: (batch: PartitionBatch): Promise<StageOutput> =>
      Promise.resolve({
        records: [{ topic: 'out', records: batch.records.filter((r) => r.offset !== '13').map((r) => ({ key: r.key, value: r.value })) }],
        deadLetters: batch.records.filter((r) => r.offset === '13').map((record) => ({ record, reason: 'unlucky' })),
      }),
    committed: (batch) => calls.push(`committed ${batch.partition}: ${batch.records.map((r) => r.offset).join(', ')}`),
    failed: (batch) => calls.push(`failed ${batch.partition}`),
    log: { log: (line) => calls.push(line), warn: (line) => calls.push(line), error: (line) => calls.push(line) },
    ...overrides,
  });
  await stage.start();
  return { kafka, calls, stage };
}

describe('TransactionalStage', () => {
  it('takes the assigned partitions over at once, fencing and ending hanging transactions first, and skips what the group committed', async () => {
    const { kafka, calls } = await startedStage();
    kafka.committed.set(0, '11');
    kafka.assign([0, 1]);

    await Promise.all([kafka.deliver(0, [10, 11, 12]), kafka.deliver(1, [5])]);

    expect(kafka.steps).toEqual(['producer g-in-0', 'producer g-in-1', 'end hanging g-in-0 in out, dead', 'end hanging g-in-1 in out, dead', `progress ${GROUP}`, 'end hanging g-in-0 in out', 'end hanging g-in-1 in out']);
    expect(calls).toEqual(['take over 0, 1', 'skipped 1 record(s) of in/0 below its committed offset 11, committed already', 'committed 0: 11, 12', 'committed 1: 5']);
    expect(kafka.transactions.map((t) => [t.id, t.offsets])).toEqual([
      ['g-in-0', ['0@13']],
      ['g-in-1', ['1@6']],
    ]);
  });

  it('sends refused records to the dead-letter topic with the reason, the source and its own headers, in the same transaction', async () => {
    const { kafka } = await startedStage();
    kafka.assign([0]);
    await kafka.deliver(0, [12, 13]);
    const [transaction] = kafka.transactions;
    expect(transaction?.sent.map((b) => [b.topic, b.records.map((r) => r.value?.toString())])).toEqual([
      ['out', ['v12']],
      ['dead', ['v13']],
    ]);
    expect(transaction?.sent[1]?.records[0]?.headers).toEqual({ 'meridian.destination': 'd', 'meridian.reason': 'unlucky', 'meridian.source': 'in/0@13' });
  });

  it('after a failed transaction closes its producer, and takes the partition over again before its next batch', async () => {
    const { kafka, calls } = await startedStage();
    kafka.assign([0]);
    await kafka.deliver(0, [1]);
    kafka.failNextTransaction = true;
    await expect(kafka.deliver(0, [2, 3])).rejects.toThrow('the broker went away');
    kafka.committed.set(0, '4'); // it had committed after all

    await kafka.deliver(0, [2, 3, 4]);

    expect(kafka.steps.filter((s) => !s.startsWith('end hanging'))).toEqual(['producer g-in-0', `progress ${GROUP}`, 'close g-in-0', 'producer g-in-0', `progress ${GROUP}`]);
    expect(calls.filter((c) => !c.startsWith('skipped'))).toEqual(['take over 0', 'committed 0: 1', 'failed 0', 'take over 0', 'committed 0: 4']);
  });

  it('refuses to drop a refused record when it has no dead-letter topic', async () => {
    const { kafka } = await startedStage({ deadLetterTopic: undefined });
    kafka.assign([0]);
    await expect(kafka.deliver(0, [13])).rejects.toThrow('1 record(s) refused, and this stage has no dead-letter topic: unlucky');
    expect(kafka.transactions).toEqual([]);
  });
});
