import { type DynamicModule, Module } from '@nestjs/common';
import { ServiceModule } from '@meridian/service';
import type { PublisherConfig } from './config';
import { PublisherService } from './publisher.service';

@Module({})
export class PublisherModule {
  static forRoot(config: PublisherConfig): DynamicModule {
    return {
      module: PublisherModule,
      imports: [
        ServiceModule.forRoot({
          name: 'publisher',
          dc: config.MERIDIAN_DC,
          config,
          kafkaBrokers: config.MERIDIAN_KAFKA_BROKERS,
        }),
      ],
      providers: [PublisherService],
    };
  }
}
