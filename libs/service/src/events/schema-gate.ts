import { type BeforeApplicationShutdown, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { NotReadyError } from '../api/api-errors';
import { RetryLoop } from './retry-loop';

/**
 * What a service must have in Cassandra before it works (its keyspace and tables), created
 * at start and retried until Cassandra answers. Event handlers wait for `ready()`; HTTP
 * calls `check()`, which answers 503 until it is in place. A service subclasses it as an
 * injectable, naming what it creates and how.
 */
export class SchemaGate implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Schema');
  private readonly retry = new RetryLoop(this.logger);
  private creating: Promise<void> | undefined;
  private created = false;

  constructor(
    /** What is created, for the log and the 503, e.g. "the orders table". */
    private readonly what: string,
    /** Creates what is missing; returns one line per thing found or done. */
    private readonly ensure: () => Promise<string[]>,
  ) {}

  onApplicationBootstrap(): void {
    this.ready().catch(() => undefined);
  }

  beforeApplicationShutdown(): void {
    this.retry.stop();
  }

  ready(): Promise<void> {
    this.creating ??= this.retry
      .run(`creating ${this.what}`, async () => {
        for (const line of await this.ensure()) this.logger.log(line);
      })
      .then(() => {
        this.created = true;
      });
    return this.creating;
  }

  /** Throws NotReadyError (503) while the schema is not in place. */
  check(): void {
    if (!this.created) throw new NotReadyError(`not in place yet: ${this.what} (Cassandra has not answered since the start)`);
  }
}
