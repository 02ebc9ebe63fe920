import { createDiscovery, type Discovery } from '@flotilla/discovery';
import { GreeterService, greeterSchema } from '@flotilla/proto';
import { createClient, type TypedClient } from '@flotilla/rpc';
import {
  type EtcdCluster,
  freePorts,
  REGISTRY_BINARIES,
  startEtcdCluster,
  stopChild,
  waitFor,
} from '@flotilla/testing';
import {
  type GreeterProcess,
  logMessages,
  startGreeter,
  terminate,
} from '../test-support/greeter-processes.js';
import { runLoad } from '../test-support/load.js';

describe.each(REGISTRY_BINARIES)(
  'rolling restart under load (three greeter processes, registry: %s)',
  (binary) => {
    let etcd: EtcdCluster;
    let discovery: Discovery;
    const greeters: GreeterProcess[] = [];
    let client: TypedClient<typeof GreeterService, true> | undefined;

    beforeAll(async () => {
      etcd = await startEtcdCluster({ size: 1, binary });
      discovery = await createDiscovery({ endpoints: etcd.endpoints });
    });
    afterAll(async () => {
      client?.$close();
      await Promise.all(greeters.map((g) => stopChild(g.child, 'SIGKILL')));
      await discovery?.close();
      await etcd?.stop();
    });

    const connected = (count: number) =>
      waitFor(() => client!.$stats().endpoints.filter((e) => e.connectivity === 'READY').length === count, {
        timeoutMs: 20_000,
        what: `the client to be connected to ${count} greeters`,
      });

    it('restarts each of three instances with SIGTERM, one at a time, with 32 concurrent callers and no failed call', async () => {
      const ports = await freePorts(3);
      const start = (i: number) =>
        startGreeter({
          id: `roll-${i}`,
          port: ports[i]!,
          registry: etcd.endpoints.join(','),
          args: ['--drain-ms', '500', '--ttl', '5'],
        });
      greeters.push(...(await Promise.all([0, 1, 2].map(start))));
      client = createClient(GreeterService, 'etcd:///greeter', {
        discovery,
        schemas: [greeterSchema],
        config: { timeoutMs: 5000 },
      });
      await connected(3);

      let stop = false;
      // Partial requests: the schema fills in `count`.
      const load = runLoad(
        32,
        (i) => client!.sayHello({ name: `caller-${i % 32}` }),
        () => stop,
      );
      const restarted: GreeterProcess[] = [];
      try {
        for (let i = 0; i < 3; i++) {
          const before = client.$stats().endpoints.reduce((n, e) => n + e.started, 0);
          await waitFor(() => client!.$stats().endpoints.reduce((n, e) => n + e.started, 0) > before + 300, {
            timeoutMs: 20_000,
            what: 'steady load before the restart',
          });
          const old = greeters[i]!;
          expect(await terminate(old)).toEqual({ code: 0, signal: null });
          restarted.push(old);
          greeters[i] = await start(i);
          await connected(3);
        }
        const before = client.$stats().endpoints.reduce((n, e) => n + e.started, 0);
        await waitFor(() => client!.$stats().endpoints.reduce((n, e) => n + e.started, 0) > before + 300, {
          timeoutMs: 20_000,
          what: 'load on the restarted fleet',
        });
      } finally {
        stop = true;
      }
      const result = await load;
      expect(result.errors.map((e) => `${e.code} ${e.details}`)).toEqual([]);
      expect(result.ok).toBeGreaterThan(1000);
      // Each old instance went through the whole shutdown sequence, in order.
      for (const old of restarted) {
        const steps = logMessages(old)
          .filter((m) => m.startsWith('shutdown '))
          .map((m) => m.split(':')[0]);
        expect(steps).toEqual([
          'shutdown not-serving',
          'shutdown lease-revoked',
          'shutdown drained',
          'shutdown server-closed',
        ]);
      }
      // Every instance took calls after its restart.
      expect(
        client
          .$stats()
          .endpoints.filter((e) => e.started > 0)
          .map((e) => e.address)
          .sort(),
      ).toEqual(greeters.map((g) => g.address).sort());
    }, 180_000);
  },
);
