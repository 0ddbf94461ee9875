import { serviceInstances } from './services';
import type { TopologyEndpoints } from './topology';

const endpoints: TopologyEndpoints = {
  driver: 'local',
  workdir: '/w',
  cassandraVersion: '5.0.9',
  kafkaVersion: '4.3.1',
  cassandra: [
    { name: 'dc1-n1', dc: 'dc1', cql: { host: '127.0.0.11', port: 9042 }, broadcastAddress: '127.0.0.11', dataDir: '/w/a', cdcRawDir: '/w/a/cdc_raw', logFile: '/w/a/l' },
    { name: 'dc1-n2', dc: 'dc1', cql: { host: '127.0.0.12', port: 9042 }, broadcastAddress: '127.0.0.12', dataDir: '/w/b', cdcRawDir: '/w/b/cdc_raw', logFile: '/w/b/l' },
    { name: 'dc2-n1', dc: 'dc2', cql: { host: '127.0.0.21', port: 9042 }, broadcastAddress: '127.0.0.21', dataDir: '/w/c', cdcRawDir: '/w/c/cdc_raw', logFile: '/w/c/l' },
  ],
  kafka: [
    { dc: 'dc1', bootstrap: '127.0.0.11:9092', logFile: '/w/k1' },
    { dc: 'dc2', bootstrap: '127.0.0.21:9092', logFile: '/w/k2' },
  ],
};

describe('serviceInstances', () => {
  it("configures one cdc-reader per node of the DC, each pinned to its own node's CQL and cdc_raw", () => {
    const readers = serviceInstances(endpoints, 'dc1').filter((s) => s.service === 'cdc-reader');
    expect(readers.map((r) => [r.node, r.env['MERIDIAN_CASSANDRA_CONTACT_POINTS'], r.env['MERIDIAN_CDC_RAW_DIR']])).toEqual([
      ['dc1-n1', '127.0.0.11:9042', '/w/a/cdc_raw'],
      ['dc1-n2', '127.0.0.12:9042', '/w/b/cdc_raw'],
    ]);
  });

  it("points every service at its own DC's Kafka and nodes only", () => {
    for (const instance of serviceInstances(endpoints, 'dc2')) {
      expect(instance.env['MERIDIAN_DC']).toBe('dc2');
      expect(instance.env['MERIDIAN_KAFKA_BROKERS']).toBe('127.0.0.21:9092');
      if (instance.env['MERIDIAN_CASSANDRA_CONTACT_POINTS'] !== undefined) expect(instance.env['MERIDIAN_CASSANDRA_CONTACT_POINTS']).toBe('127.0.0.21:9042');
    }
  });

  it('gives every service of both DCs its own HTTP port', () => {
    const ports = [...serviceInstances(endpoints, 'dc1'), ...serviceInstances(endpoints, 'dc2')].map((s) => s.httpPort);
    expect(new Set(ports).size).toBe(ports.length);
    expect(ports).toHaveLength(7 + 6);
  });
});
