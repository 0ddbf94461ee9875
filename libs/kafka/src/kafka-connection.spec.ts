import { KafkaConnection } from './kafka-connection';
import { KafkaUnavailableError } from './kafka-errors';

// TCP port 1 (tcpmux) is reserved and unused: connecting to it on loopback is refused.
const NOTHING_LISTENS = 1;

describe('KafkaConnection', () => {
  it('reports an unreachable cluster as KafkaUnavailableError naming the bootstrap servers', async () => {
    const port = NOTHING_LISTENS;
    const kafka = new KafkaConnection({ brokers: [`127.0.0.1:${port}`], clientId: 'unit', connectionTimeoutMs: 500 });
    try {
      await expect(kafka.check()).rejects.toThrow(KafkaUnavailableError);
      await expect(kafka.check()).rejects.toThrow(`Kafka at 127.0.0.1:${port} is unavailable`);
    } finally {
      await kafka.close();
    }
  });
});
