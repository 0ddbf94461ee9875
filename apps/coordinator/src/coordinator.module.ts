import { type DynamicModule, Module } from '@nestjs/common';
import { CassandraConnection } from '@meridian/cassandra';
import { KafkaConnection } from '@meridian/kafka';
import { ServiceModule } from '@meridian/service';
import { ChannelsController } from './api/channels.controller';
import { OffsetsController } from './api/offsets.controller';
import { StatusController } from './api/status.controller';
import { DestinationsController } from './api/destinations.controller';
import type { CoordinatorConfig } from './config';
import { CassandraTableCatalog } from './configuration/cassandra-table-catalog';
import { ConfigurationService } from './configuration/configuration.service';
import { KafkaConfigStore } from './configuration/kafka-config-store';
import { CONFIG_STORE, TABLE_CATALOG } from './configuration/ports';
import { ApiDocs } from './docs/api-docs';
import { CONSUMER_GROUPS } from './progress/ports';
import { ProgressService } from './progress/progress.service';
import { KafkaStatusFeed } from './status/kafka-status-feed';
import { STATUS_FEED } from './status/ports';
import { StatusService } from './status/status.service';

@Module({})
export class CoordinatorModule {
  static forRoot(config: CoordinatorConfig): DynamicModule {
    return {
      module: CoordinatorModule,
      imports: [
        ServiceModule.forRoot({
          name: 'coordinator',
          dc: config.MERIDIAN_DC,
          config,
          kafkaBrokers: config.MERIDIAN_KAFKA_BROKERS,
          cassandraContactPoints: config.MERIDIAN_CASSANDRA_CONTACT_POINTS,
        }),
      ],
      controllers: [DestinationsController, ChannelsController, StatusController, OffsetsController],
      providers: [
        { provide: CONFIG_STORE, inject: [KafkaConnection], useFactory: (kafka: KafkaConnection) => new KafkaConfigStore(kafka, config.MERIDIAN_CONFIG_TOPIC, `coordinator-${config.MERIDIAN_DC}`) },
        { provide: TABLE_CATALOG, inject: [CassandraConnection], useFactory: (cassandra: CassandraConnection) => new CassandraTableCatalog(cassandra) },
        { provide: STATUS_FEED, inject: [KafkaConnection], useFactory: (kafka: KafkaConnection) => new KafkaStatusFeed(kafka, config.MERIDIAN_STATUS_TOPIC, `coordinator-${config.MERIDIAN_DC}`) },
        { provide: CONSUMER_GROUPS, useExisting: KafkaConnection },
        ConfigurationService,
        ProgressService,
        StatusService,
        ApiDocs,
      ],
    };
  }
}
