import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { NotReadyError, RetryLoop } from '@meridian/service';

/** Creates the keyspace and tables where missing; returns what it did, for the log. */
export interface SchemaSetup {
  ensure(): Promise<string[]>;
}

export const SCHEMA_SETUP = Symbol('SCHEMA_SETUP');

/**
 * The keyspace and the stock and reservations tables, created at start and retried until
 * Cassandra answers. Events wait for them; HTTP calls answer 503 until they are in place.
 */
@Injectable()
export class InventorySchema implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Schema');
  private readonly retry = new RetryLoop(this.logger, 2000);
  private creating: Promise<void> | undefined;
  private created = false;

  constructor(@Inject(SCHEMA_SETUP) private readonly setup: SchemaSetup) {}

  onApplicationBootstrap(): void {
    this.ready().catch(() => undefined);
  }

  beforeApplicationShutdown(): void {
    this.retry.stop();
  }

  ready(): Promise<void> {
    this.creating ??= this.retry
      .run('creating the stock and reservations tables', async () => {
        for (const line of await this.setup.ensure()) this.logger.log(line);
      })
      .then(() => {
        this.created = true;
      });
    return this.creating;
  }

  /** Throws NotReadyError (503) while the tables are not in place. */
  check(): void {
    if (!this.created) throw new NotReadyError('the stock and reservations tables are not in place yet: Cassandra has not answered since the start');
  }
}
