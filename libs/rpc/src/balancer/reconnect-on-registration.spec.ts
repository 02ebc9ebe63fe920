import { GreeterService } from '@flotilla/proto';
import { waitFor } from '@flotilla/testing';
import type { TypedClient } from '../client/client-types.js';
import { type GreeterFleet, greeterClient, startGreeterFleet } from '../test-support/greeter-fleet.js';

// A restarted instance registers again. The balancer must take that as "it is up" and reconnect
// at once, not when the reconnect backoff from its downtime runs out (grpc-js: up to 2 minutes).
describe('reconnect on re-registration (real greeter, real etcd)', () => {
  let fleet: GreeterFleet;
  let client: TypedClient<typeof GreeterService>;

  beforeAll(async () => {
    fleet = await startGreeterFleet(1);
    client = await greeterClient(fleet, {
      config: { timeoutMs: 5000 },
      // A backoff far longer than the test: only the re-registration can bring the endpoint back.
      channelOptions: {
        'grpc.initial_reconnect_backoff_ms': 120_000,
        'grpc.max_reconnect_backoff_ms': 120_000,
      },
    });
  });
  afterAll(async () => {
    client?.$close();
    await fleet?.stop();
  });

  it('connects to a restarted instance as soon as its new registration arrives', async () => {
    const address = fleet.instances[0]!.address;
    // Killed without deregistering: its key stays (lease TTL 5 s) while the client backs off.
    await fleet.kill(0, 'SIGKILL');
    await waitFor(
      () =>
        client.$stats().endpoints.find((e) => e.address === address)?.connectivity === 'TRANSIENT_FAILURE',
      { timeoutMs: 10_000, what: 'the client to fail to reconnect and back off' },
    );
    const revisionBefore = (await fleet.discovery.list('greeter'))[0]?.revision;

    await fleet.start(0);
    const registered = await fleet.discovery.list('greeter');
    expect(registered.map((e) => e.address)).toEqual([address]);
    expect(registered[0]?.revision).not.toBe(revisionBefore);
    await waitFor(
      () => client.$stats().endpoints.find((e) => e.address === address)?.connectivity === 'READY',
      { timeoutMs: 15_000, what: 'the client to reconnect to the re-registered instance' },
    );
    await expect(client.sayHello({ name: 'again', count: 0 })).resolves.toMatchObject({
      message: expect.stringContaining('again'),
    });
  });
});
