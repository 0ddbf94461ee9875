import type { PartitionUpdate } from '@meridian/commitlog';
import { type RawMutationEvent, rawMutationKey } from '@meridian/contracts';
import type { RecordProducer } from '@meridian/kafka';
import type { EventSink } from '../segments/cdc-follower';

/** Raw mutation events to the raw topic, keyed by table and partition key; resolves once acknowledged. */
export class KafkaEventSink implements EventSink {
  constructor(
    private readonly producer: RecordProducer,
    private readonly topic: string,
  ) {}

  async send(events: readonly RawMutationEvent<PartitionUpdate>[]): Promise<void> {
    await this.producer.send(
      this.topic,
      events.map((event) => ({ key: rawMutationKey(event.update.keyspace, event.update.table, event.update.key), value: JSON.stringify(event) })),
    );
  }
}
