/** cassandra-rackdc.properties, read by GossipingPropertyFileSnitch. */

export interface CassandraRackdcOptions {
  readonly dc: string;
  readonly rack: string;
}

export function renderCassandraRackdc(o: CassandraRackdcOptions): string {
  return `# Rendered by Meridian (infra/src/config/cassandra-rackdc.ts).
dc=${o.dc}
rack=${o.rack}
`;
}
