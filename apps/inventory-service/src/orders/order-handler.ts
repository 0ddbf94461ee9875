import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { RetryLoop, SERVICE_CONFIG } from '@meridian/service';
import type { InventoryServiceConfig } from '../config';
import { InventoryFigures } from '../inventory-figures';
import { RESERVATION_STORE, type ReservationStore } from '../reservations/reservation-store';
import { InventorySchema } from '../schema/inventory-schema';
import { decideOrder } from '../stock/decide-order';
import { STOCK_STORE, type StockStore } from '../stock/stock-store';
import { isSkipped } from '@meridian/contracts';
import { type PlacedOrder, readOrderEvent } from './order-event';

/**
 * Answers each new order with a reservation: its stock is taken in one conditional write
 * (see decideOrder), then the reservation is written unless the order has one. An order
 * handled again, after a crash between the two writes or as a redelivered event, finds its
 * decision in place: it takes no stock and writes no second reservation.
 */
@Injectable()
export class OrderHandler implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Orders');
  private readonly retry = new RetryLoop(this.logger);
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: Pick<InventoryServiceConfig, 'SHOP_KEYSPACE'>,
    @Inject(STOCK_STORE) private readonly stock: StockStore,
    @Inject(RESERVATION_STORE) private readonly reservations: ReservationStore,
    private readonly schema: InventorySchema,
    private readonly figures: InventoryFigures,
  ) {}

  beforeApplicationShutdown(): void {
    this.retry.stop();
  }

  /**
   * Handles one record; `where` names it in the log. Resolves once the order has its
   * reservation (retrying while Cassandra fails) or the record is skipped.
   */
  async handle(value: unknown, where: string, heartbeat?: () => Promise<void>): Promise<void> {
    const read = readOrderEvent(value, this.config.SHOP_KEYSPACE);
    if (isSkipped(read)) {
      this.figures.skipped.inc({ why: read.warn ? 'invalid' : 'not a new order' });
      if (read.warn) this.logger.warn(`skipped ${where}: ${read.skip}`);
      else this.logger.debug(`skipped ${where}: ${read.skip}`);
      return;
    }
    this.figures.orderLagSeconds.observe(Math.max(0, Date.now() * 1000 - Number(read.writetimeUs)) / 1e6);
    await this.schema.ready();
    await this.retry.run(`reserving stock for order ${read.orderId}`, () => this.reserve(read), heartbeat);
  }

  private async reserve(order: PlacedOrder): Promise<void> {
    const decision = await decideOrder(this.stock, order);
    const written = await this.reservations.insertIfAbsent({ orderId: order.orderId, productId: order.productId, decision });
    if (!written) return;
    if (decision.status === 'RESERVED') {
      this.figures.reserved.inc();
      this.logger.log(`order ${order.orderId}: reserved ${order.quantity} of ${order.productId}`);
    } else {
      this.figures.rejected.inc({ reason: decision.reason });
      this.logger.log(`order ${order.orderId}: rejected, ${decision.reason} (${order.quantity} of ${order.productId})`);
    }
  }
}
