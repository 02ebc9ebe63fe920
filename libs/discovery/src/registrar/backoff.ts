import { ExponentialBackoff, type GeneratorFn, type IBackoff } from 'cockatiel';

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
 * Exponential backoff with "equal jitter", on cockatiel's ExponentialBackoff (the library the etcd
 * client's fault handling already uses): each delay is half the exponential step plus a random
 * part of the other half, so retrying instances spread out but none waits much longer than the cap.
 * It never runs out: callers retry forever and report each attempt; `reset()` starts over.
 */
export class Backoff {
  private readonly factory: ExponentialBackoff<number>;
  private current: IBackoff<unknown> | undefined;
  private attempt = 0;

  constructor(options: BackoffOptions = {}) {
    const initialMs = options.initialMs ?? 100;
    const maxMs = options.maxMs ?? 1000;
    const multiplier = options.multiplier ?? 2;
    const random = options.random ?? Math.random;
    if (!(initialMs > 0) || !(maxMs >= initialMs) || !(multiplier >= 1)) {
      throw new RangeError(
        `backoff needs 0 < initialMs <= maxMs and multiplier >= 1, got ${initialMs}, ${maxMs}, ${multiplier}`,
      );
    }
    // cockatiel's own half-jitter generator always doubles; this one honours the multiplier.
    const equalJitter: GeneratorFn<number> = (step = 0, o) => {
      const delay = Math.min(o.maxDelay, o.initialDelay * o.exponent ** Math.min(step, 64));
      return [Math.round(delay / 2 + random() * (delay / 2)), step + 1];
    };
    this.factory = new ExponentialBackoff({
      initialDelay: initialMs,
      maxDelay: maxMs,
      exponent: multiplier,
      generator: equalJitter,
    });
  }

  /** How many delays were handed out since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  next(): number {
    this.current = this.current ? this.current.next(undefined) : this.factory.next();
    this.attempt += 1;
    return this.current.duration;
  }

  reset(): void {
    this.current = undefined;
    this.attempt = 0;
  }
}
