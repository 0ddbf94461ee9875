import { positiveInt, text } from '@meridian/config';
import { DEAD_LETTER_TOPICS, PIPELINE_NAMES, SERVICE_PORTS } from '@meridian/contracts';
import { kafkaEnv, serviceEnv } from '@meridian/service';
import { z } from 'zod';

export const config = z.object({
  ...serviceEnv(SERVICE_PORTS.publisher),
  ...kafkaEnv,
  MERIDIAN_CONFIG_TOPIC: text('the compacted configuration topic the coordinator writes').default(PIPELINE_NAMES.MERIDIAN_CONFIG_TOPIC),
  MERIDIAN_MUTATIONS_TOPIC: text('topic of the deduplicated mutation events').default(PIPELINE_NAMES.MERIDIAN_MUTATIONS_TOPIC),
  MERIDIAN_PUBLISHER_GROUP: text("prefix of the publishers' consumer groups; each destination has its own, <prefix>.<destination>").default(PIPELINE_NAMES.MERIDIAN_PUBLISHER_GROUP),
  MERIDIAN_DEAD_LETTER_TOPIC: text('where events that can never be delivered go, with the reason').default(DEAD_LETTER_TOPICS.publisher),
  MERIDIAN_CONCURRENT_PARTITIONS_PER_DESTINATION: positiveInt("mutations topic partitions whose batches each destination's pipeline handles at once, each in its own transaction", 6),
  MERIDIAN_DESTINATION_PARTITIONS: positiveInt('partitions of a destination topic when the publisher creates it', 6),
  MERIDIAN_MAX_EVENT_BYTES: positiveInt("largest event a destination topic takes (its max.message.bytes); larger ones go to the dead-letter topic", 1024 * 1024),
});

export type PublisherConfig = z.output<typeof config>;
