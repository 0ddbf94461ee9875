import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { NotReadyError, RetryLoop } from '@meridian/service';
import { ORDER_STORE, type OrderStore } from './order-store';

/**
 * The keyspace and orders table, created at start and retried until Cassandra answers.
 * Events wait for it; HTTP calls answer 503 until it is in place.
 */
@Injectable()
export class OrderSchema implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Schema');
  private readonly retry = new RetryLoop(this.logger, 2000);
  private creating: Promise<void> | undefined;
  private created = false;

  constructor(@Inject(ORDER_STORE) private readonly store: OrderStore) {}

  onApplicationBootstrap(): void {
    this.ready().catch(() => undefined);
  }

  beforeApplicationShutdown(): void {
    this.retry.stop();
  }

  ready(): Promise<void> {
    this.creating ??= this.retry
      .run('creating the orders table', async () => {
        for (const line of await this.store.ensureSchema()) this.logger.log(line);
      })
      .then(() => {
        this.created = true;
      });
    return this.creating;
  }

  /** Throws NotReadyError (503) while the table is not in place. */
  check(): void {
    if (!this.created) throw new NotReadyError('the orders table is not in place yet: Cassandra has not answered since the start');
  }
}
