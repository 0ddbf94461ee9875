import { Injectable } from '@nestjs/common';
import { Metrics } from '@meridian/service';

/** inventory-service's figures, on /metrics and in its heartbeats; one instance, as a metric is registered once. */
@Injectable()
export class InventoryFigures {
  readonly reserved;
  readonly rejected;
  /** From an order's writetime to its arrival here, in seconds: how long it took to reach this DC through Cassandra and Meridian. */
  readonly orderLagSeconds;
  readonly skipped;

  constructor(metrics: Metrics) {
    this.reserved = metrics.counter('meridian_inventory_reservations_made_total', 'Orders that got their stock');
    this.rejected = metrics.counter('meridian_inventory_reservations_rejected_total', 'Orders rejected, by reason', ['reason']);
    this.orderLagSeconds = metrics.histogram('meridian_inventory_order_lag_seconds', "Time from an order's writetime to its change event's arrival here", [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]);
    this.skipped = metrics.counter('meridian_inventory_events_skipped_total', 'Records on the orders topic that were not new orders, by why', ['why']);
  }
}
