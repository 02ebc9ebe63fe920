import { status } from '@grpc/grpc-js';
import { ExponentialBackoff, type GeneratorFn, type IBackoff } from 'cockatiel';
import type { ResolvedRetryConfig } from '../config/rpc-config.js';

/** Why an attempt's failure is or is not retried. */
export type RetryVerdict = 'retry' | 'transparent' | 'final';

export interface AttemptOutcome {
  code: status;
  /** The attempt never got a stream on a connected endpoint, so no server saw it. */
  neverStarted: boolean;
  /** The picker refused it because no endpoint may be called (all breakers open / none reachable). */
  failFast: boolean;
  /** The server shed it (load shedding) before its handler ran. */
  shed?: boolean;
}

/**
 * Classifies a failed attempt. A call that never reached a server, or that a server shed before
 * running its handler, is retried transparently on another endpoint, whatever the method; an
 * idempotent method is also retried for the configured status codes. A fail-fast refusal is
 * final: retrying it would only wait for the deadline.
 */
export function classifyFailure(
  outcome: AttemptOutcome,
  idempotent: boolean,
  policy: ResolvedRetryConfig,
): RetryVerdict {
  if (outcome.failFast || outcome.code === status.OK || outcome.code === status.CANCELLED) return 'final';
  if (outcome.code === status.DEADLINE_EXCEEDED) return 'final';
  if (outcome.neverStarted && outcome.code === status.UNAVAILABLE) return 'transparent';
  if (outcome.shed && outcome.code === status.RESOURCE_EXHAUSTED) return 'transparent';
  if (idempotent && policy.retryableCodes.includes(outcome.code)) return 'retry';
  return 'final';
}

/**
 * gRPC's retry backoff on cockatiel's ExponentialBackoff: the n-th retry (1-based) waits a random
 * time up to min(initial × multiplier^(n-1), max). (cockatiel's own full-jitter generator always
 * doubles; this one honours the multiplier.)
 */
export function retryBackoff(policy: ResolvedRetryConfig, random: () => number = Math.random): RetryBackoff {
  const fullJitter: GeneratorFn<number> = (attempt = 0, options) => [
    random() * Math.min(options.maxDelay, options.initialDelay * options.exponent ** attempt),
    attempt + 1,
  ];
  return new RetryBackoff(
    new ExponentialBackoff({
      initialDelay: policy.initialBackoffMs,
      maxDelay: policy.maxBackoffMs,
      exponent: policy.backoffMultiplier,
      generator: fullJitter,
    }),
  );
}

/** Walks a cockatiel backoff one retry at a time. */
export class RetryBackoff {
  private current: IBackoff<unknown> | undefined;

  constructor(private readonly backoff: ExponentialBackoff<number>) {}

  /** The delay before the next retry. */
  next(): number {
    this.current = this.current ? this.current.next(undefined) : this.backoff.next();
    return this.current.duration;
  }
}
