import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import type { HealthReport } from '@meridian/contracts';
import { DependencyMonitor } from './dependency-monitor';

@Controller('health')
export class HealthController {
  constructor(private readonly monitor: DependencyMonitor) {}

  /** 200 when every dependency is up; 503 with the failing ones under `error` otherwise. */
  @Get()
  async health(): Promise<HealthReport> {
    const report = await this.monitor.report();
    if (report.status !== 'ok') throw new ServiceUnavailableException(report);
    return report;
  }
}
