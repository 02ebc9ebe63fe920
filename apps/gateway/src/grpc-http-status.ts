import { status } from '@grpc/grpc-js';

/**
 * The HTTP status the gateway answers for a failed greeter call: the caller's mistakes are 4xx,
 * an unreachable or slow backend 503 / 504, and any other backend failure 502 (Bad Gateway: the
 * gateway is fine, what it called is not).
 */
const HTTP_STATUS_OF: Partial<Record<status, number>> = {
  [status.INVALID_ARGUMENT]: 400,
  [status.NOT_FOUND]: 404,
  [status.UNAVAILABLE]: 503,
  [status.DEADLINE_EXCEEDED]: 504,
};

export function httpStatusOf(code: status): number {
  return HTTP_STATUS_OF[code] ?? 502;
}

/** The status's name as the error body carries it, e.g. "NOT_FOUND"; "UNKNOWN" for a code grpc-js lacks. */
export function grpcCodeName(code: number): string {
  return status[code] ?? 'UNKNOWN';
}
