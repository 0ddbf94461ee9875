import { hostname } from 'node:os';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceModule } from '../service.module';
import { Metrics } from './metrics';

describe('GET /metrics', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ServiceModule.forRoot({ name: 'test-service', dc: 'dc1', config: { MERIDIAN_HEARTBEAT_MS: 5000, MERIDIAN_STATUS_TOPIC: 'meridian.status', MERIDIAN_HTTP_PORT: 8099 } })],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await app.close();
  });

  it("serves the service's metrics in Prometheus' text format", async () => {
    app.get(Metrics).counter('meridian_requests_total', 'requests').inc(2);
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
    // Express puts the charset first; the parameters are the registry's.
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8; version=0.0.4');
    expect(await response.text()).toContain(`meridian_requests_total{service="test-service",dc="dc1",instance="${hostname()}:8099"} 2`);
  });
});
