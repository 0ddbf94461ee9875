import type { z } from 'zod';

/** The rule errors of a service's HTTP API; ApiErrorFilter maps each class to a status. */

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** The request does not describe a valid record: 400, with each problem. */
export class InvalidRequestError extends Error {
  constructor(
    message: string,
    readonly problems: readonly FieldProblem[],
  ) {
    super(message);
    this.name = 'InvalidRequestError';
  }
}

/** 404. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** The request is valid, but the current state (configuration, schema, stock) does not allow it: 409. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}

/** The service cannot answer yet (e.g. its schema is not in place): 503. */
export class NotReadyError extends Error {
  override readonly name = 'NotReadyError';
}

/** Validates a request body (or query) with a zod schema; throws InvalidRequestError naming every field that is wrong. */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => ({ field: issue.path.length > 0 ? issue.path.join('.') : 'body', message: issue.message }));
  throw new InvalidRequestError(what, problems);
}
