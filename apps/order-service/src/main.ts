import { runService } from '@meridian/service';
import { config } from './config';
import { OrderServiceModule } from './order-service.module';

void runService({
  name: 'order-service',
  summary: 'example service: places orders and reacts to inventory reservations',
  schema: config,
  module: (settings) => OrderServiceModule.forRoot(settings),
  http: (settings) => ({ host: settings.MERIDIAN_HTTP_HOST, port: settings.MERIDIAN_HTTP_PORT }),
});
