export {
  type ConsumedRecord,
  type GroupConsumer,
  type GroupConsumerOptions,
  type GroupDescription,
  type Isolation,
  KafkaConnection,
  type KafkaClusterInfo,
  type KafkaSettings,
  KafkaUnavailableError,
  type OutgoingRecord,
  type PartitionBatch,
  type PartitionProgress,
  RecordProducer,
  type TopicRecords,
  type TopicSpec,
  type TransactionScope,
} from './kafka-connection';

export { kafkaTransport, type KafkaTransportSettings } from './kafka-transport';
