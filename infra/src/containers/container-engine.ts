import { request } from 'node:http';
import { InfraError } from '../topology';

const PODMAN_SOCKET = '/run/podman/podman.sock';
const DOCKER_SOCKET = '/var/run/docker.sock';

/** True when a Docker-compatible API answers `_ping` on the unix socket. */
function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

/**
 * Points Testcontainers at an engine before it is first used: DOCKER_HOST when set,
 * else Docker's socket, else Podman's Docker-compatible API (scripts/setup-containers.sh).
 * An engine on a unix socket runs on this machine, Docker or Podman alike: its published
 * ports are reached on loopback (Podman's API names its bridge's gateway as the host,
 * which Testcontainers would otherwise use and which the host cannot always reach).
 *
 * Ryuk, Testcontainers' reaper, is always off: `infra up` must leave the topology
 * running after the command exits, which is exactly what Ryuk would prevent. Every
 * container and network is labelled and recorded in the workdir, and `down` removes them.
 */
export async function configureContainerEngine(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  env['TESTCONTAINERS_RYUK_DISABLED'] = 'true';
  const configured = env['DOCKER_HOST'];
  let host: string;
  if (configured) {
    host = configured;
  } else if (await answers(DOCKER_SOCKET)) {
    host = `unix://${DOCKER_SOCKET}`;
  } else if (await answers(PODMAN_SOCKET)) {
    host = `unix://${PODMAN_SOCKET}`;
  } else {
    throw new InfraError(
      `no container engine answers on ${DOCKER_SOCKET} or ${PODMAN_SOCKET}: start Docker, or run scripts/setup-containers.sh to set up Podman's Docker-compatible API, or set DOCKER_HOST`,
    );
  }
  if (host.startsWith('unix://')) {
    const socket = host.slice('unix://'.length);
    if (configured && !(await answers(socket))) {
      throw new InfraError(`DOCKER_HOST is ${host}, but no container engine answers there: start it (for Podman, scripts/setup-containers.sh), or unset DOCKER_HOST to use ${DOCKER_SOCKET} or ${PODMAN_SOCKET}`);
    }
    env['TESTCONTAINERS_HOST_OVERRIDE'] ??= '127.0.0.1';
  }
  env['DOCKER_HOST'] = host;
  return host;
}
