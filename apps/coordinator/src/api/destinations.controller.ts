import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseFilters, UseGuards } from '@nestjs/common';
import type { Destination } from '@meridian/contracts';
import { ApiErrorFilter } from '@meridian/service';
import { ConfigurationService } from '../configuration/configuration.service';
import { ApiTokenGuard } from './api-token.guard';

@Controller('api/destinations')
@UseGuards(ApiTokenGuard)
@UseFilters(ApiErrorFilter)
export class DestinationsController {
  constructor(private readonly configuration: ConfigurationService) {}

  @Post()
  create(@Body() body: unknown): Promise<Destination> {
    return this.configuration.createDestination(body);
  }

  @Get()
  list(): Destination[] {
    return this.configuration.listDestinations();
  }

  @Get(':name')
  get(@Param('name') name: string): Destination {
    return this.configuration.getDestination(name);
  }

  @Patch(':name')
  update(@Param('name') name: string, @Body() body: unknown): Promise<Destination> {
    return this.configuration.updateDestination(name, body);
  }

  @Delete(':name')
  @HttpCode(204)
  remove(@Param('name') name: string): Promise<void> {
    return this.configuration.deleteDestination(name);
  }

  @Post(':name/pause')
  @HttpCode(200)
  pause(@Param('name') name: string): Promise<Destination> {
    return this.configuration.setDestinationPaused(name, true);
  }

  @Post(':name/resume')
  @HttpCode(200)
  resume(@Param('name') name: string): Promise<Destination> {
    return this.configuration.setDestinationPaused(name, false);
  }
}
