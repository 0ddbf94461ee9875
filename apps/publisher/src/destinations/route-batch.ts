import type { PartitionUpdate } from '@meridian/commitlog';
import { type ConfigState, type Destination, destinationTopic, type MutationEvent, RAW_MUTATION_VERSION } from '@meridian/contracts';
import { toChangeEvents } from '../envelope/change-events';

export interface MutationRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly offset: string;
}

export interface RoutedBatch {
  /** Change events for the destination, each to the topic of its table. */
  readonly records: { readonly topic: string; readonly key: string; readonly value: string; readonly writetimeMs: number }[];
  /** Events per channel that carried them (a table's events count for each of its channels to this destination). */
  readonly channelEvents: Map<string, number>;
  /** What can never be delivered, with the reason, for the dead-letter topic. */
  readonly rejected: { readonly record: MutationRecord; readonly reason: string }[];
}

/**
 * The change events one destination gets from a batch of mutation events: those of the
 * tables its unpaused channels capture, in the destination's format, keyed as the mutation
 * (table and partition key, so a key's events stay in order).
 */
export function routeBatch(records: readonly MutationRecord[], destination: Destination, config: ConfigState, maxEventBytes: number, nowMs: number): RoutedBatch {
  const routed: RoutedBatch = { records: [], rejected: [], channelEvents: new Map() };
  for (const record of records) {
    const event = parseMutationEvent(record);
    if (typeof event === 'string') {
      routed.rejected.push({ record, reason: event });
      continue;
    }
    const { keyspace, table } = event.update;
    const channels = config.channelsOf(destination.name, keyspace, table);
    if (channels.length === 0) continue;
    const topic = destinationTopic(destination, keyspace, table);
    // A full image holds everything a delta does, so one full channel is enough to want it.
    const image = channels.some((c) => c.image === 'full') ? 'full' : 'delta';
    for (const change of toChangeEvents(event, nowMs, image)) {
      const value = JSON.stringify(change);
      const bytes = Buffer.byteLength(value);
      if (bytes > maxEventBytes) {
        routed.rejected.push({ record, reason: `the change event for ${topic} is ${bytes} bytes, more than the ${maxEventBytes} a destination topic takes` });
        continue;
      }
      routed.records.push({ topic, key: record.key?.toString() ?? '', value, writetimeMs: change.source.ts_ms });
      for (const { name } of channels) routed.channelEvents.set(name, (routed.channelEvents.get(name) ?? 0) + 1);
    }
  }
  return routed;
}

function parseMutationEvent(record: MutationRecord): MutationEvent<PartitionUpdate> | string {
  if (!record.value) return 'no value';
  let value: unknown;
  try {
    value = JSON.parse(record.value.toString('utf8'));
  } catch {
    return 'the value is not JSON';
  }
  const event = value as Partial<MutationEvent<PartitionUpdate>> | null;
  if (event?.version !== RAW_MUTATION_VERSION) return `unknown mutation event version ${JSON.stringify(event?.version)} (this publisher reads ${RAW_MUTATION_VERSION})`;
  if (typeof event.update?.keyspace !== 'string' || typeof event.update.table !== 'string') return 'no update with keyspace and table';
  if (event.images !== undefined && !Array.isArray((event.images as { rows?: unknown } | null)?.rows)) return 'images without rows';
  return event as MutationEvent<PartitionUpdate>;
}
