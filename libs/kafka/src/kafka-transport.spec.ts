import { ServerKafka } from '@nestjs/microservices';
import { kafkaTransport } from './kafka-transport';

describe('kafkaTransport', () => {
  const settings = { brokers: ['127.0.0.1:9092'], clientId: 'order-service-dc1', groupId: 'order-service' };

  it('gives Nest exactly the group and client ids asked for, committed records only and no topic creation', () => {
    const { options } = kafkaTransport(settings);
    expect(options).toMatchObject({
      client: { clientId: 'order-service-dc1', brokers: ['127.0.0.1:9092'] },
      consumer: { groupId: 'order-service', readUncommitted: false, allowAutoTopicCreation: false },
      subscribe: { fromBeginning: true },
      producer: { allowAutoTopicCreation: false },
    });
    // What Nest's server makes of them: without postfixId '' both ids would end in "-server".
    const server = new ServerKafka(options ?? {}) as unknown as { groupId: string; clientId: string };
    expect(server.groupId).toBe('order-service');
    expect(server.clientId).toBe('order-service-dc1');
  });

  it("writes a failure kafkajs repeats on every retry once, until another line comes", () => {
    const lines: string[] = [];
    const logger = { log: (l: string) => lines.push(`log ${l}`), warn: (l: string) => lines.push(`warn ${l}`), error: (l: string) => lines.push(`error ${l}`) };
    const logCreator = kafkaTransport({ ...settings, logger }).options?.client?.logCreator as unknown as (() => (line: object) => void) | undefined;
    if (!logCreator) throw new Error('no logCreator');
    const write = logCreator();
    const line = (level: number, message: string, error?: string) => {
      write({ level, namespace: 'Consumer', label: '', log: { timestamp: '', message, ...(error ? { error } : {}) } });
    };
    line(1, 'Crash', 'Connection refused');
    line(1, 'Crash', 'Connection refused');
    line(5, 'debug detail');
    line(4, 'Consumer has joined the group');
    line(1, 'Crash', 'Connection refused');
    expect(lines).toEqual([
      'error kafka Consumer: Crash (Connection refused)',
      'log kafka Consumer: Consumer has joined the group',
      'error kafka Consumer: Crash (Connection refused)',
    ]);
  });
});
