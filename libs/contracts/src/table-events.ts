import { errorMessage } from './error-message';
import { type ChangeEvent, parseChangeEvent } from './change-event';

/** A record a consumer does not act on, and why; `warn` when the topic should not carry it at all. */
export interface Skipped {
  readonly skip: string;
  readonly warn: boolean;
}

/**
 * A consumer's first step on a record of a destination topic: the change event, if it is
 * a valid one of `keyspace.table`; otherwise Skipped with the reason, to log and move on.
 */
export function tableChangeEvent(value: unknown, keyspace: string, table: string): ChangeEvent | Skipped {
  let event: ChangeEvent;
  try {
    event = parseChangeEvent(value);
  } catch (error) {
    return { skip: errorMessage(error), warn: true };
  }
  const source = event.source;
  if (source.keyspace !== keyspace || source.table !== table) return { skip: `a change of ${source.keyspace}.${source.table}, not of ${keyspace}.${table}`, warn: true };
  return event;
}

export function isSkipped(read: object): read is Skipped {
  return 'skip' in read;
}
