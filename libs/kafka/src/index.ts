export { type ConsumedRecord, type ConsumerStall, type GroupConsumer, type GroupConsumerOptions, type Isolation, type PartitionBatch, type StallEvents } from './group-member';
export {
  DEFAULT_STALL_AFTER_MS,
  type GroupDescription,
  KafkaConnection,
  type KafkaClusterInfo,
  type KafkaSettings,
  KafkaUnavailableError,
  type OutgoingRecord,
  type PartitionProgress,
  RecordProducer,
  type TopicRecords,
  type TopicSpec,
  type TransactionScope,
} from './kafka-connection';

export { kafkaTransport, type KafkaTransportSettings } from './kafka-transport';
export { type DeadLetter, type StageKafka, type StageOutput, TransactionalStage, type TransactionalStageOptions, transactionalId } from './transactional-stage';
