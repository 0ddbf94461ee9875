import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DependencyState, HealthReport } from '@meridian/contracts';
import { type CheckOutcome, type DependencyCheck, runCheck } from './dependency-check';

export const DEPENDENCY_CHECKS = Symbol('DEPENDENCY_CHECKS');
const CHECK_TIMEOUT_MS = 4000;
const POLL_INTERVAL_MS = 5000;
const NOT_CHECKED: CheckOutcome = { up: false, reason: 'not checked yet' };

/**
 * Connects to every dependency at start, keeps checking in the background and logs
 * each change of state once (so a missing broker reads as one line, not a flood),
 * answers /health with a fresh check of all of them, and keeps each one's latest
 * outcome for those who must not wait for a check (heartbeats).
 */
@Injectable()
export class DependencyMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Dependencies');
  private readonly last = new Map<string, CheckOutcome>();
  private timer: NodeJS.Timeout | undefined;
  private shuttingDown = false;

  constructor(private readonly dependencies: readonly DependencyCheck[]) {}

  onApplicationBootstrap(): void {
    void this.poll();
  }

  onApplicationShutdown(): void {
    this.shuttingDown = true;
    clearTimeout(this.timer);
  }

  async report(): Promise<HealthReport> {
    const outcomes = await this.checkAll();
    const details: Record<string, DependencyState> = {};
    for (const [name, outcome] of outcomes) {
      details[name] = outcome.up ? { status: 'up', ...outcome.details } : { status: 'down', message: outcome.reason };
    }
    const pick = (status: 'up' | 'down') => Object.fromEntries(Object.entries(details).filter(([, state]) => state.status === status));
    const allUp = outcomes.every(([, outcome]) => outcome.up);
    return { status: this.shuttingDown ? 'shutting_down' : allUp ? 'ok' : 'error', info: pick('up'), error: pick('down'), details };
  }

  /** Each dependency's latest outcome, from the background checks or /health; does not check. */
  latest(): ReadonlyMap<string, CheckOutcome> {
    return new Map(this.dependencies.map(({ name }) => [name, this.last.get(name) ?? NOT_CHECKED]));
  }

  private async poll(): Promise<void> {
    await this.checkAll();
    if (!this.shuttingDown) this.timer = setTimeout(() => void this.poll(), POLL_INTERVAL_MS);
  }

  private async checkAll(): Promise<[string, CheckOutcome][]> {
    const outcomes = await Promise.all(this.dependencies.map(async (d) => [d.name, await runCheck(d, CHECK_TIMEOUT_MS)] as [string, CheckOutcome]));
    for (const [name, outcome] of outcomes) this.record(name, outcome);
    return outcomes;
  }

  private record(name: string, outcome: CheckOutcome): void {
    const previous = this.last.get(name);
    this.last.set(name, outcome);
    if (previous?.up === outcome.up) return;
    if (outcome.up) this.logger.log(`${name} is up ${JSON.stringify(outcome.details)}`);
    else this.logger.warn(`${name} is down: ${outcome.reason} (retrying every ${POLL_INTERVAL_MS / 1000}s)`);
  }
}
