import { Logger } from '@nestjs/common';
import { kafkaTransport } from '@meridian/kafka';
import { runService } from '@meridian/service';
import { config } from './config';
import { OrderServiceModule } from './order-service.module';

void runService({
  name: 'order-service',
  summary: 'example service: places orders and reacts to inventory reservations',
  schema: config,
  module: (settings) => OrderServiceModule.forRoot(settings),
  http: (settings) => ({ host: settings.MERIDIAN_HTTP_HOST, port: settings.MERIDIAN_HTTP_PORT }),
  microservice: (settings) => ({
    options: kafkaTransport({
      brokers: settings.MERIDIAN_KAFKA_BROKERS.map(({ host, port }) => `${host}:${port}`),
      clientId: `order-service-${settings.MERIDIAN_DC}-events`,
      groupId: settings.SHOP_CONSUMER_GROUP,
      logger: new Logger('KafkaEvents'),
    }),
    description: `${settings.SHOP_RESERVATIONS_TOPIC} as group ${settings.SHOP_CONSUMER_GROUP}`,
    topics: [{ topic: settings.SHOP_RESERVATIONS_TOPIC, partitions: settings.SHOP_TOPIC_PARTITIONS }],
  }),
});
