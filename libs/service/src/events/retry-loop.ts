import { FailureNotice } from '../failure-notice';

/** Thrown by RetryLoop.run once the loop is stopped: the work was not done. */
export class StoppedError extends Error {
  override readonly name = 'StoppedError';
}

/** How long to wait between attempts: from the first delay, doubling, up to the most. */
export interface RetryPolicy {
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
}

/** Short enough that a service follows a broker or a node back within seconds. */
export const DEFAULT_RETRY: RetryPolicy = { firstDelayMs: 500, maxDelayMs: 5000 };

/**
 * Waits that double after each failure, from `firstDelayMs` up to `maxDelayMs`, each drawn
 * between half and all of that: instances that failed together (a broker restart fails
 * every service at once) do not all try again at the same moment.
 */
export class Backoff {
  private failures = 0;

  constructor(
    readonly policy: RetryPolicy = DEFAULT_RETRY,
    private readonly random: () => number = Math.random,
  ) {}

  /** The wait before the next attempt, after one more failure. */
  next(): number {
    const ceiling = Math.min(this.policy.maxDelayMs, this.policy.firstDelayMs * 2 ** Math.min(this.failures, 30));
    this.failures++;
    return ceiling / 2 + (this.random() * ceiling) / 2;
  }

  /** After a success: the next failure waits the first delay again. */
  reset(): void {
    this.failures = 0;
  }
}

/** Whether an error says trying again cannot help (a `retriable: false` flag, as Kafka's and Cassandra's errors carry). */
export function isFinal(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'retriable' in error && error.retriable === false;
}

/**
 * The one way Meridian's services retry: runs a piece of work until it succeeds, with
 * Backoff between attempts. That is how a service starts while Kafka or Cassandra is
 * still away, and how an event handler outlasts Cassandra being away without losing the
 * event. Each distinct failure is logged once, and the recovery once. An error marked
 * `retriable: false` is not tried again: run throws it. `stop` (at shutdown) ends every
 * loop with StoppedError, so the work in hand is left undone rather than dropped.
 */
export class RetryLoop {
  private stopped = false;
  private readonly sleepers = new Set<() => void>();
  /** Shared by every run: a failure that many runs meet (Cassandra away, for each event) is logged once. */
  private readonly notice: FailureNotice;

  constructor(
    private readonly log: { warn(line: string): void; log(line: string): void },
    private readonly policy: RetryPolicy = DEFAULT_RETRY,
  ) {
    this.notice = new FailureNotice((line) => this.log.warn(line));
  }

  /** `what` names the work in the log; `whileWaiting` runs between attempts (e.g. a consumer heartbeat). */
  async run<T>(what: string, work: () => Promise<T>, whileWaiting?: () => Promise<void>): Promise<T> {
    const backoff = new Backoff(this.policy);
    const notice = this.notice;
    for (;;) {
      if (this.stopped) throw new StoppedError(`stopped before ${what} succeeded`);
      try {
        const result = await work();
        if (notice.recovered()) this.log.log(`${what} works again`);
        return result;
      } catch (error) {
        if (isFinal(error)) {
          notice.failed(error, (message) => `${what} failed: ${message} (not retried: the error says trying again cannot help)`);
          throw error;
        }
        notice.failed(error, (message) => `${what} failed: ${message} (retrying with backoff up to ${this.policy.maxDelayMs / 1000}s)`);
      }
      await whileWaiting?.().catch(() => undefined);
      await this.sleep(backoff.next());
    }
  }

  /** Runs `work` until it succeeds, in the background; a final error is logged, and StoppedError at shutdown is not. */
  keep(what: string, work: () => Promise<void>): void {
    this.run(what, work).catch((error: unknown) => {
      if (!(error instanceof StoppedError)) this.log.warn(`${what} gave up`);
    });
  }

  stop(): void {
    this.stopped = true;
    for (const wake of this.sleepers) wake();
  }

  private sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, delayMs);
      this.sleepers.add(wake);
    });
  }
}
