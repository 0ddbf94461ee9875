import { KafkaJSError, KafkaJSNumberOfRetriesExceeded } from 'kafkajs';
import { errorMessage } from '@meridian/contracts';

/** Raised when the cluster cannot be reached or answers with an error; `retriable` follows the broker's own classification. */
export class KafkaUnavailableError extends Error {
  constructor(
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KafkaUnavailableError';
  }
}

/** A failure to reach or use the cluster at `brokers`, as KafkaUnavailableError. */
export function describeFailure(brokers: readonly string[], error: unknown): KafkaUnavailableError {
  return new KafkaUnavailableError(`Kafka at ${brokers.join(',')} is unavailable: ${errorMessage(error)}`, isRetriable(error), { cause: error });
}

/**
 * Whether trying again can help, by kafkajs' classification, except that kafkajs marks
 * giving up after its own retries as final: a broker away longer than those retries (a
 * restart) is exactly what trying again later outlasts.
 */
function isRetriable(error: unknown): boolean {
  if (error instanceof KafkaJSNumberOfRetriesExceeded) return true;
  return error instanceof KafkaJSError ? error.retriable : true;
}

/** Kafka's own failure of `what`, with kafkajs' error as the cause; anything else as it is. */
export function requestFailure(what: string, error: unknown): unknown {
  if (!(error instanceof KafkaJSError)) return error;
  return new KafkaUnavailableError(`${what} failed: ${errorMessage(error)}`, isRetriable(error), { cause: error });
}

export async function kafkaRequest<T>(what: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw requestFailure(what, error);
  }
}
