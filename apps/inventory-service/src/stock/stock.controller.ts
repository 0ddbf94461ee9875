import { Body, Controller, Get, Param, Put, UseFilters } from '@nestjs/common';
import { ApiErrorFilter } from '@meridian/service';
import type { StockSummary } from './stock-store';
import { StockService } from './stock.service';

@Controller('stock')
@UseFilters(ApiErrorFilter)
export class StockController {
  constructor(private readonly stock: StockService) {}

  /** `{ "available": n }`: 200 with the product's stock; 400 naming each bad field. */
  @Put(':productId')
  set(@Param('productId') productId: string, @Body() body: unknown): Promise<StockSummary> {
    return this.stock.set(productId, body);
  }

  /** 200 with available, reserved and the orders decided; 404 for a product whose stock was never set. */
  @Get(':productId')
  get(@Param('productId') productId: string): Promise<StockSummary> {
    return this.stock.get(productId);
  }
}
