import { type DynamicModule, Module } from '@nestjs/common';
import { ServiceModule } from '@meridian/service';
import type { InventoryServiceConfig } from './config';

@Module({})
export class InventoryServiceModule {
  static forRoot(config: InventoryServiceConfig): DynamicModule {
    return {
      module: InventoryServiceModule,
      imports: [
        ServiceModule.forRoot({
          name: 'inventory-service',
          dc: config.MERIDIAN_DC,
          config,
          kafkaBrokers: config.MERIDIAN_KAFKA_BROKERS,
          cassandraContactPoints: config.MERIDIAN_CASSANDRA_CONTACT_POINTS,
        }),
      ],
    };
  }
}
