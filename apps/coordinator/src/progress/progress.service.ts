import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConflictError, parseRequest, SERVICE_CONFIG } from '@meridian/service';
import { z } from 'zod';
import type { CoordinatorConfig } from '../config';
import { ConfigurationService } from '../configuration/configuration.service';
import { offsetResetSchema, writetimeMs } from './offset-reset';
import { CONSUMER_GROUPS, type ConsumerGroups } from './ports';

const partitionLagSchema = z.object({
  partition: z.number(),
  committed: z.string().nullable().describe('the offset the group reads next; null when it never committed one (it starts at the partition start)'),
  end: z.string().describe("the partition's end, where the next record goes"),
  lag: z.number().describe('records stored after the committed offset'),
});

export const groupProgressSchema = z.object({
  group: z.string(),
  topic: z.string(),
  lag: z.number().nullable().describe('records not yet read by the group, over all partitions; null while the topic does not exist'),
  partitions: z.array(partitionLagSchema),
});

export const destinationProgressSchema = groupProgressSchema.extend({ destination: z.string(), paused: z.boolean() });

export const offsetResetResultSchema = z.object({
  destination: z.string(),
  group: z.string(),
  topic: z.string(),
  to: z.string(),
  writetime: z.string().optional(),
  partitions: z.array(z.object({ partition: z.number(), from: z.string().nullable(), to: z.string() })),
});

export type GroupProgress = z.output<typeof groupProgressSchema>;
export type DestinationProgress = z.output<typeof destinationProgressSchema>;
export type OffsetResetResult = z.output<typeof offsetResetResultSchema>;

/**
 * The pipeline's progress through its topics, read from Kafka: the deduper's group on the
 * raw topic and each destination's publisher group on the mutations topic, and the
 * resets of a paused destination's position.
 */
@Injectable()
export class ProgressService {
  private readonly logger = new Logger('Offsets');

  constructor(
    @Inject(CONSUMER_GROUPS) private readonly groups: ConsumerGroups,
    @Inject(SERVICE_CONFIG) private readonly settings: CoordinatorConfig,
    private readonly configuration: ConfigurationService,
  ) {}

  deduper(): Promise<GroupProgress> {
    return this.progress(this.settings.MERIDIAN_DEDUPER_GROUP, this.settings.MERIDIAN_RAW_TOPIC);
  }

  /** Every destination's progress, or only `name`'s (404 when unknown). */
  async destinations(name?: string): Promise<DestinationProgress[]> {
    const destinations = name === undefined ? this.configuration.listDestinations() : [this.configuration.getDestination(name)];
    return Promise.all(
      destinations.map(async ({ name: destination, paused }) => ({
        destination,
        paused,
        ...(await this.progress(this.publisherGroup(destination), this.settings.MERIDIAN_MUTATIONS_TOPIC)),
      })),
    );
  }

  /**
   * Moves a paused destination's group to the start or end of the mutations topic, or to
   * the first mutation that arrived at or after a writetime. Kafka only lets a group's
   * offsets be set while none of its members runs, hence the pause.
   */
  async reset(body: unknown): Promise<OffsetResetResult> {
    const reset = parseRequest(offsetResetSchema, body, 'invalid offset reset');
    const destination = this.configuration.getDestination(reset.destination);
    const pauseFirst = `pause it first (POST /api/destinations/${destination.name}/pause), reset, then resume it`;
    if (!destination.paused) throw new ConflictError(`destination ${JSON.stringify(destination.name)} is not paused; ${pauseFirst}`);
    const group = this.publisherGroup(destination.name);
    const topic = this.settings.MERIDIAN_MUTATIONS_TOPIC;
    const { state, members } = await this.groups.describeGroup(group);
    if (members > 0) {
      throw new ConflictError(`the publishers of ${JSON.stringify(destination.name)} have not left consumer group ${group} yet (${state}, ${members} member(s)); try again in a few seconds`);
    }
    const current = await this.groups.groupProgress(group, topic);
    if (!current) throw new ConflictError(`topic ${topic} does not exist yet: there is nothing to reset`);
    const targets =
      reset.to === 'writetime'
        ? await this.groups.offsetsAtTime(topic, writetimeMs(reset.writetime ?? '') ?? 0)
        : current.map(({ partition, start, end }) => ({ partition, offset: reset.to === 'earliest' ? start : end }));
    await this.groups.setGroupOffsets(group, topic, targets);
    const from = new Map(current.map((p) => [p.partition, p.committed]));
    const result: OffsetResetResult = {
      destination: destination.name,
      group,
      topic,
      to: reset.to,
      ...(reset.writetime === undefined ? {} : { writetime: reset.writetime }),
      partitions: targets.map(({ partition, offset }) => ({ partition, from: from.get(partition) ?? null, to: offset })),
    };
    this.logger.log(`destination ${destination.name} reset to ${reset.to}${reset.writetime === undefined ? '' : ` ${reset.writetime}`}: ${result.partitions.map((p) => `${p.partition}:${p.from ?? '-'}→${p.to}`).join(' ')}`);
    return result;
  }

  private publisherGroup(destination: string): string {
    return `${this.settings.MERIDIAN_PUBLISHER_GROUP}.${destination}`;
  }

  private async progress(group: string, topic: string): Promise<GroupProgress> {
    const partitions = await this.groups.groupProgress(group, topic);
    if (!partitions) return { group, topic, lag: null, partitions: [] };
    const lags = partitions.map(({ partition, committed, start, end }) => ({ partition, committed, end, lag: Number(BigInt(end) - BigInt(committed ?? start)) }));
    return { group, topic, lag: lags.reduce((sum, p) => sum + p.lag, 0), partitions: lags };
  }
}
