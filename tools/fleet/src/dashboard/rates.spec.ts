import { RateTracker } from './rates.js';
import type { GatewayStats } from './sources/gateway-stats.js';

const endpoint = (address: string, started: number, failed: number, ewmaMs: number) => ({
  address,
  breaker: 'closed',
  ewmaMs,
  inflight: 0,
  started,
  succeeded: started - failed,
  failed,
});

function stats(calls: number, failed: number, endpoints: ReturnType<typeof endpoint>[]): GatewayStats {
  return {
    service: 'gateway',
    instanceId: 'gateway-1',
    http: { calls, failed, byStatus: {}, p50Ms: 2, p99Ms: 9 },
    clients: [
      { service: 'greeter', endpoints, retries: 0, transparentRetries: 0, hedges: 0, retriesThrottled: 0 },
    ],
  };
}

describe('RateTracker', () => {
  it('needs two samples for a rate', () => {
    expect(new RateTracker().update(1000, stats(10, 0, []))).toBeUndefined();
  });

  it("turns counter growth into per-second rates: the gateway's own, and each client endpoint's", () => {
    const tracker = new RateTracker();
    tracker.update(1000, stats(100, 1, [endpoint('a:1', 60, 0, 2), endpoint('b:2', 40, 0, 4)]));
    const rates = tracker.update(
      3000,
      stats(300, 5, [endpoint('a:1', 160, 2, 3), endpoint('b:2', 140, 0, 6)]),
    );
    expect(rates?.service).toBe('gateway');
    expect(rates?.sample).toEqual({ rate: 100, errors: 2, p99Ms: 9 });
    // 100 calls to each endpoint over 2 s.
    expect(rates?.endpointRates.get('greeter a:1')).toBe(50);
    expect(rates?.endpointRates.get('greeter b:2')).toBe(50);
  });

  it('treats a counter that went down as started again (a restarted gateway), not as negative traffic', () => {
    const tracker = new RateTracker();
    tracker.update(1000, stats(500, 0, [endpoint('a:1', 500, 0, 2)]));
    const rates = tracker.update(2000, stats(20, 0, [endpoint('a:1', 20, 0, 2)]));
    expect(rates?.sample.rate).toBe(20);
    expect(rates?.endpointRates.get('greeter a:1')).toBe(20);
  });
});
