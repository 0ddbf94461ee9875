import type { KafkaConnection, RecordProducer } from '@meridian/kafka';
import type { OffsetStore } from '../segments/cdc-follower';

/**
 * Reader progress in a compacted topic: key `<node>/<segment>`, value the position read
 * up to, a tombstone once the segment is deleted. Loaded at start by reading the topic to
 * its end; written with acks from all in-sync replicas before the reader moves on.
 */
export class KafkaOffsetStore implements OffsetStore {
  constructor(
    private readonly kafka: KafkaConnection,
    private readonly producer: RecordProducer,
    private readonly topic: string,
    private readonly node: string,
  ) {}

  async load(): Promise<Map<string, number>> {
    const positions = new Map<string, number>();
    const prefix = `${this.node}/`;
    for (const record of await this.kafka.readToEnd(this.topic)) {
      const key = record.key?.toString();
      if (!key?.startsWith(prefix)) continue;
      const segment = key.slice(prefix.length);
      if (record.value === null) positions.delete(segment);
      else positions.set(segment, Number(record.value.toString()));
    }
    return positions;
  }

  async commit(segment: string, position: number): Promise<void> {
    await this.producer.send(this.topic, [{ key: `${this.node}/${segment}`, value: String(position) }]);
  }

  async forget(segment: string): Promise<void> {
    await this.producer.send(this.topic, [{ key: `${this.node}/${segment}`, value: null }]);
  }
}
