import { status } from '@grpc/grpc-js';
import type { RetryConfig } from '../config/rpc-config.js';

/** Why an attempt's failure is or is not retried. */
export type RetryVerdict = 'retry' | 'transparent' | 'final';

export interface AttemptOutcome {
  code: status;
  /** The attempt never got a stream on a connected endpoint, so no server saw it. */
  neverStarted: boolean;
  /** The picker refused it because no endpoint may be called (all breakers open / none reachable). */
  failFast: boolean;
}

/**
 * Classifies a failed attempt. A call that never reached a server is retried transparently, on
 * another endpoint, whatever the method; an idempotent method is also retried for the configured
 * status codes. A fail-fast refusal is final: retrying it would only wait for the deadline.
 */
export function classifyFailure(
  outcome: AttemptOutcome,
  idempotent: boolean,
  policy: Required<RetryConfig>,
): RetryVerdict {
  if (outcome.failFast || outcome.code === status.OK || outcome.code === status.CANCELLED) return 'final';
  if (outcome.code === status.DEADLINE_EXCEEDED) return 'final';
  if (outcome.neverStarted && outcome.code === status.UNAVAILABLE) return 'transparent';
  if (idempotent && policy.retryableCodes.includes(outcome.code)) return 'retry';
  return 'final';
}

/** gRPC's backoff: the n-th retry (1-based) waits a random time up to min(initial x multiplier^(n-1), max). */
export function backoffDelayMs(
  retry: number,
  policy: Required<RetryConfig>,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(
    policy.initialBackoffMs * policy.backoffMultiplier ** (retry - 1),
    policy.maxBackoffMs,
  );
  return random() * ceiling;
}
