import { Body, Controller, Get, HttpCode, Post, Query, UseFilters, UseGuards } from '@nestjs/common';
import { ApiErrorFilter } from '@meridian/service';
import { type DestinationProgress, type OffsetResetResult, ProgressService } from '../progress/progress.service';
import { ApiTokenGuard } from './api-token.guard';

@Controller('api/offsets')
@UseGuards(ApiTokenGuard)
@UseFilters(ApiErrorFilter)
export class OffsetsController {
  constructor(private readonly progress: ProgressService) {}

  @Get()
  list(@Query('destination') destination?: string): Promise<DestinationProgress[]> {
    return this.progress.destinations(destination);
  }

  @Post('reset')
  @HttpCode(200)
  reset(@Body() body: unknown): Promise<OffsetResetResult> {
    return this.progress.reset(body);
  }
}
