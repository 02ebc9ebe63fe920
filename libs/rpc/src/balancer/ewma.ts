/**
 * Peak-sensitive, time-decayed moving average (Finagle's PeakEWMA, go-zero's p2c): a sample above
 * the current value is taken at once, so a slowing endpoint is noticed on its first slow reply;
 * lower samples and idle time pull the value down with time constant `decayMs`, so an endpoint
 * that was slow is tried again eventually.
 */
export class PeakEwma {
  private value = 0;
  private stamp: number;

  constructor(
    private readonly decayMs: number,
    now: number,
  ) {
    this.stamp = now;
  }

  /** The average as of `now`, idle time decayed. */
  get(now: number): number {
    return this.value * Math.exp(-Math.max(0, now - this.stamp) / this.decayMs);
  }

  /** Forgets every sample, as if just created at `now`. */
  reset(now: number): void {
    this.value = 0;
    this.stamp = now;
  }

  observe(sample: number, now: number): void {
    const current = this.get(now);
    if (sample > current) {
      this.value = sample;
    } else {
      const w = Math.exp(-Math.max(0, now - this.stamp) / this.decayMs);
      this.value = current * w + sample * (1 - w);
    }
    this.stamp = now;
  }
}

/** A counter that decays exponentially with time constant `decayMs` (the error penalty). */
export class DecayingCounter {
  private value = 0;
  private stamp = 0;

  constructor(private readonly decayMs: number) {}

  get(now: number): number {
    if (this.value === 0) return 0;
    return this.value * Math.exp(-Math.max(0, now - this.stamp) / this.decayMs);
  }

  reset(): void {
    this.value = 0;
  }

  add(amount: number, now: number): void {
    this.value = this.get(now) + amount;
    this.stamp = now;
  }
}
