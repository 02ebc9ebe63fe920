import { HttpStats, LATENCY_WINDOW_MS, percentile } from './http-stats.js';

describe('HttpStats', () => {
  it('counts calls, failures (>= 500) and statuses cumulatively', () => {
    const stats = new HttpStats(() => 0);
    for (const status of [200, 200, 404, 503, 504, 400]) stats.record(status, 1);
    expect(stats.snapshot()).toMatchObject({
      calls: 6,
      failed: 2,
      byStatus: { '200': 2, '400': 1, '404': 1, '503': 1, '504': 1 },
    });
  });

  it('computes p50 and p99 over the last 10 s only, while counters keep everything', () => {
    let now = 0;
    const stats = new HttpStats(() => now);
    for (let i = 1; i <= 100; i++) stats.record(200, i);
    expect(stats.snapshot()).toMatchObject({ calls: 100, p50Ms: 50, p99Ms: 99 });

    now = LATENCY_WINDOW_MS + 1;
    stats.record(200, 7);
    expect(stats.snapshot()).toMatchObject({ calls: 101, p50Ms: 7, p99Ms: 7 });
    now += LATENCY_WINDOW_MS + 1;
    expect(stats.snapshot()).toMatchObject({ calls: 101, p50Ms: 0, p99Ms: 0 });
  });

  it('uses nearest-rank percentiles', () => {
    expect(percentile([], 0.5)).toBe(0);
    expect(percentile([3], 0.99)).toBe(3);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(percentile([1.234, 2], 0.01)).toBe(1.2);
  });
});
