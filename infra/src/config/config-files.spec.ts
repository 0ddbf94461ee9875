import { renderCassandraYaml } from './cassandra-yaml';
import { renderCassandraRackdc } from './cassandra-rackdc';
import { renderKafkaProperties } from './kafka-properties';
import { renderCassandraLogback } from './cassandra-logback';
import { renderKafkaLog4j2 } from './kafka-log4j2';
import { cassandraOptionProblems, type CassandraOptions } from '../topology';

const yamlOptions = {
  clusterName: 'meridian',
  initialToken: '-4611686018427387904',
  seeds: ['127.0.0.11:7000', '127.0.0.21:7000'],
  listenAddress: '127.0.0.11',
  rpcAddress: '127.0.0.11',
  broadcastAddress: '127.0.0.11',
  cqlPort: 9042,
  storagePort: 7000,
  dataDir: '/w/cassandra/dc1-n1',
};

/** Top-level `key: value` pairs (enough for the flat keys checked here). */
function topLevel(yaml: string): Map<string, string> {
  return new Map([...yaml.matchAll(/^([a-z_]+): ?(.*)$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']));
}

/** key=value pairs of a properties file. */
function properties(text: string): Map<string, string> {
  return new Map([...text.matchAll(/^([^#\s][^=]*)=(.*)$/gm)].map((m) => [(m[1] ?? '').trim(), (m[2] ?? '').trim()]));
}

describe('renderCassandraYaml', () => {
  it('places every directory under the data dir and turns CDC on with group commit', () => {
    const keys = topLevel(renderCassandraYaml(yamlOptions));
    expect(keys.get('commitlog_directory')).toBe('"/w/cassandra/dc1-n1/commitlog"');
    expect(keys.get('cdc_raw_directory')).toBe('"/w/cassandra/dc1-n1/cdc_raw"');
    expect(keys.get('hints_directory')).toBe('"/w/cassandra/dc1-n1/hints"');
    expect(keys.get('saved_caches_directory')).toBe('"/w/cassandra/dc1-n1/saved_caches"');
    expect(keys.get('cdc_enabled')).toBe('true');
    expect(keys.get('commitlog_sync')).toBe('group');
    expect(keys.get('commitlog_sync_group_window')).toBe('10ms');
    expect(keys.has('commitlog_sync_period')).toBe(false);
    expect(keys.get('num_tokens')).toBe('1');
    expect(keys.get('initial_token')).toBe('-4611686018427387904');
    expect(keys.get('auto_bootstrap')).toBe('false');
    expect(keys.get('storage_compatibility_mode')).toBe('CASSANDRA_4');
  });

  it('lists the seeds as one comma-separated string', () => {
    expect(renderCassandraYaml(yamlOptions)).toContain('- seeds: "127.0.0.11:7000,127.0.0.21:7000"');
  });

  it('refuses a group window that Cassandra would reject', () => {
    expect(() => renderCassandraYaml({ ...yamlOptions, commitlogSyncGroupWindowMs: 0 })).toThrow(RangeError);
  });

  it('writes the storage compatibility mode asked for', () => {
    expect(topLevel(renderCassandraYaml({ ...yamlOptions, storageCompatibilityMode: 'NONE' })).get('storage_compatibility_mode')).toBe('NONE');
    expect(topLevel(renderCassandraYaml({ ...yamlOptions, storageCompatibilityMode: 'CASSANDRA_4' })).get('storage_compatibility_mode')).toBe('CASSANDRA_4');
    const bad = { ...yamlOptions, storageCompatibilityMode: 'CASSANDRA_3' } as unknown as Parameters<typeof renderCassandraYaml>[0];
    expect(() => renderCassandraYaml(bad)).toThrow(/unknown storage compatibility mode "CASSANDRA_3"/);
  });

  it('leaves the commit log uncompressed unless a compressor is asked for', () => {
    expect(renderCassandraYaml(yamlOptions)).not.toContain('commitlog_compression');
  });

  it.each([
    ['LZ4', 'LZ4Compressor'],
    ['Snappy', 'SnappyCompressor'],
    ['Deflate', 'DeflateCompressor'],
    ['Zstd', 'ZstdCompressor'],
  ] as const)('renders %s commit log compression as a one-entry ParameterizedClass list', (compression, className) => {
    const yaml = renderCassandraYaml({ ...yamlOptions, commitlogCompression: compression });
    expect(yaml).toContain(`\ncommitlog_compression:\n  - class_name: ${className}\n`);
    // The next top-level key follows on its own line: the list belongs to commitlog_compression only.
    const keys = topLevel(yaml);
    expect(keys.get('commitlog_compression')).toBe('');
    expect(keys.get('data_file_directories')).toBe('');
  });

  it('refuses a compressor Cassandra does not ship', () => {
    const bad = { ...yamlOptions, commitlogCompression: 'Brotli' } as unknown as Parameters<typeof renderCassandraYaml>[0];
    expect(() => renderCassandraYaml(bad)).toThrow(/unknown commit log compression "Brotli"/);
  });
});

describe('cassandraOptionProblems', () => {
  it('accepts no options and every known value', () => {
    expect(cassandraOptionProblems(undefined)).toEqual([]);
    expect(cassandraOptionProblems({ storageCompatibilityMode: 'NONE', commitlogCompression: 'Zstd' })).toEqual([]);
  });

  it('names each bad value', () => {
    const bad = { storageCompatibilityMode: 'UPGRADING', commitlogCompression: 'lz4' } as unknown as CassandraOptions;
    expect(cassandraOptionProblems(bad)).toEqual([
      'cassandra.storageCompatibilityMode must be one of CASSANDRA_4, NONE, got "UPGRADING"',
      'cassandra.commitlogCompression must be one of LZ4, Snappy, Deflate, Zstd, got "lz4"',
    ]);
  });
});

describe('renderCassandraRackdc', () => {
  it('names the DC and rack', () => {
    expect(properties(renderCassandraRackdc({ dc: 'dc2', rack: 'rack1' }))).toEqual(
      new Map([
        ['dc', 'dc2'],
        ['rack', 'rack1'],
      ]),
    );
  });
});

describe('renderKafkaProperties', () => {
  const base = { nodeId: 1, listener: { host: '127.0.0.11', port: 9092 }, controller: { host: '127.0.0.11', port: 9093 }, logDir: '/w/kafka/dc1/data' };

  it('makes a combined broker and controller with single-replica internal topics', () => {
    const p = properties(renderKafkaProperties(base));
    expect(p.get('process.roles')).toBe('broker,controller');
    expect(p.get('controller.quorum.bootstrap.servers')).toBe('127.0.0.11:9093');
    expect(p.get('listeners')).toBe('PLAINTEXT://127.0.0.11:9092,CONTROLLER://127.0.0.11:9093');
    for (const key of ['offsets.topic.replication.factor', 'transaction.state.log.replication.factor', 'transaction.state.log.min.isr']) {
      expect(p.get(key)).toBe('1');
    }
    expect(p.get('group.initial.rebalance.delay.ms')).toBe('0');
  });

  it('adds a second listener advertised under another name', () => {
    const p = properties(
      renderKafkaProperties({ ...base, extraListener: { name: 'INTERNAL', bind: { host: '0.0.0.0', port: 19092 }, advertised: { host: 'kafka-dc1', port: 19092 } } }),
    );
    expect(p.get('listeners')).toBe('PLAINTEXT://127.0.0.11:9092,CONTROLLER://127.0.0.11:9093,INTERNAL://0.0.0.0:19092');
    expect(p.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.11:9092,CONTROLLER://127.0.0.11:9093,INTERNAL://kafka-dc1:19092');
    expect(p.get('listener.security.protocol.map')).toBe('PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,INTERNAL:PLAINTEXT');
  });

  it('refuses a second listener named like a built-in one', () => {
    const extraListener = { name: 'CONTROLLER', bind: { host: '0.0.0.0', port: 1 }, advertised: { host: 'x', port: 1 } };
    expect(() => renderKafkaProperties({ ...base, extraListener })).toThrow(RangeError);
  });
});

describe('logging configurations', () => {
  it('write to the given file', () => {
    expect(renderCassandraLogback({ file: '/w/a&b/logs/system.log' })).toContain('<file>/w/a&amp;b/logs/system.log</file>');
    expect(properties(renderKafkaLog4j2({ file: '/w/kafka/dc1/logs/server.log' })).get('appender.server.fileName')).toBe('/w/kafka/dc1/logs/server.log');
  });
});
