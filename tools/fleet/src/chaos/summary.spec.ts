import { chaosExitCode, type ChaosSummary, formatSummary, percentile } from './summary.js';

const summary = (failed: number): ChaosSummary => ({
  seed: 9,
  durationMs: 30_000,
  rate: 60,
  concurrency: 8,
  calls: 1800,
  failed,
  skipped: 0,
  failures: failed ? { 'HTTP 503 UNAVAILABLE': failed } : {},
  retried: 12,
  hedged: 3,
  p50Ms: 4.25,
  p99Ms: 40,
  breakerTrips: 1,
  leaderChanges: 2,
  faults: { kill: 5, pause: 4, restart: 3 },
  faultsByGroup: { store: 4, greeter: 8 },
  problems: [],
});

describe('chaos summary', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });

  it('prints every figure, and the verdict', () => {
    const text = formatSummary(summary(0));
    expect(text).toContain('rerun with --seed 9');
    expect(text).toContain('calls        1800 made, 0 failed');
    expect(text).toContain('gateway      12 retried, 3 hedged');
    expect(text).toContain('latency      p50 4.3 ms, p99 40.0 ms');
    expect(text).toContain('breakers     1 trip observed');
    expect(text).toContain('store        2 leader changes');
    expect(text).toContain('PASS: zero failed calls');
    expect(chaosExitCode(summary(0))).toBe(0);
    expect(formatSummary(summary(2))).toContain('failures     2 x HTTP 503 UNAVAILABLE');
    expect(chaosExitCode(summary(2))).toBe(1);
  });
});
