import { CassandraConnection, CassandraUnavailableError } from './cassandra-connection';

// TCP port 1 (tcpmux) is reserved and unused: connecting to it on loopback is refused.
const NOTHING_LISTENS = 1;

describe('CassandraConnection', () => {
  it('reports an unreachable node in one line naming the node and the cause', async () => {
    const port = NOTHING_LISTENS;
    const cassandra = new CassandraConnection({ contactPoints: [`127.0.0.1:${port}`], localDataCenter: 'dc1', connectTimeoutMs: 500 });
    try {
      const error = await cassandra.check().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CassandraUnavailableError);
      expect((error as Error).message).toBe(`Cassandra at 127.0.0.1:${port} (dc1) is unavailable: 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`);
    } finally {
      await cassandra.close();
    }
  });
});
