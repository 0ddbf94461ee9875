import type { ContainerRuntimeClient } from 'testcontainers';
import { InfraError, type ProgressLog } from '../topology';
import { CASSANDRA_VERSION, KAFKA_VERSION } from '../versions';
import { ensureLocalImages } from './images';

export interface SelectedImages {
  readonly cassandra: string;
  readonly kafka: string;
  readonly kafkaVersion: string;
}

const PULL_TIMEOUT_MS = 60_000;

/**
 * Which images the topology runs: MERIDIAN_CASSANDRA_IMAGE / MERIDIAN_KAFKA_IMAGE when
 * set; else the official images of the pinned versions (`cassandra:<v>`,
 * `apache/kafka:<v>`) when present or pullable; else images built here from Debian
 * packages and Maven Central artifacts (infra/images). MERIDIAN_IMAGES=local skips the
 * registry and goes straight to the local build.
 */
export async function selectImages(client: ContainerRuntimeClient, log: ProgressLog, env: NodeJS.ProcessEnv = process.env): Promise<SelectedImages> {
  const wanted = {
    cassandra: env['MERIDIAN_CASSANDRA_IMAGE'] ?? `cassandra:${CASSANDRA_VERSION}`,
    kafka: env['MERIDIAN_KAFKA_IMAGE'] ?? `apache/kafka:${KAFKA_VERSION}`,
  };
  const mode = env['MERIDIAN_IMAGES'] ?? 'auto';
  if (mode !== 'auto' && mode !== 'local') throw new InfraError(`MERIDIAN_IMAGES must be "auto" or "local", got "${mode}"`);

  const useLocal = { cassandra: mode === 'local' && !env['MERIDIAN_CASSANDRA_IMAGE'], kafka: mode === 'local' && !env['MERIDIAN_KAFKA_IMAGE'] };
  if (mode === 'auto') {
    for (const kind of ['cassandra', 'kafka'] as const) {
      if (env[kind === 'cassandra' ? 'MERIDIAN_CASSANDRA_IMAGE' : 'MERIDIAN_KAFKA_IMAGE']) continue; // the user's choice is pulled or fails as it is
      useLocal[kind] = !(await availableOrPulled(client, wanted[kind], log));
    }
  }
  if (!useLocal.cassandra && !useLocal.kafka) return { ...wanted, kafkaVersion: tagOf(wanted.kafka) };
  const local = await ensureLocalImages(log);
  return {
    cassandra: useLocal.cassandra ? local.cassandra : wanted.cassandra,
    kafka: useLocal.kafka ? local.kafka : wanted.kafka,
    kafkaVersion: useLocal.kafka ? local.kafkaVersion : tagOf(wanted.kafka),
  };
}

async function availableOrPulled(client: ContainerRuntimeClient, image: string, log: ProgressLog): Promise<boolean> {
  const { ImageName } = await import('testcontainers');
  const name = ImageName.fromString(image);
  if (await client.image.exists(name)) return true;
  log(`pulling ${image}`);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.image.pull(name),
      new Promise((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`no answer within ${PULL_TIMEOUT_MS / 1000} s`));
        }, PULL_TIMEOUT_MS);
      }),
    ]);
    // Some engines report a failed pull only in the progress stream, which Testcontainers ignores.
    if (!(await client.image.exists(name))) throw new Error('the registry did not provide it');
    return true;
  } catch (error) {
    log(`cannot pull ${image} (${error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error)}); using a locally built image instead`);
    return false;
  } finally {
    clearTimeout(timer);
  }
}

function tagOf(image: string): string {
  const tag = image.slice(image.lastIndexOf(':') + 1);
  return tag.includes('/') ? 'latest' : tag;
}
