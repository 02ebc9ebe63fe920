import { Etcd3 } from 'etcd3';
import { isProcessAlive } from '@flotilla/testing';
import { FleetRun, greeterService, type PublishedState, type ServiceEntry } from './support/fleet-harness.js';

const translator: ServiceEntry = {
  name: 'translator',
  project: 'translator',
  main: 'apps/translator/dist/main.js',
  instances: 2,
  port: { mode: 'free' },
};
const gateway: ServiceEntry = {
  name: 'gateway',
  project: 'gateway',
  main: 'apps/gateway/dist/main.js',
  kind: 'http',
  instances: 1,
  // A free port: CI may run something on 8080.
  port: { mode: 'free' },
  dependsOn: ['greeter'],
};

/** The store member that leads, asked of every member (etcd's Maintenance.Status). */
async function storeLeader(state: PublishedState): Promise<PublishedState['store'][number]> {
  const statuses = await Promise.all(
    state.store.map(async (m) => {
      const client = new Etcd3({ hosts: m.address, dialTimeout: 2000 });
      try {
        const s = await client.maintenance.status();
        return { member: m, id: s.header.member_id, leader: s.leader };
      } finally {
        client.close();
      }
    }),
  );
  const leader = statuses.find((s) => s.id === s.leader && statuses.every((o) => o.leader === s.leader));
  if (!leader)
    throw new Error(
      `the members do not agree on a leader: ${JSON.stringify(statuses.map((s) => [s.member.name, s.id, s.leader]))}`,
    );
  return leader.member;
}

/** Calls GET /hello/Ada?lang=fr back to back until stopped, counting answers by status. */
function keepCalling(url: string) {
  const byStatus = new Map<string, number>();
  const failures: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      let outcome: string;
      try {
        const response = await fetch(`${url}/hello/Ada?lang=fr`, { signal: AbortSignal.timeout(10_000) });
        outcome = String(response.status);
        const body = await response.text();
        if (response.status !== 200) failures.push(`${response.status} ${body}`);
      } catch (error) {
        outcome = 'network';
        failures.push(`network: ${(error as Error).message}`);
      }
      byStatus.set(outcome, (byStatus.get(outcome) ?? 0) + 1);
    }
  })();
  return {
    calls: () => [...byStatus.values()].reduce((a, b) => a + b, 0),
    stop: async () => {
      running = false;
      await loop;
      return { byStatus: Object.fromEntries(byStatus), failures };
    },
  };
}

describe('the fleet test: a reduced fleet with a gateway survives a greeter and the store leader dying', () => {
  let fleet: FleetRun | undefined;
  afterEach(async () => {
    await fleet?.teardown();
    fleet = undefined;
  });

  it('answers every gateway call while a greeter and the store leader are SIGKILLed, then stops leaving nothing', async () => {
    fleet = new FleetRun({
      store: { members: 3 },
      services: [translator, greeterService(2, { dependsOn: ['translator'] }), gateway],
    });
    fleet.start();
    const state = await fleet.ready(120_000);
    const url = state.gateway;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // The ready message: the gateway, the dashboard and an example call to paste.
    const output = fleet.output();
    expect(output).toContain(`gateway:   ${url}`);
    expect(output).toContain(`dashboard: ${state.dashboard}`);
    expect(output).toContain(`curl '${url}/hello/Ada?lang=fr'`);
    expect((await fetch(state.dashboard!)).status).toBe(200);

    const first = await fetch(`${url}/hello/Ada?lang=fr`);
    expect(first.status).toBe(200);
    expect(((await first.json()) as { message: string }).message).toContain('Ada');

    const load = keepCalling(url!);
    const waitCalls = async (n: number) => {
      const target = load.calls() + n;
      while (load.calls() < target) await new Promise((resolve) => setTimeout(resolve, 50));
    };
    await waitCalls(20);

    // A greeter dies (through the fleet's control API, as chaos does it).
    await fleet.ok('kill', 'greeter-1');
    await waitCalls(50);

    // The store's leader dies outright, behind the fleet's back.
    const leader = await storeLeader(state);
    process.kill(leader.pid, 'SIGKILL');
    // Long enough for a new leader and for the dead greeter's lease to expire.
    await new Promise((resolve) => setTimeout(resolve, 8000));
    await waitCalls(50);
    const result = await load.stop();

    expect(result.failures).toEqual([]);
    expect(Object.keys(result.byStatus)).toEqual(['200']);
    expect(fleet.state().store.find((m) => m.name === leader.name)?.state).toBe('exited');
    const stats = (await (await fetch(`${url}/_flotilla/stats`)).json()) as {
      http: { failed: number; calls: number };
    };
    expect(stats.http.failed).toBe(0);
    expect(stats.http.calls).toBeGreaterThanOrEqual(result.byStatus['200']!);

    const pids = fleet.alive();
    expect(await fleet.stop('SIGINT')).toEqual({ code: 0, signal: null });
    expect(pids.filter(isProcessAlive)).toEqual([]);
    expect(fleet.alive()).toEqual([]);
    expect(fleet.output()).not.toContain('\u001b[');
  }, 240_000);
});
