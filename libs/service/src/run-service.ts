import 'reflect-metadata';
import { ConfigError, describeConfig, type EnvSchema, loadConfig } from '@meridian/config';
import { type DynamicModule, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { z } from 'zod';

export interface ServiceDefinition<S extends EnvSchema> {
  readonly name: string;
  readonly summary: string;
  readonly schema: S;
  readonly module: (config: z.output<S>) => DynamicModule;
  readonly http: (config: z.output<S>) => { host: string; port: number };
}

/** Exit codes: 0 clean stop, 1 runtime failure, 2 bad configuration. */
const EXIT_RUNTIME = 1;
const EXIT_CONFIG = 2;

/**
 * Starts a service: `--help` lists its settings; bad configuration prints every problem
 * and exits 2; otherwise the Nest application listens and stops cleanly on SIGINT/SIGTERM.
 */
export async function runService<S extends EnvSchema>(definition: ServiceDefinition<S>, argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${definition.name}: ${definition.summary}\n\nConfigured by environment variables:\n${describeConfig(definition.schema).map((l) => `  ${l}`).join('\n')}\n`);
    return;
  }
  const logger = new Logger(definition.name);
  let config: z.output<S>;
  try {
    config = loadConfig(definition.name, definition.schema);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\nRun with --help to list every setting.\n`);
    process.exitCode = EXIT_CONFIG;
    return;
  }
  const { host, port } = definition.http(config);
  try {
    const app = await NestFactory.create(definition.module(config), { logger: ['log', 'warn', 'error'], abortOnError: false });
    app.enableShutdownHooks();
    await app.listen(port, host);
    logger.log(`listening on http://${host}:${port} (GET /health, GET /metrics)`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    const reason = code === 'EADDRINUSE' ? `port ${host}:${port} is already in use (set MERIDIAN_HTTP_PORT)` : error instanceof Error ? error.message : String(error);
    logger.error(`failed to start: ${reason}`);
    process.exitCode = EXIT_RUNTIME;
    process.exit();
  }
}
