import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type Channel, channelSchema, type ConfigKind, configKey, type Destination, destinationSchema } from '@meridian/contracts';
import { ConflictError, InvalidRequestError, NotFoundError, NotReadyError, parseRequest, RetryLoop } from '@meridian/service';
import { ConfigView } from './config-view';
import { CONFIG_STORE, type ConfigStore, TABLE_CATALOG, type TableCatalog } from './ports';

/**
 * The rules of the configuration API: what a destination or channel may be, what may be
 * changed or removed while others depend on it. Every change is a record on the
 * configuration topic, answered only once Kafka acknowledged it.
 */
@Injectable()
export class ConfigurationService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Configuration');
  private readonly view = new ConfigView((message) => this.logger.warn(message));
  private ready = false;
  private loading: Promise<void> | undefined;
  private readonly retry = new RetryLoop(this.logger);
  // Read-modify-write of one record must not interleave with another change.
  private changes: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(CONFIG_STORE) private readonly store: ConfigStore,
    @Inject(TABLE_CATALOG) private readonly catalog: TableCatalog,
  ) {}

  onApplicationBootstrap(): void {
    void this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.retry.stop();
    await this.store.stop();
  }

  /** Loads the topic to its end, then follows it; retried until Kafka answers. A call while loading joins it. */
  start(): Promise<void> {
    if (this.ready) return Promise.resolve();
    this.loading ??= this.retry
      .run('loading the configuration', () => this.load())
      // Stopped at shutdown: the configuration stays not ready, and the API answers 503.
      .catch(() => undefined)
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  private async load(): Promise<void> {
    this.view.load(await this.store.load());
    await this.store.follow((record) => this.view.follow(record));
    this.ready = true;
    this.logger.log(`configuration loaded: ${this.view.state.destinations().length} destination(s), ${this.view.state.channels().length} channel(s)`);
  }

  listDestinations(): Destination[] {
    return this.loaded().destinations();
  }

  getDestination(name: string): Destination {
    const destination = this.loaded().destination(name);
    if (!destination) throw new NotFoundError(`no destination named ${JSON.stringify(name)}`);
    return destination;
  }

  createDestination(body: unknown): Promise<Destination> {
    return this.serialized(async () => {
      const destination = parseRequest(destinationSchema, body, 'invalid destination');
      if (this.loaded().destination(destination.name)) throw new ConflictError(`destination ${JSON.stringify(destination.name)} already exists`);
      await this.write('destination', destination.name, destination);
      return destination;
    });
  }

  /** Fields given replace the current ones (`options` as a whole); the result is validated as a whole. */
  updateDestination(name: string, body: unknown): Promise<Destination> {
    return this.serialized(async () => {
      const destination = parseRequest(destinationSchema, merge(this.getDestination(name), body), 'invalid destination');
      await this.write('destination', name, destination);
      return destination;
    });
  }

  setDestinationPaused(name: string, paused: boolean): Promise<Destination> {
    return this.updateDestination(name, { paused });
  }

  deleteDestination(name: string): Promise<void> {
    return this.serialized(async () => {
      this.getDestination(name);
      const users = this.loaded().channels().filter((c) => c.destination === name).map((c) => c.name);
      if (users.length > 0) throw new ConflictError(`destination ${JSON.stringify(name)} is used by channel(s) ${users.join(', ')}; delete or move them first`);
      await this.write('destination', name, null);
    });
  }

  listChannels(): Channel[] {
    return this.loaded().channels();
  }

  getChannel(name: string): Channel {
    const channel = this.loaded().channels().find((c) => c.name === name);
    if (!channel) throw new NotFoundError(`no channel named ${JSON.stringify(name)}`);
    return channel;
  }

  createChannel(body: unknown): Promise<Channel> {
    return this.serialized(async () => {
      const channel = parseRequest(channelSchema, body, 'invalid channel');
      if (this.loaded().channels().some((c) => c.name === channel.name)) throw new ConflictError(`channel ${JSON.stringify(channel.name)} already exists`);
      await this.checkSources(channel);
      await this.write('channel', channel.name, channel);
      return channel;
    });
  }

  updateChannel(name: string, body: unknown): Promise<Channel> {
    return this.serialized(async () => {
      const current = this.getChannel(name);
      const channel = parseRequest(channelSchema, merge(current, body), 'invalid channel');
      if (channel.destination !== current.destination || channel.keyspace !== current.keyspace || channel.table !== current.table) await this.checkSources(channel);
      await this.write('channel', name, channel);
      return channel;
    });
  }

  setChannelPaused(name: string, paused: boolean): Promise<Channel> {
    return this.updateChannel(name, { paused });
  }

  deleteChannel(name: string): Promise<void> {
    return this.serialized(async () => {
      this.getChannel(name);
      await this.write('channel', name, null);
    });
  }

  /**
   * A channel's destination and table must exist, and the table must have CDC on. These
   * are 409s, not 422s: the request itself is well-formed and valid; it is the current
   * state (the configuration, Cassandra's schema) that refuses it, and the same request
   * succeeds once that state is fixed.
   */
  private async checkSources(channel: Channel): Promise<void> {
    if (!this.loaded().destination(channel.destination)) {
      throw new ConflictError(`destination ${JSON.stringify(channel.destination)} does not exist; create it first (POST /api/destinations)`);
    }
    const table = await this.catalog.table(channel.keyspace, channel.table);
    const qualified = `${channel.keyspace}.${channel.table}`;
    if (!table) throw new ConflictError(`table ${qualified} does not exist in Cassandra`);
    if (!table.cdc) throw new ConflictError(`table ${qualified} does not have CDC enabled; enable it with: ALTER TABLE ${qualified} WITH cdc = true;`);
  }

  private async write(kind: ConfigKind, name: string, value: Destination | Channel | null): Promise<void> {
    const key = configKey(kind, name);
    const json = value === null ? null : JSON.stringify(value);
    const forget = this.view.expect(key, json);
    try {
      await this.store.write(key, json);
    } catch (error) {
      forget();
      throw error;
    }
    this.view.wrote(key, json);
  }

  private loaded() {
    if (!this.ready) throw new NotReadyError('the coordinator is still loading the configuration topic; try again shortly');
    return this.view.state;
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const result = this.changes.then(work);
    this.changes = result.catch(() => undefined);
    return result;
  }
}

/** A patch over the current record; a patch may not rename it (the name is its key). */
function merge(current: Destination | Channel, patch: unknown): Record<string, unknown> {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new InvalidRequestError('invalid patch', [{ field: 'body', message: 'must be a JSON object of the fields to change' }]);
  }
  const fields = patch as Record<string, unknown>;
  if ('name' in fields && fields['name'] !== current.name) {
    throw new InvalidRequestError('invalid patch', [{ field: 'name', message: 'cannot be changed; create a record under the new name and delete this one' }]);
  }
  return { ...current, ...fields };
}
