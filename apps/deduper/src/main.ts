import { runService } from '@meridian/service';
import { config } from './config';
import { DeduperModule } from './deduper.module';

void runService({
  name: 'deduper',
  summary: 'collapses the replica copies of each mutation into one mutation event',
  schema: config,
  module: (settings) => DeduperModule.forRoot(settings),
  http: (settings) => ({ host: settings.MERIDIAN_HTTP_HOST, port: settings.MERIDIAN_HTTP_PORT }),
});
