import { positiveInt, replicationFactors, text } from '@meridian/config';
import { SERVICE_PORTS } from '@meridian/contracts';
import { cassandraEnv, kafkaEnv, serviceEnv } from '@meridian/service';
import { z } from 'zod';

export const config = z.object({
  ...serviceEnv(SERVICE_PORTS['inventory-service']),
  ...kafkaEnv,
  ...cassandraEnv,
  SHOP_KEYSPACE: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,47}$/, 'must be a CQL name: lower-case letters, digits and "_", starting with a letter')
    .default('shop')
    .describe("keyspace of the shop's tables; this service owns its stock and reservations tables"),
  SHOP_REPLICATION: replicationFactors('replication of the keyspace when this service creates it, dc:factor[,dc:factor]', 'dc1:1,dc2:1'),
  SHOP_ORDERS_TOPIC: text("topic of the orders table's change events in this DC (a Meridian destination)").default('shop.orders'),
  SHOP_CONSUMER_GROUP: text('consumer group that reads the orders topic').default('inventory-service'),
  SHOP_TOPIC_PARTITIONS: positiveInt('partitions of the orders topic when this service creates it', 6),
  SHOP_CONCURRENCY: positiveInt("how many of the orders topic's partitions are handled at once; the orders of one partition are handled one after the other", 3),
});

export type InventoryServiceConfig = z.output<typeof config>;
