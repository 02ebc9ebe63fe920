import { createDiscovery, type Discovery } from '@flotilla/discovery';
import { GreeterService, greeterSchema } from '@flotilla/proto';
import { createClient, type TypedClient } from '@flotilla/rpc';
import { type EtcdCluster, freePorts, startEtcdCluster, stopChild, waitFor } from '@flotilla/testing';
import { type GreeterProcess, startGreeter } from '../test-support/greeter-processes.js';
import { type LoadResult, runLoad } from '../test-support/load.js';

describe('adaptive load shedding (three greeter processes, one saturated; real etcd)', () => {
  let etcd: EtcdCluster;
  let discovery: Discovery;
  const greeters: GreeterProcess[] = [];
  let client: TypedClient<typeof GreeterService, true> | undefined;

  beforeAll(async () => {
    etcd = await startEtcdCluster({ size: 1 });
    discovery = await createDiscovery({ endpoints: etcd.endpoints });
  });
  afterAll(async () => {
    client?.$close();
    await Promise.all(greeters.map((g) => stopChild(g.child, 'SIGKILL')));
    await discovery?.close();
    await etcd?.stop();
  });

  it('sheds on the saturated instance with RESOURCE_EXHAUSTED, and callers see no failure: shed calls go elsewhere', async () => {
    const ports = await freePorts(3);
    greeters.push(
      ...(await Promise.all(
        [0, 1, 2].map((i) =>
          startGreeter({
            id: `shed-${i}`,
            port: ports[i]!,
            registry: etcd.endpoints.join(','),
            args: ['--drain-ms', '0'],
            // Instance 0 is slow and CPU-bound: 5 ms of event-loop work and a 40 ms wait per call,
            // so it can take about 200 calls/s while round robin sends it a third of the load.
            env: i === 0 ? { GREETER_BUSY_MS: '5', GREETER_DELAY_MS: '40' } : {},
          }),
        ),
      )),
    );
    client = createClient(GreeterService, 'etcd:///greeter', {
      discovery,
      schemas: [greeterSchema],
      // Round robin keeps sending the slow instance its share, as a latency-blind balancer would;
      // breakers off, so only shedding protects it.
      config: { policy: 'round_robin', timeoutMs: 10_000, breaker: { enabled: false } },
    });
    await waitFor(() => client!.$stats().endpoints.filter((e) => e.connectivity === 'READY').length === 3, {
      timeoutMs: 20_000,
      what: 'the client to connect to all three greeters',
    });

    let stop = false;
    const progress: LoadResult = { ok: 0, errors: [] };
    const load = runLoad(
      32,
      (i) => client!.sayHello({ name: `c${i}` }),
      () => stop,
      progress,
    );
    try {
      await waitFor(() => greeters[0]!.output().includes('shedding load'), {
        timeoutMs: 30_000,
        what: 'the saturated instance to shed',
      });
      // Keep the load on for 1000 more calls, shedding all along.
      const shedAt = progress.ok;
      await waitFor(() => progress.ok >= shedAt + 1000, { timeoutMs: 90_000, what: '1000 more calls' });
    } finally {
      stop = true;
    }
    const result = await load;
    expect(result.errors.map((e) => `${e.code} ${e.details}`)).toEqual([]);
    // The shed calls were retried on another instance.
    expect(client.$stats().transparentRetries).toBeGreaterThan(0);
  }, 180_000);
});
