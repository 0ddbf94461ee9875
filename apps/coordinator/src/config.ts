import { kafkaEnv, cassandraEnv, serviceEnv } from '@meridian/service';
import { z } from 'zod';

export const config = z.object({
  ...serviceEnv(8080),
  ...kafkaEnv,
  ...cassandraEnv,
});

export type CoordinatorConfig = z.output<typeof config>;
