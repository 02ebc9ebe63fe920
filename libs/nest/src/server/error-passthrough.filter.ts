import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { type Observable, throwError } from 'rxjs';

/**
 * Nest's default RPC filter turns every error that is not an RpcException into
 * `{ status: 'error', message: 'Internal server error' }`, losing its type. On RpcControllers this
 * filter passes the error through unchanged instead, and FlotillaServer maps it (ValidationError
 * to INVALID_ARGUMENT, ...). Filters on a handler method still come first.
 */
@Catch()
export class ErrorPassthroughFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
