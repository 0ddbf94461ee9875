import type { z } from 'zod';

/** The rule errors of the configuration API; the HTTP layer maps each class to a status. */

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** The request does not describe a valid record. */
export class InvalidRequestError extends Error {
  constructor(
    message: string,
    readonly problems: readonly FieldProblem[],
  ) {
    super(message);
    this.name = 'InvalidRequestError';
  }
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** The request is valid, but the current configuration (or Cassandra's schema) does not allow it. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}

/** The configuration topic has not been loaded yet, so no answer would be trustworthy. */
export class NotReadyError extends Error {
  override readonly name = 'NotReadyError';
}

/** The body validated by `schema`, or an InvalidRequestError listing every problem by field. */
export function parseRequest<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const problems: FieldProblem[] = parsed.error.issues.map((issue) => ({ field: issue.path.length > 0 ? issue.path.join('.') : 'body', message: issue.message }));
  throw new InvalidRequestError(what, problems);
}
