import { runService } from '@meridian/service';
import { config } from './config';
import { CoordinatorModule } from './coordinator.module';

void runService({
  name: 'coordinator',
  summary: 'control plane: destinations, channels, status and offsets of one DC',
  schema: config,
  module: (settings) => CoordinatorModule.forRoot(settings),
  http: (settings) => ({ host: settings.MERIDIAN_HTTP_HOST, port: settings.MERIDIAN_HTTP_PORT }),
});
