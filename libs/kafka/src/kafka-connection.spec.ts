import { createServer, type Server } from 'node:net';
import { KafkaConnection, KafkaUnavailableError } from './kafka-connection';

/** A port that was just free: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('KafkaConnection', () => {
  it('reports an unreachable cluster as KafkaUnavailableError naming the bootstrap servers', async () => {
    const port = await closedPort();
    const kafka = new KafkaConnection({ brokers: [`127.0.0.1:${port}`], clientId: 'unit', connectionTimeoutMs: 500 });
    try {
      await expect(kafka.check()).rejects.toThrow(KafkaUnavailableError);
      await expect(kafka.check()).rejects.toThrow(`Kafka at 127.0.0.1:${port} is unavailable`);
    } finally {
      await kafka.close();
    }
  });
});
