import { z } from 'zod';

/**
 * Meridian's configuration as the coordinator writes it to the compacted configuration
 * topic: one record per destination and per channel, keyed `destination/<name>` and
 * `channel/<name>`, a null value deleting it. Components read the topic and apply each
 * record as it comes; these schemas are also what the coordinator's API validates with.
 */
export const CONFIG_VERSION = 1;

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const CQL_NAME = /^[A-Za-z][A-Za-z0-9_]{0,47}$/;
/** Kafka's topic name rule, with `${keyspace}` and `${table}` allowed as placeholders. */
const TOPIC_PATTERN = /^(?:[A-Za-z0-9._-]|\$\{keyspace\}|\$\{table\})+$/;

const name = (what: string) => z.string().regex(NAME, `${what} must be 1-100 letters, digits, "_", "." or "-", starting with a letter or digit`);

export const destinationSchema = z.strictObject({
  version: z.literal(CONFIG_VERSION).default(CONFIG_VERSION),
  name: name('name'),
  /** A Kafka topic, or a pattern such as `cdc.${keyspace}.${table}`. */
  topic: z.string().regex(TOPIC_PATTERN, 'topic must be a Kafka topic name (letters, digits, ".", "_", "-"), optionally with ${keyspace} and ${table}').max(249),
  /** `json`: the change event of libs/contracts/docs/change-event.md. */
  format: z.enum(['json']).default('json'),
  options: z.record(z.string(), z.string()).default({}),
  paused: z.boolean().default(false),
});

export const channelSchema = z.strictObject({
  version: z.literal(CONFIG_VERSION).default(CONFIG_VERSION),
  name: name('name'),
  keyspace: z.string().regex(CQL_NAME, 'keyspace must be a CQL identifier'),
  table: z.string().regex(CQL_NAME, 'table must be a CQL identifier'),
  destination: name('destination'),
  /** `delta`: the columns the write touched; `full`: the whole row, read back at LOCAL_QUORUM. */
  image: z.enum(['delta', 'full']).default('delta'),
  paused: z.boolean().default(false),
});

export type Destination = z.output<typeof destinationSchema>;
export type Channel = z.output<typeof channelSchema>;

export type ConfigKind = 'destination' | 'channel';

export function configKey(kind: ConfigKind, name: string): string {
  return `${kind}/${name}`;
}

/** One record of the configuration topic: a destination or channel set, or deleted (null). */
export type ConfigChange =
  | { readonly kind: 'destination'; readonly name: string; readonly value: Destination | null }
  | { readonly kind: 'channel'; readonly name: string; readonly value: Channel | null };

/** Reads a configuration record; throws an Error naming the key and every problem. */
export function parseConfigRecord(key: string, value: string | null): ConfigChange {
  const slash = key.indexOf('/');
  const kind = key.slice(0, slash);
  const recordName = key.slice(slash + 1);
  if (slash < 0 || (kind !== 'destination' && kind !== 'channel') || !NAME.test(recordName)) {
    throw new Error(`configuration record ${JSON.stringify(key)}: the key must be destination/<name> or channel/<name>`);
  }
  if (value === null) return kind === 'destination' ? { kind, name: recordName, value: null } : { kind, name: recordName, value: null };
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new Error(`configuration record ${key}: the value is not JSON`);
  }
  const parsed = kind === 'destination' ? destinationSchema.safeParse(json) : channelSchema.safeParse(json);
  if (!parsed.success) throw new Error(`configuration record ${key}: ${describeIssues(parsed.error)}`);
  if (parsed.data.name !== recordName) throw new Error(`configuration record ${key}: its name is ${JSON.stringify(parsed.data.name)}`);
  return kind === 'destination' ? { kind, name: recordName, value: parsed.data as Destination } : { kind, name: recordName, value: parsed.data as Channel };
}

/** Zod's issues as `field: message; field: message`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'value'}: ${issue.message}`).join('; ');
}

/** The topic a destination's events for one table go to. */
export function destinationTopic(destination: Destination, keyspace: string, table: string): string {
  return destination.topic.replaceAll('${keyspace}', keyspace).replaceAll('${table}', table);
}

/**
 * The configuration as the records so far describe it: what a component holds after
 * reading the configuration topic, updated record by record.
 */
export class ConfigState {
  private readonly destinationsByName = new Map<string, Destination>();
  private readonly channelsByName = new Map<string, Channel>();

  apply(change: ConfigChange): void {
    if (change.kind === 'destination') {
      if (change.value) this.destinationsByName.set(change.name, change.value);
      else this.destinationsByName.delete(change.name);
    } else if (change.value) {
      this.channelsByName.set(change.name, change.value);
    } else {
      this.channelsByName.delete(change.name);
    }
  }

  destinations(): Destination[] {
    return [...this.destinationsByName.values()];
  }

  channels(): Channel[] {
    return [...this.channelsByName.values()];
  }

  destination(name: string): Destination | undefined {
    return this.destinationsByName.get(name);
  }

  /**
   * The tables (`keyspace.table`) with an unpaused channel that asks for full-row images,
   * whose rows the deduper reads back. A paused destination still counts: when it
   * resumes, it reads on from where it stopped and needs the images of what it missed.
   */
  fullImageTables(): Set<string> {
    return new Set(this.channels().filter((c) => c.image === 'full' && !c.paused).map((c) => `${c.keyspace}.${c.table}`));
  }

  /** The unpaused channels of one destination that capture `keyspace.table`. */
  channelsOf(destination: string, keyspace: string, table: string): Channel[] {
    return this.channels().filter((c) => c.destination === destination && c.keyspace === keyspace && c.table === table && !c.paused);
  }
}
