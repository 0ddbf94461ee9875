import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { RetryLoop, SERVICE_CONFIG } from '@meridian/service';
import type { OrderServiceConfig } from '../config';
import { OrderFigures } from '../orders/order-figures';
import { OrderSchema } from '../orders/order-schema';
import { ORDER_STORE, type OrderDecision, type OrderStore, type StoredOrder } from '../orders/order-store';
import { isSkipped } from '@meridian/contracts';
import { type ReservationEvent, readReservationEvent } from './reservation-event';

/**
 * Turns each reservation into its order's decision: RESERVED confirms it, REJECTED rejects
 * it with the reason. The decision is written with the reservation's writetime, so the
 * newest reservation wins whatever the order of arrival, and a reservation handled twice
 * writes the same cells with the same timestamp: no change.
 */
@Injectable()
export class ReservationHandler implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Reservations');
  private readonly retry = new RetryLoop(this.logger);
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: Pick<OrderServiceConfig, 'SHOP_KEYSPACE'>,
    @Inject(ORDER_STORE) private readonly store: OrderStore,
    private readonly schema: OrderSchema,
    private readonly figures: OrderFigures,
  ) {}

  beforeApplicationShutdown(): void {
    this.retry.stop();
  }

  /**
   * Handles one record; `where` names it in the log. Resolves once the decision is
   * written (retrying while Cassandra fails) or the record is skipped.
   */
  async handle(value: unknown, where: string, heartbeat?: () => Promise<void>): Promise<void> {
    const read = readReservationEvent(value, this.config.SHOP_KEYSPACE);
    if (isSkipped(read)) {
      this.figures.skipped.inc({ why: read.warn ? 'invalid' : 'not a reservation' });
      if (read.warn) this.logger.warn(`skipped ${where}: ${read.skip}`);
      else this.logger.debug(`skipped ${where}: ${read.skip}`);
      return;
    }
    await this.schema.ready();
    await this.retry.run(`deciding order ${read.orderId}`, () => this.decide(read), heartbeat);
  }

  private async decide(reservation: ReservationEvent): Promise<void> {
    const current = await this.store.get(reservation.orderId);
    const decision: OrderDecision =
      reservation.status === 'RESERVED' ? { status: 'CONFIRMED', decidedAt: new Date() } : { status: 'REJECTED', reason: reservation.reason ?? 'rejected by inventory', decidedAt: new Date() };
    const timestampUs = decisionTimestamp(reservation.writetimeUs, current);
    await this.store.decide(reservation.orderId, decision, timestampUs);
    // Counted once: when this write is what took the order out of PENDING.
    if (current?.status !== 'PENDING' || timestampUs <= current.statusUs) return;
    if (decision.status === 'CONFIRMED') this.figures.confirmed.inc();
    else this.figures.rejected.inc({ reason: decision.reason ?? '' });
    this.figures.decisionSeconds.observe(Math.max(0, Number(reservation.writetimeUs - current.placedUs)) / 1e6);
    this.logger.log(`order ${reservation.orderId} ${decision.status === 'CONFIRMED' ? 'confirmed' : `rejected: ${decision.reason ?? ''}`}`);
  }
}

/**
 * The timestamp a decision is written with: its reservation's writetime. A decision always
 * follows its order's placement, so when the clocks of the two DCs disagree and that
 * writetime is not after the pending status, it goes just after it instead.
 */
export function decisionTimestamp(reservationUs: bigint, current: StoredOrder | undefined): bigint {
  if (current?.status === 'PENDING' && current.statusUs >= reservationUs) return current.statusUs + 1n;
  return reservationUs;
}
