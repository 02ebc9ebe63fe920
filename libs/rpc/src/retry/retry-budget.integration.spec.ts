import { status } from '@grpc/grpc-js';
import { type GreeterFleet, greeterClient, startGreeterFleet } from '../test-support/greeter-fleet.js';
import { forCalls, runLoad } from '../test-support/load.js';

describe('retry budget with every instance failing (real greeters answering UNAVAILABLE)', () => {
  let fleet: GreeterFleet;

  beforeAll(async () => {
    fleet = await startGreeterFleet(3, () => ({ GREETER_FAULT: 'unavailable' }));
  });
  afterAll(async () => {
    await fleet?.stop();
  });

  it('keeps total attempts within the budget: calls + maxTokens / 2, far below maxAttempts x calls', async () => {
    const maxTokens = 10;
    const calls = 200;
    const client = await greeterClient(fleet, {
      // Breakers off, so that every attempt really goes to a server and is counted.
      config: {
        breaker: { enabled: false },
        retry: { maxAttempts: 5, initialBackoffMs: 1 },
        retryBudget: { maxTokens, tokenRatio: 0.1 },
      },
    });
    try {
      const result = await runLoad(4, (i) => client.sayHello({ name: `f${i}`, count: 0 }), forCalls(calls));
      expect(result.ok).toBe(0);
      expect(result.errors).toHaveLength(calls);
      expect(result.errors.every((e) => e.code === status.UNAVAILABLE)).toBe(true);
      const stats = client.$stats();
      const attempts = stats.endpoints.reduce((n, e) => n + e.started, 0);
      expect(stats.retries).toBeGreaterThan(0);
      expect(stats.retriesThrottled).toBeGreaterThan(0);
      expect(attempts).toBe(calls + stats.retries);
      expect(attempts).toBeLessThanOrEqual(calls + maxTokens / 2);
    } finally {
      client.$close();
    }
  });
});
