import { status } from '@grpc/grpc-js';
import { GreeterService } from '@flotilla/proto';
import { waitFor } from '@flotilla/testing';
import type { TypedClient } from '../client/client-types.js';
import { type GreeterFleet, greeterClient, startGreeterFleet } from '../test-support/greeter-fleet.js';
import { runLoad } from '../test-support/load.js';

describe('failover: instances dying under load (real greeters, real etcd)', () => {
  let fleet: GreeterFleet;
  let client: TypedClient<typeof GreeterService>;

  beforeAll(async () => {
    fleet = await startGreeterFleet(3);
    client = await greeterClient(fleet, { config: { timeoutMs: 5000 } });
  });
  afterAll(async () => {
    client?.$close();
    await fleet?.stop();
  });

  it('loses no call when one of three instances is SIGKILLed under 32 concurrent callers', async () => {
    let stop = false;
    let killed = false;
    const victim = fleet.instances[1]!;
    const load = runLoad(
      32,
      (i) => client.sayHello({ name: `c${i}`, count: 0 }),
      () => stop,
    );
    // Kill mid-load, once every instance is busy.
    await waitFor(() => client.$stats().endpoints.every((e) => e.started > 200), {
      timeoutMs: 20_000,
      what: 'steady load on all three',
    });
    await fleet.kill(1, 'SIGKILL');
    killed = true;
    const startedAtKill = client.$stats().endpoints.find((e) => e.address === victim.address)!.started;
    // Keep the load going well past the kill: the survivors must absorb it.
    await waitFor(
      () => {
        const s = client.$stats().endpoints.filter((e) => e.address !== victim.address);
        return s.every((e) => e.started > 1500);
      },
      { timeoutMs: 30_000, what: 'load to continue on the survivors' },
    );
    stop = true;
    const result = await load;
    const stats = client.$stats();
    // Absent when its registration expired meanwhile (a slow run): then it got no picks at all.
    const victimAfter = stats.endpoints.find((e) => e.address === victim.address);
    expect(killed).toBe(true);
    expect(result.errors.map((e) => `${e.code} ${e.details}`)).toEqual([]);
    expect(result.ok).toBeGreaterThan(3000);
    // The dead instance got (almost) nothing after the kill: only attempts already on their way.
    expect((victimAfter?.started ?? startedAtKill) - startedAtKill).toBeLessThan(40);
    expect(victimAfter?.connectivity ?? 'deregistered').not.toBe('READY');
  });

  it('fails fast with UNAVAILABLE naming the service and every endpoint when all instances are down', async () => {
    await Promise.all([fleet.kill(0), fleet.kill(2)]);
    await waitFor(() => client.$stats().endpoints.every((e) => e.connectivity !== 'READY'), {
      timeoutMs: 5000,
      what: 'the client to see every endpoint down',
    });
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      const error = await client.sayHello({ name: 'x', count: 0 }, { timeoutMs: 5000 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      const elapsed = performance.now() - started;
      expect(error).toMatchObject({ code: status.UNAVAILABLE });
      const details = (error as { details: string }).details;
      expect(details).toMatch(/^greeter: no endpoint is reachable/);
      // Every endpoint the client still knows (the one killed earlier may have expired from etcd).
      const known = client.$stats().endpoints.map((e) => e.address);
      expect(known.length).toBeGreaterThanOrEqual(2);
      for (const address of known) expect(details).toContain(`${address} TRANSIENT_FAILURE breaker`);
      expect(elapsed).toBeLessThan(100);
    }
  });
});
