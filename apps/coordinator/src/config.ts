import { text } from '@meridian/config';
import { kafkaEnv, cassandraEnv, serviceEnv } from '@meridian/service';
import { z } from 'zod';

export const config = z.object({
  ...serviceEnv(8080),
  ...kafkaEnv,
  ...cassandraEnv,
  MERIDIAN_CONFIG_TOPIC: text('the compacted configuration topic this coordinator writes and every component follows').default('meridian.config'),
  MERIDIAN_API_TOKEN: text('bearer token required by the API calls that change configuration; unset, they are open').optional(),
});

export type CoordinatorConfig = z.output<typeof config>;
