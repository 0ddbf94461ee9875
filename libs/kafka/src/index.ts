export { type ConsumedRecord, type ConsumerStall, type GroupConsumer, type GroupConsumerOptions, type Isolation, type PartitionBatch, type StallEvents } from './group-member';
export { DEFAULT_STALL_AFTER_MS, type GroupDescription, KafkaConnection, type KafkaClusterInfo, type KafkaSettings, type PartitionProgress, type TopicSpec } from './kafka-connection';
export { KafkaUnavailableError } from './kafka-errors';
export { kafkaTransport, type KafkaTransportSettings } from './kafka-transport';
export { type OutgoingRecord, RecordProducer, type TopicRecords, type TransactionScope } from './record-producer';
export { type DeadLetter, type StageKafka, type StageOutput, TransactionalStage, type TransactionalStageOptions } from './transactional-stage';
