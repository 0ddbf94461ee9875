import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseFilters, UseGuards } from '@nestjs/common';
import type { Channel } from '@meridian/contracts';
import { ApiErrorFilter } from '@meridian/service';
import { ConfigurationService } from '../configuration/configuration.service';
import { type ChannelStatus, StatusService } from '../status/status.service';
import { ApiTokenGuard } from './api-token.guard';

@Controller('api/channels')
@UseGuards(ApiTokenGuard)
@UseFilters(ApiErrorFilter)
export class ChannelsController {
  constructor(
    private readonly configuration: ConfigurationService,
    private readonly status: StatusService,
  ) {}

  @Post()
  create(@Body() body: unknown): Promise<Channel> {
    return this.configuration.createChannel(body);
  }

  @Get()
  list(): Channel[] {
    return this.configuration.listChannels();
  }

  @Get(':name')
  get(@Param('name') name: string): Channel {
    return this.configuration.getChannel(name);
  }

  @Get(':name/status')
  channelStatus(@Param('name') name: string): Promise<ChannelStatus> {
    return this.status.channel(name);
  }

  @Patch(':name')
  update(@Param('name') name: string, @Body() body: unknown): Promise<Channel> {
    return this.configuration.updateChannel(name, body);
  }

  @Delete(':name')
  @HttpCode(204)
  remove(@Param('name') name: string): Promise<void> {
    return this.configuration.deleteChannel(name);
  }

  @Post(':name/pause')
  @HttpCode(200)
  pause(@Param('name') name: string): Promise<Channel> {
    return this.configuration.setChannelPaused(name, true);
  }

  @Post(':name/resume')
  @HttpCode(200)
  resume(@Param('name') name: string): Promise<Channel> {
    return this.configuration.setChannelPaused(name, false);
  }
}
