import { PIPELINE_NAMES } from '@meridian/contracts';
import { uniqueName } from './unique-name';

/** The topics and consumer groups a test's pipeline gets of its own. */
const ISOLATED = ['MERIDIAN_RAW_TOPIC', 'MERIDIAN_MUTATIONS_TOPIC', 'MERIDIAN_DEDUP_CHANGELOG_TOPIC', 'MERIDIAN_DEDUPER_GROUP', 'MERIDIAN_CONFIG_TOPIC', 'MERIDIAN_PUBLISHER_GROUP', 'MERIDIAN_STATUS_TOPIC'] as const satisfies readonly (keyof typeof PIPELINE_NAMES)[];

/**
 * Settings that give one test its own pipeline on a shared Kafka: fresh topics and consumer
 * groups for every stage, and a status topic of its own, so neither its data nor its
 * components' heartbeats mix with another test's. Pass it to every service of the test.
 */
export function isolatedPipelineEnv(): Record<(typeof ISOLATED)[number], string> {
  // Named after the default, so that a test's topics and groups say what they are.
  return Object.fromEntries(ISOLATED.map((setting) => [setting, uniqueName(PIPELINE_NAMES[setting].replace(/^meridian\./, '').replaceAll('.', '_'))])) as Record<(typeof ISOLATED)[number], string>;
}
