import { ConfigState, parseConfigRecord, errorMessage } from '@meridian/contracts';
import type { ConfigRecord } from './ports';

/**
 * The configuration as the coordinator sees it: the topic loaded to its end, its own
 * writes applied as soon as they are acknowledged (so a read right after a write sees
 * it), and anything else that arrives on the topic afterwards.
 *
 * A follower reads the topic from its start, and the echo of an own write can arrive
 * after a newer own write to the same key was applied; applying that echo would show a
 * stale record for a moment. Own writes are therefore remembered until their echo
 * arrives, in order per key, and echoes are not applied again.
 */
export class ConfigView {
  readonly state = new ConfigState();
  private loadedThrough = -1n;
  private readonly unechoed = new Map<string, { readonly value: string | null }[]>();

  constructor(private readonly warn: (message: string) => void) {}

  load(records: readonly ConfigRecord[]): void {
    for (const record of records) {
      this.apply(record.key, record.value);
      if (record.offset > this.loadedThrough) this.loadedThrough = record.offset;
    }
  }

  /** A record from following the topic. */
  follow(record: ConfigRecord): void {
    if (record.offset <= this.loadedThrough) return;
    const pending = this.unechoed.get(record.key);
    if (pending !== undefined && pending[0]?.value === record.value) {
      pending.shift();
      if (pending.length === 0) this.unechoed.delete(record.key);
      return;
    }
    this.apply(record.key, record.value);
  }

  /** Registers an own write about to be sent; the returned function forgets it again if the send fails. */
  expect(key: string, value: string | null): () => void {
    const pending = this.unechoed.get(key) ?? [];
    const entry = { value };
    pending.push(entry);
    this.unechoed.set(key, pending);
    return () => {
      // A failed send that did reach the topic arrives as a foreign record and is applied then.
      const index = pending.indexOf(entry);
      if (index >= 0) pending.splice(index, 1);
      if (pending.length === 0 && this.unechoed.get(key) === pending) this.unechoed.delete(key);
    };
  }

  /** An own write, acknowledged by the store. */
  wrote(key: string, value: string | null): void {
    this.apply(key, value);
  }

  private apply(key: string, value: string | null): void {
    try {
      this.state.apply(parseConfigRecord(key, value));
    } catch (error) {
      this.warn(`ignored configuration record: ${errorMessage(error)}`);
    }
  }
}
