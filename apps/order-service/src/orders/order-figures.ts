import { Injectable } from '@nestjs/common';
import { Metrics } from '@meridian/service';

/** order-service's figures, on /metrics and in its heartbeats; one instance, as a metric is registered once. */
@Injectable()
export class OrderFigures {
  readonly placed;
  readonly confirmed;
  readonly rejected;
  /** From the order's writetime to its reservation's, in seconds. */
  readonly decisionSeconds;
  readonly skipped;

  constructor(metrics: Metrics) {
    this.placed = metrics.counter('meridian_orders_placed_total', 'Orders placed through POST /orders');
    this.confirmed = metrics.counter('meridian_orders_confirmed_total', 'Pending orders confirmed by a reservation');
    this.rejected = metrics.counter('meridian_orders_rejected_total', 'Pending orders rejected by a reservation, by reason', ['reason']);
    this.decisionSeconds = metrics.histogram(
      'meridian_orders_decision_seconds',
      "Time from an order's writetime to its reservation's writetime",
      [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    );
    this.skipped = metrics.counter('meridian_orders_events_skipped_total', 'Records on the reservations topic that were not reservations, by why', ['why']);
  }
}
