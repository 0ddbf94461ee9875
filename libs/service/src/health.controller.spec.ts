import type { HealthReport } from '@meridian/contracts';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceModule } from './service.module';

describe('GET /health', () => {
  let app: INestApplication;
  let directoryUp = true;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ServiceModule.forRoot({
          name: 'test-service',
          dc: 'dc1',
          config: { MERIDIAN_HEARTBEAT_MS: 5000, MERIDIAN_STATUS_TOPIC: 'meridian.status' },
          extraChecks: [
            { name: 'clock', check: () => Promise.resolve({ epoch: 1 }) },
            {
              name: 'directory',
              check: () => (directoryUp ? Promise.resolve({ path: '/x' }) : Promise.reject(new Error('/x is not readable'))),
            },
          ],
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await app.close();
  });

  async function health(): Promise<{ code: number; body: HealthReport }> {
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/health`);
    return { code: response.status, body: (await response.json()) as HealthReport };
  }

  it('answers 200 with every dependency up', async () => {
    directoryUp = true;
    const { code, body } = await health();
    expect(code).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.details).toEqual({ clock: { status: 'up', epoch: 1 }, directory: { status: 'up', path: '/x' } });
  });

  it('answers 503 naming the dependency that is down and why', async () => {
    directoryUp = false;
    const { code, body } = await health();
    expect(code).toBe(503);
    expect(body.status).toBe('error');
    expect(body.error).toEqual({ directory: { status: 'down', message: '/x is not readable' } });
    expect(body.info).toEqual({ clock: { status: 'up', epoch: 1 } });
  });
});
