import { createServer, type Server } from 'node:net';
import { checkPortFree, probeCql } from './probes';

/** A stand-in for a Cassandra node that answers OPTIONS with SUPPORTED (an empty string multimap). */
function fakeCassandra(): Server {
  return createServer((socket) => {
    socket.on('data', (request: Buffer) => {
      if (request.readUInt8(4) !== 0x05) return;
      const header = Buffer.alloc(9);
      header.writeUInt8(0x84, 0);
      header.writeInt16BE(request.readInt16BE(2), 2);
      header.writeUInt8(0x06, 4);
      header.writeInt32BE(2, 5);
      socket.write(Buffer.concat([header, Buffer.from([0, 0])]));
    });
  });
}

async function listening(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return address.port;
}

describe('CQL probes', () => {
  const server = fakeCassandra();
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
