import { refusedPort } from '@meridian/testing';
import { KafkaConnection, KafkaUnavailableError } from './kafka-connection';

describe('KafkaConnection', () => {
  it('reports an unreachable cluster as KafkaUnavailableError naming the bootstrap servers', async () => {
    const port = await refusedPort();
    const kafka = new KafkaConnection({ brokers: [`127.0.0.1:${port}`], clientId: 'unit', connectionTimeoutMs: 500 });
    try {
      await expect(kafka.check()).rejects.toThrow(KafkaUnavailableError);
      await expect(kafka.check()).rejects.toThrow(`Kafka at 127.0.0.1:${port} is unavailable`);
    } finally {
      await kafka.close();
    }
  });
});
