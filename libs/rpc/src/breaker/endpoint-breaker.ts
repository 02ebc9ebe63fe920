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
 * One opossum breaker per endpoint, driven by call outcomes rather than by `fire`: the picker
 * reports each attempt's start and status as opossum's own `fire` / `success` / `failure` events,
 * so opossum's rolling window counts them, its `success` handler closes a half-open breaker, and
 * its reset timer moves an open breaker to half-open. The opening rule is opossum's own (volume
 * threshold, then error percentage; any failure while half-open), applied here after each
 * counted failure. Why not `fire`: wrapping every attempt in opossum's promise chain kept several
 * promises alive per in-flight call and cost about 10 µs of client CPU per call under load; events
 * cost next to nothing. Only counted codes (see breaker-codes.ts) are failures; everything else,
 * caller errors included, is a success. The picker reads the state synchronously (`allowsCall`).
 */
export class EndpointBreaker {
  private readonly breaker: CircuitBreaker | undefined;
  private readonly errorThresholdPercentage: number;
  private probeReservedAt = -Infinity;
  private probeInFlight = false;
  /** Half-open probes sent so far (for stats: the only calls an open breaker lets through). */
  probes = 0;

  constructor(
    readonly address: string,
    config: Required<BreakerConfig>,
    onStateChange: () => void,
  ) {
    this.errorThresholdPercentage = config.errorThresholdPercentage;
    if (!config.enabled) return;
    // The action is never fired: outcomes arrive as events (see above).
    this.breaker = new CircuitBreaker(() => Promise.resolve(), {
      name: address,
      timeout: false, // the call's deadline bounds it
      errorThresholdPercentage: config.errorThresholdPercentage,
      volumeThreshold: config.volumeThreshold,
      rollingCountTimeout: config.windowMs,
      rollingCountBuckets: config.windowBuckets,
      resetTimeout: config.resetTimeoutMs,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
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
    return b.halfOpen && !this.probeInFlight && now - this.probeReservedAt > PROBE_RESERVATION_MS;
  }

  /** True if this endpoint is waiting for its half-open probe (the picker sends it there first). */
  wantsProbe(now: number): boolean {
    const b = this.breaker;
    return (
      b !== undefined &&
      b.halfOpen &&
      !this.probeInFlight &&
      now - this.probeReservedAt > PROBE_RESERVATION_MS
    );
  }

  /** Called at pick time, so that concurrent picks do not all probe a half-open endpoint. */
  reserveProbe(now: number): void {
    if (this.breaker?.halfOpen) this.probeReservedAt = now;
  }

  /** Called when an attempt starts on the endpoint; returns the function that reports its status. */
  attemptStarted(): (code: status) => void {
    const b = this.breaker;
    if (!b) return noop;
    b.emit('fire', []);
    const started = performance.now();
    const probe = b.halfOpen;
    if (probe) {
      this.probeInFlight = true;
      this.probes += 1;
    }
    return (code) => {
      const latency = performance.now() - started;
      if (probe) {
        this.probeInFlight = false;
        this.probeReservedAt = -Infinity;
      }
      if (!countsAgainstEndpoint(code)) {
        b.emit('success', undefined, latency); // closes a half-open breaker
        return;
      }
      b.emit('failure', new AttemptFailure(code), latency, []);
      this.maybeOpen(b);
    };
  }

  /** opossum's rule (its internal `fail`): a failure while half-open, or too many in the window. */
  private maybeOpen(b: CircuitBreaker): void {
    if (b.halfOpen) {
      b.open();
      return;
    }
    if (!b.closed) return;
    const stats = b.stats;
    if (stats.fires < b.volumeThreshold) return;
    if ((stats.failures / stats.fires) * 100 > this.errorThresholdPercentage) b.open();
  }

  shutdown(): void {
    this.breaker?.shutdown();
  }
}

function noop(): void {
  // Nothing to do.
}
