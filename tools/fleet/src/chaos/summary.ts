import type { FaultKind } from './fault-plan.js';

export interface ChaosSummary {
  seed: number;
  durationMs: number;
  rate: number;
  concurrency: number;
  /** Gateway calls made (completed, successfully or not). */
  calls: number;
  /** Calls that did not answer 200 (or got no answer). */
  failed: number;
  /** Calls due while `concurrency` calls were in flight, so not made. */
  skipped: number;
  /** Failure reason (e.g. "HTTP 503 UNAVAILABLE", "timeout") -> count. */
  failures: Record<string, number>;
  /** From the gateway's client counters over the run: retries (with backoff, and transparent). */
  retried: number;
  hedged: number;
  p50Ms: number | null;
  p99Ms: number | null;
  /** Endpoint breakers seen turning open (polled every 500 ms, so a shorter trip can be missed). */
  breakerTrips: number;
  leaderChanges: number;
  faults: Record<FaultKind, number>;
  /** group (service or "store") -> faults injected. */
  faultsByGroup: Record<string, number>;
  /** Faults the run could not inject or heal, with why. */
  problems: string[];
}

/** The p-th percentile (0..100) of `values`, nearest-rank; null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] ?? null;
}

const ms = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(1)} ms`);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The summary as the lines `fleet chaos` prints. */
export function formatSummary(s: ChaosSummary): string {
  const groups = Object.entries(s.faultsByGroup)
    .map(([g, n]) => `${g} ${n}`)
    .join(', ');
  const reasons = Object.entries(s.failures)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => `${n} x ${reason}`)
    .join('; ');
  const lines = [
    `chaos summary (seed ${s.seed}; rerun with --seed ${s.seed})`,
    `  duration     ${(s.durationMs / 1000).toFixed(1)} s at ${s.rate} calls/s, concurrency ${s.concurrency}`,
    `  faults       kill ${s.faults.kill}, pause ${s.faults.pause}, restart ${s.faults.restart}${groups ? ` (${groups})` : ''}`,
    `  calls        ${s.calls} made, ${s.failed} failed${s.skipped ? `, ${s.skipped} skipped (all ${s.concurrency} in flight)` : ''}`,
    ...(reasons ? [`  failures     ${reasons}`] : []),
    `  gateway      ${s.retried} retried, ${s.hedged} hedged`,
    `  latency      p50 ${ms(s.p50Ms)}, p99 ${ms(s.p99Ms)}`,
    `  breakers     ${plural(s.breakerTrips, 'trip')} observed`,
    `  store        ${plural(s.leaderChanges, 'leader change')}`,
    ...s.problems.map((p) => `  problem      ${p}`),
    s.failed === 0
      ? '  result       PASS: zero failed calls'
      : `  result       FAIL: ${plural(s.failed, 'failed call')}`,
  ];
  return lines.join('\n');
}

/** `fleet chaos` exits 1 if any call failed. */
export function chaosExitCode(s: ChaosSummary): number {
  return s.failed === 0 ? 0 : 1;
}
