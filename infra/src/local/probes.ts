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

/**
 * Runs one CQL query over native protocol v4 (STARTUP, then QUERY at consistency ONE)
 * and returns its rows. The query must be `SELECT JSON ...`: every row is then a single
 * varchar column holding a JSON object, which spares decoding CQL types here.
 * Rejects on connection failure, timeout, or a CQL error.
 */
export async function cqlJsonRows(at: Endpoint, query: string, timeoutMs = 5_000): Promise<unknown[]> {
  if (!/^\s*SELECT\s+JSON\s/i.test(query)) throw new RangeError(`cqlJsonRows runs SELECT JSON queries only, got ${query}`);
  const connection = await CqlConnection.open(at, timeoutMs);
  try {
    await connection.request(0x01, stringMap({ CQL_VERSION: '3.0.0' }), 0x02);
    const queryBody = Buffer.concat([longString(query), u16(0x0001), Buffer.from([0x00])]);
    return parseJsonRows(await connection.request(0x07, queryBody, 0x08));
  } finally {
    connection.close();
  }
}

class CqlConnection {
  private buffered = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private failure: Error | undefined;
  private stream = 0;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.waiter?.();
    });
    const fail = (error: Error): void => {
      this.failure ??= error;
      this.waiter?.();
    };
    socket.on('error', fail);
    socket.on('close', () => { fail(new Error('connection closed')); });
    socket.on('timeout', () => {
      fail(new Error('timed out'));
      socket.destroy();
    });
  }

  static open(at: Endpoint, timeoutMs: number): Promise<CqlConnection> {
    return new Promise((resolve, reject) => {
      const socket = new Socket();
      socket.setTimeout(timeoutMs);
      socket.once('error', reject);
      socket.once('timeout', () => {
        socket.destroy();
        reject(new Error(`connecting to ${at.host}:${at.port} timed out`));
      });
      socket.connect(at.port, at.host, () => {
        socket.removeListener('error', reject);
        resolve(new CqlConnection(socket));
      });
    });
  }

  /** Sends a frame and returns the body of the answer, which must have opcode `expected`. */
  async request(opcode: number, body: Buffer, expected: number): Promise<Buffer> {
    const stream = this.stream++;
    const header = Buffer.alloc(9);
    header.writeUInt8(0x04, 0);
    header.writeUInt8(0x00, 1);
    header.writeInt16BE(stream, 2);
    header.writeUInt8(opcode, 4);
    header.writeInt32BE(body.length, 5);
    this.socket.write(Buffer.concat([header, body]));
    for (;;) {
      if (this.buffered.length >= 9) {
        const length = this.buffered.readInt32BE(5);
        if (this.buffered.length >= 9 + length) {
          const answerOpcode = this.buffered.readUInt8(4);
          const answer = this.buffered.subarray(9, 9 + length);
          this.buffered = this.buffered.subarray(9 + length);
          if (answerOpcode === 0x00) throw new Error(`CQL error 0x${answer.readInt32BE(0).toString(16)}: ${readString(answer, 4).value}`);
          if (answerOpcode !== expected) throw new Error(`unexpected CQL opcode 0x${answerOpcode.toString(16)}`);
          return answer;
        }
      }
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.waiter = resolve));
      this.waiter = undefined;
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** RESULT body of kind Rows with one varchar column per row (SELECT JSON). */
function parseJsonRows(body: Buffer): unknown[] {
  let at = 0;
  const kind = body.readInt32BE(at);
  at += 4;
  if (kind !== 0x0002) throw new Error(`expected a Rows result, got kind ${kind}`);
  const flags = body.readInt32BE(at);
  const columns = body.readInt32BE(at + 4);
  at += 8;
  if (columns !== 1) throw new Error(`expected one [json] column, got ${columns}`);
  const globalTableSpec = (flags & 0x0001) !== 0;
  if (globalTableSpec) at = readString(body, readString(body, at).next).next;
  if ((flags & 0x0002) !== 0) at += 4 + Math.max(0, body.readInt32BE(at)); // paging state
  if ((flags & 0x0004) === 0) {
    if (!globalTableSpec) at = readString(body, readString(body, at).next).next;
    at = readString(body, at).next; // column name
    const type = body.readUInt16BE(at);
    at += 2;
    if (type !== 0x000d) throw new Error(`expected a varchar [json] column, got type 0x${type.toString(16)}`);
  }
  const count = body.readInt32BE(at);
  at += 4;
  const rows: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const length = body.readInt32BE(at);
    at += 4;
    if (length < 0) continue;
    rows.push(JSON.parse(body.toString('utf8', at, at + length)));
    at += length;
  }
  return rows;
}

function readString(b: Buffer, at: number): { value: string; next: number } {
  const length = b.readUInt16BE(at);
  return { value: b.toString('utf8', at + 2, at + 2 + length), next: at + 2 + length };
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n, 0);
  return b;
}

function cqlString(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([u16(bytes.length), bytes]);
}

function longString(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  const length = Buffer.alloc(4);
  length.writeInt32BE(bytes.length, 0);
  return Buffer.concat([length, bytes]);
}

function stringMap(map: Record<string, string>): Buffer {
  const entries = Object.entries(map);
  return Buffer.concat([u16(entries.length), ...entries.flatMap(([k, v]) => [cqlString(k), cqlString(v)])]);
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
