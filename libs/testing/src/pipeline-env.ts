import { uniqueName } from './unique-name';

/**
 * Settings that give one test its own pipeline on a shared Kafka: fresh topics and consumer
 * groups for every stage, and a status topic of its own, so neither its data nor its
 * components' heartbeats mix with another test's. Pass it to every service of the test.
 */
export function isolatedPipelineEnv() {
  return {
    MERIDIAN_RAW_TOPIC: uniqueName('raw'),
    MERIDIAN_MUTATIONS_TOPIC: uniqueName('mutations'),
    MERIDIAN_DEDUP_CHANGELOG_TOPIC: uniqueName('changelog'),
    MERIDIAN_DEDUPER_GROUP: uniqueName('deduper'),
    MERIDIAN_CONFIG_TOPIC: uniqueName('config'),
    MERIDIAN_PUBLISHER_GROUP: uniqueName('publisher'),
    MERIDIAN_STATUS_TOPIC: uniqueName('status'),
  };
}
