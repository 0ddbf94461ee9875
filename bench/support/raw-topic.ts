/** As the cdc-reader creates its raw topic (apps/cdc-reader/src/reader.service.ts). */
export const RAW_PARTITIONS = 6;
export const RAW_TOPIC_MAX_MESSAGE_BYTES = 32 * 1024 * 1024;
/** As apps/cdc-reader/src/emit/kafka-event-sink.ts bounds its produce requests. */
export const MAX_REQUEST_BYTES = 512 * 1024;
