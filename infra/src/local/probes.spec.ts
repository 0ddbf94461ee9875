import { createServer, type Server } from 'node:net';
import { checkPortFree, cqlJsonRows, probeCql } from './probes';

/** A stand-in for a Cassandra node that answers OPTIONS, STARTUP and one SELECT JSON. */
function fakeCassandra(rows: string[]): Server {
  return createServer((socket) => {
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 9 && buffered.length >= 9 + buffered.readInt32BE(5)) {
        const stream = buffered.readInt16BE(2);
        const opcode = buffered.readUInt8(4);
        buffered = buffered.subarray(9 + buffered.readInt32BE(5));
        if (opcode === 0x05) socket.write(frame(stream, 0x06, Buffer.from([0, 0])));
        if (opcode === 0x01) socket.write(frame(stream, 0x02, Buffer.alloc(0)));
        if (opcode === 0x07) socket.write(frame(stream, 0x08, rowsBody(rows)));
      }
    });
  });
}

function frame(stream: number, opcode: number, body: Buffer): Buffer {
  const header = Buffer.alloc(9);
  header.writeUInt8(0x84, 0);
  header.writeInt16BE(stream, 2);
  header.writeUInt8(opcode, 4);
  header.writeInt32BE(body.length, 5);
  return Buffer.concat([header, body]);
}

function rowsBody(rows: string[]): Buffer {
  const str = (s: string): Buffer => Buffer.concat([Buffer.from([0, s.length]), Buffer.from(s)]);
  const int = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n, 0);
    return b;
  };
  const cells = rows.map((r) => Buffer.concat([int(Buffer.byteLength(r)), Buffer.from(r)]));
  // kind Rows, flags = global table spec, 1 column: system.peers_v2 "[json]" varchar
  return Buffer.concat([int(2), int(1), int(1), str('system'), str('peers_v2'), str('[json]'), Buffer.from([0, 0x0d]), int(rows.length), ...cells]);
}

async function listening(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return address.port;
}

describe('CQL probes', () => {
  const server = fakeCassandra(['{"peer": "127.0.0.21", "tokens": ["-1"]}', '{"peer": "127.0.0.12", "tokens": null}']);
  let port = 0;
  beforeAll(async () => {
    port = await listening(server);
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('sees a node answer OPTIONS', async () => {
    expect(await probeCql({ host: '127.0.0.1', port })).toBe(true);
  });

  it('reads the rows of a SELECT JSON', async () => {
    expect(await cqlJsonRows({ host: '127.0.0.1', port }, 'SELECT JSON peer, tokens FROM system.peers_v2')).toEqual([
      { peer: '127.0.0.21', tokens: ['-1'] },
      { peer: '127.0.0.12', tokens: null },
    ]);
  });

  it('says no when nothing listens', async () => {
    expect(await probeCql({ host: '127.0.0.1', port: 1 })).toBe(false);
  });
});

describe('checkPortFree', () => {
  it('names a port that another process listens on', async () => {
    const server = createServer();
    const port = await listening(server);
    try {
      expect(await checkPortFree({ host: '127.0.0.1', port })).toEqual({
        free: false,
        reason: 'taken',
        message: `port 127.0.0.1:${port} is taken by another process`,
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await checkPortFree({ host: '127.0.0.1', port })).toEqual({ free: true });
  });
});
