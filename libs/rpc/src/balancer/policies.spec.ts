import type { PolicyName } from '../config/rpc-config.js';
import { type GreeterFleet, greeterClient, startGreeterFleet } from '../test-support/greeter-fleet.js';

const WEIGHTS = [1, 2, 5];

describe('round_robin and weighted policies (weights from the etcd registry metadata)', () => {
  let fleet: GreeterFleet;

  beforeAll(async () => {
    fleet = await startGreeterFleet(
      3,
      () => ({}),
      (i) => ['--weight', String(WEIGHTS[i])],
    );
  });
  afterAll(async () => {
    await fleet?.stop();
  });

  async function spread(policy: PolicyName, calls: number): Promise<number[]> {
    const client = await greeterClient(fleet, { config: { policy } });
    try {
      for (let i = 0; i < calls; i++) await client.sayHello({ name: `r${i}`, count: 0 });
      const byAddress = new Map(client.$stats().endpoints.map((e) => [e.address, e]));
      expect(fleet.instances.map((g) => byAddress.get(g.address)!.weight)).toEqual(WEIGHTS);
      return fleet.instances.map((g) => byAddress.get(g.address)!.started);
    } finally {
      client.$close();
    }
  }

  it('round_robin spreads calls evenly, ignoring weights', async () => {
    expect(await spread('round_robin', 300)).toEqual([100, 100, 100]);
  });

  it('weighted spreads calls in proportion to the registered weights', async () => {
    expect(await spread('weighted', 800)).toEqual([100, 200, 500]);
  });
});
