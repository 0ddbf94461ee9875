import { kafkaEnv, cassandraEnv, serviceEnv } from '@meridian/service';
import { z } from 'zod';

export const config = z.object({
  ...serviceEnv(8082),
  ...kafkaEnv,
  ...cassandraEnv,
});

export type DeduperConfig = z.output<typeof config>;
