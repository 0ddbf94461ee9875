import { text } from '@meridian/config';
import { PIPELINE_NAMES, SERVICE_PORTS } from '@meridian/contracts';
import { kafkaEnv, cassandraEnv, serviceEnv } from '@meridian/service';
import { z } from 'zod';

export const config = z.object({
  ...serviceEnv(SERVICE_PORTS.coordinator),
  ...kafkaEnv,
  ...cassandraEnv,
  MERIDIAN_CONFIG_TOPIC: text('the compacted configuration topic this coordinator writes and every component follows').default(PIPELINE_NAMES.MERIDIAN_CONFIG_TOPIC),
  MERIDIAN_RAW_TOPIC: text('topic of the raw mutation events, whose deduper progress /api/status shows').default(PIPELINE_NAMES.MERIDIAN_RAW_TOPIC),
  MERIDIAN_DEDUPER_GROUP: text("the dedupers' consumer group").default(PIPELINE_NAMES.MERIDIAN_DEDUPER_GROUP),
  MERIDIAN_MUTATIONS_TOPIC: text('topic of the deduplicated mutation events the publishers read').default(PIPELINE_NAMES.MERIDIAN_MUTATIONS_TOPIC),
  MERIDIAN_PUBLISHER_GROUP: text("prefix of the publishers' consumer groups, <prefix>.<destination>, whose offsets /api/offsets shows and resets").default(PIPELINE_NAMES.MERIDIAN_PUBLISHER_GROUP),
  MERIDIAN_API_TOKEN: text('bearer token required by the API calls that change configuration; unset, they are open').optional(),
});

export type CoordinatorConfig = z.output<typeof config>;
