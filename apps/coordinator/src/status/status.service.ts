import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { channelSchema, destinationTopic, parseHeartbeat, errorMessage } from '@meridian/contracts';
import { RetryLoop, SERVICE_CONFIG } from '@meridian/service';
import { z } from 'zod';
import type { CoordinatorConfig } from '../config';
import { ConfigurationService } from '../configuration/configuration.service';
import { destinationProgressSchema, groupProgressSchema, ProgressService } from '../progress/progress.service';
import { STATUS_FEED, type StatusFeed, type StatusRecord } from './ports';
import { type ComponentStatus, componentStatusSchema, StatusBoard, total } from './status-board';


export const statusReportSchema = z.object({
  dc: z.string(),
  at: z.string(),
  components: z.array(componentStatusSchema),
  deduper: groupProgressSchema.nullable().describe("the dedupers' progress through the raw topic; null when Kafka could not say"),
  destinations: z.array(destinationProgressSchema).nullable(),
  problems: z.array(z.string()).describe('what kept this report from being complete'),
});

const componentBrief = componentStatusSchema.pick({ instance: true, state: true });

export const channelStatusSchema = z.object({
  channel: channelSchema,
  state: z.enum(['active', 'paused', 'destination paused', 'waiting']).describe('waiting: nothing runs that would carry its changes'),
  reasons: z.array(z.string()).describe('why the state is not active, one line each'),
  topic: z.string().describe("the topic the channel's changes go to"),
  events: z.number().describe("change events for this channel committed by the running publishers since they started"),
  readers: z.array(componentBrief),
  publishers: z.array(componentBrief),
  destination: destinationProgressSchema.nullable().describe("the destination's progress, shared by its channels; null when Kafka could not say"),
  problems: z.array(z.string()),
});

export type StatusReport = z.output<typeof statusReportSchema>;
export type ChannelStatus = z.output<typeof channelStatusSchema>;
export type ChannelState = ChannelStatus['state'];

/**
 * The DC as its components report it: every heartbeat on the status topic, followed from
 * the topic's start, joined with the consumer groups' progress read from Kafka.
 */
@Injectable()
export class StatusService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Status');
  private readonly board = new StatusBoard();
  private readonly rejectedKeys = new Set<string>();
  private readonly retry = new RetryLoop(this.logger);

  constructor(
    @Inject(STATUS_FEED) private readonly feed: StatusFeed,
    @Inject(SERVICE_CONFIG) private readonly settings: CoordinatorConfig,
    private readonly configuration: ConfigurationService,
    private readonly progress: ProgressService,
  ) {}

  onApplicationBootstrap(): void {
    // Until Kafka answers: the failure is logged once, and the recovery once.
    this.retry.run(`following ${this.settings.MERIDIAN_STATUS_TOPIC}`, () => this.feed.follow((record) => this.apply(record))).catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    this.retry.stop();
    await this.feed.stop();
  }


  async report(nowMs = Date.now()): Promise<StatusReport> {
    const problems: string[] = [];
    const [deduper, destinations] = await Promise.all([this.attempt(() => this.progress.deduper(), problems), this.attempt(() => this.progress.destinations(), problems)]);
    return { dc: this.settings.MERIDIAN_DC, at: new Date(nowMs).toISOString(), components: this.board.components(nowMs), deduper, destinations, problems: [...new Set(problems)] };
  }

  /** Like `dse advrep channel status`: whether the channel's changes flow, and what carries them. */
  async channel(name: string, nowMs = Date.now()): Promise<ChannelStatus> {
    const channel = this.configuration.getChannel(name);
    const destination = this.configuration.getDestination(channel.destination);
    const components = this.board.components(nowMs);
    const live = (component: string) => components.filter((c) => c.component === component && (c.state === 'running' || c.state === 'degraded'));
    const brief = (c: ComponentStatus) => ({ instance: c.instance, state: c.state });
    const readers = live('cdc-reader');
    const publishers = live('publisher');
    const reasons: string[] = [];
    if (channel.paused) reasons.push('the channel is paused');
    if (destination.paused) reasons.push(`destination ${destination.name} is paused`);
    if (readers.length === 0) reasons.push('no cdc-reader of this DC is running');
    if (live('deduper').length === 0) reasons.push('no deduper of this DC is running');
    if (publishers.length === 0) reasons.push('no publisher of this DC is running');
    const state: ChannelState = channel.paused ? 'paused' : destination.paused ? 'destination paused' : reasons.length > 0 ? 'waiting' : 'active';
    const problems: string[] = [];
    const progress = await this.attempt(async () => (await this.progress.destinations(destination.name))[0] ?? null, problems);
    return {
      channel,
      state,
      reasons,
      topic: destinationTopic(destination, channel.keyspace, channel.table),
      events: publishers.reduce((sum, p) => sum + (total(p.figures, `meridian_publisher_channel_events_total{channel="${channel.name}"}`) ?? 0), 0),
      readers: readers.map(brief),
      publishers: publishers.map(brief),
      destination: progress,
      problems,
    };
  }

  private async attempt<T>(read: () => Promise<T>, problems: string[]): Promise<T | null> {
    try {
      return await read();
    } catch (error) {
      problems.push(errorMessage(error));
      return null;
    }
  }

  private apply(record: StatusRecord): void {
    if (record.value === null) return;
    try {
      this.board.record(parseHeartbeat(JSON.parse(record.value)));
    } catch (error) {
      // Once per key: a component sending bad heartbeats would otherwise log every few seconds.
      if (this.rejectedKeys.has(record.key)) return;
      this.rejectedKeys.add(record.key);
      this.logger.warn(`ignored a record of ${this.settings.MERIDIAN_STATUS_TOPIC} keyed ${JSON.stringify(record.key)}: ${errorMessage(error)}`);
    }
  }
}
