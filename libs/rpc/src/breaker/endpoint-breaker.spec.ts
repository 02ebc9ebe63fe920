import { status } from '@grpc/grpc-js';
import { waitFor } from '@flotilla/testing';
import { resolveRpcConfig } from '../config/rpc-config.js';
import { EndpointBreaker } from './endpoint-breaker.js';

const config = resolveRpcConfig('unit', {
  breaker: { volumeThreshold: 4, errorThresholdPercentage: 50, resetTimeoutMs: 50, windowMs: 1000 },
}).breaker;

describe('EndpointBreaker (opossum driven by attempt outcomes)', () => {
  let breaker: EndpointBreaker;
  afterEach(() => breaker?.shutdown());

  const run = (code: status) => breaker.attemptStarted()(code);

  it('never trips on caller errors', () => {
    breaker = new EndpointBreaker('a', config, () => undefined);
    for (let i = 0; i < 20; i++) run(status.INVALID_ARGUMENT);
    for (let i = 0; i < 20; i++) run(status.NOT_FOUND);
    expect(breaker.state).toBe('closed');
  });

  it('opens past the volume threshold and error percentage, admits one half-open probe, and closes on its success', async () => {
    const changes: string[] = [];
    breaker = new EndpointBreaker('a', config, () => changes.push(breaker.state));
    run(status.UNAVAILABLE);
    run(status.UNAVAILABLE);
    run(status.UNAVAILABLE);
    expect(breaker.state).toBe('closed'); // 3 < volume threshold 4
    run(status.UNAVAILABLE);
    expect(breaker.state).toBe('open');
    expect(breaker.allowsCall(performance.now())).toBe(false);

    await waitFor(() => breaker.state === 'half-open', { timeoutMs: 2000, intervalMs: 5, what: 'half-open' });
    const now = performance.now();
    expect(breaker.allowsCall(now)).toBe(true);
    expect(breaker.wantsProbe(now)).toBe(true);
    const endProbe = breaker.attemptStarted();
    expect(breaker.allowsCall(now)).toBe(false); // one probe at a time
    endProbe(status.OK);
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual(['open', 'half-open', 'closed']);
  });

  it('reopens when the half-open probe fails', async () => {
    breaker = new EndpointBreaker('a', config, () => undefined);
    for (let i = 0; i < 4; i++) run(status.DEADLINE_EXCEEDED);
    await waitFor(() => breaker.state === 'half-open', { timeoutMs: 2000, intervalMs: 5, what: 'half-open' });
    run(status.INTERNAL);
    expect(breaker.state).toBe('open');
  });
});
