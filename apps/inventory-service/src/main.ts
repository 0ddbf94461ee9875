import { runService } from '@meridian/service';
import { config } from './config';
import { InventoryServiceModule } from './inventory-service.module';

void runService({
  name: 'inventory-service',
  summary: 'example service: reserves stock for orders placed in any DC',
  schema: config,
  module: (settings) => InventoryServiceModule.forRoot(settings),
  http: (settings) => ({ host: settings.MERIDIAN_HTTP_HOST, port: settings.MERIDIAN_HTTP_PORT }),
});
