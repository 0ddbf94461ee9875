import { kafkaEnv, serviceEnv } from '@meridian/service';
import { z } from 'zod';

export const config = z.object({
  ...serviceEnv(8083),
  ...kafkaEnv,
});

export type PublisherConfig = z.output<typeof config>;
