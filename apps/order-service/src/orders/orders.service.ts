import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError, parseRequest } from '@meridian/service';
import { listQuerySchema, newOrderSchema, type Order } from './order';
import { OrderFigures } from './order-figures';
import { OrderSchema } from './order-schema';
import { ORDER_STORE, type OrderStore } from './order-store';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Placing and reading orders. An order is PENDING until inventory-service's reservation for it arrives. */
@Injectable()
export class OrdersService {
  constructor(
    @Inject(ORDER_STORE) private readonly store: OrderStore,
    private readonly schema: OrderSchema,
    private readonly figures: OrderFigures,
  ) {}

  async place(body: unknown): Promise<Order> {
    const request = parseRequest(newOrderSchema, body, 'invalid order');
    this.schema.check();
    const order: Order = { id: randomUUID(), ...request, status: 'PENDING', placedAt: new Date() };
    await this.store.insert(order);
    this.figures.placed.inc();
    return order;
  }

  async get(id: string): Promise<Order> {
    this.schema.check();
    const order = UUID.test(id) ? await this.store.get(id.toLowerCase()) : undefined;
    if (!order) throw new NotFoundError(`no order ${JSON.stringify(id)}`);
    const { placedUs: _placed, statusUs: _status, ...plain } = order;
    return plain;
  }

  list(query: unknown): Promise<Order[]> {
    const { limit } = parseRequest(listQuerySchema, query, 'invalid query');
    this.schema.check();
    return this.store.list(limit);
  }
}
