import { positiveInt, text } from '@meridian/config';
import { DEAD_LETTER_TOPICS, PIPELINE_NAMES, SERVICE_PORTS } from '@meridian/contracts';
import { cassandraEnv, kafkaEnv, serviceEnv } from '@meridian/service';
import { z } from 'zod';

export const config = z.object({
  ...serviceEnv(SERVICE_PORTS.deduper),
  ...kafkaEnv,
  ...cassandraEnv,
  MERIDIAN_RAW_TOPIC: text('topic of the raw mutation events the cdc-readers write').default(PIPELINE_NAMES.MERIDIAN_RAW_TOPIC),
  MERIDIAN_MUTATIONS_TOPIC: text('topic of the deduplicated mutation events').default(PIPELINE_NAMES.MERIDIAN_MUTATIONS_TOPIC),
  MERIDIAN_MUTATIONS_PARTITIONS: positiveInt('partitions of the mutations topic when the deduper creates it', 6),
  MERIDIAN_DEDUP_CHANGELOG_TOPIC: text("compacted topic of the dedup state, one partition per raw topic partition").default(PIPELINE_NAMES.MERIDIAN_DEDUP_CHANGELOG_TOPIC),
  MERIDIAN_DEAD_LETTER_TOPIC: text('where records that are not raw mutation events go, with the reason').default(DEAD_LETTER_TOPICS.deduper),
  MERIDIAN_DEDUPER_GROUP: text('consumer group of the dedupers; instances in one group share the raw partitions').default(PIPELINE_NAMES.MERIDIAN_DEDUPER_GROUP),
  MERIDIAN_CONCURRENT_PARTITIONS: positiveInt('raw partitions whose batches this instance handles at once, each in its own transaction', 6),
  MERIDIAN_DEDUP_WINDOW_S: positiveInt('how long a mutation is remembered after its first copy, in seconds: later copies are not recognised', 3600),
  MERIDIAN_DEDUP_MAX_ENTRIES: positiveInt('most mutations remembered per raw partition; the oldest are forgotten first', 1_000_000),
  MERIDIAN_CONFIG_TOPIC: text('the compacted configuration topic the coordinator writes: channels with image full have their rows read back').default(PIPELINE_NAMES.MERIDIAN_CONFIG_TOPIC),
  MERIDIAN_IMAGE_READ_TIMEOUT_MS: positiveInt('how long a full-row image read waits for Cassandra before the event gets a read_failed marker', 2000),
  MERIDIAN_IMAGE_READ_CONCURRENCY: positiveInt('most full-row image reads in flight at once', 32),
});

export type DeduperConfig = z.output<typeof config>;
