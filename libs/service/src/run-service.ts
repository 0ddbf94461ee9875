import 'reflect-metadata';
import { ConfigError, describeConfig, type EnvSchema, loadConfig } from '@meridian/config';
import { type DynamicModule, type INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { KafkaConnection, KafkaUnavailableError, type TopicSpec } from '@meridian/kafka';
import type { z } from 'zod';
import { Backoff } from './events/retry-loop';
import { FailureNotice } from './failure-notice';
import { errorMessage } from '@meridian/contracts';

/** A transport the service consumes from beside its HTTP server, e.g. Kafka for `@EventPattern` handlers (see kafkaTransport). */
export interface MicroserviceDefinition {
  readonly options: MicroserviceOptions;
  /** Names what it consumes in the log, e.g. `shop.orders as group inventory-service`. */
  readonly description: string;
  /**
   * Kafka topics it subscribes to, created when missing before it starts: Nest's Kafka
   * server subscribes once, at start, and does not read a topic that did not exist then.
   */
  readonly topics?: readonly TopicSpec[];
  /** How long a Kafka that is away or answers with retriable errors is waited for before the service gives up starting (60 s). */
  readonly topicsTimeoutMs?: number;
}

export interface ServiceDefinition<S extends EnvSchema> {
  readonly name: string;
  readonly summary: string;
  readonly schema: S;
  readonly module: (config: z.output<S>) => DynamicModule;
  readonly http: (config: z.output<S>) => { host: string; port: number };
  /** Consumes events too: connected as a hybrid application, started once the HTTP server listens. */
  readonly microservice?: (config: z.output<S>) => MicroserviceDefinition;
}

/** Exit codes: 0 clean stop, 1 runtime failure, 2 bad configuration. */
const EXIT_RUNTIME = 1;
const EXIT_CONFIG = 2;
const CLOSE_TIMEOUT_MS = 5000;
const DEFAULT_TOPICS_TIMEOUT_MS = 60_000;

/**
 * Starts a service: `--help` lists its settings; bad configuration prints every problem
 * and exits 2; otherwise the Nest application listens, starts its microservice if it has
 * one, and stops cleanly on SIGINT/SIGTERM. A failure to start exits 1 with the reason.
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
  let app: INestApplication | undefined;
  try {
    app = await NestFactory.create(definition.module(config), { logger: ['log', 'warn', 'error'], abortOnError: false });
    app.enableShutdownHooks();
    const microservice = definition.microservice?.(config);
    if (microservice) app.connectMicroservice(microservice.options);
    await app.listen(port, host);
    logger.log(`listening on http://${host}:${port} (GET /health, GET /metrics)`);
    if (microservice) await startMicroservice(app, microservice, logger);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    const reason = code === 'EADDRINUSE' ? `port ${host}:${port} is already in use (set MERIDIAN_HTTP_PORT)` : errorMessage(error);
    logger.error(`failed to start: ${reason}`);
    process.exitCode = EXIT_RUNTIME;
    // Close what did start (connections, the HTTP server), but never wait long for it.
    if (app) await Promise.race([app.close().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref())]);
    process.exit();
  }
}

/**
 * Creates the topics the microservice reads, then starts it. A Kafka that is away or
 * answers with a retriable error (a broker still starting, leaders being elected) is
 * tried again for a while; each failure says which step failed.
 */
async function startMicroservice(app: INestApplication, microservice: MicroserviceDefinition, logger: Logger): Promise<void> {
  const topics = microservice.topics ?? [];
  if (topics.length > 0) {
    const names = topics.map((t) => t.topic).join(', ');
    const kafka = app.get(KafkaConnection, { strict: false });
    const notice = new FailureNotice((line) => logger.warn(line));
    const backoff = new Backoff();
    const timeoutMs = microservice.topicsTimeoutMs ?? DEFAULT_TOPICS_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await kafka.createTopics(topics);
        // A topic just created may not be in the broker's metadata yet, and subscribing then fails.
        for (const { topic } of topics) {
          if ((await kafka.partitionCount(topic)) === undefined) throw new KafkaUnavailableError(`${topic} is not listed yet`, true);
        }
        break;
      } catch (error) {
        const retriable = error instanceof KafkaUnavailableError && error.retriable;
        if (!retriable || Date.now() >= deadline) {
          throw new Error(`cannot make sure the topics it consumes exist (${names}): ${errorMessage(error)}`, { cause: error });
        }
        notice.failed(error, (message) => `creating ${names}: ${message} (retrying for up to ${timeoutMs / 1000}s)`);
        await new Promise((resolve) => setTimeout(resolve, backoff.next()));
      }
    }
    logger.log(`topics ${names} exist`);
  }
  try {
    await app.startAllMicroservices();
  } catch (error) {
    throw new Error(`cannot start consuming ${microservice.description}: ${errorMessage(error)}`, { cause: error });
  }
  logger.log(`consuming ${microservice.description}`);
}
