import { errorMessage } from '@meridian/contracts';
/**
 * A retry loop's failures for the log: each distinct failure once, and the recovery once,
 * so a broker that stays away for an hour reads as two lines, not a flood.
 */
export class FailureNotice {
  private last: string | undefined;

  constructor(private readonly warn: (line: string) => void) {}

  /** Logs `describe(message)` unless this same failure was the last one logged. */
  failed(error: unknown, describe: (message: string) => string = (message) => message): void {
    const message = errorMessage(error);
    if (message !== this.last) this.warn(describe(message));
    this.last = message;
  }

  /** True, once, when this follows failures: the caller says it works again. */
  recovered(): boolean {
    const wasFailing = this.last !== undefined;
    this.last = undefined;
    return wasFailing;
  }
}
