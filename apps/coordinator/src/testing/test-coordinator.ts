import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { SERVICE_CONFIG } from '@meridian/service';
import { ChannelsController } from '../api/channels.controller';
import { DestinationsController } from '../api/destinations.controller';
import { OffsetsController } from '../api/offsets.controller';
import { StatusController } from '../api/status.controller';
import { config } from '../config';
import { ConfigurationService } from '../configuration/configuration.service';
import { CONFIG_STORE, TABLE_CATALOG } from '../configuration/ports';
import { ApiDocs } from '../docs/api-docs';
import { CONSUMER_GROUPS } from '../progress/ports';
import { ProgressService } from '../progress/progress.service';
import { STATUS_FEED } from '../status/ports';
import { StatusService } from '../status/status.service';
import { FakeConfigStore, FakeConsumerGroups, FakeStatusFeed, FakeTableCatalog } from './fakes';

export interface TestCoordinator {
  readonly app: INestApplication;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly store: FakeConfigStore;
  readonly catalog: FakeTableCatalog;
  readonly groups: FakeConsumerGroups;
  readonly feed: FakeStatusFeed;
}

/**
 * The coordinator's real HTTP app (controllers, guard, error filter, services) on a free
 * port, with in-memory ports for Kafka and Cassandra. `loaded: false` keeps the
 * configuration topic unreadable, as while Kafka is away.
 */
export async function startTestCoordinator(options: { token?: string; loaded?: boolean } = {}): Promise<TestCoordinator> {
  const store = new FakeConfigStore();
  store.failLoad = options.loaded === false;
  const catalog = new FakeTableCatalog();
  const groups = new FakeConsumerGroups();
  const feed = new FakeStatusFeed();
  const settings = config.parse({ MERIDIAN_DC: 'dc1', MERIDIAN_KAFKA_BROKERS: '127.0.0.1:9092', MERIDIAN_CASSANDRA_CONTACT_POINTS: '127.0.0.1:9042', MERIDIAN_API_TOKEN: options.token });
  const moduleRef = await Test.createTestingModule({
    controllers: [DestinationsController, ChannelsController, StatusController, OffsetsController],
    providers: [
      { provide: SERVICE_CONFIG, useValue: settings },
      { provide: CONFIG_STORE, useValue: store },
      { provide: TABLE_CATALOG, useValue: catalog },
      { provide: CONSUMER_GROUPS, useValue: groups },
      { provide: STATUS_FEED, useValue: feed },
      ConfigurationService,
      ProgressService,
      StatusService,
      ApiDocs,
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  // Resolves once loaded: with the topic unreadable, it keeps trying until the app closes.
  const loading = app.get(ConfigurationService).start();
  if (options.loaded !== false) await loading;
  return { app, url, store, catalog, groups, feed };
}
