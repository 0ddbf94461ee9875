/**
 * The names one DC's pipeline is wired by, in one place: the services' settings take their
 * defaults from here, and infra, tests and benchmarks derive what they set from it.
 */

/** Each service's HTTP port by default (and in dc1 of the topology; dc2 adds 100). */
export const SERVICE_PORTS = {
  coordinator: 8080,
  'cdc-reader': 8081,
  deduper: 8082,
  publisher: 8083,
  'order-service': 8090,
  'inventory-service': 8091,
} as const;

/** The pipeline's topics and consumer groups, by the setting that names each, with its default. */
export const PIPELINE_NAMES = {
  MERIDIAN_RAW_TOPIC: 'meridian.mutations.raw',
  MERIDIAN_READER_OFFSETS_TOPIC: 'meridian.reader.offsets',
  MERIDIAN_MUTATIONS_TOPIC: 'meridian.mutations',
  MERIDIAN_DEDUP_CHANGELOG_TOPIC: 'meridian.dedup.changelog',
  MERIDIAN_DEDUPER_GROUP: 'meridian.deduper',
  MERIDIAN_CONFIG_TOPIC: 'meridian.config',
  MERIDIAN_PUBLISHER_GROUP: 'meridian.publisher',
  MERIDIAN_STATUS_TOPIC: 'meridian.status',
} as const;

/** Where each stage sends what it can never handle (the setting is MERIDIAN_DEAD_LETTER_TOPIC in both). */
export const DEAD_LETTER_TOPICS = {
  deduper: 'meridian.mutations.dead',
  publisher: 'meridian.publisher.dead',
} as const;
