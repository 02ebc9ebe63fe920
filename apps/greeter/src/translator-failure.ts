import { status } from '@grpc/grpc-js';
import { NotFoundError, RpcStatusError, ValidationError } from '@flotilla/nest';
import { errorInfoOf, isServiceError } from '@flotilla/rpc';

/**
 * What the greeter's caller gets when its Translate call fails. The caller's own mistakes keep
 * their status and message (an unknown language is NOT_FOUND, naming it); a deadline or a
 * cancellation passes through unchanged; anything else means no translator could answer (after
 * the client's retries and hedges), which is UNAVAILABLE for this greeter's callers too.
 */
export function translatorFailure(error: unknown): unknown {
  if (!isServiceError(error)) return error;
  const reason = errorInfoOf(error)?.reason;
  switch (error.code) {
    case status.NOT_FOUND:
      return new NotFoundError(error.details, { reason: reason ?? 'NOT_FOUND', cause: error });
    case status.INVALID_ARGUMENT:
      return new ValidationError(error.details, { reason: reason ?? 'INVALID_ARGUMENT', cause: error });
    case status.DEADLINE_EXCEEDED:
    case status.CANCELLED:
      return error;
    default:
      return new RpcStatusError(status.UNAVAILABLE, `translator unavailable: ${error.details}`, {
        reason: 'TRANSLATOR_UNAVAILABLE',
        cause: error,
      });
  }
}
