import { runService } from '@meridian/service';
import { config } from './config';
import { PublisherModule } from './publisher.module';

void runService({
  name: 'publisher',
  summary: 'turns mutation events into change events on the destinations whose channels want them',
  schema: config,
  module: (settings) => PublisherModule.forRoot(settings),
  http: (settings) => ({ host: settings.MERIDIAN_HTTP_HOST, port: settings.MERIDIAN_HTTP_PORT }),
});
