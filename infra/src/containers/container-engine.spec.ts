import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfraError } from '../topology';
import { configureContainerEngine } from './container-engine';

/** A Docker-compatible API on a unix socket, as far as `_ping` goes. */
async function engineOn(socket: string): Promise<Server> {
  const server = createServer((req, res) => {
    res.statusCode = req.url === '/_ping' ? 200 : 404;
    res.end('OK');
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return server;
}

describe('configureContainerEngine', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'engine-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reaches the published ports of an engine on a unix socket given by DOCKER_HOST on loopback, Podman or Docker alike', async () => {
    const socket = join(dir, 'podman.sock');
    const server = await engineOn(socket);
    try {
      const env: NodeJS.ProcessEnv = { DOCKER_HOST: `unix://${socket}` };
      await expect(configureContainerEngine(env)).resolves.toBe(`unix://${socket}`);
      expect(env).toEqual({ DOCKER_HOST: `unix://${socket}`, TESTCONTAINERS_HOST_OVERRIDE: '127.0.0.1', TESTCONTAINERS_RYUK_DISABLED: 'true' });
    } finally {
      server.close();
    }
  });

  it('keeps a host override given, and leaves a remote engine to Testcontainers', async () => {
    const socket = join(dir, 'docker.sock');
    const server = await engineOn(socket);
    try {
      const local: NodeJS.ProcessEnv = { DOCKER_HOST: `unix://${socket}`, TESTCONTAINERS_HOST_OVERRIDE: '127.0.0.2' };
      await configureContainerEngine(local);
      expect(local['TESTCONTAINERS_HOST_OVERRIDE']).toBe('127.0.0.2');
    } finally {
      server.close();
    }
    const remote: NodeJS.ProcessEnv = { DOCKER_HOST: 'tcp://127.0.0.1:2375' };
    await configureContainerEngine(remote);
    expect(remote['TESTCONTAINERS_HOST_OVERRIDE']).toBeUndefined();
  });

  it('says DOCKER_HOST names a socket no engine answers on', async () => {
    const env: NodeJS.ProcessEnv = { DOCKER_HOST: `unix://${join(dir, 'nothing.sock')}` };
    const failure = configureContainerEngine(env);
    await expect(failure).rejects.toThrow(InfraError);
    await expect(failure).rejects.toThrow(`DOCKER_HOST is unix://${join(dir, 'nothing.sock')}, but no container engine answers there`);
  });
});
