/**
 * Readiness and port checks that need no client library: a CQL OPTIONS request, a
 * Kafka ApiVersions request, and binding a port to see whether it is free.
 * (infra must not import cassandra-driver or kafkajs; libs/cassandra and libs/kafka own them.)
 */
import { createServer, Socket } from 'node:net';

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/**
 * Sends one request and resolves true if the first `expect` bytes of the answer satisfy
 * `accept`; false on refusal, timeout or any other answer.
 */
function exchange(at: Endpoint, request: Buffer, expect: number, accept: (answer: Buffer) => boolean, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let received = Buffer.alloc(0);
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => { finish(false); });
    socket.once('error', () => { finish(false); });
    socket.once('close', () => { finish(false); });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= expect) finish(accept(received));
    });
    socket.connect(at.port, at.host, () => socket.write(request));
  });
}

/**
 * CQL native protocol v4 OPTIONS (header: version 0x04, flags 0, stream 0, opcode 0x05,
 * body length 0); a node that serves CQL answers SUPPORTED (version 0x84, opcode 0x06).
 */
export function probeCql(at: Endpoint, timeoutMs = 2_000): Promise<boolean> {
  const options = Buffer.from([0x04, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00]);
  return exchange(at, options, 9, (a) => a[0] === 0x84 && a[4] === 0x06, timeoutMs);
}

/**
 * Kafka ApiVersions v0 (api key 18): every broker answers it, whatever versions it
 * supports. Answer: int32 size, int32 correlation id, int16 error code (0 = none).
 */
export function probeKafka(at: Endpoint, timeoutMs = 2_000): Promise<boolean> {
  const clientId = Buffer.from('meridian-infra');
  const correlationId = 0x4d455249; // 'MERI'
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
  body.writeInt16BE(18, 0);
  body.writeInt16BE(0, 2);
  body.writeInt32BE(correlationId, 4);
  body.writeInt16BE(clientId.length, 8);
  clientId.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return exchange(at, Buffer.concat([size, body]), 10, (a) => a.readInt32BE(4) === correlationId && a.readInt16BE(8) === 0, timeoutMs);
}

export type PortCheck = { free: true } | { free: false; reason: 'taken' | 'no-address' | 'other'; message: string };

/** Tries to bind host:port (and lets go at once). */
export function checkPortFree(at: Endpoint): Promise<PortCheck> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') resolve({ free: false, reason: 'taken', message: `port ${at.host}:${at.port} is taken by another process` });
      else if (error.code === 'EADDRNOTAVAIL')
        resolve({
          free: false,
          reason: 'no-address',
          message: `address ${at.host} is not configured on this host (macOS: sudo ifconfig lo0 alias ${at.host} up)`,
        });
      else resolve({ free: false, reason: 'other', message: `cannot bind ${at.host}:${at.port}: ${error.message}` });
    });
    server.listen({ host: at.host, port: at.port, exclusive: true }, () => server.close(() => { resolve({ free: true }); }));
  });
}
