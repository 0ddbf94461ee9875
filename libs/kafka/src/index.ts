export {
  type ConsumedRecord,
  type GroupConsumer,
  type GroupConsumerOptions,
  type Isolation,
  KafkaConnection,
  type KafkaClusterInfo,
  type KafkaSettings,
  KafkaUnavailableError,
  type OutgoingRecord,
  type PartitionBatch,
  RecordProducer,
  type TopicSpec,
  type TransactionScope,
} from './kafka-connection';

