export {
  type ConsumedRecord,
  type Isolation,
  KafkaConnection,
  type KafkaClusterInfo,
  type KafkaSettings,
  KafkaUnavailableError,
  type OutgoingRecord,
  RecordProducer,
  type TopicSpec,
  type TransactionScope,
} from './kafka-connection';

