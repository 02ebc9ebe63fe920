import type { ServerCalls } from './server-calls.js';
import { type InstanceScrape, ServiceSeries } from './service-series.js';

/** Cumulative counts: `fast` calls took <= 10 ms, the rest <= 100 ms. */
function calls(total: number, errors: number, fast: number): ServerCalls {
  return {
    calls: total,
    errors,
    buckets: [
      { le: 0.01, count: fast },
      { le: 0.1, count: total },
      { le: Infinity, count: total },
    ],
  };
}

const scrape = (service: string, instanceId: string, c: ServerCalls, pid = 100): InstanceScrape => ({
  service,
  instanceId,
  pid,
  calls: c,
});

describe('ServiceSeries', () => {
  it('needs two scrapes of an instance for a sample', () => {
    expect(new ServiceSeries().update(1000, [scrape('greeter', 'greeter-1', calls(5, 0, 5))])).toEqual({});
  });

  it('sums every instance of a service: requests and errors per second, p99 of their calls together', () => {
    const series = new ServiceSeries();
    series.update(1000, [
      scrape('greeter', 'greeter-1', calls(100, 0, 100)),
      scrape('greeter', 'greeter-2', calls(50, 0, 50)),
      scrape('translator', 'translator-1', calls(10, 0, 10)),
    ]);
    const samples = series.update(3000, [
      // 2 s later: greeter-1 served 100 more, all fast; greeter-2 100 more, 10 slow, 4 failed.
      scrape('greeter', 'greeter-1', calls(200, 0, 200)),
      scrape('greeter', 'greeter-2', calls(150, 4, 140)),
      scrape('translator', 'translator-1', calls(10, 0, 10)),
    ]);
    // 200 calls in 2 s; 10 of them slow: rank 198 is the 8th of the 10 in (10, 100] ms.
    expect(samples['greeter']?.rate).toBe(100);
    expect(samples['greeter']?.errors).toBe(2);
    expect(samples['greeter']?.p99Ms).toBeCloseTo(10 + 90 * (8 / 10), 6);
    // An idle service has a zero rate and no latency to show.
    expect(samples['translator']).toEqual({ rate: 0, errors: 0, p99Ms: null });
  });

  it('counts a restarted instance (new pid) from zero, not as negative traffic', () => {
    const series = new ServiceSeries();
    series.update(1000, [scrape('greeter', 'greeter-1', calls(500, 0, 500), 100)]);
    const samples = series.update(2000, [scrape('greeter', 'greeter-1', calls(30, 0, 30), 200)]);
    expect(samples['greeter']?.rate).toBe(30);
  });

  it('spreads the calls of an instance that missed a scrape over the time since its last one', () => {
    const series = new ServiceSeries();
    series.update(1000, [
      scrape('greeter', 'greeter-1', calls(0, 0, 0)),
      scrape('greeter', 'greeter-2', calls(0, 0, 0)),
    ]);
    series.update(2000, [scrape('greeter', 'greeter-1', calls(10, 0, 10))]);
    const samples = series.update(5000, [
      scrape('greeter', 'greeter-1', calls(40, 0, 40)),
      scrape('greeter', 'greeter-2', calls(40, 0, 40)),
    ]);
    // greeter-1: 30 calls in 3 s; greeter-2: 40 calls in 4 s.
    expect(samples['greeter']?.rate).toBe(20);
  });

  it('keeps the p99 to the calls of the last window', () => {
    const series = new ServiceSeries(10_000);
    series.update(0, [scrape('greeter', 'greeter-1', calls(0, 0, 0))]);
    // Slow calls first, then only fast ones.
    expect(
      series.update(1000, [scrape('greeter', 'greeter-1', calls(100, 0, 0))])['greeter']?.p99Ms,
    ).toBeCloseTo(10 + 90 * 0.99, 6);
    expect(
      series.update(9000, [scrape('greeter', 'greeter-1', calls(200, 0, 100))])['greeter']?.p99Ms,
    ).toBeCloseTo(10 + 90 * ((198 - 100) / 100), 6);
    // 12 s on, the slow calls of t=1 s have left the window.
    expect(
      series.update(12_000, [scrape('greeter', 'greeter-1', calls(300, 0, 200))])['greeter']?.p99Ms,
    ).toBeCloseTo(10 * 0.99, 6);
    // Nothing served in the last 10 s: no p99.
    expect(
      series.update(23_000, [scrape('greeter', 'greeter-1', calls(300, 0, 200))])['greeter']?.p99Ms,
    ).toBeNull();
  });
});
