import { performance } from 'node:perf_hooks';

export interface AdaptiveShedderOptions {
  /** Event-loop utilisation (0..1) above which excess calls are shed. Default 0.9. */
  cpuThreshold?: number;
  /** Rolling window of call statistics. Default 5000 ms in 50 buckets. */
  windowMs?: number;
  buckets?: number;
  /** After a shed, keep checking the in-flight limit for this long even below the threshold. Default 1000 ms. */
  coolOffMs?: number;
  /** How often utilisation is sampled. Default 250 ms. */
  sampleIntervalMs?: number;
  /** Reads the utilisation since the previous reading; for tests. Default: the event loop's. */
  utilisation?: () => number;
  now?: () => number;
}

/**
 * Adaptive load shedding in the manner of go-zero's: a call is refused when the process is hot
 * (event-loop utilisation above the threshold, or a call was shed within the cool-off) and more
 * calls are in flight than it has shown it can take: max throughput per second (the busiest
 * bucket of the window) × min latency (the fastest bucket's mean), Little's law. A Node process
 * saturates its single JavaScript thread long before the machine's cores, so utilisation of the
 * event loop stands in for go-zero's CPU usage.
 */
export class AdaptiveShedder {
  private readonly threshold: number;
  private readonly bucketMs: number;
  private readonly passed: Float64Array;
  private readonly latencySum: Float64Array;
  private readonly latencyCount: Float64Array;
  private bucketStart = 0;
  private bucket = 0;
  private readonly coolOffMs: number;
  private lastShedAt = -Infinity;
  private cpu = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly sample: () => number;
  private readonly now: () => number;
  private readonly sampleIntervalMs: number;
  /** Calls refused since start. */
  shed = 0;

  constructor(options: AdaptiveShedderOptions = {}) {
    this.threshold = options.cpuThreshold ?? 0.9;
    const buckets = options.buckets ?? 50;
    this.bucketMs = (options.windowMs ?? 5000) / buckets;
    this.passed = new Float64Array(buckets);
    this.latencySum = new Float64Array(buckets);
    this.latencyCount = new Float64Array(buckets);
    this.coolOffMs = options.coolOffMs ?? 1000;
    this.sampleIntervalMs = options.sampleIntervalMs ?? 250;
    this.now = options.now ?? (() => performance.now());
    this.sample = options.utilisation ?? eventLoopUtilisation();
    this.bucketStart = this.now();
  }

  /** Starts sampling utilisation (an unref'd timer). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.sampleUtilisation(), this.sampleIntervalMs);
    this.timer.unref();
  }

  /** Takes one utilisation sample (the timer does, every sampleIntervalMs). */
  sampleUtilisation(): void {
    // An exponentially weighted mean (about one second) so that a single busy sample does not shed.
    this.cpu = this.cpu * 0.75 + this.sample() * 0.25;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The smoothed event-loop utilisation, 0..1. */
  get utilisation(): number {
    return this.cpu;
  }

  /** Whether to refuse a new call, given how many are in flight already. */
  shouldShed(inFlight: number): boolean {
    const now = this.now();
    const hot = this.cpu > this.threshold || now - this.lastShedAt < this.coolOffMs;
    if (!hot || inFlight < this.maxInFlight(now)) return false;
    this.lastShedAt = now;
    this.shed += 1;
    return true;
  }

  /** Records a finished call (admitted calls only). */
  record(latencyMs: number): void {
    this.advance(this.now());
    this.passed[this.bucket] += 1;
    this.latencySum[this.bucket] += latencyMs;
    this.latencyCount[this.bucket] += 1;
  }

  /** Little's law over the window: the most calls per second times the least mean latency. */
  maxInFlight(now = this.now()): number {
    this.advance(now);
    let maxPass = 1;
    let minLatency = 1000;
    for (let i = 0; i < this.passed.length; i++) {
      if (i === this.bucket) continue; // still filling
      maxPass = Math.max(maxPass, this.passed[i] ?? 0);
      const count = this.latencyCount[i] ?? 0;
      if (count > 0) minLatency = Math.min(minLatency, (this.latencySum[i] ?? 0) / count);
    }
    const perSecond = maxPass * (1000 / this.bucketMs);
    return Math.max(1, Math.ceil((perSecond * minLatency) / 1000));
  }

  private advance(now: number): void {
    const steps = Math.floor((now - this.bucketStart) / this.bucketMs);
    if (steps <= 0) return;
    for (let i = 0; i < Math.min(steps, this.passed.length); i++) {
      this.bucket = (this.bucket + 1) % this.passed.length;
      this.passed[this.bucket] = 0;
      this.latencySum[this.bucket] = 0;
      this.latencyCount[this.bucket] = 0;
    }
    this.bucketStart += steps * this.bucketMs;
  }
}

function eventLoopUtilisation(): () => number {
  let last = performance.eventLoopUtilization();
  return () => {
    const current = performance.eventLoopUtilization();
    const delta = performance.eventLoopUtilization(current, last);
    last = current;
    return delta.utilization;
  };
}
