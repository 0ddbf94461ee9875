import type { ConsumedRecord, KafkaConnection, OutgoingRecord } from '@meridian/kafka';
import { uniqueName } from '@meridian/testing';
import { MAX_REQUEST_BYTES } from './raw-topic';

export interface ProduceBaseline {
  readonly events: number;
  readonly bytes: number;
  readonly requests: number;
  readonly seconds: number;
  readonly perSecond: number;
}

/**
 * The produce-only ceiling: `records` as they are (key and value), produced again to a fresh
 * topic of `partitions` partitions by one idempotent producer of the project's Kafka client,
 * in requests of at most 512 KiB, one at a time, as the cdc-reader's sink sends them. The
 * requests are made before the clock starts: the figure is the client's and the broker's rate alone.
 */
export async function produceBaseline(
  kafka: KafkaConnection,
  records: readonly ConsumedRecord[],
  topicSpec: { readonly prefix: string; readonly partitions: number; readonly maxMessageBytes?: number },
  progress: (line: string) => void,
): Promise<ProduceBaseline> {
  const chunks: OutgoingRecord[][] = [];
  let chunk: OutgoingRecord[] = [];
  let chunkBytes = 0;
  let bytes = 0;
  for (const { key, value } of records) {
    const size = (key?.length ?? 0) + (value?.length ?? 0);
    if (chunk.length > 0 && chunkBytes + size > MAX_REQUEST_BYTES) {
      chunks.push(chunk);
      chunk = [];
      chunkBytes = 0;
    }
    chunk.push({ key, value });
    chunkBytes += size;
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);

  const topic = uniqueName(topicSpec.prefix);
  await kafka.createTopics([{ topic, partitions: topicSpec.partitions, ...(topicSpec.maxMessageBytes === undefined ? {} : { maxMessageBytes: topicSpec.maxMessageBytes }) }]);
  const producer = await kafka.producer();
  try {
    progress(`baseline: producing ${records.length} events (${(bytes / 2 ** 20).toFixed(1)} MiB) to ${topic} in ${chunks.length} requests`);
    const start = performance.now();
    for (const c of chunks) await producer.send(topic, c);
    const seconds = (performance.now() - start) / 1000;
    return { events: records.length, bytes, requests: chunks.length, seconds, perSecond: records.length / seconds };
  } finally {
    await producer.close();
  }
}
