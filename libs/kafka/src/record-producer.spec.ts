import { KafkaJSError } from 'kafkajs';
import { KafkaUnavailableError } from './kafka-errors';
import { RecordProducer } from './record-producer';

/** A kafkajs producer double: each send answers with the next outcome given, and counts its calls. */
function fakeProducer(outcomes: (Error | undefined)[]) {
  const calls = { sends: 0, disconnects: 0, transactions: [] as { sent: { topic: string; partitions: number[]; keys: string[] }[]; ended: string }[] };
  const producer = {
    transaction: () => {
      const record = { sent: [] as { topic: string; partitions: number[]; keys: string[] }[], ended: 'open' };
      calls.transactions.push(record);
      return Promise.resolve({
        sendBatch: ({ topicMessages }: { topicMessages: { topic: string; messages: { partition: number; key: string }[] }[] }) => {
          for (const { topic, messages } of topicMessages) record.sent.push({ topic, partitions: messages.map((m) => m.partition), keys: [...new Set(messages.map((m) => m.key))] });
          return Promise.resolve([]);
        },
        abort: () => Promise.resolve(void (record.ended = 'aborted')),
        commit: () => Promise.resolve(void (record.ended = 'committed')),
      });
    },
    send: () => {
      calls.sends++;
      const outcome = outcomes.shift();
      return outcome ? Promise.reject(outcome) : Promise.resolve([]);
    },
    disconnect: () => {
      calls.disconnects++;
      return Promise.resolve();
    },
  };
  return { producer: producer as unknown as NonNullable<ConstructorParameters<typeof RecordProducer>[0]>, calls };
}

describe('RecordProducer', () => {
  it('sends through a new producer after a send failed, so a broken sequence does not fail every later send', async () => {
    const first = fakeProducer([new Error('The broker received an out of order sequence number'), new Error('the same again')]);
    const second = fakeProducer([undefined]);
    let opened = 0;
    const producer = new RecordProducer(first.producer, () => {
      opened++;
      return Promise.resolve(second.producer);
    }, () => undefined, () => Promise.resolve(1));

    await expect(producer.send('t', [{ key: 'k', value: 'v' }])).rejects.toThrow('out of order sequence');
    await producer.send('t', [{ key: 'k', value: 'v' }]);

    expect({ opened, firstSends: first.calls.sends, firstDisconnects: first.calls.disconnects, secondSends: second.calls.sends }).toEqual({ opened: 1, firstSends: 1, firstDisconnects: 1, secondSends: 1 });
  });

  it('keeps its producer while sends succeed, and refuses to send once closed', async () => {
    const only = fakeProducer([undefined, undefined]);
    let opened = 0;
    const producer = new RecordProducer(only.producer, () => {
      opened++;
      return Promise.resolve(only.producer);
    }, () => undefined, () => Promise.resolve(1));
    await producer.send('t', [{ key: 'a', value: '1' }]);
    await producer.send('t', [{ key: 'b', value: '2' }]);
    await producer.close();
    await expect(producer.send('t', [{ key: 'c', value: '3' }])).rejects.toThrow('closed');
    expect({ opened, sends: only.calls.sends, disconnects: only.calls.disconnects }).toEqual({ opened: 0, sends: 2, disconnects: 1 });
  });

  it('ends hanging transactions with one aborted transaction over every partition of each topic, once per topic', async () => {
    const only = fakeProducer([]);
    const partitions: Record<string, number> = { mutations: 3, 'dead-letter': 1 };
    const producer = new RecordProducer(only.producer, () => Promise.resolve(only.producer), () => undefined, (topic) => Promise.resolve(partitions[topic]));

    await producer.endHangingTransactions(['mutations', 'dead-letter', 'mutations']);
    await producer.endHangingTransactions(['dead-letter', 'mutations']);
    // A topic that does not exist yet holds nothing to end; once it exists, it is done too.
    await producer.endHangingTransactions(['mutations', 'missing']);
    partitions['missing'] = 2;
    await producer.endHangingTransactions(['missing']);

    expect(only.calls.transactions).toEqual([
      {
        sent: [
          { topic: 'mutations', partitions: [0, 1, 2], keys: ['meridian.end-hanging-transaction'] },
          { topic: 'dead-letter', partitions: [0], keys: ['meridian.end-hanging-transaction'] },
        ],
        ended: 'aborted',
      },
      { sent: [{ topic: 'missing', partitions: [0, 1], keys: ['meridian.end-hanging-transaction'] }], ended: 'aborted' },
    ]);
  });

  it("wraps Kafka's own failures, saying what failed, with kafkajs' error as the cause, and lets other errors through", async () => {
    const kafkajsError = new KafkaJSError('The producer attempted to use an old epoch', { retriable: false });
    const only = fakeProducer([kafkajsError]);
    const producer = new RecordProducer(only.producer, () => Promise.resolve(only.producer), () => undefined, () => Promise.resolve(1));

    const failure = await producer.send('t', [{ key: 'k', value: 'v' }]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KafkaUnavailableError);
    expect(failure).toMatchObject({ message: 'sending to t failed: The producer attempted to use an old epoch', retriable: false, cause: kafkajsError });

    const mine = new Error('abort this one');
    await expect(producer.transaction(() => Promise.reject(mine))).rejects.toBe(mine);
  });
});
