import { runService } from '@meridian/service';
import { config } from './config';
import { CdcReaderModule } from './cdc-reader.module';

void runService({
  name: 'cdc-reader',
  summary: "streams one Cassandra node's CDC commit log segments into its DC's Kafka",
  schema: config,
  module: (settings) => CdcReaderModule.forRoot(settings),
  http: (settings) => ({ host: settings.MERIDIAN_HTTP_HOST, port: settings.MERIDIAN_HTTP_PORT }),
});
