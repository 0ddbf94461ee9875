import { text } from '@meridian/config';
import { kafkaEnv, cassandraEnv, serviceEnv } from '@meridian/service';
import { z } from 'zod';

export const config = z.object({
  ...serviceEnv(8080),
  ...kafkaEnv,
  ...cassandraEnv,
  MERIDIAN_CONFIG_TOPIC: text('the compacted configuration topic this coordinator writes and every component follows').default('meridian.config'),
  MERIDIAN_RAW_TOPIC: text('topic of the raw mutation events, whose deduper progress /api/status shows').default('meridian.mutations.raw'),
  MERIDIAN_DEDUPER_GROUP: text("the dedupers' consumer group").default('meridian.deduper'),
  MERIDIAN_MUTATIONS_TOPIC: text('topic of the deduplicated mutation events the publishers read').default('meridian.mutations'),
  MERIDIAN_PUBLISHER_GROUP: text("prefix of the publishers' consumer groups, <prefix>.<destination>, whose offsets /api/offsets shows and resets").default('meridian.publisher'),
  MERIDIAN_API_TOKEN: text('bearer token required by the API calls that change configuration; unset, they are open').optional(),
});

export type CoordinatorConfig = z.output<typeof config>;
