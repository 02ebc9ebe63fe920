import { waitFor } from '@flotilla/testing';
import type { Discovery } from '../discovery.js';
import { registerEtcdResolver } from '../grpc/resolver-etcd.js';
import type { ServiceEndpoint } from '../naming/endpoint-codec.js';
import type { Registration } from '../registrar/registrar.js';
import { greeterClient, sayHello, startInProcessGreeter } from './in-process-greeter.js';

/**
 * The whole round trip through one Discovery: watch an empty service, register two real grpc-js
 * servers, see both in the watch and in list(), round-robin over both through a channel dialling
 * `<scheme>:///<service>`, deregister one and see the watch shrink. Tears down everything it made.
 * `scheme` must be unique per call: grpc-js keeps one resolver per scheme for the whole process.
 */
export async function exerciseDiscovery(
  discovery: Discovery,
  service: string,
  scheme: string,
): Promise<void> {
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const sets: ServiceEndpoint[][] = [];
    const watch = discovery.watch(service);
    const watching = (async () => {
      for await (const set of watch) sets.push(set);
    })();
    cleanups.push(async () => {
      await watch.return?.();
      await watching;
    });
    await waitFor(() => sets.length >= 1, { timeoutMs: 5000, what: `the first set of "${service}"` });
    expect(sets[0]).toEqual([]);

    const servers = await Promise.all(['a', 'b'].map((id) => startInProcessGreeter(`${service}-${id}`)));
    cleanups.push(() => Promise.all(servers.map((s) => s.close())));
    const registrations: Registration[] = [];
    for (const [i, server] of servers.entries()) {
      const registration = await discovery.register({
        service,
        instanceId: `i-${i}`,
        address: server.address,
        metadata: { zone: 'z1' },
        ttl: 5,
      });
      cleanups.push(() => registration.deregister());
      registrations.push(registration);
    }
    // Not asserted at once: with a dead etcd member listed, a keepalive stream that lands on it
    // fails and the registration shows `retrying` for a backoff step before it lands elsewhere.
    await waitFor(() => registrations.every((r) => r.state === 'registered'), {
      timeoutMs: 3000,
      what: 'both registrations to be registered',
    });

    await waitFor(() => sets.at(-1)?.length === 2, { timeoutMs: 3000, what: 'both instances in the watch' });
    expect(await discovery.list(service)).toEqual(
      servers.map((server, i) => ({
        service,
        instanceId: `i-${i}`,
        address: server.address,
        metadata: { zone: 'z1' },
        key: `${discovery.prefix}/${service}/i-${i}`,
        revision: expect.stringMatching(/^\d+$/),
      })),
    );

    registerEtcdResolver(discovery, { scheme });
    const client = greeterClient(`${scheme}:///${service}`);
    cleanups.push(async () => client.close());
    const replies = new Set<string>();
    for (let i = 0; i < 10; i++) replies.add((await sayHello(client, 'x')).message);
    expect([...replies].sort()).toEqual([`Hello x from ${service}-a`, `Hello x from ${service}-b`]);

    await registrations[0]!.deregister();
    await waitFor(() => sets.at(-1)?.length === 1, {
      timeoutMs: 3000,
      what: 'instance i-0 to leave the watch',
    });
    expect(sets.at(-1)?.map((e) => e.instanceId)).toEqual(['i-1']);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}
