import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '@meridian/contracts';

/** A destination and a channel binding one table to it, as the bench sets them up in each DC. */
export interface ChannelSetup {
  readonly destination: string;
  readonly topic: string;
  readonly channel: string;
  readonly keyspace: string;
  readonly table: string;
}

const RETRY_MS = 500;

/**
 * Creates the destination, then the channel, through a coordinator's REST API. A coordinator
 * answers 503 until it has loaded the configuration topic, and 409 for a channel whose table
 * its own Cassandra node does not know yet (the schema is still reaching that DC): both are
 * asked again until `timeoutMs` passes. A destination or channel that already exists with the
 * same name (a retried call that did go through) counts as created.
 */
export async function configureChannel(baseUrl: string, setup: ChannelSetup, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await post(baseUrl, '/api/destinations', { name: setup.destination, topic: setup.topic }, deadline);
  await post(baseUrl, '/api/channels', { name: setup.channel, keyspace: setup.keyspace, table: setup.table, destination: setup.destination }, deadline);
}

async function post(baseUrl: string, path: string, body: { readonly name: string } & Readonly<Record<string, string>>, deadline: number): Promise<void> {
  let last = '';
  while (Date.now() < deadline) {
    let status = 0;
    try {
      const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
      status = response.status;
      last = `${status} ${await response.text()}`;
    } catch (error) {
      last = errorMessage(error);
    }
    if (status === 201) return;
    if (status === 409 && (await exists(baseUrl, `${path}/${encodeURIComponent(body.name)}`))) return;
    if (status >= 400 && status < 500 && status !== 409) throw new Error(`POST ${baseUrl}${path} was refused: ${last}`);
    await sleep(RETRY_MS);
  }
  throw new Error(`POST ${baseUrl}${path} did not succeed in time; last answer: ${last}`);
}

async function exists(baseUrl: string, path: string): Promise<boolean> {
  const response = await fetch(`${baseUrl}${path}`, { signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
  return response?.status === 200;
}
