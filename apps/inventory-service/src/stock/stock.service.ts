import { Inject, Injectable, Logger } from '@nestjs/common';
import { NotFoundError, parseRequest } from '@meridian/service';
import { z } from 'zod';
import { InventorySchema } from '../schema/inventory-schema';
import { ContentionError } from './decide-order';
import { STOCK_STORE, type StockStore, type StockSummary } from './stock-store';

const productIdSchema = z.string().min(1, 'productId must not be empty').max(100);
const stockSchema = z.strictObject({ available: z.number().int('available must be a whole number').min(0, 'available must not be negative').max(1_000_000_000) });
const MAX_ATTEMPTS = 30;

/** Setting and reading a product's stock (for the demo and tests: the shop has no other way to receive goods). */
@Injectable()
export class StockService {
  private readonly logger = new Logger('Stock');

  constructor(
    @Inject(STOCK_STORE) private readonly store: StockStore,
    private readonly schema: InventorySchema,
  ) {}

  /** Sets the available count, through the same conditional writes as the reservations, so none of theirs is lost. */
  async set(productId: string, body: unknown): Promise<StockSummary> {
    const id = parseRequest(productIdSchema, productId, 'invalid product');
    const { available } = parseRequest(stockSchema, body, 'invalid stock');
    this.schema.check();
    let current = await this.store.available(id);
    for (let attempt = 1; ; attempt++) {
      const result = await this.store.setAvailable(id, current, available);
      if (result.applied) break;
      if (attempt >= MAX_ATTEMPTS) throw new ContentionError(`product ${id}: ${MAX_ATTEMPTS} attempts to set its stock lost to orders; try again`);
      current = result.available;
    }
    this.logger.log(`product ${id}: ${available} available (was ${current ?? 'unknown'})`);
    return this.get(id);
  }

  async get(productId: string): Promise<StockSummary> {
    this.schema.check();
    const summary = await this.store.summary(productId);
    if (!summary) throw new NotFoundError(`no stock for product ${JSON.stringify(productId)}`);
    return summary;
  }
}
