import CircuitBreaker from 'opossum';
import { status } from '@grpc/grpc-js';
import type { BreakerConfig } from '../config/rpc-config.js';
import { countsAgainstEndpoint } from './breaker-codes.js';

export type BreakerState = 'closed' | 'open' | 'half-open' | 'disabled';

/** How a finished attempt ended, as far as the breaker cares. */
class AttemptFailure extends Error {
  constructor(readonly code: status) {
    super(`attempt ended with ${status[code]}`);
  }
}

/** A probe reservation lapses if the picked call never starts (it was cancelled before it reached the wire). */
const PROBE_RESERVATION_MS = 1000;

/**
 * One opossum breaker per endpoint. opossum's `fire` wraps each attempt: the picker fires when the
 * attempt starts on the endpoint and settles the promise when grpc-js reports the attempt's status.
 * So opossum's own rolling window, thresholds and open -> half-open -> closed machine decide, and
 * its `errorFilter` keeps caller errors from counting. The picker only reads the state
 * synchronously through `allowsCall()`.
 */
export class EndpointBreaker {
  private readonly breaker: CircuitBreaker<[Promise<void>], void> | undefined;
  private probeReservedAt = -Infinity;

  constructor(
    readonly address: string,
    config: Required<BreakerConfig>,
    onStateChange: () => void,
  ) {
    if (!config.enabled) return;
    this.breaker = new CircuitBreaker((outcome: Promise<void>) => outcome, {
      name: address,
      timeout: false, // the call's deadline bounds it
      errorThresholdPercentage: config.errorThresholdPercentage,
      volumeThreshold: config.volumeThreshold,
      rollingCountTimeout: config.windowMs,
      rollingCountBuckets: config.windowBuckets,
      resetTimeout: config.resetTimeoutMs,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      errorFilter: (error: unknown) => !(error instanceof AttemptFailure && countsAgainstEndpoint(error.code)),
    });
    this.breaker.on('open', onStateChange);
    this.breaker.on('halfOpen', onStateChange);
    this.breaker.on('close', onStateChange);
  }

  get state(): BreakerState {
    if (!this.breaker) return 'disabled';
    if (this.breaker.closed) return 'closed';
    return this.breaker.halfOpen ? 'half-open' : 'open';
  }

  /** May the picker send a call here now? A half-open breaker admits one probe at a time. */
  allowsCall(now: number): boolean {
    const b = this.breaker;
    if (!b || b.closed) return true;
    return b.pendingClose && now - this.probeReservedAt > PROBE_RESERVATION_MS;
  }

  /** True if this endpoint is waiting for its half-open probe (the picker sends it there first). */
  wantsProbe(now: number): boolean {
    const b = this.breaker;
    return b !== undefined && b.halfOpen && b.pendingClose && now - this.probeReservedAt > PROBE_RESERVATION_MS;
  }

  /** Called at pick time, so that concurrent picks do not all probe a half-open endpoint. */
  reserveProbe(now: number): void {
    if (this.breaker?.halfOpen) this.probeReservedAt = now;
  }

  /** Called when an attempt starts on the endpoint; returns the function that reports its status. */
  attemptStarted(): (code: status) => void {
    const b = this.breaker;
    if (!b) return noop;
    let settle: (code: status) => void = noop;
    const outcome = new Promise<void>((resolve, reject) => {
      settle = (code) => (code === status.OK ? resolve() : reject(new AttemptFailure(code)));
    });
    // A rejection here is the breaker refusing (open) or a counted failure: both already recorded.
    b.fire(outcome).catch(noop);
    this.probeReservedAt = -Infinity;
    return settle;
  }

  shutdown(): void {
    this.breaker?.shutdown();
  }
}

function noop(): void {}
