import { Logger } from '@nestjs/common';
import { kafkaTransport } from '@meridian/kafka';
import { runService } from '@meridian/service';
import { config } from './config';
import { InventoryServiceModule } from './inventory-service.module';

void runService({
  name: 'inventory-service',
  summary: 'example service: reserves stock for orders placed in any DC',
  schema: config,
  module: (settings) => InventoryServiceModule.forRoot(settings),
  http: (settings) => ({ host: settings.MERIDIAN_HTTP_HOST, port: settings.MERIDIAN_HTTP_PORT }),
  microservice: (settings) => ({
    options: kafkaTransport({
      brokers: settings.MERIDIAN_KAFKA_BROKERS.map(({ host, port }) => `${host}:${port}`),
      clientId: `inventory-service-${settings.MERIDIAN_DC}-events`,
      groupId: settings.SHOP_CONSUMER_GROUP,
      concurrency: settings.SHOP_CONCURRENCY,
      logger: new Logger('KafkaEvents'),
    }),
    description: `${settings.SHOP_ORDERS_TOPIC} as group ${settings.SHOP_CONSUMER_GROUP}`,
    topics: [{ topic: settings.SHOP_ORDERS_TOPIC, partitions: settings.SHOP_TOPIC_PARTITIONS }],
  }),
});
