import { Inject, Injectable } from '@nestjs/common';
import { SchemaGate } from '@meridian/service';
import { ORDER_STORE, type OrderStore } from './order-store';

/** The keyspace and orders table: events wait for them, HTTP calls answer 503 until they are in place. */
@Injectable()
export class OrderSchema extends SchemaGate {
  constructor(@Inject(ORDER_STORE) store: OrderStore) {
    super('the orders table', () => store.ensureSchema());
  }
}
