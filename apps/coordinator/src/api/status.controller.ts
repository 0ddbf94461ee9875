import { Controller, Get, UseFilters } from '@nestjs/common';
import { ApiErrorFilter } from '@meridian/service';
import { type StatusReport, StatusService } from '../status/status.service';

@Controller('api/status')
@UseFilters(ApiErrorFilter)
export class StatusController {
  constructor(private readonly status: StatusService) {}

  @Get()
  report(): Promise<StatusReport> {
    return this.status.report();
  }
}
