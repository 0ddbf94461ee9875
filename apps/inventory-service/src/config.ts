import { kafkaEnv, cassandraEnv, serviceEnv } from '@meridian/service';
import { z } from 'zod';

export const config = z.object({
  ...serviceEnv(8091),
  ...kafkaEnv,
  ...cassandraEnv,
});

export type InventoryServiceConfig = z.output<typeof config>;
