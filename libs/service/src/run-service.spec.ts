import { Module } from '@nestjs/common';
import { z } from 'zod';
import { port } from '@meridian/config';
import { runService } from './run-service';

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
