import type { Decision, StockStore } from './stock-store';

export interface OrderLine {
  readonly orderId: string;
  readonly productId: string;
  readonly quantity: number;
}

/** Every attempt lost to other orders of the same product: worth trying again later. */
export class ContentionError extends Error {
  override readonly name = 'ContentionError';
  readonly retriable = true;
}

export interface DecideOptions {
  readonly maxAttempts?: number;
  /** Waits after a lost attempt, so orders racing for a product spread out. */
  readonly pause?: (attempt: number) => Promise<void>;
}

const jitter = (attempt: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));

/**
 * Decides an order against its product's stock, compare-and-set style: read the available
 * count, decide, and record the decision with the new count in one conditional write that
 * applies only if the count is unchanged. When another order got there first, the write
 * says what the count is now and the order is decided again. When this order was decided
 * before (a redelivered event, or one handled twice at once), that decision is returned
 * unchanged: an order is decided once, and holds stock at most once.
 */
export async function decideOrder(store: StockStore, line: OrderLine, options: DecideOptions = {}): Promise<Decision> {
  const { maxAttempts = 30, pause = jitter } = options;
  let available = await store.available(line.productId);
  for (let attempt = 1; ; attempt++) {
    const decision = decide(available, line.quantity);
    const next = available !== null && decision.status === 'RESERVED' ? available - line.quantity : available;
    const result = await store.record(line.productId, line.orderId, available, next, decision);
    if (result.applied) return decision;
    if (result.now.decision) return result.now.decision;
    if (attempt >= maxAttempts) throw new ContentionError(`product ${line.productId}: ${maxAttempts} attempts to decide order ${line.orderId} lost to other orders`);
    available = result.now.available;
    await pause(attempt);
  }
}

function decide(available: number | null, quantity: number): Decision {
  if (available === null) return { status: 'REJECTED', quantity, reason: 'unknown product' };
  if (available < quantity) return { status: 'REJECTED', quantity, reason: 'out of stock' };
  return { status: 'RESERVED', quantity };
}
