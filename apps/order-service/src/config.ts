import { kafkaEnv, cassandraEnv, serviceEnv } from '@meridian/service';
import { z } from 'zod';

export const config = z.object({
  ...serviceEnv(8090),
  ...kafkaEnv,
  ...cassandraEnv,
});

export type OrderServiceConfig = z.output<typeof config>;
