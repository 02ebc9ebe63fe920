import { type GreeterFleet, greeterClient, startGreeterFleet } from '../test-support/greeter-fleet.js';
import { forCalls, runLoad } from '../test-support/load.js';

describe('p2c_ewma steers away from a slow instance', () => {
  let fleet: GreeterFleet;

  beforeAll(async () => {
    // Far slower than the others even when a loaded machine (CI runs tests two at a time) slows
    // every instance by tens of ms; with 50 ms the fast ones were sometimes no faster there.
    fleet = await startGreeterFleet(3, (i) => (i === 2 ? { GREETER_DELAY_MS: '200' } : {}));
  });
  afterAll(async () => {
    await fleet?.stop();
  });

  it('sends the instance with 200 ms extra latency less than 10% of calls under steady load', async () => {
    const client = await greeterClient(fleet);
    try {
      const slow = fleet.instances[2]!.address;
      const started = () => {
        const endpoints = client.$stats().endpoints;
        return {
          slow: endpoints.find((e) => e.address === slow)!.started,
          all: endpoints.reduce((n, e) => n + e.started, 0),
        };
      };
      // Warm up (the first calls teach the EWMA), then measure steady state.
      await runLoad(8, (i) => client.sayHello({ name: `w${i}`, count: 0 }), forCalls(300));
      const before = started();
      const result = await runLoad(8, (i) => client.sayHello({ name: `p${i}`, count: 0 }), forCalls(3000));
      const after = started();
      expect(result.errors).toEqual([]);
      const share = (after.slow - before.slow) / (after.all - before.all);
      expect(after.all - before.all).toBe(3000);
      expect(share).toBeLessThan(0.1);
    } finally {
      client.$close();
    }
  });

  it('hedges an idempotent call to another instance when the first is slow', async () => {
    const client = await greeterClient(fleet, {
      config: {
        policy: 'round_robin',
        hedging: { delayMs: 10, maxAttempts: 2 },
        methods: { SayHello: { hedging: true } },
      },
    });
    try {
      const result = await runLoad(1, (i) => client.sayHello({ name: `h${i}`, count: 0 }), forCalls(60));
      expect(result.errors).toEqual([]);
      // Round robin sends a third of first attempts to the slow instance; hedges answer them early.
      expect(client.$stats().hedges).toBeGreaterThanOrEqual(15);
      expect(result.latenciesMs.filter((ms) => ms >= 50).length).toBeLessThanOrEqual(3);
    } finally {
      client.$close();
    }
  });
});
