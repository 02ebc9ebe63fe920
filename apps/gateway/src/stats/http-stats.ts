/** The gateway's HTTP counters, cumulative since start, and latency percentiles over a sliding window. */
export interface HttpStatsSnapshot {
  calls: number;
  /** Answers with status >= 500. */
  failed: number;
  byStatus: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
}

/** The window p50 and p99 are computed over. */
export const LATENCY_WINDOW_MS = 10_000;

/**
 * Records each answered API call. Latencies are kept for the last 10 s only (pruned as they age),
 * so memory stays bounded by the request rate and the percentiles describe the present.
 */
export class HttpStats {
  private calls = 0;
  private failed = 0;
  private readonly byStatus = new Map<number, number>();
  /** [answered at (ms), duration (ms)], oldest first. */
  private samples: [number, number][] = [];

  constructor(private readonly now: () => number = () => performance.now()) {}

  record(status: number, durationMs: number): void {
    this.calls += 1;
    if (status >= 500) this.failed += 1;
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    this.samples.push([this.now(), durationMs]);
    this.prune();
  }

  snapshot(): HttpStatsSnapshot {
    this.prune();
    const sorted = this.samples.map(([, ms]) => ms).sort((a, b) => a - b);
    return {
      calls: this.calls,
      failed: this.failed,
      byStatus: Object.fromEntries(
        [...this.byStatus].sort(([a], [b]) => a - b).map(([s, n]) => [String(s), n]),
      ),
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
    };
  }

  private prune(): void {
    const since = this.now() - LATENCY_WINDOW_MS;
    const keep = this.samples.findIndex(([at]) => at >= since);
    if (keep !== 0) this.samples = keep === -1 ? [] : this.samples.slice(keep);
  }
}

/** Nearest-rank percentile of ascending `sorted`, rounded to 0.1 ms; 0 when there is no sample. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return Math.round((sorted[rank - 1] ?? 0) * 10) / 10;
}
