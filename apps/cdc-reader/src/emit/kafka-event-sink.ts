import type { PartitionUpdate } from '@meridian/commitlog';
import { DIGEST_HEADER, type RawMutationEvent, rawMutationKey } from '@meridian/contracts';
import type { OutgoingRecord, RecordProducer } from '@meridian/kafka';
import type { EventSink } from '../segments/cdc-follower';

/**
 * Bytes of records per produce request. A broker refuses a record batch over its
 * message.max.bytes (1 MiB by default), and a segment read after a pause can hold many
 * megabytes of events, so they go in requests well under that, one after the other.
 */
const MAX_REQUEST_BYTES = 512 * 1024;

/** Raw mutation events to the raw topic, keyed by table and partition key; resolves once all are acknowledged. */
export class KafkaEventSink implements EventSink {
  constructor(
    private readonly producer: RecordProducer,
    private readonly topic: string,
  ) {}

  async send(events: readonly RawMutationEvent<PartitionUpdate>[]): Promise<void> {
    let chunk: OutgoingRecord[] = [];
    let bytes = 0;
    for (const event of events) {
      const record = { key: rawMutationKey(event.update.keyspace, event.update.table, event.update.key), value: JSON.stringify(event), headers: { [DIGEST_HEADER]: event.digest } };
      const size = record.key.length + record.value.length;
      if (chunk.length > 0 && bytes + size > MAX_REQUEST_BYTES) {
        await this.producer.send(this.topic, chunk);
        chunk = [];
        bytes = 0;
      }
      chunk.push(record);
      bytes += size;
    }
    if (chunk.length > 0) await this.producer.send(this.topic, chunk);
  }
}
