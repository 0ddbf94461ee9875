import { Module } from '@nestjs/common';
import { z } from 'zod';
import { port } from '@meridian/config';
import { kafkaTransport } from '@meridian/kafka';
import { runService } from './run-service';
import { ServiceModule } from './service.module';

@Module({})
class EmptyModule {}

describe('runService', () => {
  const definition = {
    name: 'unit-service',
    summary: 'a service for tests',
    schema: z.object({ UNIT_PORT: port('HTTP port'), UNIT_NAME: z.string().describe('a name') }),
    module: () => ({ module: EmptyModule }),
    http: (config: { UNIT_PORT: number }) => ({ host: '127.0.0.1', port: config.UNIT_PORT }),
  };
  let written: string;
  let stderr: jest.SpyInstance;
  let stdout: jest.SpyInstance;

  beforeEach(() => {
    written = '';
    const capture = (chunk: string | Uint8Array) => {
      written += String(chunk);
      return true;
    };
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
    process.exitCode = undefined;
  });

  afterEach(() => {
    stderr.mockRestore();
    stdout.mockRestore();
    process.exitCode = undefined;
  });

  it('lists every bad setting and exits with code 2 without starting', async () => {
    process.env['UNIT_PORT'] = 'eighty';
    delete process.env['UNIT_NAME'];
    await runService(definition, []);
    expect(process.exitCode).toBe(2);
    expect(written).toContain('Invalid configuration for unit-service:');
    expect(written).toContain('UNIT_PORT: must be a TCP port (1-65535), got "eighty"');
    expect(written).toContain('UNIT_NAME: ');
    expect(written).not.toContain('    at '); // no stack trace
  });

  it('prints its settings with --help', async () => {
    await runService(definition, ['--help']);
    expect(process.exitCode).toBeUndefined();
    expect(written).toContain('unit-service: a service for tests');
    expect(written).toContain('UNIT_PORT  HTTP port');
  });
});

describe('runService with a microservice', () => {
  let written: string;
  const spies: jest.SpyInstance[] = [];

  beforeEach(() => {
    written = '';
    const capture = (chunk: string | Uint8Array) => {
      written += String(chunk);
      return true;
    };
    spies.push(jest.spyOn(process.stderr, 'write').mockImplementation(capture), jest.spyOn(process.stdout, 'write').mockImplementation(capture));
    spies.push(jest.spyOn(process, 'exit').mockImplementation(() => undefined as never));
    process.exitCode = undefined;
  });

  afterEach(() => {
    for (const spy of spies.splice(0)) spy.mockRestore();
    process.exitCode = undefined;
  });

  it('fails to start with exit code 1, naming the topics and Kafka, when Kafka cannot be reached in its time', async () => {
    // TCP port 1 (tcpmux) is reserved and unused: connecting to it on loopback is refused.
    const brokers = '127.0.0.1:1';
    process.env['UNIT_BROKERS'] = brokers;
    const definition = {
      name: 'unit-consumer',
      summary: 'a consumer for tests',
      schema: z.object({ UNIT_BROKERS: z.string() }),
      module: () => ServiceModule.forRoot({ name: 'unit-consumer', dc: 'dc1', config: { MERIDIAN_HEARTBEAT_MS: 60_000, MERIDIAN_STATUS_TOPIC: 'status' }, kafkaBrokers: [{ host: '127.0.0.1', port: 1 }] }),
      http: () => ({ host: '127.0.0.1', port: 0 }),
      microservice: () => ({
        options: kafkaTransport({ brokers: [brokers], clientId: 'unit', groupId: 'unit' }),
        description: 'unit.events as group unit',
        topics: [{ topic: 'unit.events', partitions: 1 }],
        topicsTimeoutMs: 1000,
      }),
    };
    await runService(definition, []);
    expect(process.exitCode).toBe(1);
    expect(written).toContain(`failed to start: cannot make sure the topics it consumes exist (unit.events): Kafka at ${brokers} is unavailable`);
  });
});
