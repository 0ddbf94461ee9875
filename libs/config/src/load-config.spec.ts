import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, describeConfig, directory, hostPortList, identifier, loadConfig, port, replicationFactors, text } from './index';

const schema = z.object({
  MERIDIAN_DC: identifier('data centre name'),
  MERIDIAN_KAFKA_BROKERS: hostPortList('Kafka bootstrap servers'),
  MERIDIAN_HTTP_PORT: port('HTTP port', 8080),
  MERIDIAN_CDC_RAW_DIR: directory('cdc_raw directory'),
});

describe('loadConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('parses and types every setting, applying defaults', () => {
    const config = loadConfig('test', schema, {
      MERIDIAN_DC: 'dc1',
      MERIDIAN_KAFKA_BROKERS: '127.0.0.11:9092, localhost:19092',
      MERIDIAN_CDC_RAW_DIR: dir,
    });
    expect(config).toEqual({
      MERIDIAN_DC: 'dc1',
      MERIDIAN_KAFKA_BROKERS: [
        { host: '127.0.0.11', port: 9092 },
        { host: 'localhost', port: 19092 },
      ],
      MERIDIAN_HTTP_PORT: 8080,
      MERIDIAN_CDC_RAW_DIR: dir,
    });
  });

  it('names every missing and invalid setting at once', () => {
    let error: unknown;
    try {
      loadConfig('cdc-reader', schema, {
        MERIDIAN_DC: '',
        MERIDIAN_KAFKA_BROKERS: '127.0.0.11:9092,nonsense',
        MERIDIAN_HTTP_PORT: '70000',
        MERIDIAN_CDC_RAW_DIR: join(dir, 'missing'),
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems[0]).toBe('MERIDIAN_DC: is required (data centre name)');
    expect(problems[1]).toContain('"nonsense" is not host:port');
    expect(problems[2]).toContain('must be a TCP port (1-65535), got "70000"');
    expect(problems[3]).toContain('does not exist');
    expect((error as ConfigError).message).toMatch(/^Invalid configuration for cdc-reader:\n {2}- MERIDIAN_DC/);
  });

  it('describes each variable with its default', () => {
    expect(describeConfig(schema)).toContain('MERIDIAN_HTTP_PORT  HTTP port [default: 8080]');
  });

  it('keeps the description of a setting given a default or made optional after it was described', () => {
    const wrapped = z.object({ TOPIC: text('the topic').default('t'), TOKEN: text('a token').optional() });
    expect(describeConfig(wrapped)).toEqual(['TOPIC  the topic [default: "t"]', 'TOKEN  a token']);
  });
});

describe('replicationFactors', () => {
  const replication = z.object({ SHOP_REPLICATION: replicationFactors('replication of the keyspace', 'dc1:1,dc2:1') });

  it('reads dc:factor pairs, with its default when unset', () => {
    expect(loadConfig('test', replication, {})).toEqual({ SHOP_REPLICATION: { dc1: 1, dc2: 1 } });
    expect(loadConfig('test', replication, { SHOP_REPLICATION: 'dc1:3, dc2:2' })).toEqual({ SHOP_REPLICATION: { dc1: 3, dc2: 2 } });
  });

  it('names each bad pair', () => {
    expect(() => loadConfig('test', replication, { SHOP_REPLICATION: 'dc1:0,dc2' })).toThrow(/"dc1:0" is not dc:factor.*\n.*"dc2" is not dc:factor/);
  });
});
