import { status } from '@grpc/grpc-js';

/**
 * Status codes that say something about the endpoint's health and so count against its breaker.
 * Everything else (INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED, CANCELLED by the caller, ...)
 * is the caller's business and counts as a success: the endpoint answered sensibly.
 */
export const BREAKER_COUNTED_CODES: ReadonlySet<status> = new Set([
  status.UNAVAILABLE,
  status.DEADLINE_EXCEEDED,
  status.INTERNAL,
  status.RESOURCE_EXHAUSTED,
  status.UNKNOWN,
]);

export function countsAgainstEndpoint(code: status): boolean {
  return BREAKER_COUNTED_CODES.has(code);
}
