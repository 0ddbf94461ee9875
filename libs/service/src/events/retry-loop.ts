import { FailureNotice } from '../failure-notice';

/** Thrown by RetryLoop.run once the loop is stopped: the work was not done. */
export class StoppedError extends Error {
  override readonly name = 'StoppedError';
}

/**
 * Runs a piece of work until it succeeds, waiting between attempts: how an event handler
 * outlasts Cassandra being away without losing the event. Each distinct failure is logged
 * once, and the recovery once. `stop` (at shutdown) ends every loop with StoppedError, so
 * the event is left unacknowledged rather than dropped.
 */
export class RetryLoop {
  private stopped = false;
  private readonly sleepers = new Set<() => void>();
  private readonly notice: FailureNotice;

  constructor(
    private readonly log: { warn(line: string): void; log(line: string): void },
    private readonly delayMs = 1000,
  ) {
    this.notice = new FailureNotice((line) => this.log.warn(line));
  }

  /** `what` names the work in the log; `whileWaiting` runs between attempts (e.g. a consumer heartbeat). */
  async run<T>(what: string, work: () => Promise<T>, whileWaiting?: () => Promise<void>): Promise<T> {
    for (;;) {
      if (this.stopped) throw new StoppedError(`stopped before ${what} succeeded`);
      try {
        const result = await work();
        if (this.notice.recovered()) this.log.log(`${what} works again`);
        return result;
      } catch (error) {
        this.notice.failed(error, (message) => `${what} failed: ${message} (retrying every ${this.delayMs / 1000}s)`);
      }
      await whileWaiting?.().catch(() => undefined);
      await this.sleep();
    }
  }

  stop(): void {
    this.stopped = true;
    for (const wake of this.sleepers) wake();
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, this.delayMs);
      this.sleepers.add(wake);
    });
  }
}
