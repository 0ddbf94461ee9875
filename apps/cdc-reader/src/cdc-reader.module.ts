import { type DynamicModule, Module } from '@nestjs/common';
import { ServiceModule } from '@meridian/service';
import type { CdcReaderConfig } from './config';
import { ReaderService } from './reader.service';
import { cdcRawCheck } from './segments/cdc-raw-check';

@Module({})
export class CdcReaderModule {
  static forRoot(config: CdcReaderConfig): DynamicModule {
    return {
      module: CdcReaderModule,
      imports: [
        ServiceModule.forRoot({
          name: `cdc-reader-${config.MERIDIAN_NODE}`,
          component: 'cdc-reader',
          instance: config.MERIDIAN_NODE,
          dc: config.MERIDIAN_DC,
          config,
          kafkaBrokers: config.MERIDIAN_KAFKA_BROKERS,
          cassandraContactPoints: config.MERIDIAN_CASSANDRA_CONTACT_POINTS,
          extraChecks: [cdcRawCheck(config.MERIDIAN_CDC_RAW_DIR)],
        }),
      ],
      providers: [ReaderService],
    };
  }
}
