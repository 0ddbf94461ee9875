import { Controller, Get, UseFilters } from '@nestjs/common';
import { type StatusReport, StatusService } from '../status/status.service';
import { ApiErrorFilter } from './api-error.filter';

@Controller('api/status')
@UseFilters(ApiErrorFilter)
export class StatusController {
  constructor(private readonly status: StatusService) {}

  @Get()
  report(): Promise<StatusReport> {
    return this.status.report();
  }
}
