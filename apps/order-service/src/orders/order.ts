import { z } from 'zod';

export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'REJECTED';

export interface Order {
  readonly id: string;
  readonly productId: string;
  readonly quantity: number;
  readonly customer?: string;
  readonly status: OrderStatus;
  /** Why it was rejected. */
  readonly reason?: string;
  readonly placedAt: Date;
  readonly decidedAt?: Date;
}

/** The body of `POST /orders`. */
export const newOrderSchema = z.strictObject({
  productId: z.string().trim().min(1, 'productId must not be empty').max(100),
  quantity: z.number().int('quantity must be a whole number').min(1, 'quantity must be at least 1').max(1_000_000),
  customer: z.string().trim().min(1).max(200).optional(),
});

export type NewOrder = z.output<typeof newOrderSchema>;

/** The query of `GET /orders`. */
export const listQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
