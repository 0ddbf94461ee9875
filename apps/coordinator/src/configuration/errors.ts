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
