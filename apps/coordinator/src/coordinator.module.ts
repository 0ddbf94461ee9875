import { type DynamicModule, Module } from '@nestjs/common';
import { ServiceModule } from '@meridian/service';
import type { CoordinatorConfig } from './config';

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
    };
  }
}
