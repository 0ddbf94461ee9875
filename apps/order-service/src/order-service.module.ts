import { type DynamicModule, Module } from '@nestjs/common';
import { ServiceModule } from '@meridian/service';
import type { OrderServiceConfig } from './config';

@Module({})
export class OrderServiceModule {
  static forRoot(config: OrderServiceConfig): DynamicModule {
    return {
      module: OrderServiceModule,
      imports: [
        ServiceModule.forRoot({
          name: 'order-service',
          dc: config.MERIDIAN_DC,
          config,
          kafkaBrokers: config.MERIDIAN_KAFKA_BROKERS,
          cassandraContactPoints: config.MERIDIAN_CASSANDRA_CONTACT_POINTS,
        }),
      ],
    };
  }
}
