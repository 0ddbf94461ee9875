import { join } from 'node:path';
import { type RunningService, type ServiceName, serviceInstances, startService, waitHealthy } from '@meridian/infra';
import type { ReaderTestContext } from './cdc-reader';

/**
 * One test's own instances of dc1's services, on HTTP ports shifted by `portOffset` and
 * with `env` (its own topics and groups) on top of each instance's settings.
 */
export class TestServices {
  private readonly running: RunningService[] = [];

  constructor(
    private readonly ctx: ReaderTestContext,
    private readonly portOffset: number,
    private readonly env: Readonly<Record<string, string>>,
  ) {}

  /** Starts every dc1 instance of `service` (a cdc-reader per node) and waits until each is healthy. */
  async start(service: ServiceName): Promise<RunningService[]> {
    const started: RunningService[] = [];
    for (const instance of serviceInstances(this.ctx.endpoints(), 'dc1', this.portOffset).filter((s) => s.service === service)) {
      const process = await startService({ ...instance, env: { ...instance.env, ...this.env } }, join(this.ctx.endpoints().workdir, 'services'));
      this.running.push(process);
      started.push(process);
    }
    for (const process of started) await waitHealthy(process, 60_000);
    return started;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.running.splice(0).map((r) => r.stop()));
  }
}
