import { type DynamicModule, Module } from '@nestjs/common';
import { ServiceModule } from '@meridian/service';
import type { DeduperConfig } from './config';
import { DeduperService } from './dedup/deduper.service';

@Module({})
export class DeduperModule {
  static forRoot(config: DeduperConfig): DynamicModule {
    return {
      module: DeduperModule,
      imports: [
        ServiceModule.forRoot({
          name: 'deduper',
          dc: config.MERIDIAN_DC,
          config,
          kafkaBrokers: config.MERIDIAN_KAFKA_BROKERS,
          cassandraContactPoints: config.MERIDIAN_CASSANDRA_CONTACT_POINTS,
        }),
      ],
      providers: [DeduperService],
    };
  }
}
