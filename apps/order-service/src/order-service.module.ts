import { type DynamicModule, Module } from '@nestjs/common';
import { CassandraConnection } from '@meridian/cassandra';
import { ServiceModule } from '@meridian/service';
import type { OrderServiceConfig } from './config';
import { CassandraOrderStore } from './orders/cassandra-order-store';
import { OrderFigures } from './orders/order-figures';
import { OrderSchema } from './orders/order-schema';
import { ORDER_STORE } from './orders/order-store';
import { OrdersController } from './orders/orders.controller';
import { OrdersService } from './orders/orders.service';
import { reservationEventsController } from './reservations/reservation-events.controller';
import { ReservationHandler } from './reservations/reservation-handler';

@Module({})
export class OrderServiceModule {
  static forRoot(config: OrderServiceConfig): DynamicModule {
    return {
      module: OrderServiceModule,
      imports: [
        ServiceModule.forRoot({
          name: 'order-service',
          dc: config.MERIDIAN_DC,
          config,
          kafkaBrokers: config.MERIDIAN_KAFKA_BROKERS,
          cassandraContactPoints: config.MERIDIAN_CASSANDRA_CONTACT_POINTS,
        }),
      ],
      controllers: [OrdersController, reservationEventsController(config.SHOP_RESERVATIONS_TOPIC)],
      providers: [
        {
          provide: ORDER_STORE,
          inject: [CassandraConnection],
          useFactory: (cassandra: CassandraConnection) => new CassandraOrderStore(cassandra, config.SHOP_KEYSPACE, config.SHOP_REPLICATION),
        },
        OrderFigures,
        OrderSchema,
        OrdersService,
        ReservationHandler,
      ],
    };
  }
}
