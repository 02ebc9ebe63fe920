import type { SeriesSample } from '../model.js';
import { addBuckets, type Bucket, bucketQuantile } from './bucket-quantile.js';
import { callsSince, type ServerCalls } from './server-calls.js';

/** One instance's scrape in a poll. */
export interface InstanceScrape {
  service: string;
  instanceId: string;
  /** A new pid means a new process whose counters started from zero. */
  pid: number | null;
  calls: ServerCalls;
}

/** p99 over this many ms of bucket growth: one poll holds too few calls for a 99th percentile. */
export const P99_WINDOW_MS = 10_000;
/** An instance not scraped for this long (stopped, scaled away) is forgotten. */
const FORGET_AFTER_MS = 60_000;

/**
 * Turns successive scrapes of every instance into a per-service chart sample. Each instance's
 * counters are differenced against its own previous scrape (over its own interval, so the calls of
 * an instance that missed a scrape are spread over the time since, not piled into one poll), then summed per
 * service: requests and errors (non-OK statuses) per second, and the p99 of the calls whose
 * durations arrived over the last `windowMs`, from their histogram buckets.
 */
export class ServiceSeries {
  private readonly last = new Map<string, { at: number; pid: number | null; calls: ServerCalls }>();
  private window: { at: number; service: string; buckets: Bucket[] }[] = [];

  constructor(private readonly windowMs = P99_WINDOW_MS) {}

  /** A sample for each service with at least one instance scraped twice; none for the others. */
  update(at: number, scrapes: readonly InstanceScrape[]): Record<string, SeriesSample> {
    const totals = new Map<string, { rate: number; errors: number }>();
    for (const scrape of scrapes) {
      const key = `${scrape.service}/${scrape.instanceId}`;
      const previous = this.last.get(key);
      this.last.set(key, { at, pid: scrape.pid, calls: scrape.calls });
      if (!previous || at <= previous.at) continue;
      const grown = callsSince(scrape.calls, previous.pid === scrape.pid ? previous.calls : undefined);
      const seconds = (at - previous.at) / 1000;
      const total = totals.get(scrape.service) ?? { rate: 0, errors: 0 };
      total.rate += grown.calls / seconds;
      total.errors += grown.errors / seconds;
      totals.set(scrape.service, total);
      this.window.push({ at, service: scrape.service, buckets: grown.buckets });
    }
    this.window = this.window.filter((w) => w.at > at - this.windowMs);
    for (const [key, seen] of this.last) if (seen.at < at - FORGET_AFTER_MS) this.last.delete(key);

    const samples: Record<string, SeriesSample> = {};
    for (const [service, total] of totals) {
      const buckets = addBuckets(this.window.filter((w) => w.service === service).map((w) => w.buckets));
      const p99 = bucketQuantile(0.99, buckets);
      samples[service] = { rate: total.rate, errors: total.errors, p99Ms: p99 === null ? null : p99 * 1000 };
    }
    return samples;
  }
}
