import { status } from '@grpc/grpc-js';
import { waitFor } from '@flotilla/testing';
import { resolveRpcConfig } from '../config/rpc-config.js';
import { EndpointState } from './endpoint-state.js';

const config = resolveRpcConfig('unit', {
  breaker: { volumeThreshold: 4, errorThresholdPercentage: 50, resetTimeoutMs: 50, windowMs: 1000 },
});

describe('EndpointState', () => {
  let state: EndpointState | undefined;
  afterEach(() => state?.breaker.shutdown());

  it('starts afresh when its breaker closes after a successful probe', async () => {
    const fresh = new EndpointState('fresh', config, () => undefined);
    state = new EndpointState('recovering', config, () => undefined);
    for (let i = 0; i < 6; i++) state.attemptStarted(true)(status.UNAVAILABLE);
    expect(state.breaker.state).toBe('open');
    const now = performance.now();
    expect(state.cost(now)).toBeGreaterThan(fresh.cost(now) * 10); // the error penalty

    await waitFor(() => state!.breaker.state === 'half-open', {
      timeoutMs: 2000,
      intervalMs: 5,
      what: 'half-open',
    });
    const endProbe = state.attemptStarted(true);
    // A slow first reply from a restarted process.
    const slowUntil = performance.now() + 30;
    while (performance.now() < slowUntil) {
      // busy-wait: the probe's measured latency must be real time
    }
    endProbe(status.OK);

    expect(state.breaker.state).toBe('closed');
    const later = performance.now();
    expect(state.cost(later)).toBeCloseTo(fresh.cost(later), 5);
    fresh.breaker.shutdown();
  });

  it('keeps its history while the breaker stays closed', () => {
    state = new EndpointState('steady', config, () => undefined);
    const end = state.attemptStarted(true);
    const slowUntil = performance.now() + 20;
    while (performance.now() < slowUntil) {
      // busy-wait for a measurable latency
    }
    end(status.OK);
    expect(state.ewmaMs(performance.now())).toBeGreaterThan(10);
  });
});
