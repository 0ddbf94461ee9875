import { componentNames, findComponent, InfraError } from './topology';

describe('findComponent', () => {
  const node = (name: string, dc: 'dc1' | 'dc2') => ({ name, dc, cql: { host: '127.0.0.1', port: 9042 }, broadcastAddress: name, dataDir: '/d', cdcRawDir: '/d/cdc_raw', logFile: '/d/l' });
  const topology = {
    workdir: '/w',
    cassandra: [node('dc1-n1', 'dc1'), node('dc2-n1', 'dc2')],
    kafka: [{ dc: 'dc1' as const, bootstrap: '127.0.0.1:1', logFile: '/k1' }, { dc: 'dc2' as const, bootstrap: '127.0.0.1:2', logFile: '/k2' }],
  };

  it('knows nodes and brokers by the names status reports', () => {
    expect(componentNames(topology)).toEqual(['dc1-n1', 'dc2-n1', 'kafka-dc1', 'kafka-dc2']);
    expect(findComponent(topology, 'dc2-n1')).toEqual({ kind: 'cassandra', node: topology.cassandra[1] });
    expect(findComponent(topology, 'kafka-dc2')).toEqual({ kind: 'kafka', broker: topology.kafka[1] });
  });

  it('lists the valid names for an unknown one', () => {
    expect(() => findComponent(topology, 'dc1-n2')).toThrow(InfraError);
    expect(() => findComponent(topology, 'dc1-n2')).toThrow('no component "dc1-n2" in the topology in /w; it has dc1-n1, dc2-n1, kafka-dc1, kafka-dc2');
  });
});
