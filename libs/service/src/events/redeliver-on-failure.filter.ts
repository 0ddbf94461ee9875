import { Catch, type ExceptionFilter } from '@nestjs/common';

/**
 * For `@EventPattern` handlers: lets a handler's failure reach the transport, so the
 * record is not acknowledged and is handed over again. Nest's default logs the error and
 * moves past the record, which loses it. Put it on event controllers with `@UseFilters`.
 */
@Catch()
export class RedeliverOnFailure implements ExceptionFilter {
  catch(error: unknown): never {
    throw error;
  }
}
