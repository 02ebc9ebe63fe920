import { GreeterService } from '@flotilla/proto';
import { waitFor } from '@flotilla/testing';
import type { TypedClient } from '../client/client-types.js';
import type { ServiceRpcConfig } from '../config/rpc-config.js';
import { type GreeterFleet, greeterClient, startGreeterFleet } from '../test-support/greeter-fleet.js';
import { runLoad } from '../test-support/load.js';

const BREAKER = {
  windowMs: 2000,
  windowBuckets: 10,
  volumeThreshold: 5,
  errorThresholdPercentage: 50,
  resetTimeoutMs: 1500,
};

describe('per-endpoint circuit breaker (three greeters, one answering UNAVAILABLE)', () => {
  let fleet: GreeterFleet;
  let client: TypedClient<typeof GreeterService>;
  const faults = new Map<number, NodeJS.ProcessEnv>([[1, { GREETER_FAULT: 'unavailable' }]]);

  beforeAll(async () => {
    fleet = await startGreeterFleet(3, (i) => faults.get(i) ?? {});
    const config: ServiceRpcConfig = { breaker: BREAKER, timeoutMs: 5000 };
    client = await greeterClient(fleet, { config });
  });
  afterAll(async () => {
    client?.$close();
    await fleet?.stop();
  });

  it('opens within the window, sends nothing while open, and closes again after the endpoint recovers', async () => {
    const faulty = fleet.instances[1]!.address;
    const endpoint = () => client.$stats().endpoints.find((e) => e.address === faulty)!;
    let stop = false;
    const load = runLoad(
      8,
      (i) => client.sayHello({ name: `b${i}`, count: 0 }),
      () => stop,
    );
    try {
      // 1. Opens within the configured window.
      const loadStarted = performance.now();
      await waitFor(() => endpoint().breaker === 'open', {
        timeoutMs: BREAKER.windowMs,
        intervalMs: 10,
        what: `the breaker of ${faulty} to open`,
      });
      expect(performance.now() - loadStarted).toBeLessThan(BREAKER.windowMs);
      expect(endpoint().failed).toBeGreaterThanOrEqual(BREAKER.volumeThreshold / 2);

      // 2. No traffic while open (measured from just after opening, so attempts already on their way are not counted).
      await new Promise((resolve) => setTimeout(resolve, 50));
      const { started: whileOpen, probes: probesBefore } = endpoint();
      const othersBefore = client
        .$stats()
        .endpoints.filter((e) => e.address !== faulty)
        .reduce((n, e) => n + e.started, 0);
      await waitFor(() => endpoint().breaker !== 'open' || performance.now() - loadStarted > 10_000, {
        timeoutMs: 10_000,
        intervalMs: 5,
        what: 'the breaker to leave open',
      });
      // It left `open` for half-open: meanwhile it got nothing but half-open probes (one per reset
      // timeout; a fast-failing probe can take it from half-open back to open between two polls, so
      // count the probes rather than assume one), while the others kept working.
      const stats = client.$stats().endpoints;
      const othersAfter = stats.filter((e) => e.address !== faulty).reduce((n, e) => n + e.started, 0);
      const after = stats.find((e) => e.address === faulty)!;
      expect(othersAfter - othersBefore).toBeGreaterThan(50);
      expect(after.started - whileOpen).toBe(after.probes - probesBefore);

      // 3. Still faulty: the half-open probe fails and the breaker opens again.
      await waitFor(() => endpoint().breaker === 'open', {
        timeoutMs: 5000,
        intervalMs: 5,
        what: 'the failed probe to reopen the breaker',
      });

      // 4. Recovery: the instance comes back healthy; the next probe succeeds, the breaker closes, traffic returns.
      await fleet.kill(1);
      faults.delete(1);
      await fleet.start(1);
      await waitFor(() => endpoint().breaker === 'closed', {
        timeoutMs: 15_000,
        intervalMs: 10,
        what: `the breaker of ${faulty} to close`,
      });
      const atClose = endpoint().started;
      await waitFor(() => endpoint().started - atClose > 100, {
        timeoutMs: 10_000,
        what: `${faulty} to get traffic again`,
      });
    } finally {
      stop = true;
    }
    const result = await load;
    // Idempotent SayHello: every failure on the faulty instance was retried elsewhere.
    expect(result.errors.map((e) => `${e.code} ${e.details}`)).toEqual([]);
    expect(result.ok).toBeGreaterThan(500);
  });
});
