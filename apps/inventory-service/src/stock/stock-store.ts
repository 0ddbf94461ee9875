export type RejectReason = 'unknown product' | 'out of stock';

/** What was decided for one order: it holds `quantity` items of its product, or it was rejected. */
export type Decision = { readonly status: 'RESERVED'; readonly quantity: number } | { readonly status: 'REJECTED'; readonly quantity: number; readonly reason: RejectReason };

/** What a product's partition holds for one order, as a failed conditional write found it. */
export interface StockState {
  /** null: the product is unknown (its stock was never set). */
  readonly available: number | null;
  /** The decision already recorded for the order, if any. */
  readonly decision?: Decision;
}

export type RecordResult = { readonly applied: true } | { readonly applied: false; readonly now: StockState };

export interface StockSummary {
  readonly productId: string;
  readonly available: number;
  /** Items held by the orders reserved so far. */
  readonly reserved: number;
  readonly orders: { readonly reserved: number; readonly rejected: number };
}

/**
 * The stock table: one partition per product, its `available` count static, and a row per
 * order decided for it. Every write to a product is a lightweight transaction at
 * LOCAL_SERIAL, so they are applied one at a time and none is lost.
 */
export interface StockStore {
  /** The product's available count as the last committed write left it; null when unknown. */
  available(productId: string): Promise<number | null>;
  /**
   * One conditional write in the product's partition: records the order's decision and
   * sets available to `next`, only if available is still `expected` and nothing was
   * decided for the order yet. Both happen or neither does.
   */
  record(productId: string, orderId: string, expected: number | null, next: number | null, decision: Decision): Promise<RecordResult>;
  /** Sets available to `next` if it is still `expected`; otherwise returns what it is now. */
  setAvailable(productId: string, expected: number | null, next: number): Promise<{ readonly applied: true } | { readonly applied: false; readonly available: number | null }>;
  summary(productId: string): Promise<StockSummary | undefined>;
}

export const STOCK_STORE = Symbol('STOCK_STORE');
