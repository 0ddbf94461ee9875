import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { CassandraUnavailableError } from '@meridian/cassandra';
import { KafkaUnavailableError } from '@meridian/kafka';
import { ConflictError, type FieldProblem, InvalidRequestError, NotFoundError, NotReadyError } from './api-errors';
import { errorMessage } from '@meridian/contracts';

/** What this filter uses of Express' response (its types are not a dependency). */
interface HttpResponse {
  status(code: number): { json(body: unknown): void };
}

/** The body of every error the API answers with; `problems` comes with 400 only. */
export interface ErrorBody {
  readonly error: string;
  readonly problems?: readonly FieldProblem[];
}

/** Maps an error to its status and body: always a message a person can act on, never only a stack trace. */
export function describeError(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof InvalidRequestError) return { status: HttpStatus.BAD_REQUEST, body: { error: error.message, problems: error.problems } };
  if (error instanceof NotFoundError) return { status: HttpStatus.NOT_FOUND, body: { error: error.message } };
  if (error instanceof ConflictError) return { status: HttpStatus.CONFLICT, body: { error: error.message } };
  if (error instanceof NotReadyError || error instanceof KafkaUnavailableError || error instanceof CassandraUnavailableError || isRetriable(error)) {
    return { status: HttpStatus.SERVICE_UNAVAILABLE, body: { error: error.message } };
  }
  if (error instanceof HttpException) {
    // Nest's own (a body that is not JSON, an unknown route, a token guard): keep the status, flatten the message.
    const response = error.getResponse();
    const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    return { status: error.getStatus(), body: { error: Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : error.message } };
  }
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: { error: errorMessage(error) } };
}

/** An error that says trying again can help (`retriable: true`, as kafkajs' errors do). */
function isRetriable(error: unknown): error is Error {
  return error instanceof Error && (error as Error & { retriable?: unknown }).retriable === true;
}

/** The error answers of a service's API, in the shape the coordinator's API uses. */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Api');

  catch(error: unknown, host: ArgumentsHost): void {
    const { status, body } = describeError(error);
    // 503s are expected while Kafka or Cassandra is away; anything else above 499 is a fault worth its stack.
    if (status >= 500 && status !== 503) this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    host.switchToHttp().getResponse<HttpResponse>().status(status).json(body);
  }
}
