import { type DynamicModule, Module } from '@nestjs/common';
import { CassandraConnection, ensureSchema } from '@meridian/cassandra';
import { ServiceModule } from '@meridian/service';
import type { InventoryServiceConfig } from './config';
import { InventoryFigures } from './inventory-figures';
import { orderEventsController } from './orders/order-events.controller';
import { OrderHandler } from './orders/order-handler';
import { CassandraReservationStore, RESERVATIONS_TABLE } from './reservations/cassandra-reservation-store';
import { RESERVATION_STORE } from './reservations/reservation-store';
import { InventorySchema, SCHEMA_SETUP, type SchemaSetup } from './schema/inventory-schema';
import { CassandraStockStore, STOCK_TABLE } from './stock/cassandra-stock-store';
import { STOCK_STORE } from './stock/stock-store';
import { StockController } from './stock/stock.controller';
import { StockService } from './stock/stock.service';

@Module({})
export class InventoryServiceModule {
  static forRoot(config: InventoryServiceConfig): DynamicModule {
    const keyspace = config.SHOP_KEYSPACE;
    return {
      module: InventoryServiceModule,
      imports: [
        ServiceModule.forRoot({
          name: 'inventory-service',
          dc: config.MERIDIAN_DC,
          config,
          kafkaBrokers: config.MERIDIAN_KAFKA_BROKERS,
          cassandraContactPoints: config.MERIDIAN_CASSANDRA_CONTACT_POINTS,
        }),
      ],
      controllers: [StockController, orderEventsController(config.SHOP_ORDERS_TOPIC)],
      providers: [
        {
          provide: SCHEMA_SETUP,
          inject: [CassandraConnection],
          useFactory: (cassandra: CassandraConnection): SchemaSetup => ({
            ensure: () => ensureSchema(cassandra, { keyspace, replication: config.SHOP_REPLICATION, tables: [STOCK_TABLE, RESERVATIONS_TABLE] }),
          }),
        },
        { provide: STOCK_STORE, inject: [CassandraConnection], useFactory: (cassandra: CassandraConnection) => new CassandraStockStore(cassandra, keyspace) },
        { provide: RESERVATION_STORE, inject: [CassandraConnection], useFactory: (cassandra: CassandraConnection) => new CassandraReservationStore(cassandra, keyspace) },
        InventoryFigures,
        InventorySchema,
        StockService,
        OrderHandler,
      ],
    };
  }
}
