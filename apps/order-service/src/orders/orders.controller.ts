import { Body, Controller, Get, Param, Post, Query, UseFilters } from '@nestjs/common';
import { ApiErrorFilter } from '@meridian/service';
import type { Order } from './order';
import { OrdersService } from './orders.service';

@Controller('orders')
@UseFilters(ApiErrorFilter)
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  /** 201 with the order, PENDING; 400 naming each bad field. */
  @Post()
  place(@Body() body: unknown): Promise<Order> {
    return this.orders.place(body);
  }

  /** The most recent first is not promised: Cassandra returns them in token order. */
  @Get()
  list(@Query() query: unknown): Promise<Order[]> {
    return this.orders.list(query);
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<Order> {
    return this.orders.get(id);
  }
}
