export interface BackoffOptions {
  /** First delay, before jitter. Default 100 ms. */
  initialMs?: number;
  /** Ceiling for the delay. Default 1000 ms: a registrar must come back soon after etcd does. */
  maxMs?: number;
  /** Growth per attempt. Default 2. */
  multiplier?: number;
  /** Random source in [0, 1), for tests. */
  random?: () => number;
}

/**
 * Exponential backoff with "equal jitter": each delay is half the exponential step plus a random
 * part of the other half, so retrying instances spread out but none waits much longer than the cap.
 * It never runs out: callers retry forever and report each attempt.
 */
export class Backoff {
  private attempt = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly multiplier: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 100;
    this.maxMs = options.maxMs ?? 1000;
    this.multiplier = options.multiplier ?? 2;
    this.random = options.random ?? Math.random;
    if (!(this.initialMs > 0) || !(this.maxMs >= this.initialMs) || !(this.multiplier >= 1)) {
      throw new RangeError(
        `backoff needs 0 < initialMs <= maxMs and multiplier >= 1, got ${this.initialMs}, ${this.maxMs}, ${this.multiplier}`,
      );
    }
  }

  /** How many delays were handed out since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  next(): number {
    const step = Math.min(this.maxMs, this.initialMs * this.multiplier ** Math.min(this.attempt, 64));
    this.attempt += 1;
    return Math.round(step / 2 + this.random() * (step / 2));
  }

  reset(): void {
    this.attempt = 0;
  }
}
