import { type KafkaOptions, Transport } from '@nestjs/microservices';
import { Partitioners } from 'kafkajs';
import type { Logger } from '@meridian/contracts';
import { HEARTBEAT_INTERVAL_MS, SESSION_TIMEOUT_MS } from './group-member';

export interface KafkaTransportSettings {
  /** Bootstrap servers, `host:port`. */
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** The consumer group, exactly as given (Nest would append `-server`). */
  readonly groupId: string;
  /** How many partitions are handled at once; records of one partition are always handled one after the other. */
  readonly concurrency?: number;
  readonly logger?: Logger;
}

/**
 * Options for Nest's Kafka transport (`app.connectMicroservice`), so that services read
 * topics with `@EventPattern(topic)` handlers without importing the Kafka client:
 * committed records only (`read_committed`), a new group starts at the beginning of its
 * topics, and no topic is ever created by subscribing or sending (a typo in a topic name
 * is an error, not a new empty topic). Offsets are committed after each record's handler
 * resolves, so a handler that throws leaves its record to be handed over again.
 */
export function kafkaTransport(settings: KafkaTransportSettings): KafkaOptions {
  return {
    transport: Transport.KAFKA,
    options: {
      // By default Nest appends "-server" to the client id and the group id.
      postfixId: '',
      client: {
        clientId: settings.clientId,
        brokers: [...settings.brokers],
        connectionTimeout: 3000,
        retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 5000 },
        logCreator: () => repeatFilter(settings.logger),
      },
      consumer: {
        groupId: settings.groupId,
        readUncommitted: false,
        allowAutoTopicCreation: false,
        maxWaitTimeInMs: 100,
        // As Meridian's own members (GroupMember): back within seconds of a broker restart.
        sessionTimeout: SESSION_TIMEOUT_MS,
        heartbeatInterval: HEARTBEAT_INTERVAL_MS,
      },
      subscribe: { fromBeginning: true },
      run: { partitionsConsumedConcurrently: settings.concurrency ?? 1 },
      // Nest's server keeps a producer for replies; these services send none.
      producer: { allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner },
    },
  };
}

// kafkajs' log levels (its enum and Nest's copy of it are distinct types).
const ERROR = 1;
const WARN = 2;
const INFO = 4;

interface LogLine {
  readonly level: number;
  readonly namespace: string;
  readonly log: { readonly message: string } & Readonly<Record<string, unknown>>;
}

/**
 * kafkajs' lines for the log: a failure repeated on every retry (a broker away) is written
 * once, until another line comes; debug lines are dropped.
 */
function repeatFilter(logger: Logger | undefined): (line: LogLine) => void {
  let last: string | undefined;
  return ({ level, namespace, log }) => {
    if (!logger || level > INFO) return;
    const error = typeof log['error'] === 'string' ? ` (${log['error']})` : '';
    const text = `kafka ${namespace}: ${log.message}${error}`;
    if (level > WARN) {
      last = undefined;
      logger.log(text);
    } else if (text !== last) {
      last = text;
      if (level === ERROR) logger.error(text);
      else logger.warn(text);
    }
  };
}
