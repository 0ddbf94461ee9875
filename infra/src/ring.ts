import { CassandraConnection } from '@meridian/cassandra';
import type { CassandraNodeEndpoint } from './topology';

/**
 * The peers a node has with tokens in `system.peers_v2`: the nodes it will place
 * replicas on. A peer is logged UP before it gets there, so the ring is complete only
 * when every node lists every other one here.
 */
export async function peersWithTokens(node: Pick<CassandraNodeEndpoint, 'cql' | 'dc'>): Promise<Set<string>> {
  const connection = new CassandraConnection({ contactPoints: [`${node.cql.host}:${node.cql.port}`], localDataCenter: node.dc, connectTimeoutMs: 2000 });
  try {
    const rows = await connection.execute('SELECT peer, tokens FROM system.peers_v2', [], 'LOCAL_ONE');
    return new Set(rows.filter((row) => Array.isArray(row['tokens']) && row['tokens'].length > 0).map((row) => String(row['peer'])));
  } finally {
    await connection.close();
  }
}
