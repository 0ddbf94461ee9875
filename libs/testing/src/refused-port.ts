import { createServer } from 'node:net';

/** A loopback port that was free a moment ago: connecting to it is refused. For "server unreachable" tests. */
export async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no TCP port was allocated');
  return address.port;
}
